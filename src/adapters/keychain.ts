import { createRequire } from 'node:module';
import { EscKubeError } from '../errors.js';
import { KeychainTimeout, type Keychain } from '../cache/ports.js';

export type { Keychain };

// The store behind the credential cache: one small interface, with adapters for the OS keychain
// (@napi-rs/keyring by default, keytar on request) and a file store. A keychain that fails or does not
// answer within the time limit is never fatal: callers fall back to the file store or to no cache.

/** The service name entries are stored under in the OS keychain. */
export const KEYCHAIN_SERVICE = 'esc-kube';

/** Races an operation against a time limit. */
export async function withTimeout<T>(op: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KeychainTimeout(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([op, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The prebuilt packages of @napi-rs/keyring for the platforms where the package name is certain. */
const NAPI_KEYRING_PACKAGES: Record<string, string> = {
  'linux-x64': '@napi-rs/keyring-linux-x64-gnu',
  'linux-arm64': '@napi-rs/keyring-linux-arm64-gnu',
  'darwin-x64': '@napi-rs/keyring-darwin-x64',
  'darwin-arm64': '@napi-rs/keyring-darwin-arm64',
  'win32-x64': '@napi-rs/keyring-win32-x64-msvc',
};

/**
 * @napi-rs/keyring's binding. Its own loader probes for musl and tries several paths, which costs a
 * cached token about 2.5 ms; the platform's prebuilt package is required directly instead, and the
 * loader is the fallback (musl, other platforms, a package that is missing or does not load).
 */
function loadNapiKeyring(load: (name: string) => unknown): typeof import('@napi-rs/keyring') {
  const direct = NAPI_KEYRING_PACKAGES[`${process.platform}-${process.arch}`];
  if (direct) {
    try {
      return load(direct) as typeof import('@napi-rs/keyring');
    } catch {
      // The loader below knows every platform.
    }
  }
  return load('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
}

/** The OS keychain through @napi-rs/keyring (maintained, prebuilt, gives up quickly on a hung daemon). */
export function napiKeychain(): Keychain {
  // require, not import: importing a CommonJS module from ESM runs a lexer over it, on the hot path.
  const { AsyncEntry, Entry } = loadNapiKeyring(createRequire(import.meta.url));
  const entry = (key: string) => new AsyncEntry(KEYCHAIN_SERVICE, key);
  return {
    kind: 'keychain',
    label: 'keychain (@napi-rs/keyring)',
    // A read is synchronous: the library connects synchronously anyway (see resilientKeychain), and a
    // cache hit then does not start libuv's thread pool for its one lookup (nor a timer it could not use).
    blockingReads: true,
    get: async (key) => new Entry(KEYCHAIN_SERVICE, key).getPassword() ?? undefined,
    set: async (key, value) => {
      await entry(key).setPassword(value);
    },
    delete: async (key) => {
      await entry(key).deleteCredential();
    },
  };
}

/**
 * The OS keychain through keytar (archived in 2022). Against a hung daemon its calls block a thread-pool
 * thread for up to 50 s: esc-kube answers after 2 s from the file store, but Node cannot exit until the
 * call returns, so keytar is not the default. Its findCredentials is never called: it crashes on items
 * without an account. keytar is an optional dependency whose native build often fails (it needs
 * libsecret-1-dev and a compiler), so it is loaded by name at run time and described by a local type:
 * the build never needs it.
 */
export function keytarKeychain(keytar: KeytarApi): Keychain {
  return {
    kind: 'keychain',
    label: 'keychain (keytar)',
    get: async (key) => (await keytar.getPassword(KEYCHAIN_SERVICE, key)) ?? undefined,
    set: (key, value) => keytar.setPassword(KEYCHAIN_SERVICE, key, value),
    delete: async (key) => {
      await keytar.deletePassword(KEYCHAIN_SERVICE, key);
    },
  };
}

/** The part of keytar's API that esc-kube uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The one line for a keytar that is not installed (or whose native part did not build). */
export const KEYTAR_MISSING =
  '$ESC_KUBE_KEYCHAIN=keytar, but keytar is not installed (it is optional, and its native build needs libsecret-1-dev, a compiler and Node\'s headers): run `npm install keytar` in esc-kube\'s directory, or unset ESC_KUBE_KEYCHAIN to use the default keychain (@napi-rs/keyring)';

/**
 * Loads keytar by name (so that neither the type check nor the bundle needs it); a keytar that is not
 * installed, or whose native part cannot load, is an error the user must act on, not a passing failure.
 */
export function loadKeytar(load: (name: string) => unknown = createRequire(import.meta.url)): KeytarApi {
  let mod: { default?: KeytarApi } & Partial<KeytarApi>;
  try {
    mod = load('keytar') as typeof mod;
  } catch (e) {
    // MODULE_NOT_FOUND: not installed; ERR_DLOPEN_FAILED and friends: installed, but its binary is unusable.
    throw new EscKubeError('keychain', KEYTAR_MISSING, { cause: e });
  }
  const api = (mod.default ?? mod) as Partial<KeytarApi>;
  if (typeof api.getPassword !== 'function' || typeof api.setPassword !== 'function' || typeof api.deletePassword !== 'function') {
    throw new EscKubeError('keychain', KEYTAR_MISSING);
  }
  return api as KeytarApi;
}
