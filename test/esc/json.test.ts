import { describe, expect, it } from 'vitest';
import { decodeGoJson, marshalGoJson } from '../../src/esc/json.js';
import { exportedFromPlain, exportedToPlain, NumberValue } from '../../src/esc/value.js';

describe('decodeGoJson', () => {
  it('keeps number text', () => {
    const e = decodeGoJson('[1.50, -3e2, 10]', false);
    expect((e.value as { value: NumberValue }[]).map((x) => x.value.text)).toEqual(['1.50', '-3e2', '10']);
  });
  it('marks every node secret when asked', () => {
    const e = decodeGoJson('{"a": [1]}', true);
    expect(e.secret).toBe(true);
    const a = (e.value as Record<string, { secret: boolean; value: { secret: boolean }[] }>).a!;
    expect(a.secret && a.value[0]!.secret).toBe(true);
  });
  it('reads only the first value, as json.Decoder does', () => expect(exportedToPlain(decodeGoJson('{"a":1} trailing', false))).toEqual({ a: 1 }));
  it('keeps "__proto__" as a plain key', () => {
    const v = exportedToPlain(decodeGoJson('{"__proto__": {"x": 1}}', false)) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it.each([
    ['{not json', "invalid character 'n' looking for beginning of object key string"],
    ['', 'EOF'],
    ['[1,', 'unexpected EOF'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['tru', 'unexpected EOF'],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['?', "invalid character '?' looking for beginning of value"],
  ])('%j fails with %j', (text, msg) => expect(() => decodeGoJson(text, false)).toThrow(msg));
});

describe('marshalGoJson', () => {
  it('sorts keys, keeps number text and escapes HTML', () => {
    const e = exportedFromPlain({ z: new NumberValue('1.50'), a: '<&>', m: [true, null] });
    expect(marshalGoJson(e)).toBe('{"a":"\\u003c\\u0026\\u003e","m":[true,null],"z":1.50}');
  });
});
