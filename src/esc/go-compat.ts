// Byte-exact helpers for the places where Pulumi ESC's output is defined by Go's standard library:
// number formatting (strconv), string quoting (strconv.Quote), key order (sort.Strings) and strict
// base64 (encoding/base64). Each is small and pure; tests pin them against Go's documented output.

/** Orders strings the way Go's sort.Strings does: by their UTF-8 bytes. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  // For strings without surrogates, UTF-16 code-unit order equals code-point order equals UTF-8 order.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Sorts keys in Go's order without mutating the input. */
export function sortedGoKeys(keys: Iterable<string>): string[] {
  return [...keys].sort(compareGoStrings);
}

/**
 * Formats a float64 like Go's strconv.FormatFloat(f, 'g', -1, 64): the shortest digits that round-trip,
 * in exponent form when the exponent is below -4 or at least 6 (e.g. 1000000.5 -> "1.0000005e+06").
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const neg = f < 0;
  const [mantissa, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  let out: string;
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? '.' + digits.slice(1) : '';
    const e = Math.abs(exp);
    out = `${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return neg ? '-' + out : out;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Quotes a string like Go's strconv.Quote: escapes quotes, backslashes and unprintable runes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (printable.test(ch)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const b64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64Index = new Map([...b64Alphabet].map((c, i) => [c, i]));

/** Raised by {@link decodeGoBase64} with Go's wording, e.g. "illegal base64 data at input byte 3". */
export class Base64Error extends Error {}

/**
 * Decodes padded standard base64 as strictly as Go's base64.StdEncoding.DecodeString, reporting the
 * offset Go reports. Node's Buffer.from(s, 'base64') silently skips bad characters, which would accept
 * documents that Pulumi ESC rejects.
 */
export function decodeGoBase64(input: string): Uint8Array {
  // Go ignores CR and LF anywhere in the input; offsets count them.
  const chars: { c: string; at: number }[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== '\r' && c !== '\n') chars.push({ c, at: i });
  }
  const out: number[] = [];
  const fail = (at: number): never => {
    throw new Base64Error(`illegal base64 data at input byte ${at}`);
  };
  let i = 0;
  while (i < chars.length) {
    const quantum: number[] = [];
    const start = i;
    let padded = false;
    while (quantum.length < 4 && i < chars.length) {
      const { c, at } = chars[i]!;
      if (c === '=') {
        // Padding is legal only in the third or fourth place of the final quantum.
        if (quantum.length < 2) fail(at);
        if (quantum.length === 2) {
          if (i + 1 >= chars.length) fail(input.length);
          if (chars[i + 1]!.c !== '=') fail(at);
          i += 2;
        } else {
          i += 1;
        }
        if (i < chars.length) fail(chars[i]!.at);
        padded = true;
        break;
      }
      const v = b64Index.get(c);
      if (v === undefined) fail(at);
      quantum.push(v!);
      i++;
    }
    if (!padded && quantum.length < 4) {
      fail(start < chars.length ? chars[start]!.at : input.length);
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((n >> 16) & 0xff);
    if (quantum.length > 2) out.push((n >> 8) & 0xff);
    if (quantum.length > 3) out.push(n & 0xff);
  }
  return Uint8Array.from(out);
}

/** Encodes bytes or a UTF-8 string as padded standard base64. */
export function encodeBase64(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
}

