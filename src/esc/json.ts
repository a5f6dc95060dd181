// JSON as Pulumi ESC reads and writes it (Go's encoding/json): decoding keeps number text exactly as
// written (fn::fromJSON of "1.50" interpolates as "1.50"), errors use Go's wording, and encoding sorts
// keys and escapes <, > and & (fn::toJSON). JSON.parse can do neither on Node 20.

import { compareGoStrings } from './go-compat.js';
import { NumberValue, setOwn, type Exported } from './value.js';

/** A decoding error with Go's encoding/json wording. */
export class JsonSyntaxError extends Error {}

/**
 * Decodes the first JSON value of a string like Go's json.Decoder with UseNumber (trailing data after
 * the first value is ignored, as the decoder does). Every node gets the given secrecy.
 */
export function decodeGoJson(text: string, secret: boolean): Exported {
  let i = 0;
  const describe = (c: string) => (c === "'" ? "'\\''" : `'${c}'`);
  const fail = (context: string): never => {
    if (i >= text.length) throw new JsonSyntaxError('unexpected EOF');
    throw new JsonSyntaxError(`invalid character ${describe(text[i]!)} ${context}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const node = (value: Exported['value']): Exported => ({ value, secret, unknown: false });

  const parseString = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) throw new JsonSyntaxError('unexpected EOF');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) throw new JsonSyntaxError('unexpected EOF');
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            i += 2;
            while (/[0-9a-fA-F]/.test(text[i] ?? '')) i++;
            fail('in \\u hexadecimal character escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          i++;
          fail('in string escape code');
        }
        continue;
      }
      if (c < ' ') fail('in string literal');
      out += c;
      i++;
    }
  };

  const parseNumber = (): string => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i));
    if (!m) {
      i++;
      fail('in numeric literal');
    }
    i += m![0].length;
    return m![0];
  };

  const parseValue = (context: string): Exported => {
    ws();
    const c = text[i];
    if (c === undefined) throw new JsonSyntaxError('unexpected EOF');
    if (c === '{') {
      i++;
      const o: Record<string, Exported> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return node(o);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const k = parseString();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        setOwn(o, k, parseValue('looking for beginning of value'));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return node(o);
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const a: Exported[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return node(a);
      }
      for (;;) {
        a.push(parseValue('looking for beginning of value'));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return node(a);
        }
        fail('after array element');
      }
    }
    if (c === '"') return node(parseString());
    if (c === '-' || (c >= '0' && c <= '9')) return node(new NumberValue(parseNumber()));
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return node(value);
      }
      if (c === word[0]) {
        let j = 0;
        while (text[i + j] === word[j]) j++;
        i += j;
        fail(`in literal ${word} (expecting '${word[j]}')`);
      }
    }
    return fail(context);
  };

  ws();
  if (i >= text.length) throw new JsonSyntaxError('EOF');
  return parseValue('looking for beginning of value');
}

const escapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Encodes a string as Go's json.Marshal does (HTML-safe). */
export function goJsonString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return '"' + s.replace(/["\\\n\r\t\b\f<>&\u2028\u2029\x00-\x1f]/g, (c) => escapes[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

/** Encodes exported data as compact JSON with Go's rules: sorted keys, number text kept, HTML-safe strings. */
export function marshalGoJson(e: Exported): string {
  const r = e.value;
  if (r === null) return 'null';
  if (typeof r === 'boolean') return r ? 'true' : 'false';
  if (r instanceof NumberValue) return r.text;
  if (typeof r === 'string') return goJsonString(r);
  if (Array.isArray(r)) return '[' + r.map(marshalGoJson).join(',') + ']';
  return (
    '{' +
    Object.keys(r)
      .sort(compareGoStrings)
      .map((k) => goJsonString(k) + ':' + marshalGoJson(r[k]!))
      .join(',') +
    '}'
  );
}
