// Stage 2 of the ESC pipeline: syntax nodes -> typed expressions. Builtins (`fn::...`) are recognised,
// interpolations (`${a.b[0]}`) are parsed into property accesses, and every mistake becomes a
// positioned diagnostic while parsing goes on.

import { errorDiag, warningDiag, type Diagnostic, type SourceRange } from './diagnostics.js';
import type { ArrayNode, ObjectNode, StringNode, SyntaxNode } from './syntax.js';
import { didYouMean, nonExistentFieldMessage } from './spell.js';

/** A property name accessor (`.name`, or the root name). */
export interface NameAccessor {
  kind: 'name';
  name: string;
  range?: SourceRange;
}
/** A subscript accessor: `["key"]` (string index) or `[0]` (number index). */
export interface SubscriptAccessor {
  kind: 'subscript';
  index: string | number;
  range?: SourceRange;
}
/** One step of a property access. */
export type Accessor = NameAccessor | SubscriptAccessor;

/** One piece of an interpolated string: literal text followed by an optional access. */
export interface Interpolation {
  text: string;
  access?: Accessor[];
}

interface ExprBase {
  node: SyntaxNode;
}

/** A literal, an interpolation, a reference, a collection or a builtin call. */
export type Expr =
  | (ExprBase & { kind: 'null' })
  | (ExprBase & { kind: 'boolean'; value: boolean })
  | (ExprBase & { kind: 'number'; text: string })
  | (ExprBase & { kind: 'string'; value: string })
  | (ExprBase & { kind: 'interpolate'; parts: Interpolation[] })
  | (ExprBase & { kind: 'symbol'; access: Accessor[] })
  | (ExprBase & { kind: 'array'; elements: Expr[] })
  | (ExprBase & { kind: 'object'; entries: ObjectProperty[] })
  | BuiltinExpr;

/** An object property with a literal string key. */
export interface ObjectProperty {
  key: string;
  keyNode: StringNode;
  value: Expr;
}

/** A call to one of the `fn::` builtins. */
export type BuiltinExpr = ExprBase & { name: string } & (
    | { kind: 'open'; provider?: string; inputs?: Expr }
    | { kind: 'rotate'; provider?: string; inputs?: Expr; state?: Expr }
    | { kind: 'secret'; plaintext?: Expr; ciphertext?: StringNode }
    | { kind: 'toJSON' | 'fromJSON' | 'toString' | 'toBase64' | 'fromBase64' | 'final'; arg: Expr }
    | { kind: 'join'; delimiter?: Expr; values?: Expr }
    | { kind: 'split'; delimiter?: Expr; string?: Expr }
    | { kind: 'concat'; arg: Expr }
    | { kind: 'validate'; schema?: Expr; value?: Expr }
  );

/** An entry of `imports:` that names an environment (entries without a name are only diagnostics). */
export interface ImportDecl {
  name: string;
  merge: boolean;
  node: SyntaxNode;
}

/** A parsed environment definition. */
export interface EnvironmentDecl {
  description?: string;
  imports: ImportDecl[];
  /** How many entries `imports:` has, those that name no environment included (they still make the document non-empty). */
  importCount: number;
  /** The entries of `values:` in document order (duplicates kept; the evaluator reports them). */
  values: ObjectProperty[];
  /** The `values:` node, when present. */
  valuesNode?: SyntaxNode;
}

/** The fields of the environment document, in the order of upstream's EnvironmentDecl struct. */
const ENVIRONMENT_FIELDS = ['description', 'imports', 'values'] as const;

/**
 * Parses a decoded document into an environment declaration, as pulumi/esc's ParseEnvironment does
 * (ast/environment.go, parseRecord): keys match the fields case-insensitively, a repeated key is a
 * warning and the last one wins (the diagnostics of every occurrence are kept), an unknown key is a
 * warning that lists the fields, and a field of the wrong shape is an error that leaves the field
 * empty. The declaration is always returned, so that evaluation can go on after structural errors.
 */
export function parseEnvironment(doc: SyntaxNode | undefined, env: string): { decl: EnvironmentDecl; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const err = (node: SyntaxNode, summary: string) => diags.push(errorDiag('syntax', summary, env, node.range, node.path));
  const decl: EnvironmentDecl = { imports: [], importCount: 0, values: [] };
  // An empty file decodes to an empty object (upstream's DecodeYAMLBytes); so does a document of comments here.
  if (doc === undefined) return { decl, diagnostics: diags };
  if (doc.kind !== 'object') {
    err(doc, 'environment must be an object');
    return { decl, diagnostics: diags };
  }
  const seen = new Set<string>();
  for (const { key, value } of doc.entries) {
    if (seen.has(key.value)) diags.push(warningDiag('duplicate-key', `duplicate key ${JSON.stringify(key.value)}`, env, key.range, key.path));
    seen.add(key.value);
    const field = ENVIRONMENT_FIELDS.find((f) => f === key.value.toLowerCase());
    switch (field) {
      case 'description': {
        const x = parseExpr(value, env, diags);
        delete decl.description;
        if (x.kind === 'string') decl.description = x.value;
        else err(value, 'description must be a string');
        break;
      }
      case 'imports':
        decl.imports = [];
        decl.importCount = 0;
        if (value.kind !== 'array') err(value, 'imports must be a list');
        else {
          decl.imports = parseImports(value, env, diags, err);
          decl.importCount = value.elements.length;
        }
        break;
      case 'values':
        decl.valuesNode = value;
        decl.values = [];
        if (value.kind !== 'object') err(value, 'values must be an object');
        else decl.values = parseValues(value, env, diags, err);
        break;
      default: {
        // Upstream's text first and whole; our did-you-mean after it.
        const summary = nonExistentFieldMessage('environment', key.value, ENVIRONMENT_FIELDS) + didYouMean(key.value, ENVIRONMENT_FIELDS);
        diags.push(warningDiag('syntax', summary, env, key.range, key.path));
      }
    }
  }
  return { decl, diagnostics: diags };
}

/**
 * The entries of `imports:` (ArrayDecl and ImportDecl.parse): a string names an environment; an object
 * of one key names it and holds options. Options that are not an object are an error and the import
 * still happens, merged; a `merge` that is not a boolean literal is an error and the import happens
 * unmerged (upstream keeps the zero BooleanExpr). Unknown options are ignored without a word, as
 * upstream parses them with noMatchWarning false; a repeated option is a warning and the last wins.
 */
function parseImports(list: ArrayNode, env: string, diags: Diagnostic[], err: (node: SyntaxNode, summary: string) => void): ImportDecl[] {
  const out: ImportDecl[] = [];
  for (const el of list.elements) {
    if (el.kind === 'string') {
      out.push({ name: el.value, merge: true, node: el });
    } else if (el.kind === 'object') {
      if (el.entries.length !== 1) {
        err(el, 'import must have a single key');
        continue;
      }
      const [{ key, value }] = el.entries as [{ key: StringNode; value: SyntaxNode }];
      let merge = true;
      if (value.kind !== 'object') {
        err(value, 'import must be an object');
      } else {
        const seen = new Set<string>();
        for (const meta of value.entries) {
          if (seen.has(meta.key.value)) diags.push(warningDiag('duplicate-key', `duplicate key ${JSON.stringify(meta.key.value)}`, env, meta.key.range, meta.key.path));
          seen.add(meta.key.value);
          if (meta.key.value.toLowerCase() !== 'merge') continue;
          const x = parseExpr(meta.value, env, diags);
          if (x.kind === 'boolean') {
            merge = x.value;
          } else {
            err(meta.value, 'merge must be a boolean value');
            merge = false;
          }
        }
      }
      out.push({ name: key.value, merge, node: key });
    } else {
      err(el, 'import must be a string or an object');
    }
  }
  return out;
}

/**
 * The entries of `values:` (MapDecl.parse): keys are taken literally (no interpolation at the top
 * level), and a key that starts with `fn::` is an error but its entry is kept.
 */
function parseValues(node: ObjectNode, env: string, diags: Diagnostic[], err: (node: SyntaxNode, summary: string) => void): ObjectProperty[] {
  return node.entries.map(({ key, value }) => {
    if (key.value.startsWith('fn::')) err(key, `builtin function call ${JSON.stringify(key.value)} not allowed at the top level`);
    return { key: key.value, keyNode: key, value: parseExpr(value, env, diags) };
  });
}

const BUILTINS = new Set([
  'fn::open',
  'fn::rotate',
  'fn::secret',
  'fn::toJSON',
  'fn::fromJSON',
  'fn::toString',
  'fn::toBase64',
  'fn::fromBase64',
  'fn::join',
  'fn::split',
  'fn::concat',
  'fn::final',
  'fn::validate',
]);

function isBuiltinName(k: string): boolean {
  return BUILTINS.has(k) || k.startsWith('fn::open::') || k.startsWith('fn::rotate::');
}

function parseObjectEntries(node: ObjectNode, env: string, diags: Diagnostic[]): ObjectProperty[] {
  const entries: ObjectProperty[] = [];
  for (const { key, value } of node.entries) {
    const kx = parseExpr(key, env, diags);
    const v = parseExpr(value, env, diags);
    if (kx.kind !== 'string') {
      diags.push(errorDiag('syntax', 'object keys must be strings', env, key.range, key.path));
      continue;
    }
    entries.push({ key: kx.value, keyNode: key, value: v });
  }
  return entries;
}

/** Parses one syntax node into an expression, appending any diagnostics. */
export function parseExpr(node: SyntaxNode, env: string, diags: Diagnostic[]): Expr {
  switch (node.kind) {
    case 'null':
      return { kind: 'null', node };
    case 'boolean':
      return { kind: 'boolean', node, value: node.value };
    case 'number':
      return { kind: 'number', node, text: node.text };
    case 'string': {
      const parts = parseInterpolation(node, env, diags);
      if (parts.length === 0) return { kind: 'string', node, value: '' };
      if (parts.length === 1) {
        const [p] = parts as [Interpolation];
        if (!p.access) return { kind: 'string', node, value: p.text };
        if (p.text === '') return { kind: 'symbol', node, access: p.access };
      }
      return { kind: 'interpolate', node, parts };
    }
    case 'array':
      return { kind: 'array', node, elements: node.elements.map((e) => parseExpr(e, env, diags)) };
    case 'object': {
      const fn = tryParseBuiltin(node, env, diags);
      if (fn) return fn;
      return { kind: 'object', node, entries: parseObjectEntries(node, env, diags) };
    }
  }
}

function tryParseBuiltin(node: ObjectNode, env: string, diags: Diagnostic[]): Expr | undefined {
  const err = (at: SyntaxNode, summary: string) => diags.push(errorDiag('syntax', summary, env, at.range, at.path));
  if (node.entries.length !== 1) {
    for (const { key } of node.entries) {
      if (key.value.startsWith('fn::')) {
        err(key, `illegal call to builtin function: ${JSON.stringify(key.value)} must be the only key within its containing object`);
      }
    }
    return undefined;
  }
  const [{ key, value }] = node.entries as [{ key: StringNode; value: SyntaxNode }];
  const name = key.value;
  if (!isBuiltinName(name)) {
    if (name.toLowerCase().startsWith('fn::')) err(key, "'fn::' is a reserved prefix");
    return undefined;
  }
  const arg = parseExpr(value, env, diags);
  const base = { node: node as SyntaxNode, name };
  const field = (x: Expr, k: string): Expr | undefined =>
    x.kind === 'object' ? x.entries.find((e) => e.key === k)?.value : undefined;

  switch (name) {
    case 'fn::open':
    case 'fn::rotate': {
      const rotate = name === 'fn::rotate';
      if (arg.kind !== 'object') {
        err(value, `the argument to ${name} must be an object containing 'provider', 'inputs'${rotate ? " and 'state'" : ''}`);
        return { ...base, kind: rotate ? 'rotate' : 'open' };
      }
      const providerX = field(arg, 'provider');
      let provider: string | undefined;
      if (!providerX) err(value, "missing provider name ('provider')");
      else if (providerX.kind !== 'string') err(providerX.node, 'provider name must be a string literal');
      else provider = providerX.value;
      const inputs = field(arg, 'inputs');
      if (!inputs) err(value, "missing provider inputs ('inputs')");
      if (!rotate) return { ...base, kind: 'open', ...(provider !== undefined && inputs ? { provider, inputs } : {}) };
      const state = parseRotationState(arg, value, err);
      return { ...base, kind: 'rotate', ...(provider !== undefined && inputs ? { provider, inputs, state } : {}) };
    }
    case 'fn::secret': {
      if (arg.kind === 'object' && arg.entries.length === 1 && arg.entries[0]!.key === 'ciphertext') {
        const c = value.kind === 'object' ? value.entries[0]!.value : undefined;
        if (c?.kind === 'string') return { ...base, kind: 'secret', ciphertext: c };
      }
      if (arg.kind !== 'string') {
        err(value, 'secret values must be string literals');
        return { ...base, kind: 'secret', plaintext: { kind: 'string', node: value, value: '' } };
      }
      return { ...base, kind: 'secret', plaintext: arg };
    }
    case 'fn::join':
    case 'fn::split': {
      if (arg.kind !== 'array' || arg.elements.length !== 2) {
        err(value, `the argument to ${name} must be a two-valued list`);
        return name === 'fn::join' ? { ...base, kind: 'join' } : { ...base, kind: 'split' };
      }
      const [first, second] = arg.elements as [Expr, Expr];
      return name === 'fn::join'
        ? { ...base, kind: 'join', delimiter: first, values: second }
        : { ...base, kind: 'split', delimiter: first, string: second };
    }
    case 'fn::concat':
      if (arg.kind !== 'array') err(value, 'the argument to fn::concat must be an array of arrays');
      return { ...base, kind: 'concat', arg };
    case 'fn::validate': {
      if (arg.kind !== 'object') {
        err(value, "the argument to fn::validate must be an object containing 'schema' and 'value'");
        return { ...base, kind: 'validate' };
      }
      const schema = field(arg, 'schema');
      const v = field(arg, 'value');
      if (!schema) err(value, "missing schema ('schema')");
      if (!v) err(value, "missing value ('value')");
      return { ...base, kind: 'validate', ...(schema && v ? { schema, value: v } : {}) };
    }
    case 'fn::toJSON':
      return { ...base, kind: 'toJSON', arg };
    case 'fn::fromJSON':
      return { ...base, kind: 'fromJSON', arg };
    case 'fn::toString':
      return { ...base, kind: 'toString', arg };
    case 'fn::toBase64':
      return { ...base, kind: 'toBase64', arg };
    case 'fn::fromBase64':
      return { ...base, kind: 'fromBase64', arg };
    case 'fn::final':
      return { ...base, kind: 'final', arg };
  }
  // fn::open::<provider> and fn::rotate::<provider>
  if (name.startsWith('fn::open::')) {
    return { ...base, kind: 'open', provider: name.slice('fn::open::'.length), inputs: arg };
  }
  if (arg.kind !== 'object') {
    err(value, `the argument to ${name} must be an object containing 'inputs' and 'state'`);
    return { ...base, kind: 'rotate' };
  }
  const inputs = field(arg, 'inputs');
  if (!inputs) err(value, "missing provider inputs ('inputs')");
  const state = parseRotationState(arg, value, err);
  return { ...base, kind: 'rotate', ...(inputs ? { provider: name.slice('fn::rotate::'.length), inputs, state } : {}) };
}

function parseRotationState(arg: Expr & { kind: 'object' }, at: SyntaxNode, err: (n: SyntaxNode, s: string) => void): Expr {
  const state = arg.entries.find((e) => e.key === 'state')?.value;
  if (!state) return { kind: 'null', node: at };
  if (state.kind !== 'object') err(state.node, 'rotation state must be an object literal');
  return state;
}

/**
 * Splits a string into literal text and `${...}` accesses. `$$` is an escaped `$`. Malformed accesses
 * are reported and kept (with what could be parsed), so evaluation can report more.
 */
/**
 * Parses a template that is not part of a document (a property path, a command argument): its text
 * and `${...}` accesses, with diagnostics placed in the text itself (environment `origin`).
 */
export function parseTemplate(text: string, origin: string): { parts: Interpolation[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const start = { line: 1, column: 1, offset: 0 };
  const node: StringNode = { kind: 'string', value: text, path: '', range: { env: origin, start, end: start } };
  return { parts: parseInterpolation(node, origin, diagnostics), diagnostics };
}

/** Parses the interpolations of a string node, appending any diagnostics. */
export function parseInterpolation(node: StringNode, env: string, diags: Diagnostic[]): Interpolation[] {
  const s = node.value;
  const parts: Interpolation[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$$', i)) {
      text += '$';
      i += 2;
    } else if (s.startsWith('${', i)) {
      const p = new AccessParser(node, env, s, i + 2, diags);
      const access = p.parse();
      parts.push({ text, access });
      text = '';
      i = p.offset;
    } else {
      text += s[i];
      i++;
    }
  }
  if (text !== '') parts.push({ text });
  return parts;
}

/** A property access parser following pulumi/esc's grammar and recovery (ast/property.go). */
class AccessParser {
  readonly accessors: Accessor[] = [];
  constructor(
    private readonly node: StringNode,
    private readonly env: string,
    private readonly text: string,
    public offset: number,
    private readonly diags: Diagnostic[],
  ) {}

  private peek(): string | undefined {
    return this.offset < this.text.length ? this.text[this.offset] : undefined;
  }
  private next(): number {
    return this.offset++;
  }
  private range(start: number): SourceRange {
    return substringRange(this.node, start, this.offset);
  }
  private error(start: number, summary: string): void {
    this.diags.push(errorDiag('syntax', summary, this.env, this.range(start), this.node.path));
  }
  private terminatesName(c: string): boolean {
    return c === '.' || c === '[' || c === '}' || /\s/.test(c);
  }

  parse(): Accessor[] {
    for (;;) {
      const c = this.peek();
      if (c === undefined || /\s/.test(c)) {
        this.error(this.offset, "missing closing brace '}' in interpolation");
        return this.finish(this.offset);
      }
      if (c === '}') return this.finish(this.next());
      if (c === '.') this.accessors.push(this.parseName(this.next() + 1));
      else if (c === '[') this.accessors.push(this.parseSubscript(this.next()));
      else this.accessors.push(this.parseName(this.offset));
    }
  }

  private finish(start: number): Accessor[] {
    if (this.accessors.length === 0) this.accessors.push({ kind: 'name', name: '', range: this.range(start) });
    return this.accessors;
  }

  private parseName(start: number): NameAccessor {
    let name = '';
    for (let c = this.peek(); c !== undefined && !this.terminatesName(c); c = this.peek()) {
      this.next();
      name += c;
    }
    if (name === '') this.error(start, 'property name must not be empty');
    return { kind: 'name', name, range: this.range(start) };
  }

  private parseSubscript(start: number): SubscriptAccessor {
    let c = this.peek();
    if (c === undefined) {
      this.error(start, "subscript is missing closing bracket ']'");
      return { kind: 'subscript', index: '', range: this.range(start) };
    }
    let index: string | number;
    if (c === '"') {
      this.next();
      index = this.parseStringSubscript(start);
    } else {
      index = this.parseIndexSubscript(start);
    }
    c = this.peek();
    if (c !== ']') this.error(start, "subscript is missing closing bracket ']'");
    else this.next();
    return { kind: 'subscript', index, range: this.range(start) };
  }

  private parseStringSubscript(start: number): string {
    let key = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        this.error(start + 1, 'key subscript is missing closing quote \'"\'');
        return key;
      }
      this.next();
      if (c === '"') {
        if (key === '') this.error(start + 1, 'key subscript must not be empty');
        return key;
      }
      if (c === '\\' && this.peek() === '"') {
        this.next();
        key += '"';
      } else {
        key += c;
      }
    }
  }

  private parseIndexSubscript(start: number): string | number {
    let digits = '';
    for (let c = this.peek(); c !== undefined && c !== ']' && !this.terminatesName(c); c = this.peek()) {
      this.next();
      digits += c;
    }
    if (!/^[+-]?\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
      this.error(start + 1, 'numeric subscript must be a positive base-10 integer');
      return digits;
    }
    if (this.accessors.length === 0) {
      this.error(start, 'the first accessor must be a property name or key subscript, not a numeric subscript');
    }
    return Number(digits);
  }
}

/** The source range of characters [from, to) of a string node's value, when the value maps 1:1 onto the source. */
function substringRange(node: StringNode, from: number, to: number): SourceRange {
  const r = node.range;
  const width = r.end.offset - r.start.offset;
  const oneLine = r.start.line === r.end.line;
  // Plain scalars map exactly; quoted ones are shifted by the opening quote (when nothing is escaped).
  const shift = width === node.value.length ? 0 : width === node.value.length + 2 ? 1 : -1;
  if (!oneLine || shift < 0) return r;
  const at = (i: number) => ({ line: r.start.line, column: r.start.column + shift + i, offset: r.start.offset + shift + i });
  return { ...r, start: at(from), end: at(Math.max(from, to)) };
}

/** Renders an access path back to text, e.g. `a.b["c d"][0]`. */
export function formatAccess(access: readonly Accessor[]): string {
  let s = '';
  for (const a of access) {
    if (a.kind === 'name') s += (s === '' ? '' : '.') + a.name;
    else if (typeof a.index === 'number') s += `[${a.index}]`;
    else s += `[${JSON.stringify(a.index)}]`;
  }
  return s;
}
