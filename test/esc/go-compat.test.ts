import { describe, expect, it } from 'vitest';
import { compareGoStrings, decodeGoBase64, formatGoFloat, goQuote } from '../../src/esc/go-compat.js';

describe('formatGoFloat matches strconv.FormatFloat(f, g, -1, 64)', () => {
  it.each([
    [0, '0'],
    [1.5, '1.5'],
    [2, '2'],
    [1000, '1000'],
    [123456, '123456'],
    [1000000, '1e+06'],
    [1000000.5, '1.0000005e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
    [3.14, '3.14'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
  ])('%s -> %s', (f, want) => expect(formatGoFloat(f)).toBe(want));
});

describe('goQuote matches strconv.Quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['héllo ✓ 世界', '"héllo ✓ 世界"'],
    ['\x01', '"\\x01"'],
    ['\u200b', '"\\u200b"'],
  ])('%j', (s, want) => expect(goQuote(s)).toBe(want));
});

describe('decodeGoBase64 is as strict as encoding/base64', () => {
  it('decodes padded input', () => expect(Buffer.from(decodeGoBase64('aGVsbG8=')).toString()).toBe('hello'));
  it('ignores newlines', () => expect(Buffer.from(decodeGoBase64('aGVs\nbG8=')).toString()).toBe('hello'));
  it.each([
    ['not*base64', 'illegal base64 data at input byte 3'],
    ['aGVsbG8', 'illegal base64 data at input byte 4'],
    ['aGVsbG8=x', 'illegal base64 data at input byte 8'],
    ['a===', 'illegal base64 data at input byte 1'],
    ['aG=', 'illegal base64 data at input byte 3'],
  ])('%j fails with %j', (s, msg) => expect(() => decodeGoBase64(s)).toThrow(msg));
});

describe('compareGoStrings orders by UTF-8 bytes', () => {
  it('sorts digits, upper, lower, then non-ASCII', () => {
    expect(['b', 'B', 'é', '1', 'a'].sort(compareGoStrings)).toEqual(['1', 'B', 'a', 'b', 'é']);
  });
  it('puts astral characters after BMP ones, as UTF-8 does', () => {
    expect(['𐀀', '\uffff'].sort(compareGoStrings)).toEqual(['\uffff', '𐀀']);
  });
});

