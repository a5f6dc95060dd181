// Pulumi's passphrase secrets provider: PBKDF2-SHA256 (1,000,000 iterations, 32 bytes) over the
// passphrase and the stack's salt gives an AES-256-GCM key; each secret is "v1:<nonce>:<ciphertext+tag>"
// (base64). The salt state carries an encryption of the word "pulumi" that checks the passphrase.

import { createDecipheriv, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import type { Environ } from '../environ.js';
import { describeSystemError } from '../errors.js';

const pbkdf2Async = promisify(pbkdf2);

/** Thrown for an unusable state, a wrong passphrase or a damaged value; the message says which. */
export class PassphraseError extends Error {}

/** Decrypts the values of one stack. */
export interface Decryptor {
  decrypt(value: string): string;
}

/** Parses the salt state "v1:<salt>:v1:<nonce>:<check ciphertext>". */
export function parseSaltState(salt: string): { salt: Buffer; check: string } {
  const parts = salt.split(':');
  if (parts.length !== 5 || parts[0] !== 'v1') throw new PassphraseError('unknown state version');
  return { salt: Buffer.from(parts[1]!, 'base64'), check: parts.slice(2).join(':') };
}

function decryptWith(key: Buffer, value: string): string {
  const parts = value.split(':');
  if (parts.length !== 3 || parts[0] !== 'v1') throw new PassphraseError('a secret value is not of the form v1:<nonce>:<ciphertext>');
  const nonce = Buffer.from(parts[1]!, 'base64');
  const sealed = Buffer.from(parts[2]!, 'base64');
  if (sealed.length < 16) throw new PassphraseError('a secret value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
}

/**
 * Derives the key for a salt state and checks the passphrase. The derivation is slow by design, so
 * callers keep the result for the call (see `keyCache`).
 */
export async function passphraseDecryptor(passphrase: string, saltState: string, keyCache = new Map<string, Promise<Buffer>>()): Promise<Decryptor> {
  const { salt, check } = parseSaltState(saltState);
  const id = `${salt.toString('base64')}\0${passphrase}`;
  let key = keyCache.get(id);
  if (!key) keyCache.set(id, (key = pbkdf2Async(passphrase, salt, 1_000_000, 32, 'sha256')));
  const k = await key;
  let checked: string;
  try {
    checked = decryptWith(k, check);
  } catch {
    throw new PassphraseError('incorrect passphrase');
  }
  if (checked !== 'pulumi') throw new PassphraseError('incorrect passphrase');
  return { decrypt: (value) => decryptWith(k, value) };
}

/** The passphrase from PULUMI_CONFIG_PASSPHRASE (even empty), else the trimmed PULUMI_CONFIG_PASSPHRASE_FILE. */
export async function readPassphrase(environ: Environ, readFile: (p: string) => Promise<string>): Promise<string> {
  if (environ.PULUMI_CONFIG_PASSPHRASE !== undefined) return environ.PULUMI_CONFIG_PASSPHRASE;
  const file = environ.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) {
    try {
      return (await readFile(file)).trim();
    } catch (e) {
      throw new PassphraseError(`could not read PULUMI_CONFIG_PASSPHRASE_FILE ${file}: ${describeSystemError(e)}`);
    }
  }
  throw new PassphraseError('passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables');
}
