// The cache directory ($XDG_CACHE_HOME/esc-kube, mode 0700): the file store for entries when no
// keychain answers (one 0600 file per entry, written atomically), the non-secret metadata that
// `cache ls` shows, and the lock files. File names are hashes: no secret is ever part of a name.

import { mkdir, readdir, readFile, rm, stat, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keychain } from './keychain.js';

/** The cache directory: $XDG_CACHE_HOME/esc-kube, else ~/.cache/esc-kube. */
export function cacheDir(environ: Readonly<Record<string, string | undefined>>, homedir: string): string {
  return join(environ.XDG_CACHE_HOME || join(homedir, '.cache'), 'esc-kube');
}

/** Creates the directory (0700) if needed, and tightens it if it exists with looser permissions. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** Writes a file atomically with mode 0600: readers see the old content or the new, never a part. */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(path, content, { mode: 0o600 });
}

/** Reads a file, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Entries as files in the cache directory. */
export function fileKeychain(dir: string): Keychain {
  const path = (key: string) => join(dir, `${key}.entry`);
  return {
    kind: 'file',
    label: `file (${dir})`,
    get: (key) => readIfExists(path(key)),
    set: async (key, value) => {
      await ensurePrivateDir(dir);
      await writePrivateFile(path(key), value);
    },
    delete: async (key) => {
      await rm(path(key), { force: true });
    },
  };
}

/** The names of the files in the cache directory (none when it does not exist). */
export async function listCacheFiles(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
