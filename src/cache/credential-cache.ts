// The credential cache: two tiers (and the login's refresh tokens) in one directory of sealed files.
//   - token tier: the EKS token, served while at least 2 minutes of it remain, and only while every
//     environment file it was made from is unchanged (their SHA-256 is kept with the entry);
//   - session tier: STS credentials from aws-login oidc, reused while at least 5 minutes remain.
// Every entry is a file encrypted with the user's data key (sealed-entry.ts); the OS keychain keeps
// only that key, so its items do not grow with a token. Damaged, truncated, foreign or old-format
// entries are misses, never failures. `cache ls` reads the files' plaintext headers.

import { sha256Hex } from './sha256.js';
import type { CacheFiles, DataKeys, Held } from './ports.js';
import { openEntry, readHeader, sealEntry, type EntryHeader } from './sealed-entry.js';
import { NONCE_BYTES } from '../aead.js';
import type { OidcIdentity } from '../aws/jwt.js';
import type { Environ } from '../environ.js';

/** When an EKS token was signed (its X-Amz-Date), or undefined when it does not say. */
export function signingTime(token: string): number | undefined {
  if (!token.startsWith('k8s-aws-v1.')) return undefined;
  const url = Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  const m = /[?&]X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:&|$)/.exec(url);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/** Bump when the entry format changes: older entries then read as misses. */
export const CACHE_FORMAT = 1;
/** A token is served while at least this much of it remains. */
export const TOKEN_MIN_REMAINING_MS = 2 * 60_000;
/** An STS session is reused while at least this much of it remains. */
export const SESSION_MIN_REMAINING_MS = 5 * 60_000;

/** A cached token, the files it was made from and the OIDC tokens behind its sessions. */
export interface TokenEntry {
  v: number;
  token: string;
  expiration: string;
  files: { path: string; sha256: string }[];
  identities?: OidcIdentity[];
}

/** The longest a token can live (EKS tokens: 15 minutes from signing; the entry says 14). */
export const MAX_TOKEN_LIFETIME_MS = 15 * 60_000;
/** The longest an STS session can live (AssumeRole* allows 12 hours). */
export const MAX_SESSION_LIFETIME_MS = 12 * 3600_000;

/** Cached STS credentials. */
export interface SessionEntry {
  v: number;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

/** What `cache ls` shows of an entry: its file's header and where the key that seals it lives. */
export interface CacheMeta extends EntryHeader {
  store: string;
}

/** The file an entry is sealed in. */
const entryFile = (key: string) => `${key}.entry`;
/** The lock under which the data key is made. */
const DATA_KEY_LOCK = 'data-key';
/** The metadata file an earlier format kept beside an entry held in the keychain. */
const legacyMetaFile = (key: string) => `${key}.meta`;

/** A stable key from the things that decide an entry: "t-", "s-" or "l-" and 32 hex digits. */
export function cacheKey(kind: 'token' | 'session' | 'login', parts: readonly unknown[]): string {
  return `${kind[0]}-${sha256Hex(JSON.stringify([CACHE_FORMAT, ...parts])).slice(0, 32)}`;
}

function parse<T>(raw: string | undefined, valid: (o: Record<string, unknown>) => boolean): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    return o && typeof o === 'object' && o.v === CACHE_FORMAT && valid(o) ? (o as T) : undefined;
  } catch {
    return undefined;
  }
}

const isString = (x: unknown): x is string => typeof x === 'string' && x !== '';
const validDate = (x: unknown) => isString(x) && !Number.isNaN(Date.parse(x));

/** How {@link CredentialCache.getOrCreate} reads, makes and stores one entry. */
export interface SingleFlight<T> {
  /** A usable cached value, or undefined. */
  read(): Promise<T | undefined>;
  /** Makes a new value (called under the key's lock). */
  make(): Promise<T>;
  /** Stores what `make` made; absent when `make` stores for itself. */
  store?(made: T): Promise<void>;
  /** Make a new value even when one is cached (it is still stored). */
  refresh?: boolean;
  /** The first read is known to miss (the warm path just looked): go straight to the lock. */
  knownMiss?: boolean;
}

/** The two-tier cache: sealed entry files and their locks in one directory, the data key in the keychain. */
export class CredentialCache {
  constructor(
    readonly keys: DataKeys,
    readonly files: CacheFiles,
    private readonly now: () => Date,
    /** Random bytes (the nonces). */
    private readonly random: (n: number) => Buffer,
  ) {}

  /** The cache directory, for messages. */
  get dir(): string {
    return this.files.dir;
  }

  /**
   * A token with at least 2 minutes left whose files are unchanged and whose OIDC tokens still name
   * the same identity and have not expired, or undefined. An entry that claims more time than a token
   * can live, or was signed in the future (a clock that was fast), is a miss too.
   */
  async getToken(key: string, environ: Environ = {}): Promise<TokenEntry | undefined> {
    const e = parse<TokenEntry>(await this.safeGet(key), (o) => isString(o.token) && validDate(o.expiration) && Array.isArray(o.files));
    const now = this.now().getTime();
    if (!e) return undefined;
    const left = Date.parse(e.expiration) - now;
    if (left < TOKEN_MIN_REMAINING_MS || left > MAX_TOKEN_LIFETIME_MS) return undefined;
    const signed = signingTime(e.token);
    if (signed === undefined || signed > now) return undefined;
    for (const f of e.files) {
      if (!f || typeof f.path !== 'string' || (await this.files.digest(f.path)) !== f.sha256) return undefined;
    }
    for (const id of e.identities ?? []) {
      if (!(await this.sameIdentity(id, environ, now))) return undefined;
    }
    return e;
  }

  /** Whether the OIDC token behind a cached token is still there, unexpired and of the same identity. */
  private async sameIdentity(id: OidcIdentity, environ: Environ, now: number): Promise<boolean> {
    if (!id || typeof id.digest !== 'string') return false;
    if (id.source === 'other') return id.exp === undefined || id.exp * 1000 > now;
    let jwt: string | undefined;
    try {
      jwt = id.source === 'file' && id.at ? (await this.files.readText(id.at)).trim() : id.source === 'env' && id.at ? environ[id.at]?.trim() : undefined;
    } catch {
      return false;
    }
    if (!jwt) return false;
    try {
      // Loaded here, for the entries that name an OIDC token: jose's set-up costs every other hit ~0.3 ms.
      const { decodeJwtClaims, identityDigest } = await import('../aws/jwt.js');
      const claims = decodeJwtClaims(jwt);
      return identityDigest(claims) === id.digest && (claims.exp === undefined || claims.exp * 1000 > now);
    } catch {
      return false;
    }
  }

  /** STS credentials with at least 5 minutes left, or undefined. */
  async getSession(key: string): Promise<SessionEntry | undefined> {
    const e = parse<SessionEntry>(await this.safeGet(key), (o) => isString(o.accessKeyId) && isString(o.secretAccessKey) && isString(o.sessionToken) && validDate(o.expiration));
    const left = e ? Date.parse(e.expiration) - this.now().getTime() : 0;
    if (!e || left < SESSION_MIN_REMAINING_MS || left > MAX_SESSION_LIFETIME_MS) return undefined;
    return e;
  }

  /** A login entry (ID and refresh tokens); the caller decides whether it is still usable. */
  async getLogin<T extends { expiration: string }>(key: string): Promise<T | undefined> {
    return parse<T>(await this.safeGet(key), (o) => isString(o.idToken) && validDate(o.expiration));
  }

  /**
   * Seals an entry into its file. A failure to store is not an error: the caller has its answer. An
   * entry that an earlier version kept in the keychain under the same key is removed from there.
   */
  async put(key: string, entry: { v: number; expiration: string; [field: string]: unknown }, meta: Omit<EntryHeader, 'key' | 'expires'>): Promise<void> {
    try {
      const dataKey = (await this.keys.get()) ?? (await this.newDataKey());
      await this.files.write(entryFile(key), sealEntry(dataKey, { key, ...meta, expires: entry.expiration }, JSON.stringify(entry), this.random(NONCE_BYTES)));
      const legacy = await this.legacyMeta(legacyMetaFile(key));
      if (legacy) await this.forgetLegacy(legacy);
    } catch {
      // A cache that cannot be written only costs the next call a miss.
    }
  }

  /**
   * Single flight, for every tier: the cached value, or a new one made under the key's lock. After
   * waiting for another process's lock the entry is read again, so that many processes that miss at
   * once make one value (one STS call, one login, one signature).
   */
  async getOrCreate<T>(key: string, flight: SingleFlight<T>): Promise<T> {
    if (!flight.refresh && !flight.knownMiss) {
      const hit = await flight.read();
      if (hit !== undefined) return hit;
    }
    const held = await this.lock(key);
    try {
      // Another process may have filled the entry while this one waited for the lock.
      if (held.waited && !flight.refresh) {
        const hit = await flight.read();
        if (hit !== undefined) return hit;
      }
      const made = await flight.make();
      await flight.store?.(made);
      return made;
    } finally {
      await held.release();
    }
  }

  /**
   * Makes the data key, once for all processes: under a lock, and only after reading it again, so that
   * processes that start together on a machine without a key do not each make one (and each other's
   * entries unreadable).
   */
  private newDataKey(): Promise<Buffer> {
    return this.getOrCreate(DATA_KEY_LOCK, {
      knownMiss: true,
      read: () => this.keys.reread(),
      make: async () => (await this.keys.reread()) ?? (await this.keys.create()),
    });
  }

  /** Takes the single-flight lock for a key (a lock file beside the data). */
  async lock(key: string): Promise<Held> {
    try {
      return await this.files.lock(`${key}.lock`);
    } catch {
      return { acquired: false, waited: false, release: async () => {} };
    }
  }

  /** What every entry file's header says, soonest expiry first (nothing is decrypted). */
  async list(): Promise<CacheMeta[]> {
    const out: CacheMeta[] = [];
    for (const f of await this.files.list()) {
      if (!f.endsWith('.entry')) continue;
      const header = readHeader((await this.files.read(f).catch(() => undefined)) ?? '');
      // A file of another format, or one whose header names another file's key, is not listed.
      if (header && entryFile(header.key) === f) out.push({ ...header, store: this.keys.kind });
    }
    return out.sort((a, b) => a.expires.localeCompare(b.expires));
  }

  /** Removes entries (all, or those of one environment, of this format or the previous one); returns how many. */
  async clear(filter: (m: CacheMeta) => boolean = () => true): Promise<number> {
    let n = 0;
    for (const m of await this.list()) {
      if (!filter(m)) continue;
      await this.files.remove(entryFile(m.key));
      n++;
    }
    for (const f of await this.files.list()) {
      const legacy = f.endsWith('.meta') ? await this.legacyMeta(f) : undefined;
      if (!legacy || !filter(legacy)) continue;
      await this.forgetLegacy(legacy);
      n++;
    }
    return n;
  }

  /** What the previous format's metadata file says, or undefined. */
  private async legacyMeta(file: string): Promise<CacheMeta | undefined> {
    try {
      const m = JSON.parse((await this.files.read(file)) ?? 'null') as CacheMeta | null;
      return m && isString(m.key) && legacyMetaFile(m.key) === file ? m : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Removes what the previous format kept for an entry: its keychain item, or its plaintext file when
   * it has not been sealed anew, and its metadata file.
   */
  private async forgetLegacy(m: CacheMeta): Promise<void> {
    if (m.store === 'keychain') await this.keys.forgetLegacy(m.key).catch(() => undefined);
    else if (readHeader((await this.files.read(entryFile(m.key))) ?? '') === undefined) await this.files.remove(entryFile(m.key));
    await this.files.remove(legacyMetaFile(m.key));
  }

  /** An entry's plaintext, or undefined for a missing entry or one that does not open with the data key. */
  private async safeGet(key: string): Promise<string | undefined> {
    try {
      const text = await this.files.read(entryFile(key));
      if (text === undefined) return undefined;
      // No key when this process started, but an entry now: another process has just made the key.
      const dataKey = (await this.keys.get()) ?? (await this.keys.reread());
      return dataKey && openEntry(dataKey, key, text)?.plaintext;
    } catch {
      return undefined;
    }
  }
}
