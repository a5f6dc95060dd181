// The cache directory on disk (the CacheFiles port): private files written atomically, untrusted ones
// read as missing, lock files, and the digests of the files a cached token was made from.

// fs.promises, not node:fs/promises: a cache hit (which only reads, synchronously) does not load it.
import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheFiles } from '../cache/ports.js';
import { sha256Hex } from '../cache/sha256.js';
import { acquireLock, DEFAULT_LOCK_OPTIONS, type LockOptions } from './file-lock.js';
import { ensurePrivateDir, listCacheFiles, readIfExists, writePrivateFile } from './file-store.js';

/** The SHA-256 (hex) of a file's bytes, or undefined when it cannot be read. */
export async function fileDigest(path: string): Promise<string | undefined> {
  try {
    // Synchronous, as the cache's other reads on a hit (see readIfExists).
    return sha256Hex(readFileSync(path));
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
    remove: (name) => fsp.rm(join(dir, name), { force: true }),
    list: () => listCacheFiles(dir),
    async lock(name) {
      await ensurePrivateDir(dir);
      return acquireLock(join(dir, name), lockOptions);
    },
    digest: fileDigest,
    readText: async (path) => readFileSync(path, 'utf8'),
  };
}
