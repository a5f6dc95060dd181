// The credential cache: two tiers over one Keychain.
//   - token tier: the EKS token, served while at least 2 minutes of it remain, and only while every
//     environment file it was made from is unchanged (their SHA-256 is kept with the entry);
//   - session tier: STS credentials from aws-login oidc, reused while at least 5 minutes remain.
// Damaged, truncated or old-format entries are misses, never failures. Non-secret metadata for
// `cache ls` sits in the cache directory beside the lock files.

import { sha256Hex } from './sha256.js';
import type { CacheFiles, Held, Keychain } from './ports.js';
import { decodeJwtClaims, identityDigest, type OidcIdentity } from '../aws/jwt.js';
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

/** What `cache ls` shows of an entry: never a secret. */
export interface CacheMeta {
  key: string;
  kind: 'token' | 'session' | 'login';
  env?: string;
  cluster?: string;
  region?: string;
  role?: string;
  expires: string;
  store: string;
}

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

/** The two-tier cache over a keychain, with locks and metadata in a directory. */
export class CredentialCache {
  constructor(
    readonly store: Keychain,
    readonly files: CacheFiles,
    private readonly now: () => Date,
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

  /** Stores an entry and its metadata. A failure to store is not an error: the caller has its answer. */
  async put(key: string, entry: { v: number; expiration: string; [field: string]: unknown }, meta: Omit<CacheMeta, 'key' | 'store' | 'expires'>): Promise<void> {
    try {
      await this.store.set(key, JSON.stringify(entry));
      const full: CacheMeta = { key, ...meta, expires: entry.expiration, store: this.store.kind };
      await this.files.write(`${key}.meta`, JSON.stringify(full));
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

  /** Takes the single-flight lock for a key (a lock file beside the data). */
  async lock(key: string): Promise<Held> {
    try {
      return await this.files.lock(`${key}.lock`);
    } catch {
      return { acquired: false, waited: false, release: async () => {} };
    }
  }

  /** The metadata of every entry, soonest expiry first. */
  async list(): Promise<CacheMeta[]> {
    const out: CacheMeta[] = [];
    for (const f of await this.files.list()) {
      if (!f.endsWith('.meta')) continue;
      try {
        const m = JSON.parse((await this.files.read(f)) ?? 'null') as CacheMeta | null;
        if (m && isString(m.key) && ['token', 'session', 'login'].includes(m.kind) && isString(m.expires)) out.push(m);
      } catch {
        // A damaged metadata file is skipped.
      }
    }
    return out.sort((a, b) => a.expires.localeCompare(b.expires));
  }

  /** Removes entries (all, or those of one environment); returns how many. */
  async clear(filter: (m: CacheMeta) => boolean = () => true): Promise<number> {
    let n = 0;
    for (const m of await this.list()) {
      if (!filter(m)) continue;
      await this.store.delete(m.key).catch(() => undefined);
      await this.files.remove(`${m.key}.meta`);
      n++;
    }
    return n;
  }

  private async safeGet(key: string): Promise<string | undefined> {
    try {
      return await this.store.get(key);
    } catch {
      return undefined;
    }
  }
}
