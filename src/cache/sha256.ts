// SHA-256 for cache keys and the digests cached tokens are checked against, with node:crypto: a cache
// hit loads it anyway to open its sealed entry (sealed-entry.ts), and its native hash is faster than
// a JavaScript one on the environment files a hit checks. The one-shot crypto.hash (Node 20.12 and
// later) skips the Hash object's stream set-up, about 0.2 ms of a hit's first digest.

import { hash } from 'node:crypto';

/** The SHA-256 of text (UTF-8) or bytes, as 64 hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
