// Data keys for cache tests: the real key file in a directory, or a spy keychain that records every
// item written to it (the cache must write one small item, its data key, whatever it caches).

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEntry, sealEntry } from '../../src/cache/sealed-entry.js';
import type { DataKeys, Keychain } from '../../src/cache/ports.js';
import { dataKeys } from '../../src/adapters/data-keys.js';
import { fileKeychain } from '../../src/adapters/file-store.js';

/** The data key kept as a file in `dir`, as with --cache file. */
export const keysIn = (dir: string): DataKeys => dataKeys(fileKeychain(dir), randomBytes);

/** A keychain in memory that records what is written to it. */
export interface SpyKeychain extends Keychain {
  readonly items: Map<string, string>;
  readonly writes: { name: string; bytes: number }[];
  readonly deletes: string[];
}

/** A spy keychain, optionally holding items already. */
export function spyKeychain(items: Record<string, string> = {}): SpyKeychain {
  const map = new Map(Object.entries(items));
  const writes: { name: string; bytes: number }[] = [];
  const deletes: string[] = [];
  return {
    kind: 'keychain',
    label: 'spy keychain',
    items: map,
    writes,
    deletes,
    get: async (name) => map.get(name),
    set: async (name, value) => {
      writes.push({ name, bytes: Buffer.byteLength(value) });
      map.set(name, value);
    },
    delete: async (name) => {
      deletes.push(name);
      map.delete(name);
    },
  };
}

/** An entry file of a cache directory with the file store's key, opened: its data, and a way to seal new data in. */
export function sealedEntryIn<T>(cacheDir: string, file: string): { path: string; data: T; write(data: T): void } {
  const dataKey = Buffer.from(readFileSync(join(cacheDir, 'cache-data-key.key'), 'utf8').trim(), 'base64');
  const path = join(cacheDir, file);
  const opened = openEntry(dataKey, file.replace(/\.entry$/, ''), readFileSync(path, 'utf8'));
  if (!opened) throw new Error(`${path} does not open with the cache's key`);
  return {
    path,
    data: JSON.parse(opened.plaintext) as T,
    write: (data) => writeFileSync(path, sealEntry(dataKey, opened.header, JSON.stringify(data), randomBytes(12))),
  };
}
