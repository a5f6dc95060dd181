// Secrets in local environments: `fn::secret: {ciphertext: BASE64}` as esc-kube writes them, sealed
// with the user's environments key (one per user, in the OS keychain; ESC_KUBE_ENV_KEY in CI).
//
// BASE64 is pulumi/esc's envelope ("escx" | uint32be 1 | payload | uint32be CRC-32, see crypt.ts), and
// the payload is esc-kube's, versioned:
//   0x01 | 12-byte random nonce | AES-256-GCM ciphertext of the UTF-8 plaintext | 16-byte tag
// with the associated data "esc-kube environment secret v1". A payload this key cannot open is one
// error: the ciphertext was made with another machine's key (or damaged).

import { open, seal } from '../aead.js';
import { encodeEnvelope } from './crypt.js';
import { keyFromText } from '../base64-key.js';
import { EscKubeError } from '../errors.js';

/** The payload version esc-kube writes. */
const VERSION = 1;
const AAD = Buffer.from('esc-kube environment secret v1');

/** The one message for a ciphertext that this machine's key does not open. */
export const NOT_OUR_KEY = "invalid ciphertext: not encrypted with this machine's environments key";

/** A ciphertext that cannot be decrypted here: reported as it is, at the secret's position. */
export class CiphertextError extends Error {}

/** Encrypts a secret for an environment file: the text after `ciphertext:`. */
export function encryptSecret(key: Buffer, plaintext: string, nonce: Buffer): string {
  return encodeEnvelope(seal(key, VERSION, nonce, AAD, plaintext));
}

/** Decrypts the payload of an envelope (decodeEnvelope's result); throws CiphertextError when this key cannot. */
export function decryptSecret(key: Buffer | undefined, payload: Uint8Array): string {
  const plaintext = key && open(key, VERSION, AAD, payload);
  if (plaintext === undefined) throw new CiphertextError(NOT_OUR_KEY);
  return plaintext;
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

/** The environments key written in `text` (as env key export prints it), or the one-line error naming where the text came from. */
export function decodeEnvironmentsKey(text: string, from: string): Buffer {
  const key = keyFromText(text);
  if (!key) throw new EscKubeError('usage', `${from} is not an environments key: expected 44 characters of base64, as esc-kube env key export prints`);
  return key;
}
