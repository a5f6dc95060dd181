// Use case: open an environment by name from a store and evaluate it.

import { EscKubeError } from '../errors.js';
import { hasErrors } from '../esc/diagnostics.js';
import { evaluateEnvironment, NeedsDeeperStack, type EnvironmentLoader, type ProviderRegistry } from '../esc/eval.js';
import { checkProjectionNames } from '../esc/projection.js';
import { redactDefinition } from '../esc/redact-source.js';
import { suggest } from '../esc/suggest.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import type { Exported } from '../esc/value.js';
import { defined } from '../defined.js';

export type { OpenedEnvironment };

/** A store of environments: a loader that can also list and describe itself. */
export interface EnvironmentStore extends EnvironmentLoader {
  /** Where the store is, for messages (a directory or a URL). */
  readonly dir: string;
  list(): Promise<string[]>;
}

/** What opening needs. */
export interface OpenEnvironmentDeps {
  store: EnvironmentStore;
  providers: ProviderRegistry;
  /** Values exposed as `${context...}`. */
  context: Record<string, unknown>;
  /** How deep evaluation may nest (larger on a thread with a larger stack). */
  maxDepth?: number;
  /** A deeper environment is not evaluated here at all: "needs-deep-stack" is thrown at once. */
  handOnWhenTooDeep?: boolean;
  /** `check` evaluates without invoking any provider, as upstream's CheckEnvironment (env check, env get). */
  mode?: 'open' | 'check';
  /** In check mode, decrypt ciphertexts all the same. */
  showSecrets?: boolean;
}

/** Loads and evaluates an environment; diagnostics are returned, not thrown (see {@link requireNoErrors}). */
export async function openEnvironment(name: string, deps: OpenEnvironmentDeps): Promise<OpenedEnvironment> {
  const source = await deps.store.load(name);
  if (!source) throw await environmentNotFound(name, deps.store);
  const handOn = () => new EscKubeError('needs-deep-stack', `environment ${JSON.stringify(name)} nests deeper than the main thread's stack can follow`);
  let result;
  try {
    result = await evaluateEnvironment({
      ...defined({ throwWhenTooDeep: deps.handOnWhenTooDeep, maxDepth: deps.maxDepth, mode: deps.mode, showSecrets: deps.showSecrets }),
      name,
      source,
      loader: deps.store,
      providers: deps.providers,
      context: deps.context,
    });
  } catch (e) {
    if (e instanceof NeedsDeeperStack) throw handOn();
    throw e;
  }
  if (deps.handOnWhenTooDeep && result.diagnostics.some((d) => d.code === 'depth')) throw handOn();
  return {
    name,
    value: result.value,
    exported: result.value?.export(),
    diagnostics: [...result.diagnostics, ...checkProjectionNames(result.value)],
    sources: result.sources,
    lookup: memoize((env) => {
      const s = result.sources.get(env);
      // Snippets in messages show the definition with its plaintext secrets redacted.
      return s ? { file: s.file ?? env, text: redactDefinition(s.text) } : undefined;
    }),
  };
}

function memoize<T>(f: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (!known.has(key)) known.set(key, f(key));
    return known.get(key)!;
  };
}

/** Throws when the evaluation reported errors, carrying the diagnostics for rendering. */
export function requireNoErrors(env: OpenedEnvironment): void {
  if (!hasErrors(env.diagnostics)) return;
  const n = env.diagnostics.filter((d) => d.severity === 'error').length;
  throw new EscKubeError('env-diagnostics', `environment ${JSON.stringify(env.name)} has ${n} error${n === 1 ? '' : 's'}`, {
    diagnostics: env.diagnostics,
    lookup: env.lookup,
  });
}

/** Throws when an environment defines nothing at all (an empty file is almost always a mistake at the top level). */
export function requireValues(env: OpenedEnvironment): Exported {
  if (env.exported) return env.exported;
  const file = env.sources.get(env.name)?.file ?? env.name;
  throw new EscKubeError('env-empty', `environment ${JSON.stringify(env.name)} is empty: ${file} defines no imports and no values`);
}

/**
 * The error for an environment the store does not have, with a close name when there is one (and, for
 * the commands that change an environment's file, `orCreate`, how to create it otherwise).
 */
export async function environmentNotFound(name: string, store: EnvironmentStore, orCreate = false): Promise<EscKubeError> {
  let hint = orCreate ? `; create it with esc-kube env init ${name}` : '';
  try {
    const names = await store.list();
    const close = suggest(name, names);
    if (close) hint = `; did you mean ${JSON.stringify(close)}?`;
    else if (names.length === 0) hint = ' (the store is empty; pass --env-dir DIR or set ESC_KUBE_ENV_DIR)';
  } catch {
    // Listing is only for the hint.
  }
  return new EscKubeError('env-not-found', `environment ${JSON.stringify(name)} not found in ${store.dir} (looked for ${name}.yaml and ${name}.yml)${hint}`);
}
