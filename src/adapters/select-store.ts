// Choosing where the cache's data key lives: --cache keychain|file|none (or $ESC_KUBE_CACHE), keychain
// by default. A keychain that is absent, locked, failing or slower than 2 s falls back to a 0600 key
// file for the rest of the call, with a one-line notice the first time it happens on this machine.

import { join } from 'node:path';
import { fileKeychain, ensurePrivateDir, readIfExists, writePrivateFile } from './file-store.js';
import { keytarKeychain, loadKeytar, napiKeychain, withTimeout, type Keychain } from './keychain.js';
import type { Environ } from '../environ.js';

/** The name of the data key's keychain item (and of its file, with `.key`). */
export const DATA_KEY_NAME = 'cache-data-key';

/** Where to cache. */
export type CacheMode = 'keychain' | 'file' | 'none';

/** How long a keychain may take to answer before the file store is used. */
export const KEYCHAIN_TIMEOUT_MS = 2000;

/** Reads the cache mode from the flag or $ESC_KUBE_CACHE (and checks $ESC_KUBE_KEYCHAIN); `{error}` when invalid. */
export function cacheMode(flag: string | undefined, environ: Environ): CacheMode | { error: string } {
  const adapter = environ.ESC_KUBE_KEYCHAIN;
  if (adapter !== undefined && adapter !== '' && adapter !== 'keytar' && adapter !== 'napi') {
    return { error: `invalid $ESC_KUBE_KEYCHAIN ${JSON.stringify(adapter)}: expected napi (@napi-rs/keyring, the default) or keytar` };
  }
  const raw = flag ?? environ.ESC_KUBE_CACHE ?? 'keychain';
  if (raw === 'keychain' || raw === 'file' || raw === 'none') return raw;
  return { error: `invalid cache mode ${JSON.stringify(raw)}${flag === undefined ? ' in $ESC_KUBE_CACHE' : ''}: expected keychain, file or none` };
}

/** What store selection needs. */
export interface StoreSetup {
  mode: Exclude<CacheMode, 'none'>;
  dir: string;
  environ: Environ;
  platform: NodeJS.Platform;
  /** Receives the one-line notice about falling back to files; without one it waits for a caller that has one. */
  notice?: (message: string) => void;
  /** A notice that no one could be told yet. */
  pending?: string;
  timeoutMs?: number;
  /** The key kept (default: the cache's data key), for the notice: its item's name and what it protects. */
  key?: { name: string; role: string };
  /** Milliseconds, for timing the keychain's answers (default: Date.now). */
  clock?: () => number;
}

// One store per process and setting: a keychain found hung by the fast path is not waited for again.
// The notice goes to whoever asked last (the fast path stays silent; the full command tells).
const chosen = new Map<string, { store: Keychain; setup: StoreSetup }>();

/** Where the data key is kept: the OS keychain with a key file behind it, or the key file alone. */
export function selectStore(setup: StoreSetup): Keychain {
  const id = `${setup.mode}|${setup.dir}|${setup.environ.ESC_KUBE_KEYCHAIN ?? ''}|${setup.environ.DBUS_SESSION_BUS_ADDRESS ?? ''}`;
  const known = chosen.get(id);
  if (known) {
    if (setup.notice) known.setup.notice = setup.notice;
    if (known.setup.pending && known.setup.notice) void noticeOnce(known.setup, known.setup.pending);
    return known.store;
  }
  const shared = { ...setup };
  const store = chooseStore(shared);
  chosen.set(id, { store, setup: shared });
  return store;
}

function chooseStore(setup: StoreSetup): Keychain {
  const files = fileKeychain(setup.dir);
  if (setup.mode === 'file') return files;
  // Asked for by name: a keytar that cannot load is the user's to fix, so it fails here (one line),
  // before anything else can send the call to the file store.
  const keytar = setup.environ.ESC_KUBE_KEYCHAIN === 'keytar' ? loadKeytar() : undefined;
  if (setup.platform === 'linux' && !setup.environ.DBUS_SESSION_BUS_ADDRESS) {
    return fallbackNow(files, setup, 'no D-Bus session bus ($DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service');
  }
  return resilientKeychain(() => (keytar ? keytarKeychain(keytar) : napiKeychain()), files, setup);
}

function fallbackNow(files: Keychain, setup: StoreSetup, why: string): Keychain {
  let told = false;
  const tell = async () => {
    if (told) return;
    told = true;
    await noticeOnce(setup, why);
  };
  return {
    kind: files.kind,
    label: files.label,
    unavailable: why,
    get: (k) => files.get(k),
    set: async (k, v) => {
      await tell();
      await files.set(k, v);
    },
    delete: (k) => files.delete(k),
  };
}

/**
 * Tries the keychain for each operation until it fails once; from then on uses the file store. `open`
 * loads the keychain's library (synchronous; it throws when the library cannot load): only its calls
 * can hang, and they are limited in time.
 */
export function resilientKeychain(open: () => Keychain, files: Keychain, setup: StoreSetup): Keychain {
  const timeoutMs = setup.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  const clock = setup.clock ?? Date.now;
  let primary: Keychain | undefined;
  let primaryLabel = 'keychain';
  let broken: string | undefined;
  const store: Keychain = {
    get kind() {
      return broken ? files.kind : 'keychain';
    },
    get unavailable() {
      return broken;
    },
    get label() {
      return broken ? files.label : primaryLabel;
    },
    get: (k) => attempt((s) => s.get(k), () => files.get(k), 'read'),
    set: (k, v) => attempt((s) => s.set(k, v), () => files.set(k, v)),
    delete: async (k) => {
      await files.delete(k);
      await attempt((s) => s.delete(k), async () => undefined);
    },
  };
  async function attempt<T>(op: (s: Keychain) => Promise<T>, fallback: () => Promise<T>, kind?: 'read'): Promise<T> {
    if (!broken) {
      try {
        const s = (primary ??= open());
        primaryLabel = s.label;
        const started = clock();
        // A read that blocks has answered (or failed) by the time op() returns: a timer would only cost
        // a cache hit its set-up; the elapsed time below still catches a daemon that was slow.
        const result = await (kind === 'read' && s.blockingReads ? op(s) : withTimeout(op(s), timeoutMs, 'the OS keychain'));
        // @napi-rs/keyring connects synchronously and gives up after about 2 s on a hung daemon, with
        // the event loop blocked meanwhile: an answer that slow means the keychain is not usable.
        const took = clock() - started;
        if (took >= timeoutMs * 0.75) throw new Error(`took ${(took / 1000).toFixed(1)} s to answer`);
        return result;
      } catch (e) {
        broken = `the OS keychain failed (${(e as Error).message.split('\n')[0]})`;
        await noticeOnce(setup, broken);
      }
    }
    return fallback();
  }
  return store;
}

/** Prints the file-store notice unless it was printed before on this machine (a marker file remembers). */
async function noticeOnce(setup: StoreSetup, why: string): Promise<void> {
  if (!setup.notice) {
    setup.pending = why;
    return;
  }
  delete setup.pending;
  const marker = join(setup.dir, 'file-store-notice');
  try {
    if ((await readIfExists(marker)) !== undefined) return;
    await ensurePrivateDir(setup.dir);
    await writePrivateFile(marker, `${why}\n`);
  } catch {
    // Without a marker the notice may repeat; that is all.
  }
  const key = setup.key ?? { name: DATA_KEY_NAME, role: 'the key that encrypts cached credentials' };
  const choose = setup.key ? '' : ' (choose with --cache keychain|file|none)';
  setup.notice(`note: ${why}; ${key.role} is kept in ${join(setup.dir, `${key.name}.key`)} (mode 0600) instead, which protects them against backups and copies but not against your own processes${choose}`);
}
