// The cache's data key (the DataKeys port) over a Keychain: the OS keychain with a key file behind it,
// or the key file alone (select-store.ts chooses). The key is 32 random bytes, kept as base64: one
// keychain item of 44 characters, whatever the size of the entries it seals.

import type { DataKeys, Keychain } from '../cache/ports.js';
import { KEY_BYTES } from '../aead.js';
import { keyFromText } from '../base64-key.js';
import { DATA_KEY_NAME } from './select-store.js';

/** The data key kept in `store`; `random` makes a new one. */
export function dataKeys(store: Keychain, random: (n: number) => Buffer): DataKeys {
  let known: Promise<Buffer | undefined> | undefined;
  // Anything else in the item (damaged, or written by something else) is no key: a new one replaces it.
  const read = async () => keyFromText(await store.get(DATA_KEY_NAME));
  const keys: DataKeys = {
    get kind() {
      return store.kind;
    },
    get label() {
      return store.label;
    },
    get unavailable() {
      return store.unavailable;
    },
    get: () => (known ??= read().catch(() => undefined)),
    reread: () => (known = read().catch(() => undefined)),
    async create() {
      const made = random(KEY_BYTES);
      await store.set(DATA_KEY_NAME, made.toString('base64'));
      known = Promise.resolve(made);
      return made;
    },
    forgetLegacy: (key) => store.delete(key),
  };
  return keys;
}
