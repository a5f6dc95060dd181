// The cache directory ($XDG_CACHE_HOME/esc-kube, mode 0700): the sealed entry files, the lock files,
// and the data key's file where no keychain answers (0600, written atomically). Entry file names are
// hashes: no secret is ever part of a name.

// fs.promises, not node:fs/promises: a cache hit (which only reads, synchronously) does not load it.
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
// node:crypto for the temporary files' names: a cache hit loads it anyway, to open its sealed entry.
import { randomBytes } from 'node:crypto';
import { UntrustedCache, type Keychain } from '../cache/ports.js';
import { describeSystemError } from '../errors.js';
import type { Environ } from '../environ.js';

/** The cache directory: $XDG_CACHE_HOME/esc-kube, else ~/.cache/esc-kube. */
export function cacheDir(environ: Environ, homedir: string): string {
  return join(environ.XDG_CACHE_HOME || join(homedir, '.cache'), 'esc-kube');
}

/** The uid of this process, or undefined where there are no uids (Windows). */
const ownUid = (): number | undefined => process.getuid?.();

/**
 * Why a cache directory or file cannot be trusted, or undefined when it can: it must be what it
 * claims to be (no symbolic link), belong to this user, and be writable by no one else. Anyone who
 * could write there could plant an entry (a token for the wrong identity) or a link.
 */
export function distrust(path: string, info: { uid: number; mode: number; isFile(): boolean; isDirectory(): boolean }, kind: 'directory' | 'file', uid = ownUid()): string | undefined {
  const is = kind === 'directory' ? info.isDirectory() : info.isFile();
  if (!is) return `${path} is not a ${kind}`;
  if (uid !== undefined && info.uid !== uid) return `${path} belongs to uid ${info.uid}, not to you (uid ${uid})`;
  if ((info.mode & 0o022) !== 0) return `${path} is writable by ${info.mode & 0o002 ? 'others' : 'its group'} (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); run chmod ${kind === 'directory' ? 700 : 600} ${path}`;
  return undefined;
}

/** Why the cache directory cannot be trusted, or undefined (also when it does not exist yet). */
export function cacheDirProblem(dir: string): string | undefined {
  let info;
  try {
    info = lstatSync(dir);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `${dir} cannot be read (${describeSystemError(e)})`;
  }
  return distrust(dir, info, 'directory');
}

/** Creates the directory (0700) if needed, tightens it, and refuses one that someone else could write into. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir -p succeeds on a directory that was already there, whoever made it: check what is there now.
  const info = await fsp.lstat(dir);
  const problem = distrust(dir, info, 'directory');
  if (problem) throw new UntrustedCache(problem);
  if ((info.mode & 0o077) !== 0) await fsp.chmod(dir, 0o700);
}

/**
 * Writes a file atomically: a new file created exclusively (never through a link, never someone
 * else's) beside the target, with `mode`, synced, then renamed over the target, so readers see the old
 * content or the new and a link planted at the target is replaced, not written through. `exclusive`:
 * linked into place instead, which fails when the target exists (a file made meanwhile is never replaced).
 */
export async function writeAtomically(path: string, content: string, mode: number, exclusive = false): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fsp.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await fh.writeFile(content);
    // The umask may have narrowed the mode given to open.
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    if (exclusive) {
      await fsp.link(temporary, path);
      await fsp.rm(temporary, { force: true });
    } else await fsp.rename(temporary, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(temporary, { force: true });
    throw e;
  }
}

/** Writes a cache file (mode 0600) atomically. */
export const writePrivateFile = (path: string, content: string): Promise<void> => writeAtomically(path, content, 0o600);

/**
 * Reads a cache file, or undefined when it does not exist or cannot be trusted (a link, someone
 * else's file, a file others can write): for a cache, an entry it did not write is a miss. The read
 * is synchronous: a cache hit reads two small files, and starting libuv's thread pool for them would
 * cost more than the reads.
 */
export async function readIfExists(path: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'EMLINK') return undefined;
    throw e;
  }
  try {
    if (distrust(path, fstatSync(fd), 'file')) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Small secrets (the data key) as `<name>.key` files in the cache directory. */
export function fileKeychain(dir: string): Keychain {
  const path = (key: string) => join(dir, `${key}.key`);
  return {
    kind: 'file',
    label: `file (${dir})`,
    get: (key) => readIfExists(path(key)),
    set: async (key, value) => {
      await ensurePrivateDir(dir);
      await writePrivateFile(path(key), value);
    },
    delete: async (key) => {
      await fsp.rm(path(key), { force: true });
    },
  };
}

/** The names of the files in the cache directory (none when it does not exist). */
export async function listCacheFiles(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
