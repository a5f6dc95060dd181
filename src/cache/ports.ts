// The ports the credential cache works through; the adapters under src/adapters implement them
// (keychain.ts and file-store.ts the Keychain, cache-files.ts the CacheFiles) and raise the errors
// declared here.

/** A place to keep cache entries (secret JSON strings) by key. */
export interface Keychain {
  /** "keychain" for an OS keychain, "file" for the file store. */
  readonly kind: 'keychain' | 'file';
  /** A name for messages and `cache ls`. */
  readonly label: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Thrown by a Keychain that does not answer in time. */
export class KeychainTimeout extends Error {}

/** Thrown when the cache directory cannot be trusted (someone else could have written into it). */
export class UntrustedCache extends Error {}

/** The result of taking a lock: whether it was acquired (false after the bounded wait) and a release. */
export interface Held {
  acquired: boolean;
  /** True when another process held the lock while we waited (it may have filled the cache). */
  waited: boolean;
  release(): Promise<void>;
}

/** The cache directory (metadata and locks, never a secret) and the files entries are checked against. */
export interface CacheFiles {
  /** The directory, for messages. */
  readonly dir: string;
  /** A file of the directory, or undefined when it is missing or cannot be trusted. */
  read(name: string): Promise<string | undefined>;
  /** Writes a file of the directory atomically, 0600, creating the directory (0700) if needed. */
  write(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** The names of the directory's files (none when it does not exist). */
  list(): Promise<string[]>;
  /** Takes the lock file `name` (a bounded wait; `acquired` false when it could not). */
  lock(name: string): Promise<Held>;
  /** The SHA-256 (hex) of any file's bytes, or undefined when it cannot be read. */
  digest(path: string): Promise<string | undefined>;
  /** Reads any text file (an OIDC token file); rejects when it cannot. */
  readText(path: string): Promise<string>;
}
