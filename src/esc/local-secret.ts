// Secrets in local environments: `fn::secret: {ciphertext: BASE64}` as esc-kube writes them, sealed
// with the user's environments key (one per user, in the OS keychain; ESC_KUBE_ENV_KEY in CI).
//
// BASE64 is pulumi/esc's envelope ("escx" | uint32be 1 | payload | uint32be CRC-32, see crypt.ts), and
// the payload is esc-kube's, versioned:
//   0x01 | 12-byte random nonce | AES-256-GCM ciphertext of the UTF-8 plaintext | 16-byte tag
// with the associated data "esc-kube environment secret v1". A payload this key cannot open is one
// error: the ciphertext was made with another machine's key (or damaged).

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { encodeEnvelope } from './crypt.js';

/** The payload version esc-kube writes. */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('esc-kube environment secret v1');

/** The one message for a ciphertext that this machine's key does not open. */
export const NOT_OUR_KEY = "invalid ciphertext: not encrypted with this machine's environments key";

/** A ciphertext that cannot be decrypted here: reported as it is, at the secret's position. */
export class CiphertextError extends Error {}

/** Encrypts a secret for an environment file: the text after `ciphertext:`. */
export function encryptSecret(key: Buffer, plaintext: string, nonce: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(AAD);
  return encodeEnvelope(Buffer.concat([Buffer.from([VERSION]), nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]));
}

/** Decrypts the payload of an envelope (decodeEnvelope's result); throws CiphertextError when this key cannot. */
export function decryptSecret(key: Buffer | undefined, payload: Uint8Array): string {
  if (!key || payload.length < 1 + NONCE_BYTES + TAG_BYTES || payload[0] !== VERSION) throw new CiphertextError(NOT_OUR_KEY);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
    return Buffer.concat([decipher.update(payload.subarray(1 + NONCE_BYTES, payload.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new CiphertextError(NOT_OUR_KEY);
  }
}

/** The user's environments key: read only when a ciphertext is met, made only when a secret is written. */
export interface EnvironmentsKey {
  /** Where the key comes from, for messages. */
  readonly label: string;
  /** The key, or undefined when this machine has none. */
  get(): Promise<Buffer | undefined>;
  /** The key, made first when there is none. */
  getOrCreate(): Promise<Buffer>;
  /** Keeps a key given by the user (env key import); returns where it went. */
  keep(key: Buffer): Promise<string>;
}
