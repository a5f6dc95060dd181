// SHA-256 for cache keys and the digests cached tokens are checked against, with node:crypto: a cache
// hit loads it anyway to open its sealed entry (sealed-entry.ts), and its native hash is faster than
// a JavaScript one on the environment files a hit checks.

import { createHash } from 'node:crypto';

/** The SHA-256 of text (UTF-8) or bytes, as 64 hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
