// SHA-256 for cache keys and the digests cached tokens are checked against. @noble/hashes (audited,
// pure JavaScript) instead of node:crypto: loading node:crypto costs a cache hit about 4 ms of its
// ~10 ms budget over bare Node start-up, and the build puts this into the warm path's one file.

import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';

/** The SHA-256 of text (UTF-8) or bytes, as 64 hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(data));
}
