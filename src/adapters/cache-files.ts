// The cache directory on disk (the CacheFiles port): private files written atomically, untrusted ones
// read as missing, lock files, and the digests of the files a cached token was made from.

import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheFiles } from '../cache/ports.js';
import { acquireLock, DEFAULT_LOCK_OPTIONS, type LockOptions } from './file-lock.js';
import { ensurePrivateDir, listCacheFiles, readIfExists, writePrivateFile } from './file-store.js';

/** The SHA-256 (hex) of a file's bytes, or undefined when it cannot be read. */
export async function fileDigest(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The cache directory `dir`, with locks taken with `lockOptions`. */
export function cacheFiles(dir: string, lockOptions: LockOptions = DEFAULT_LOCK_OPTIONS): CacheFiles {
  return {
    dir,
    read: (name) => readIfExists(join(dir, name)),
    async write(name, text) {
      await ensurePrivateDir(dir);
      await writePrivateFile(join(dir, name), text);
    },
    remove: (name) => rm(join(dir, name), { force: true }),
    list: () => listCacheFiles(dir),
    async lock(name) {
      await ensurePrivateDir(dir);
      return acquireLock(join(dir, name), lockOptions);
    },
    digest: fileDigest,
    readText: (path) => readFile(path, 'utf8'),
  };
}
