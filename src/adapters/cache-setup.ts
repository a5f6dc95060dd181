// Opening the credential cache the way --cache / $ESC_KUBE_CACHE ask: sealed entry files in
// $XDG_CACHE_HOME/esc-kube, with their data key in the OS keychain (a key file behind it) or in a
// file. Built by the composition root, for the warm path and the full command alike.

import { randomBytes } from 'node:crypto';
import { CredentialCache } from '../cache/credential-cache.js';
import type { DataKeys, Keychain } from '../cache/ports.js';
import { dataKeys } from './data-keys.js';
import { cacheFiles } from './cache-files.js';
import type { LockOptions } from './file-lock.js';
import { cacheDir, cacheDirProblem } from './file-store.js';
import { cacheMode, selectStore } from './select-store.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** What opening the cache came to. */
export type CacheChoice =
  | { kind: 'cache'; cache: CredentialCache }
  /** --cache none or $ESC_KUBE_CACHE=none. */
  | { kind: 'off' }
  /** The directory could have been written by someone else: not used. */
  | { kind: 'untrusted'; problem: string }
  /** An invalid mode or keychain setting. */
  | { kind: 'invalid'; error: string };

/** What opening the cache needs from the process. */
export interface CacheSetup {
  environ: Environ;
  homedir: string;
  platform: NodeJS.Platform;
  now: () => Date;
  lockOptions?: LockOptions;
  /** Receives the one-line notice when the keychain falls back to files (none: stay silent). */
  notice?: (message: string) => void;
}

/** Opens the credential cache for a --cache flag (undefined: $ESC_KUBE_CACHE, else keychain). */
export function chooseCredentialCache(flag: string | undefined, setup: CacheSetup): CacheChoice {
  const mode = cacheMode(flag, setup.environ);
  if (typeof mode !== 'string') return { kind: 'invalid', error: mode.error };
  if (mode === 'none') return { kind: 'off' };
  const dir = cacheDir(setup.environ, setup.homedir);
  const problem = cacheDirProblem(dir);
  if (problem) return { kind: 'untrusted', problem };
  const store = selectStore({ mode, dir, environ: setup.environ, platform: setup.platform, ...defined({ notice: setup.notice }) });
  let keys = keysOf.get(store);
  if (!keys) keysOf.set(store, (keys = dataKeys(store, randomBytes)));
  return { kind: 'cache', cache: new CredentialCache(keys, cacheFiles(dir, setup.lockOptions), setup.now, randomBytes) };
}

// One data key per store and process, so that the warm path and the full command read it once.
const keysOf = new WeakMap<Keychain, DataKeys>();
