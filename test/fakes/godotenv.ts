// A line-by-line port of joho/godotenv's parser (parser.go, v1.5), the dotenv reader Go programs use:
// the reference that `env open -f dotenv` output must read back through exactly. Variables are
// expanded from the file itself only (no process environment), as Read does with an empty lookup.

const isSpace = (c: string) => ['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00a0'].includes(c);
const isLineEnd = (c: string) => c === '\n' || c === '\r';
const escapeRegex = /\\./g;
const expandVarRegex = /(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g;
const unescapeCharsRegex = /\\([^$])/g;

/** Parses dotenv text as godotenv does; throws on its errors. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let cutset: string | undefined = text.replaceAll('\r\n', '\n');
  for (;;) {
    cutset = statementStart(cutset);
    if (cutset === undefined) break;
    const [key, left] = locateKeyName(cutset);
    const [value, rest] = extractVarValue(left, out);
    out[key] = value;
    cutset = rest;
  }
  return out;
}

function statementStart(src: string): string | undefined {
  for (;;) {
    const pos = [...src].findIndex((c) => !/\s/u.test(c));
    if (pos === -1) return undefined;
    src = [...src].slice(pos).join('');
    if (src[0] !== '#') return src;
    const nl = src.indexOf('\n');
    if (nl === -1) return undefined;
    src = src.slice(nl);
  }
}

function locateKeyName(src: string): [string, string] {
  src = src.replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
  if (src.startsWith('export') && isSpace(src.slice(6, 7))) src = src.slice(6).replace(/^[\t\v\f\r \u0085\u00a0]+/, '');
  let offset = 0;
  let key = '';
  let found = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (isSpace(c)) continue;
    if (c === '=' || c === ':') {
      key = src.slice(0, i);
      offset = i + 1;
      found = true;
      break;
    }
    if (c === '_' || /[\p{L}\p{N}.-]/u.test(c)) continue;
    throw new Error(`unexpected character ${JSON.stringify(c)} in variable name`);
  }
  if (src.length === 0) throw new Error('zero length string');
  if (!found) key = '';
  return [key.replace(/\s+$/u, ''), src.slice(offset).replace(/^[\t\v\f\r \u0085\u00a0]+/, '')];
}

function extractVarValue(src: string, vars: Record<string, string>): [string, string] {
  const quote = src[0] === '"' || src[0] === "'" ? src[0] : undefined;
  if (!quote) {
    let end = [...src].findIndex(isLineEnd);
    if (end === -1) end = src.length;
    const line = src.slice(0, end);
    let endOfVar = line.length;
    for (let i = 0; i < endOfVar; i++) {
      if (line[i] === '#' && i > 0 && isSpace(line[i - 1]!)) {
        endOfVar = i;
        break;
      }
    }
    return [expandVariables(line.slice(0, endOfVar).replace(/^[\t\v\f\r \u0085\u00a0]+|[\t\v\f\r \u0085\u00a0]+$/g, ''), vars), src.slice(end)];
  }
  for (let i = 1; i < src.length; i++) {
    if (src[i] !== quote) continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && src[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 1) continue;
    const trim = new RegExp(`^\\${quote}+|\\${quote}+$`, 'g');
    let value = src.slice(0, i).replace(trim, '');
    if (quote === '"') value = expandVariables(expandEscapes(value), vars);
    return [value, src.slice(i + 1)];
  }
  throw new Error('unterminated quoted value');
}

function expandEscapes(s: string): string {
  const out = s.replace(escapeRegex, (m) => (m === '\\n' ? '\n' : m === '\\r' ? '\r' : m));
  return out.replace(unescapeCharsRegex, '$1');
}

function expandVariables(v: string, m: Record<string, string>): string {
  // parser.go compares submatch[2], the "$" group, with "(" (never equal): "$(" is not special there.
  return v.replace(expandVarRegex, (s, backslash: string | undefined, _dollar: string, _paren: string | undefined, name: string | undefined) => {
    if (backslash === '\\') return s.slice(1);
    if (name) return m[name] ?? '';
    return s;
  });
}
