// The ports the credential cache works through; the adapters under src/adapters implement them
// (data-keys.ts the DataKeys, over keychain.ts's and file-store.ts's Keychain; cache-files.ts the
// CacheFiles) and raise the errors declared here.

/**
 * The user's data key, which seals every cache entry: kept in the OS keychain, or in a 0600 file
 * beside the cache where no keychain answers.
 */
export interface DataKeys {
  /** Where the key lives: "keychain" or "file". */
  readonly kind: 'keychain' | 'file';
  /** A name for messages. */
  readonly label: string;
  /** Why the OS keychain is not used, when it was wanted (the key is in a file instead). */
  readonly unavailable?: string | undefined;
  /** The key, or undefined when there is none yet (or it cannot be read). The answer is kept for the process. */
  get(): Promise<Buffer | undefined>;
  /** Reads the key again (another process may have made it since). */
  reread(): Promise<Buffer | undefined>;
  /** Makes a new key (random), stores it and returns it; callers hold the cache's lock for it. */
  create(): Promise<Buffer>;
  /** Removes an entry that an earlier version kept in the keychain itself (one item per entry). */
  forgetLegacy(key: string): Promise<void>;
}

/** A place to keep small secret strings by name (the data key; entries, in earlier versions). */
export interface Keychain {
  /** "keychain" for an OS keychain, "file" for the file store. */
  readonly kind: 'keychain' | 'file';
  /** A name for messages and `cache ls`. */
  readonly label: string;
  /** Why the OS keychain is not used, when a store that would use it fell back to files. */
  readonly unavailable?: string | undefined;
  /**
   * True when get() does its work on the calling thread before it returns: no timer could interrupt it,
   * so callers measure how long it took instead of racing it against one.
   */
  readonly blockingReads?: boolean;
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
