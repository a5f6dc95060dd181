// A lock per cache key across processes: a lock file created exclusively (O_EXCL) beside the data,
// holding the owner's pid and start time (never any data). Waiters poll with a bounded wait; a lock
// whose owner is gone (killed) or that is older than the longest reasonable hold is taken over.

// fs.promises, not node:fs/promises: a cache hit (which only reads, synchronously) does not load it.
import { promises as fsp } from 'node:fs';
import type { Held } from '../cache/ports.js';

export type { Held };

/** Lock settings. */
export interface LockOptions {
  /** How long to wait for another process before going on without the lock. */
  waitMs: number;
  /** A lock held longer than this is considered abandoned. */
  staleMs: number;
  now: () => number;
  /** True when a process with this pid exists. */
  isAlive: (pid: number) => boolean;
  sleep: (ms: number) => Promise<void>;
  /** A lock file that cannot be read as esc-kube's (empty, as client-go leaves it, or garbage) is taken over after this long. */
  unreadableStaleMs?: number;
}

/** True when a process exists (signal 0 checks without sending anything). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a waiter waits by default, and how old a lock may grow before it is taken over. */
export const LOCK_WAIT_MS = 10_000;
export const LOCK_STALE_MS = 60_000;
/** A waiter looks again after this long at first, then half as long again each time, up to the most. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;
const POLL_GROWTH = 1.5;
/** A lock file that cannot be read as esc-kube's (being written, or garbage) is taken over after this long. */
const UNREADABLE_STALE_MS = 2000;

/** The default options: wait up to 10 s, take over after 60 s. */
export const DEFAULT_LOCK_OPTIONS: LockOptions = {
  waitMs: LOCK_WAIT_MS,
  staleMs: LOCK_STALE_MS,
  now: () => Date.now(),
  isAlive: processIsAlive,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** How much longer than the login timeout a waiter waits, and a lock lives before it is taken over. */
export const LOCK_WAIT_BEYOND_LOGIN_MS = 10_000;
export const LOCK_STALE_BEYOND_LOGIN_MS = 60_000;

/**
 * Lock options for calls that may log a person in: the holder may be waiting for that person for up
 * to the login timeout, so a waiter keeps waiting (while the holder lives) that long and a little
 * more, and so many processes that need a login open one browser tab.
 */
export function lockOptionsForLogin(loginTimeoutMs: number, base: LockOptions = DEFAULT_LOCK_OPTIONS): LockOptions {
  return {
    ...base,
    waitMs: Math.max(base.waitMs, loginTimeoutMs + LOCK_WAIT_BEYOND_LOGIN_MS),
    staleMs: Math.max(base.staleMs, loginTimeoutMs + LOCK_STALE_BEYOND_LOGIN_MS),
  };
}

/** Takes the lock at `path`, waiting for another holder up to `waitMs`. */
export async function acquireLock(path: string, opts: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<Held> {
  const started = opts.now();
  let waited = false;
  let delay = FIRST_POLL_MS;
  for (;;) {
    try {
      const fh = await fsp.open(path, 'wx', 0o600);
      await fh.writeFile(JSON.stringify({ pid: process.pid, at: opts.now() }));
      await fh.close();
      return { acquired: true, waited, release: () => fsp.rm(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // Try again at once after a takeover; when another process is taking over, wait like any waiter.
    if ((await isStale(path, opts)) && (await takeOver(path, opts))) continue;
    if (opts.now() - started >= opts.waitMs) return { acquired: false, waited: true, release: async () => {} };
    waited = true;
    await opts.sleep(delay);
    delay = Math.min(MAX_POLL_MS, Math.round(delay * POLL_GROWTH));
  }
}

/** A takeover guard older than this was left by a process killed while taking over (it takes milliseconds). */
export const TAKEOVER_GUARD_STALE_MS = 2000;

/**
 * Removes a stale lock, but only the stale one. Between reading a dead holder's lock and removing it,
 * the holder may have released it and another process taken it; a plain removal would then delete the
 * new holder's lock and let two processes in (seen as lost kubeconfig updates with 20 concurrent
 * writers). So the removal happens under a guard file that every takeover needs, after reading the
 * lock once more: while the guard is held, only the lock's live owner could remove it, and a live
 * owner's lock is not stale. False when another process holds the guard.
 */
async function takeOver(path: string, opts: LockOptions): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await (await fsp.open(guard, 'wx', 0o600)).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const info = await fsp.stat(guard).catch(() => undefined);
    if (info !== undefined && opts.now() - info.mtimeMs > TAKEOVER_GUARD_STALE_MS) await fsp.rm(guard, { force: true });
    return false;
  }
  try {
    if (await isStale(path, opts)) await fsp.rm(path, { force: true });
    return true;
  } finally {
    await fsp.rm(guard, { force: true });
  }
}

async function isStale(path: string, opts: LockOptions): Promise<boolean> {
  let holder: { pid?: unknown; at?: unknown };
  try {
    holder = JSON.parse(await fsp.readFile(path, 'utf8')) as { pid?: unknown; at?: unknown };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // Being written this instant, or garbage: garbage that has sat for two seconds is taken over.
    const info = await fsp.stat(path).catch(() => undefined);
    return info !== undefined && opts.now() - info.mtimeMs > (opts.unreadableStaleMs ?? UNREADABLE_STALE_MS);
  }
  if (typeof holder.pid === 'number' && !opts.isAlive(holder.pid)) return true;
  if (typeof holder.at === 'number' && opts.now() - holder.at > opts.staleMs) return true;
  return false;
}
