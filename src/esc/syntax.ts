// Stage 1 of the ESC pipeline: YAML text -> syntax nodes that keep their source ranges.
//
// The `yaml` package parses; scalars are resolved here with the rules of Go's yaml.v3 (which Pulumi
// ESC uses), not YAML 1.1's: `yes`/`on` stay strings, `0x1F` and `0o17` are integers, `1_000` is 1000,
// dates stay strings. Number text is kept as ESC prints it, so that interpolation and fn::toJSON
// write numbers exactly as Pulumi ESC does.

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { errorDiag, type Diagnostic, type Position, type SourceRange } from './diagnostics.js';
import { formatGoFloat } from './go-compat.js';
import { MAX_YAML_DEPTH } from './limits.js';
import { defined } from '../defined.js';

interface NodeBase {
  range: SourceRange;
  /** Document path, e.g. `values.aws["key with space"][0]`. */
  path: string;
}

/** A YAML null. */
export interface NullNode extends NodeBase {
  kind: 'null';
}
/** A YAML boolean. */
export interface BooleanNode extends NodeBase {
  kind: 'boolean';
  value: boolean;
}
/** A YAML number, with the text Pulumi ESC prints for it. */
export interface NumberNode extends NodeBase {
  kind: 'number';
  text: string;
}
/** A YAML string. */
export interface StringNode extends NodeBase {
  kind: 'string';
  value: string;
}
/** A YAML sequence. */
export interface ArrayNode extends NodeBase {
  kind: 'array';
  elements: SyntaxNode[];
}
/** One key/value pair of a mapping, in document order (duplicates kept). */
export interface ObjectEntry {
  key: StringNode;
  value: SyntaxNode;
}
/** A YAML mapping. */
export interface ObjectNode extends NodeBase {
  kind: 'object';
  entries: ObjectEntry[];
}

/** Any syntax node. */
export type SyntaxNode = NullNode | BooleanNode | NumberNode | StringNode | ArrayNode | ObjectNode;

/** The result of decoding one YAML document. `node` is undefined when the document has errors or is empty. */
export interface DecodedDocument {
  node: SyntaxNode | undefined;
  diagnostics: Diagnostic[];
}

/** Joins a document path and a key the way pulumi/esc prints paths. */
export function joinPath(path: string, key: string): string {
  const simple = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key);
  if (simple) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';
/** The tags yaml.v3 resolves a scalar against (resolvableTag); any other tag leaves the text a string. */
const RESOLVABLE = new Set(['str', 'bool', 'int', 'float', 'null', 'timestamp']);
/** yaml.v3's short name of a resolved scalar's kind. */
const KIND_TAG: Record<string, string> = { null: 'null', boolean: 'bool', number: 'int', string: 'str' };

/**
 * A scalar as yaml.v3 decodes it into an interface (decoder.scalar and resolve): a quoted scalar with
 * no tag, or any `!!str`, is a string; a tag that is not one yaml.v3 resolves (a custom `!vault`, `!`)
 * leaves the text a string; `!!binary` is base64-decoded; a standard tag that the text does not fit is
 * yaml.v3's "cannot decode" error. Returns the node, or the error text.
 */
function scalarNode(text: string, tag: string | undefined, quoted: boolean, range: SourceRange, path: string): SyntaxNode | string {
  const short = tag?.startsWith(YAML_TAG_PREFIX) ? tag.slice(YAML_TAG_PREFIX.length) : tag;
  if (short === 'str' || ((short === undefined || short === '!') && quoted)) return { kind: 'string', value: text, range, path };
  if (short === 'binary') {
    const clean = text.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) return 'yaml: !!binary value contains invalid base64 data';
    return { kind: 'string', value: Buffer.from(clean, 'base64').toString('utf8'), range, path };
  }
  if (short !== undefined && !RESOLVABLE.has(short)) return { kind: 'string', value: text, range, path };
  const node = resolvePlain(text, range, path);
  if (short === undefined) return node;
  const date = node.kind === 'string' && parsesAsTimestamp(text);
  const rtag = date ? 'timestamp' : node.kind === 'number' && !/^[-+]?(0[xXoObB])?[0-9a-fA-F_]+$/.test(text.replace(/_/g, '')) ? 'float' : KIND_TAG[node.kind]!;
  if (short === rtag || (short === 'float' && rtag === 'int')) return node;
  if (short === 'int' && rtag === 'float') return `yaml: cannot decode !!float \`${text}\` as a !!int`;
  return `yaml: cannot decode !!${rtag} \`${text}\` as a !!${short}`;
}

/** Where the tag (`!x`, `!!int`, `!<...>`) just before a node's value starts, on the same line. */
function tagStart(source: string, valueStart: number): number {
  const lineStart = source.lastIndexOf('\n', valueStart - 1) + 1;
  const m = /!\S*[ \t]+$/.exec(source.slice(lineStart, valueStart));
  return m ? lineStart + m.index : valueStart;
}

/** Whether yaml.v3's parseTimestamp accepts the text (its allowed formats, without time-zone names). */
function parsesAsTimestamp(text: string): boolean {
  return /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d+)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/.test(text);
}

/** Characters yaml.v3 refuses in a document: C0 controls but tab, LF and CR; DEL and C1 controls but NEL; surrogates, U+FFFE/U+FFFF. */
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Decodes a YAML document into syntax nodes; `env` names the environment in diagnostics. */
export function decodeYaml(source: string, env: string, file?: string): DecodedDocument {
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter: lines,
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    prettyErrors: false,
    strict: true,
  });
  const pos = (offset: number): Position => {
    const lp = lines.linePos(offset);
    return { line: lp.line, column: lp.col, offset };
  };
  const rangeOf = (start: number, end: number): SourceRange => ({
    env,
    ...defined({ file: file || undefined }),
    start: pos(start),
    end: pos(Math.max(start, end)),
  });
  const diagnostics: Diagnostic[] = [];
  // yaml.v3 reads only printable characters (readerc.go); the yaml package lets the others through.
  const control = NOT_PRINTABLE.exec(source);
  if (control) {
    diagnostics.push(errorDiag('yaml', 'YAML syntax error: control characters are not allowed', env, rangeOf(control.index, control.index + 1)));
    return { node: undefined, diagnostics };
  }
  for (const e of doc.errors) {
    // The yaml package composes recursively and reports its own stack overflow as an error.
    const at = rangeOf(e.pos[0], e.pos[1]);
    if (/call stack/i.test(e.message)) {
      diagnostics.push(errorDiag('depth', 'YAML syntax error: the document nests deeper than this stack can follow', env, at));
      continue;
    }
    const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    diagnostics.push(errorDiag('yaml', `YAML syntax error: ${message}`, env, at));
  }
  if (diagnostics.length > 0) return { node: undefined, diagnostics };

  let flowDepth = 0;
  let blockDepth = 0;
  const convert = (n: YamlNode | null | undefined, path: string, fallback: number): SyntaxNode | undefined => {
    if (n === null || n === undefined) {
      return { kind: 'null', range: rangeOf(fallback, fallback), path };
    }
    const [valueStart, end] = n.range ?? [fallback, fallback];
    // yaml.v3 places a tagged node at its tag; the yaml package's range starts after it.
    const start = n.tag ? tagStart(source, valueStart) : valueStart;
    const range = rangeOf(start, end);
    // yaml.v3 counts flow collections ([...], {...}) and block indentation levels apart, each up to 10,000.
    const collection = isMap(n) || isSeq(n);
    const flow = collection && (n as { flow?: boolean }).flow === true;
    if (collection && (flow ? flowDepth : blockDepth) >= MAX_YAML_DEPTH) {
      if (!diagnostics.some((d) => d.summary.includes('exceeded max depth'))) diagnostics.push(errorDiag('yaml', `YAML syntax error: exceeded max depth of ${MAX_YAML_DEPTH}`, env, range, path));
      return undefined;
    }
    if (collection) flow ? flowDepth++ : blockDepth++;
    try {
      return convertNode(n, path, start, end, range);
    } finally {
      if (collection) flow ? flowDepth-- : blockDepth--;
    }
  };
  const convertNode = (n: YamlNode, path: string, start: number, end: number, range: SourceRange): SyntaxNode | undefined => {
    if (isAlias(n)) {
      // Upstream's text (syntax/encoding/yaml.go) first, then how to do without.
      diagnostics.push(errorDiag('yaml', 'alias nodes are not supported; repeat the value or use a ${} reference', env, range, path));
      return undefined;
    }
    // Tags on collections are ignored, as upstream's unmarshalYAMLNode ignores them.
    if (isScalar(n)) {
      // The text as written (a !!binary scalar's value would already be bytes).
      const text = typeof n.value === 'string' ? n.value : (n.source ?? String(n.value));
      const node = scalarNode(text, n.tag, n.type !== 'PLAIN', range, path);
      if (typeof node !== 'string') return node;
      diagnostics.push(errorDiag('yaml', node, env, range, path));
      return undefined;
    }
    if (isSeq(n)) {
      const elements: SyntaxNode[] = [];
      n.items.forEach((item, i) => {
        const child = convert(item as YamlNode, `${path}[${i}]`, end);
        if (child) elements.push(child);
      });
      return { kind: 'array', elements, range, path };
    }
    if (isMap(n)) {
      const entries: ObjectEntry[] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YamlNode | null;
        const keyRange = rangeOf(k?.range?.[0] ?? start, k?.range?.[1] ?? start);
        if (!isScalar(k) || isAlias(k)) {
          diagnostics.push(errorDiag('yaml', 'mapping keys must be strings', env, keyRange, path));
          continue;
        }
        const keyText = typeof k.value === 'string' ? k.value : String(k.value);
        const keyNode = scalarNode(keyText, k.tag, k.type !== 'PLAIN', keyRange, path);
        if (typeof keyNode === 'string' || keyNode.kind !== 'string') {
          diagnostics.push(errorDiag('yaml', typeof keyNode === 'string' ? keyNode : 'mapping keys must be strings', env, keyRange, path));
          continue;
        }
        const childPath = joinPath(path, keyText);
        const value = convert(pair.value as YamlNode | null, childPath, k.range?.[2] ?? end);
        if (!value) continue;
        entries.push({ key: { kind: 'string', value: keyNode.value, range: keyRange, path: childPath }, value });
      }
      return { kind: 'object', entries, range, path };
    }
    diagnostics.push(errorDiag('yaml', 'unsupported YAML node', env, range, path));
    return undefined;
  };

  if (doc.contents === null) return { node: undefined, diagnostics };
  const node = convert(doc.contents as YamlNode, '', 0);
  if (diagnostics.length > 0) return { node: undefined, diagnostics };
  return { node, diagnostics };
}

const yamlFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Resolves a plain scalar with yaml.v3's rules (YAML 1.2 core, plus Go integer literal forms). */
function resolvePlain(text: string, range: SourceRange, path: string): SyntaxNode {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return { kind: 'null', range, path };
    case 'true':
    case 'True':
    case 'TRUE':
      return { kind: 'boolean', value: true, range, path };
    case 'false':
    case 'False':
    case 'FALSE':
      return { kind: 'boolean', value: false, range, path };
  }
  if (/^[-+.0-9]/.test(text) && !/^\d{4}-\d\d?-\d\d?/.test(text)) {
    const plain = text.replace(/_/g, '');
    const int = parseGoInt(plain);
    if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) {
      return { kind: 'number', text: int.toString(), range, path };
    }
    if (yamlFloat.test(plain)) {
      return { kind: 'number', text: formatGoFloat(Number(plain)), range, path };
    }
  }
  return { kind: 'string', value: text, range, path };
}

/** Parses an integer literal like Go's strconv.ParseInt(s, 0, 64): 0x, 0o, 0b prefixes and leading-0 octal. */
function parseGoInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body] = m as unknown as [string, string, string];
  let digits = body;
  if (/^0[0-7]+$/.test(body)) digits = '0o' + body.slice(1);
  const v = BigInt(digits.toLowerCase().replace(/^0([xob])/, '0$1'));
  return sign === '-' ? -v : v;
}
