// Stage 3 of the ESC pipeline: expressions -> values. This follows the semantics of pulumi/esc's
// evaluator (eval/eval.go, v0.25): imports are evaluated once each and merged in order under the
// importing environment's values; references are resolved lazily against the merged document, so
// that siblings can refer to each other and cycles are found; each error is a diagnostic and the
// failed value becomes unknown, so evaluation always goes on.

import type { Accessor, BuiltinExpr, EnvironmentDecl, Expr as AstExpr, ImportDecl } from './ast.js';
import { parseEnvironment } from './ast.js';
import { errorDiag, hasErrors, warningDiag, type Diagnostic, type DiagnosticCode, type SourceRange } from './diagnostics.js';
import { compareGoStrings } from './go-compat.js';
import { ALWAYS, compileSchema, itemSchema, propertySchema, validateValue, type JsonSchema, type Schema } from './schema.js';
import { evaluateBuiltin } from './builtins.js';
import { didYouMean } from './spell.js';
import { decodeYaml, joinPath, type SyntaxNode } from './syntax.js';
import { copyValue, exportedFromPlain, NumberValue, Value, valueFromExported, type Definition } from './value.js';
import { BUDGET_EXCEEDED, EvaluationBudget, MAIN_STACK_DEPTH, MAX_SUGGESTIONS, measureValue, tooDeep } from './limits.js';

import type { Decrypter, ProviderContext, ProviderRegistry } from './providers.js';
import { defined } from '../defined.js';

export { ProviderError, type Decrypter, type Provider, type ProviderContext, type ProviderRegistry, type Rotator } from './providers.js';
export { decodeEnvelope } from './crypt.js';

/** The text of one environment definition. */
export interface EnvironmentSource {
  text: string;
  /** The file (or URL) it came from, for diagnostics. */
  file?: string;
  /** The SHA-256 (hex) of the bytes read, when they came from a file (cache entries are checked against it). */
  digest?: string;
  decrypter?: Decrypter;
}

/** Loads environment definitions by name; resolves undefined when there is no such environment. */
export interface EnvironmentLoader {
  load(name: string): Promise<EnvironmentSource | undefined>;
}

/** Options of {@link evaluateEnvironment}. */
export interface EvaluateOptions {
  /** The root environment's name (`<yaml>` for an anonymous one). */
  name: string;
  source: EnvironmentSource;
  loader: EnvironmentLoader;
  providers: ProviderRegistry;
  /** Values exposed as `${context...}`; `currentEnvironment` and `rootEnvironment` are added per environment. */
  context?: Record<string, unknown>;
  /** How deep evaluation may nest; the default suits the main thread's stack. */
  maxDepth?: number;
  /** Stop at once with {@link NeedsDeeperStack} instead of a diagnostic when evaluation nests deeper (to start over on a larger stack). */
  throwWhenTooDeep?: boolean;
  /**
   * `check` evaluates as upstream's CheckEnvironment: no provider or rotator is invoked (each `fn::open`
   * is an unknown value typed by the provider's output schema) and ciphertexts are not decrypted
   * unless `showSecrets`. The default is `open`.
   */
  mode?: 'open' | 'check';
  /** In check mode, decrypt ciphertexts all the same (env get --show-secrets). */
  showSecrets?: boolean;
}

/** Thrown (with `throwWhenTooDeep`) when evaluation nests deeper than `maxDepth`. */
export class NeedsDeeperStack extends Error {}

/** The outcome of evaluating an environment. */
export interface EvaluationResult {
  /** The root value; undefined when the environment has nothing to evaluate or could not be loaded. */
  value: Value | undefined;
  diagnostics: Diagnostic[];
  /** Every environment definition read, by name (the root included), for diagnostics and cache keys. */
  sources: Map<string, EnvironmentSource>;
}

/** The anonymous environment name that pulumi/esc uses for a definition that is not stored anywhere. */
export const ANONYMOUS_ENVIRONMENT = '<yaml>';

/** Evaluates an environment definition, its imports and its provider calls. */
export async function evaluateEnvironment(opts: EvaluateOptions): Promise<EvaluationResult> {
  const shared: Shared = {
    loader: opts.loader,
    providers: opts.providers,
    context: opts.context ?? {},
    rootName: opts.name === ANONYMOUS_ENVIRONMENT ? undefined : opts.name,
    imports: new Map(),
    diags: [],
    sources: new Map([[opts.name, opts.source]]),
    budget: new EvaluationBudget(),
    depth: 0,
    maxDepth: opts.maxDepth ?? MAIN_STACK_DEPTH,
    throwWhenTooDeep: opts.throwWhenTooDeep ?? false,
    suggestions: 0,
    check: opts.mode === 'check',
    decrypt: opts.mode !== 'check' || (opts.showSecrets ?? false),
  };
  // The root is evaluated despite document errors, as upstream's callers do, so that all its mistakes show.
  const { decl } = loadDecl(opts.name, opts.source, shared);
  if (!decl || (decl.values.length === 0 && decl.importCount === 0)) {
    return { value: undefined, diagnostics: shared.diags, sources: shared.sources };
  }
  const ctx = new EvalContext(opts.name, decl, opts.source.decrypter, shared);
  const value = await ctx.evaluate();
  return { value, diagnostics: shared.diags, sources: shared.sources };
}

/**
 * Decodes and parses a definition (upstream's LoadYAMLBytes). A YAML error leaves nothing to evaluate;
 * a document error still gives a declaration, and `clean` says whether loading found no error.
 */
function loadDecl(name: string, source: EnvironmentSource, shared: Shared): { decl?: EnvironmentDecl; clean: boolean } {
  const doc = decodeYaml(source.text, name, source.file);
  shared.diags.push(...doc.diagnostics);
  if (hasErrors(doc.diagnostics)) return { clean: false };
  const parsed = parseEnvironment(doc.node, name);
  shared.diags.push(...parsed.diagnostics);
  return { decl: parsed.decl, clean: !hasErrors(parsed.diagnostics) };
}

export interface Shared {
  loader: EnvironmentLoader;
  providers: ProviderRegistry;
  context: Record<string, unknown>;
  rootName: string | undefined;
  imports: Map<string, { evaluating: boolean; value?: Value }>;
  diags: Diagnostic[];
  sources: Map<string, EnvironmentSource>;
  /** What this evaluation has built so far, against esc-kube's limits. */
  budget: EvaluationBudget;
  /** How deeply evaluateExpr calls are nested right now, and how deep they may go. */
  depth: number;
  maxDepth: number;
  throwWhenTooDeep: boolean;
  /** How many "did you mean" searches have been made. */
  suggestions: number;
  /** Check mode: providers are not invoked. */
  check: boolean;
  /** Whether ciphertexts are decrypted. */
  decrypt: boolean;
}

type ExprRepr =
  | { kind: 'missing' }
  | { kind: 'literal'; ast: AstExpr & { kind: 'null' | 'boolean' | 'number' | 'string' } }
  | { kind: 'interpolate'; parts: { text: string; access?: Accessor[] }[] }
  | { kind: 'symbol'; access: Accessor[] }
  | { kind: 'array'; elements: Expr[] }
  | { kind: 'object'; properties: Map<string, Expr> }
  | { kind: 'builtin'; ast: BuiltinExpr; args: Map<string, Expr> }
  | { kind: 'inherit' };

/** An expression in evaluation: its representation, the base it is merged with, and its evaluation state. */
export class Expr {
  state: 'pending' | 'evaluating' | 'done' = 'pending';
  value: Value | undefined;
  secret = false;
  constructor(
    readonly def: Definition,
    readonly repr: ExprRepr,
    readonly base: Value | undefined,
  ) {}
}


export class EvalContext {
  private base: Value | undefined;
  private myImports!: Value;
  private myContext!: Value;
  private root!: Expr;

  constructor(
    readonly name: string,
    private readonly decl: EnvironmentDecl,
    readonly decrypter: Decrypter | undefined,
    readonly shared: Shared,
  ) {}

  private def(node: SyntaxNode | undefined, path: string): Definition {
    return { env: this.name, path, ...defined({ range: node?.range }) };
  }

  report(code: DiagnosticCode, summary: string, at: { range?: SourceRange; path?: string } | undefined, env = this.name): void {
    this.shared.diags.push(errorDiag(code, summary, env, at?.range, at?.path));
  }

  async evaluate(): Promise<Value> {
    const entry = { evaluating: true } as { evaluating: boolean; value?: Value };
    this.shared.imports.set(this.name, entry);
    const rootName = this.shared.rootName ?? this.name;
    const ctxValue = exportedFromPlain({
      ...this.shared.context,
      currentEnvironment: { name: this.name },
      rootEnvironment: { name: rootName },
    });
    this.myContext = valueFromExported(ctxValue, this.def(undefined, 'context'));

    const imports = new Map<string, Value>();
    for (const imp of this.decl.imports) await this.evaluateImport(imports, imp);
    this.myImports = new Value(this.def(undefined, 'imports'), imports);

    const properties = new Map<string, Expr>();
    this.root = new Expr(this.def(this.decl.valuesNode, `<${this.name}>`), { kind: 'object', properties }, this.base);
    for (const { key, keyNode, value } of this.decl.values) {
      if (key === 'imports' || key === 'context' || key === 'environments') {
        this.report('reserved-key', `${JSON.stringify(key)} is a reserved key`, keyNode);
      } else if (properties.has(key)) {
        this.report('duplicate-key', `duplicate key ${JSON.stringify(key)}`, keyNode);
      } else {
        properties.set(key, this.declareChild(joinPath('', key), key, keyNode, value, this.base));
      }
    }
    const v = await this.evaluateExpr(this.root);
    entry.value = v;
    entry.evaluating = false;
    return v;
  }

  private async evaluateImport(into: Map<string, Value>, imp: ImportDecl): Promise<void> {
    const { name } = imp;
    let value: Value | undefined;
    const known = this.shared.imports.get(name);
    if (known) {
      if (known.evaluating) {
        this.report('import', `cyclic import of ${name}`, imp.node);
        return;
      }
      value = known.value;
    } else {
      let source: EnvironmentSource | undefined;
      try {
        source = await this.shared.loader.load(name);
      } catch (e) {
        this.report('import', `could not load environment ${name}: ${(e as Error).message}`, imp.node);
        return;
      }
      if (!source) {
        this.report('import', `environment ${name} not found`, imp.node);
        return;
      }
      this.shared.sources.set(name, source);
      // An import with load errors is not imported at all (evaluateImport: diags.HasErrors()).
      const { decl, clean } = loadDecl(name, source, this.shared);
      if (!decl || !clean) return;
      value = await new EvalContext(name, decl, source.decrypter, this.shared).evaluate();
    }
    if (!value) return;
    into.set(name, value);
    if (imp.merge) {
      const merged = copyValue(value);
      merged.merge(this.base);
      this.base = merged;
    }
  }

  private declareChild(path: string, key: string, keyNode: SyntaxNode, x: AstExpr, parentBase: Value | undefined): Expr {
    const base = parentBase?.property(key);
    if (base?.final) {
      this.shared.diags.push(warningDiag('final', 'cannot override final value', this.name, keyNode.range, keyNode.path));
      return new Expr(this.def(keyNode, path), { kind: 'inherit' }, base);
    }
    return this.declare(path, x, base);
  }

  /** Builds the expression tree for an AST node, attaching the base value at the same path. */
  private declare(path: string, x: AstExpr | undefined, base: Value | undefined): Expr {
    if (!x) return new Expr(this.def(undefined, path), { kind: 'missing' }, base);
    const def = this.def(x.node, path);
    switch (x.kind) {
      case 'null':
      case 'boolean':
      case 'number':
      case 'string':
        return new Expr(def, { kind: 'literal', ast: x }, base);
      case 'interpolate':
        return new Expr(def, { kind: 'interpolate', parts: x.parts }, base);
      case 'symbol':
        return new Expr(def, { kind: 'symbol', access: x.access }, base);
      case 'array':
        return new Expr(def, { kind: 'array', elements: x.elements.map((e, i) => this.declare(`${path}[${i}]`, e, undefined)) }, base);
      case 'object': {
        const properties = new Map<string, Expr>();
        for (const { key, keyNode, value } of x.entries) {
          if (properties.has(key)) this.report('duplicate-key', `duplicate key ${JSON.stringify(key)}`, keyNode);
          else properties.set(key, this.declareChild(joinPath(path, key), key, keyNode, value, base));
        }
        return new Expr(def, { kind: 'object', properties }, base);
      }
      default: {
        // The builtin's argument expressions are its fields that are AST expressions (they carry a node).
        const args = new Map<string, Expr>();
        for (const [k, v] of Object.entries(x)) {
          if (k !== 'node' && v !== null && typeof v === 'object' && 'node' in v) args.set(k, this.declare('', v as AstExpr, undefined));
        }
        const plaintext = args.get('plaintext');
        if (plaintext) plaintext.secret = true;
        return new Expr(def, { kind: 'builtin', ast: x, args }, base);
      }
    }
  }

  async evaluateExpr(x: Expr): Promise<Value> {
    if (x.state === 'done') return x.value!;
    if (x.state === 'evaluating') {
      this.report('cycle', `cyclic reference to ${x.def.path}`, x.def);
      return Value.unknown(x.def);
    }
    // Each level of nesting or of references to references is a level of (async) recursion here:
    // a limit with a diagnostic instead of a stack overflow.
    if (this.shared.depth >= this.shared.maxDepth) {
      if (this.shared.throwWhenTooDeep) throw new NeedsDeeperStack(tooDeep(this.shared.maxDepth));
      this.report('depth', tooDeep(this.shared.maxDepth), x.def);
      x.state = 'done';
      x.value = Value.unknown(x.def);
      return x.value;
    }
    x.state = 'evaluating';
    this.shared.depth++;
    let v: Value;
    try {
      v = await this.evaluateRepr(x);
    } finally {
      x.state = 'done';
      this.shared.depth--;
    }
    if (x.secret) v.secret = true;
    v.merge(x.base);
    x.value = v;
    return v;
  }

  private async evaluateRepr(x: Expr): Promise<Value> {
    const r = x.repr;
    switch (r.kind) {
      case 'missing':
        return Value.unknown(x.def);
      case 'inherit':
        return x.base!;
      case 'literal': {
        const a = r.ast;
        if (a.kind === 'null') return new Value(x.def, null);
        if (a.kind === 'boolean') return new Value(x.def, a.value);
        if (a.kind === 'number') return new Value(x.def, new NumberValue(a.text));
        return new Value(x.def, a.value);
      }
      case 'interpolate': {
        const v = new Value(x.def, '');
        let text = '';
        for (const part of r.parts) {
          text += part.text;
          if (!part.access) continue;
          const pv = await this.evaluatePropertyAccess(x, part.access);
          if (!this.affordTextForm(x, pv)) return Value.unknown(x.def);
          const s = pv.toStringForm();
          v.unknown ||= s.unknown;
          v.secret ||= s.secret;
          if (!s.unknown) text += s.text;
        }
        if (!this.afford(x, 1, text.length)) return Value.unknown(x.def);
        v.repr = v.unknown ? null : text;
        return v;
      }
      case 'symbol':
        return this.evaluatePropertyAccess(x, r.access);
      case 'array': {
        const elements: Value[] = [];
        for (const e of r.elements) elements.push(await this.evaluateExpr(e));
        return new Value(x.def, elements);
      }
      case 'object': {
        // Evaluated in key order so that cycle diagnostics are predictable, as pulumi/esc does.
        const keys = [...r.properties.keys()].sort(compareGoStrings);
        const props = new Map<string, Value>();
        for (const k of keys) props.set(k, await this.evaluateExpr(r.properties.get(k)!));
        return new Value(x.def, props);
      }
      case 'builtin':
        return this.evaluateBuiltin(x, r.ast, r.args);
    }
  }

  /** Resolves an access and copies the result, so that merging it at its new place leaves the original alone. */
  private async evaluatePropertyAccess(x: Expr, access: Accessor[]): Promise<Value> {
    const found = await this.evaluateExprAccess(x, access);
    if (!this.affordCopy(x, found)) return Value.unknown(x.def);
    const v = copyValue(found);
    v.def = x.def;
    return v;
  }

  /** Charges a step that builds `values` values and `chars` characters; reports the limit once when it runs out. */
  afford(x: Expr, values: number, chars: number): boolean {
    const wasExceeded = this.shared.budget.exceeded;
    if (this.shared.budget.charge(values, chars)) return true;
    if (!wasExceeded) this.report('limit', BUDGET_EXCEEDED, x.def);
    return false;
  }

  /**
   * Whether the text form of a value (fn::toJSON, fn::toString, an object in an interpolation) could
   * still be paid for, judged before it is built: quoting can double its text, and each value adds a
   * few characters.
   */
  affordTextForm(x: Expr, v: Value): boolean {
    if (!(v.repr instanceof Map || Array.isArray(v.repr))) return true;
    const left = this.shared.budget.remaining();
    const size = measureValue(v, { values: left.values, chars: left.chars / 2 });
    return this.afford(x, 0, size.chars * 2 + size.values * 4);
  }

  /** Charges a copy of a value (measured no further than the budget could pay for). */
  affordCopy(x: Expr, v: Value): boolean {
    const size = measureValue(v, this.shared.budget.remaining());
    return this.afford(x, size.values, size.chars);
  }

  private async evaluateExprAccess(x: Expr, accessors: Accessor[]): Promise<Value> {
    const first = accessors[0]!;
    const k = first.kind === 'name' ? first.name : typeof first.index === 'string' ? first.index : undefined;
    if (k === 'imports') return this.evaluateValueAccess(x, this.myImports, accessors.slice(1));
    if (k === 'context') return this.evaluateValueAccess(x, this.myContext, accessors.slice(1));
    if (k === 'environments') return this.evaluateEnvironmentReference(x, accessors);

    let receiver = this.root;
    let rest = accessors;
    while (rest.length > 0) {
      const accessor = rest[0]!;
      const r = receiver.repr;
      if (r.kind === 'array') {
        const i = this.arrayIndex(x, accessor, r.elements.length);
        if (i === undefined) return Value.unknown(x.def);
        receiver = r.elements[i]!;
      } else if (r.kind === 'object') {
        const key = this.objectKey(x, accessor);
        if (key === undefined) return Value.unknown(x.def);
        const prop = r.properties.get(key);
        if (!prop) {
          if (receiver.base?.isObject()) return this.evaluateValueAccess(x, receiver.base, rest);
          this.unknownProperty(x, accessor, key, [...r.properties.keys()]);
          return Value.unknown(x.def);
        }
        receiver = prop;
      } else if (r.kind === 'builtin' && r.ast.kind === 'secret' && r.args.has('plaintext')) {
        // A plaintext secret is transparent to accessors.
        receiver = r.args.get('plaintext')!;
        continue;
      } else {
        return this.evaluateValueAccess(x, await this.evaluateExpr(receiver), rest);
      }
      rest = rest.slice(1);
    }
    return this.evaluateExpr(receiver);
  }

  private async evaluateEnvironmentReference(x: Expr, accessors: Accessor[]): Promise<Value> {
    // ${environments.<project>.<env>...} imports <project>/<env> without merging it.
    if (accessors.length < 3) return Value.unknown(x.def);
    const project = this.objectKey(x, accessors[1]!);
    const env = this.objectKey(x, accessors[2]!);
    if (project === undefined || env === undefined) return Value.unknown(x.def);
    const name = `${project}/${env}`;
    const inline = new Map<string, Value>();
    await this.evaluateImport(inline, { name, merge: false, node: { kind: 'null', range: x.def.range!, path: x.def.path } });
    const imported = inline.get(name);
    if (!imported) return Value.unknown(x.def);
    const wrap = (k: string, v: Value) => new Value(x.def, new Map([[k, v]]));
    return this.evaluateValueAccess(x, wrap('environments', wrap(project, wrap(env, imported))), accessors);
  }

  private evaluateValueAccess(x: Expr, receiver: Value, accessors: Accessor[]): Value {
    let rest = accessors;
    while (rest.length > 0) {
      const accessor = rest[0]!;
      if (receiver.unknown) return this.evaluateUnknownAccess(x, receiver, rest);
      const r = receiver.repr;
      if (Array.isArray(r)) {
        const i = this.arrayIndex(x, accessor, r.length);
        if (i === undefined) return Value.unknown(x.def);
        receiver = r[i]!;
      } else if (r instanceof Map) {
        const key = this.objectKey(x, accessor);
        if (key === undefined) return Value.unknown(x.def);
        const prop = r.get(key);
        if (!prop) {
          if (receiver.base?.isObject()) return this.evaluateValueAccess(x, receiver.base, rest);
          this.unknownProperty(x, accessor, key, receiver.keys());
          return Value.unknown(x.def);
        }
        receiver = prop;
      } else {
        this.report('reference', 'receiver must be an array or an object', accessorAt(x, accessor));
        return Value.unknown(x.def);
      }
      rest = rest.slice(1);
    }
    return receiver;
  }

  /**
   * Accessors on an unknown value (evaluateUnknownAccess): each step follows the value's schema. Unlike
   * upstream, which silently types a property that a closed object schema lacks as "never", esc-kube
   * reports it as an unknown property, so that `${aws.creds.keyId}` is caught before any login.
   */
  private evaluateUnknownAccess(x: Expr, receiver: Value, accessors: Accessor[]): Value {
    let s = receiver.schema ?? ALWAYS;
    const secret = receiver.secret;
    for (const accessor of accessors) {
      if (!s.always) {
        if (s.type === 'array') {
          const i = this.arrayIndex(x, accessor, s.items?.never ? (s.prefixItems?.length ?? 0) : -1);
          if (i === undefined) return Value.unknown(x.def);
          s = itemSchema(s, i);
        } else if (s.type === 'object') {
          const key = this.objectKey(x, accessor);
          if (key === undefined) return Value.unknown(x.def);
          const next = propertySchema(s, key);
          if (next.never && !s.anyOf && !s.oneOf) {
            this.unknownProperty(x, accessor, key, Object.keys(s.properties ?? {}));
            return Value.unknown(x.def);
          }
          s = next;
        } else {
          this.report('reference', 'receiver must be an array or an object', accessorAt(x, accessor));
          return Value.unknown(x.def);
        }
      }
    }
    const v = Value.unknown(x.def, secret || s.secret === true);
    if (!s.always) v.schema = s;
    return v;
  }

  private unknownProperty(x: Expr, accessor: Accessor, key: string, candidates: string[]): void {
    const hint = this.shared.suggestions++ < MAX_SUGGESTIONS ? didYouMean(key, candidates) : '';
    this.report('reference', `unknown property ${JSON.stringify(key)}${hint}`, accessorAt(x, accessor));
  }

  private arrayIndex(x: Expr, accessor: Accessor, length: number): number | undefined {
    if (accessor.kind !== 'subscript' || typeof accessor.index !== 'number') {
      this.report('reference', 'cannot access an array element using a property name', accessorAt(x, accessor));
      return undefined;
    }
    if (accessor.index < 0) {
      this.report('reference', 'array indices must not be negative', accessorAt(x, accessor));
      return undefined;
    }
    if (length >= 0 && accessor.index >= length) {
      this.report('reference', `array index ${accessor.index} out-of-bounds for array of length ${length}`, accessorAt(x, accessor));
      return undefined;
    }
    return accessor.index;
  }

  private objectKey(x: Expr, accessor: Accessor): string | undefined {
    if (accessor.kind === 'name') return accessor.name;
    if (typeof accessor.index === 'string') return accessor.index;
    this.report('reference', 'cannot access an object property using an integer index', accessorAt(x, accessor));
    return undefined;
  }

  /**
   * Evaluates an expression and validates it against a schema (evaluateTypedExpr). With
   * `explainUnknownProperties` (provider inputs), a property that the schema rejects outright is
   * reported as unknown, with a did-you-mean.
   */
  async evaluateTyped(x: Expr | undefined, accept: Schema, explainUnknownProperties = false): Promise<{ value: Value; ok: boolean }> {
    if (!x) return { value: Value.unknown(this.def(undefined, '')), ok: false };
    const value = await this.evaluateExpr(x);
    const explain = (v: Value, key: string, known: string[]) => this.report('type', `unknown property ${JSON.stringify(key)}${didYouMean(key, known)}`, v.def, v.def.env);
    const ok = validateValue(value, accept, (v, message) => this.report('type', message, v.def, v.def.env), defined({ explainUnknownProperties: explainUnknownProperties ? explain : undefined }));
    return { value, ok };
  }

  /** A provider's schema, compiled; a schema that does not compile is an internal error at the call. */
  providerSchema(x: Expr, json: JsonSchema | undefined, what: string): Schema | undefined {
    if (json === undefined) return undefined;
    try {
      return compileSchema(json);
    } catch (e) {
      this.report('internal', `internal error: invalid ${what} (${(e as Error).message})`, x.def);
      return undefined;
    }
  }

  providerContext(): ProviderContext {
    return {
      environment: this.name,
      rootEnvironment: this.shared.rootName ?? this.name,
    };
  }

  /** Evaluates a call to a builtin (builtins.ts). */
  evaluateBuiltin(x: Expr, fn: BuiltinExpr, args: Map<string, Expr>): Promise<Value> {
    return evaluateBuiltin(this, x, fn, args);
  }
}

function accessorAt(x: Expr, accessor: Accessor): { range?: SourceRange; path: string } {
  return { path: x.def.path, ...defined({ range: accessor.range ?? x.def.range }) };
}
