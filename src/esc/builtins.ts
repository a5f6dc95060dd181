// The builtins of the ESC language (fn::open, fn::rotate, fn::secret, fn::join, fn::split, fn::concat,
// fn::final, fn::validate, fn::toJSON, fn::fromJSON, fn::toString, fn::toBase64, fn::fromBase64), as
// pulumi/esc's eval.go evaluates them; the evaluator (eval.ts) calls evaluateBuiltin for each call.

import type { BuiltinExpr } from './ast.js';
import { decodeEnvelope } from './crypt.js';
import { CiphertextError } from './local-secret.js';
import type { EvalContext, Expr } from './eval.js';
import { decodeGoBase64, encodeBase64 } from './go-compat.js';
import { decodeGoJson, marshalGoJson } from './json.js';
import { ProviderError } from './providers.js';
import { errorDiag } from './diagnostics.js';
import { ALWAYS, compileSchema, JSON_SCHEMA_SCHEMA, SchemaError, type JsonSchema, type Schema } from './schema.js';
import { copyValue, NumberValue, Value, valueFromExported, type Exported } from './value.js';
import { defined } from '../defined.js';

const STRING = compileSchema({ type: 'string' });
const STRING_ARRAY = compileSchema({ type: 'array', items: { type: 'string' } });
const ARRAY_OF_ARRAYS = compileSchema({ type: 'array', items: { type: 'array' } });

/** Evaluates a call to a builtin: its arguments typed, secrecy and unknown-ness carried, failures reported. */
export async function evaluateBuiltin(ctx: EvalContext, x: Expr, fn: BuiltinExpr, args: Map<string, Expr>): Promise<Value> {
  const result = (repr: Value['repr'] = null) => new Value(x.def, repr);
  const unknown = () => Value.unknown(x.def);
  switch (fn.kind) {
    case 'open': {
      // evaluateBuiltinOpen: the result is unknown, typed by the provider's output schema, whenever
      // the provider is not invoked (check mode, bad or unknown inputs) or fails.
      if (fn.provider === undefined) return unknown();
      const provider = ctx.shared.providers.provider(fn.provider);
      if (!provider) ctx.report('provider', `unknown provider ${JSON.stringify(fn.provider)}`, x.def);
      const inputSchema = provider ? ctx.providerSchema(x, provider.inputSchema, 'input schema') : undefined;
      const { value: inputs, ok } = await ctx.evaluateTyped(args.get('inputs'), inputSchema ?? ALWAYS, true);
      const outputSchema = provider ? ctx.providerSchema(x, provider.outputSchemaFor?.(inputs) ?? provider.outputSchema, 'schema') : undefined;
      const typedUnknown = () => {
        const v = Value.unknown(x.def, x.secret || outputSchema?.secret === true);
        if (outputSchema && !outputSchema.always) v.schema = outputSchema;
        return v;
      };
      if (!provider || !ok || inputs.containsUnknowns() || ctx.shared.check) return typedUnknown();
      return callProvider(ctx, x, () => provider.open(inputs.export(), ctx.providerContext()), typedUnknown);
    }
    case 'rotate': {
      if (fn.provider === undefined) return unknown();
      const rotator = ctx.shared.providers.rotator(fn.provider);
      if (!rotator) ctx.report('provider', `unknown rotator ${JSON.stringify(fn.provider)}`, x.def);
      const inputs = await ctx.evaluateExpr(args.get('inputs')!);
      const state = await ctx.evaluateExpr(args.get('state')!);
      if (!rotator || inputs.containsUnknowns() || state.containsUnknowns() || ctx.shared.check) return unknown();
      return callProvider(ctx, x, () => rotator.open(inputs.export(), state.export(), ctx.providerContext()));
    }
    case 'secret': {
      const plaintext = args.get('plaintext');
      if (plaintext) return ctx.evaluateExpr(plaintext);
      return decryptCiphertext(ctx, x, fn.ciphertext!.value);
    }
    case 'join': {
      const delimiter = await ctx.evaluateTyped(args.get('delimiter'), STRING);
      const values = await ctx.evaluateTyped(args.get('values'), STRING_ARRAY);
      if (!delimiter.ok || !values.ok) return unknown();
      const v = result();
      v.combine(delimiter.value, values.value);
      if (!v.unknown) v.repr = (values.value.repr as Value[]).map((e) => e.repr as string).join(delimiter.value.repr as string);
      if (typeof v.repr === 'string' && !ctx.afford(x, 1, v.repr.length)) return unknown();
      return v;
    }
    case 'split': {
      const delimiter = await ctx.evaluateTyped(args.get('delimiter'), STRING);
      const str = await ctx.evaluateTyped(args.get('string'), STRING);
      if (!delimiter.ok || !str.ok) return unknown();
      const v = result();
      v.combine(delimiter.value, str.value);
      if (!v.unknown) {
        const s = str.value.repr as string;
        const sep = delimiter.value.repr as string;
        const parts = sep === '' ? [...s] : s.split(sep);
        if (!ctx.afford(x, parts.length + 1, s.length)) return unknown();
        // Stricter than upstream on purpose: every element of a split secret is secret too.
        v.repr = parts.map((p) => {
          const e = new Value(x.def, p);
          e.secret = v.secret;
          return e;
        });
      }
      return v;
    }
    case 'concat': {
      const { value: arrays, ok } = await ctx.evaluateTyped(args.get('arg'), ARRAY_OF_ARRAYS);
      if (!ok || !ctx.affordCopy(x, arrays)) return unknown();
      const v = result();
      v.combine(arrays);
      if (!v.unknown) v.repr = (arrays.repr as Value[]).flatMap((a) => (a.repr as Value[]).map((e) => copyValue(e)));
      return v;
    }
    case 'final': {
      const arg = await ctx.evaluateExpr(args.get('arg')!);
      if (!ctx.affordCopy(x, arg)) return unknown();
      const v = copyValue(arg);
      v.final = true;
      return v;
    }
    case 'validate': {
      // evaluateBuiltinValidate: the schema is first checked against the JSON Schema schema; the value
      // passes through whatever the outcome.
      const schemaX = args.get('schema');
      const valueX = args.get('value');
      if (!schemaX || !valueX) return unknown();
      const passThrough = (value: Value) => (ctx.affordCopy(x, value) ? copyValue(value) : unknown());
      const { value: schemaValue, ok } = await ctx.evaluateTyped(schemaX, JSON_SCHEMA_SCHEMA);
      if (schemaValue.containsUnknowns() || !ok) return passThrough(await ctx.evaluateExpr(valueX));
      let accept: Schema;
      try {
        accept = compileSchema(schemaJson(schemaValue.export()) as JsonSchema);
      } catch (e) {
        if (!(e instanceof SchemaError)) throw e;
        ctx.report('type', `invalid schema: ${e.message}`, schemaX.def);
        return passThrough(await ctx.evaluateExpr(valueX));
      }
      const { value } = await ctx.evaluateTyped(valueX, accept);
      return passThrough(value);
    }
    case 'toJSON': {
      const value = await ctx.evaluateExpr(args.get('arg')!);
      if (!ctx.affordTextForm(x, value)) return unknown();
      const v = result();
      v.combine(value);
      if (!v.unknown) v.repr = marshalGoJson(value.export());
      return v;
    }
    case 'fromJSON':
      return stringBuiltin(ctx, x, args.get('arg'), 'decoding JSON string', (text, v) => {
        const decoded = valueFromExported(decodeGoJson(text, v.secret), x.def, v.secret);
        return ctx.affordCopy(x, decoded) ? decoded : Value.unknown(x.def);
      });
    case 'toString': {
      const value = await ctx.evaluateExpr(args.get('arg')!);
      if (!ctx.affordTextForm(x, value)) return unknown();
      const s = value.toStringForm();
      const v = result(s.unknown ? null : s.text);
      v.unknown = s.unknown;
      v.secret = s.secret;
      return v;
    }
    case 'toBase64':
      return stringBuiltin(ctx, x, args.get('arg'), 'encoding base64', (text, v) => affordText(ctx, x, v, encodeBase64(text)));
    case 'fromBase64':
      return stringBuiltin(ctx, x, args.get('arg'), 'decoding base64 string', (text, v) => affordText(ctx, x, v, Buffer.from(decodeGoBase64(text)).toString('utf8')));
  }
}

/**
 * A builtin of one string argument: the argument is type-checked, an unknown or secret argument makes
 * the result unknown or secret, and a failure of `apply` is reported as `<failure>: <reason>`.
 */
async function stringBuiltin(ctx: EvalContext, x: Expr, arg: Expr | undefined, failure: string, apply: (text: string, result: Value) => Value): Promise<Value> {
  const { value: str, ok } = await ctx.evaluateTyped(arg, STRING);
  if (!ok) return Value.unknown(x.def);
  const v = new Value(x.def, null);
  v.combine(str);
  if (v.unknown) return v;
  try {
    return apply(str.repr as string, v);
  } catch (e) {
    ctx.report('builtin', `${failure}: ${(e as Error).message}`, x.def);
    return Value.unknown(x.def);
  }
}

/** Sets a builtin's text result, if the budget pays for it. */
function affordText(ctx: EvalContext, x: Expr, v: Value, text: string): Value {
  if (!ctx.afford(x, 1, text.length)) return Value.unknown(x.def);
  v.repr = text;
  return v;
}

async function callProvider(ctx: EvalContext, x: Expr, open: () => Promise<Exported>, failed: () => Value = () => Value.unknown(x.def)): Promise<Value> {
  try {
    const v = valueFromExported(await open(), x.def, x.secret);
    return ctx.affordCopy(x, v) ? v : Value.unknown(x.def);
  } catch (e) {
    ctx.shared.diags.push({
      ...errorDiag('provider', e instanceof Error ? e.message : String(e), ctx.name, x.def.range, x.def.path),
      ...defined({ detail: e instanceof ProviderError ? e.code : undefined }),
    });
    return failed();
  }
}

async function decryptCiphertext(ctx: EvalContext, x: Expr, text: string): Promise<Value> {
  const v = Value.unknown(x.def, true);
  let ciphertext: Uint8Array;
  try {
    ciphertext = decodeEnvelope(text);
  } catch (e) {
    ctx.report('builtin', `invalid ciphertext: ${(e as Error).message}`, x.def);
    return v;
  }
  if (!ctx.shared.decrypt) return v;
  if (!ctx.decrypter) {
    ctx.report(
      'builtin',
      `cannot decrypt fn::secret ciphertext: no decrypter is configured for environment ${ctx.name} (store the secret as plaintext, or open the environment where it was encrypted)`,
      x.def,
    );
    return v;
  }
  try {
    v.repr = Buffer.from(await ctx.decrypter.decrypt(ciphertext)).toString('utf8');
    v.unknown = false;
  } catch (e) {
    ctx.report('builtin', e instanceof CiphertextError ? e.message : `decrypting: ${(e as Error).message}`, x.def);
  }
  return v;
}

/** The JSON form of an exported schema value, numbers kept as ESC number text (json.Number). */
export function schemaJson(e: Exported): unknown {
  const r = e.value;
  if (Array.isArray(r)) return r.map(schemaJson);
  if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(r)) Object.defineProperty(o, k, { value: schemaJson(r[k]!), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return r;
}
