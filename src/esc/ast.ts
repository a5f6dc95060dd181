// Stage 2 of the ESC pipeline: syntax nodes -> typed expressions. Builtins (`fn::...`) are recognised,
// interpolations (`${a.b[0]}`) are parsed into property accesses, and every mistake becomes a
// positioned diagnostic while parsing goes on.

import { errorDiag, warningDiag, type Diagnostic, type SourceRange } from './diagnostics.js';
import type { ArrayNode, ObjectNode, StringNode, SyntaxNode } from './syntax.js';

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

/** An entry of `imports:`. */
export interface ImportDecl {
  name: string;
  merge: boolean;
  node: SyntaxNode;
}

/** A parsed environment definition. */
export interface EnvironmentDecl {
  description?: string;
  imports: ImportDecl[];
  /** The entries of `values:` in document order (duplicates kept; the evaluator reports them). */
  values: ObjectProperty[];
  /** The `values:` node, when present. */
  valuesNode?: SyntaxNode;
}

/** Parses a decoded document into an environment declaration. Returns no declaration when its shape is unusable. */
export function parseEnvironment(doc: SyntaxNode | undefined, env: string): { decl?: EnvironmentDecl; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const err = (node: SyntaxNode, summary: string) => diags.push(errorDiag('syntax', summary, env, node.range, node.path));
  if (doc === undefined || doc.kind === 'null') return { decl: { imports: [], values: [] }, diagnostics: diags };
  if (doc.kind !== 'object') {
    err(doc, 'an environment definition must be an object with "imports" and "values" keys');
    return { diagnostics: diags };
  }
  // Top-level keys are matched case-insensitively, as pulumi/esc does; a repeated key is a warning and the last wins.
  const seen = new Map<string, SyntaxNode>();
  for (const { key, value } of doc.entries) {
    const k = key.value.toLowerCase();
    if (seen.has(k)) diags.push(warningDiag('duplicate-key', `duplicate key ${JSON.stringify(key.value)}`, env, key.range, key.path));
    seen.set(k, value);
  }
  let fatal = false;
  const decl: EnvironmentDecl = { imports: [], values: [] };

  const description = seen.get('description');
  if (description && description.kind === 'string') decl.description = description.value;
  else if (description && description.kind !== 'null') err(description, 'description must be a string');

  const imports = seen.get('imports');
  if (imports && imports.kind !== 'null') {
    if (imports.kind !== 'array') {
      err(imports, 'imports must be a list');
      fatal = true;
    } else {
      decl.imports = parseImports(imports, env, diags);
    }
  }

  const values = seen.get('values');
  if (values && values.kind !== 'null') {
    decl.valuesNode = values;
    if (values.kind !== 'object') {
      err(values, 'values must be an object');
      fatal = true;
    } else {
      for (const { key } of values.entries) {
        if (isBuiltinName(key.value)) {
          err(key, `builtin function call ${JSON.stringify(key.value)} not allowed at the top level`);
          fatal = true;
        }
      }
      if (!fatal) decl.values = parseObjectEntries(values, env, diags);
    }
  }
  return fatal ? { diagnostics: diags } : { decl, diagnostics: diags };
}

function parseImports(list: ArrayNode, env: string, diags: Diagnostic[]): ImportDecl[] {
  const out: ImportDecl[] = [];
  for (const el of list.elements) {
    if (el.kind === 'string') {
      out.push({ name: el.value, merge: true, node: el });
    } else if (el.kind === 'object') {
      if (el.entries.length !== 1) {
        diags.push(errorDiag('syntax', 'import must have a single key', env, el.range, el.path));
        continue;
      }
      const [{ key, value }] = el.entries as [{ key: StringNode; value: SyntaxNode }];
      let merge = true;
      if (value.kind === 'object') {
        for (const meta of value.entries) {
          if (meta.key.value.toLowerCase() !== 'merge') continue;
          if (meta.value.kind === 'boolean') merge = meta.value.value;
          else diags.push(errorDiag('syntax', 'merge must be a boolean value', env, meta.value.range, meta.value.path));
        }
      } else if (value.kind !== 'null') {
        diags.push(errorDiag('syntax', 'import must be an object', env, value.range, value.path));
      }
      out.push({ name: key.value, merge, node: key });
    } else {
      diags.push(errorDiag('syntax', 'import must be a string or an object', env, el.range, el.path));
    }
  }
  return out;
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
