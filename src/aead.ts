// AES-256-GCM as esc-kube seals things at rest (cache entries, secrets in local environments), with
// Node's crypto:
//   version byte | 12-byte random nonce | ciphertext | 16-byte tag
// with associated data that binds the sealed bytes to where they belong. Each format has its own
// version byte and associated data (sealed-entry.ts, esc/local-secret.ts).

import { createCipheriv, createDecipheriv } from 'node:crypto';

/** A 256-bit key, a 96-bit nonce, a 128-bit tag. */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Seals `plaintext` (UTF-8) under `key`; `nonce` must be random and never reused with the key. */
export function seal(key: Buffer, version: number, nonce: Buffer, aad: Buffer, plaintext: string): Buffer {
  if (key.length !== KEY_BYTES || nonce.length !== NONCE_BYTES) throw new Error('internal error: a key of 32 bytes and a nonce of 12 are needed');
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([Buffer.from([version]), nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext of sealed bytes, or undefined when they are not `version`'s, not intact, or not sealed with this key and `aad`. */
export function open(key: Buffer, version: number, aad: Buffer, sealed: Uint8Array): string | undefined {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== version) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
