// The format of a cache entry file: a plaintext header line that `cache ls` reads (the key, the kind,
// the environment, the expiry: never a secret), then the entry itself, sealed with AES-256-GCM under
// the user's data key (the one thing the OS keychain keeps).
//
//   esc-kube-cache 2 {"key":"t-…","kind":"token","env":"…","expires":"…",…}\n
//   base64( 0x02 | 12-byte random nonce | ciphertext | 16-byte tag )\n
//
// The whole header line is the associated data: an entry moved to another key's file, or a header
// edited to extend an expiry, fails to open. Whatever does not open (another key, a flipped byte, a
// truncated file, an older format) is a miss, never an error.

// node:crypto, although loading it costs a cache hit about 2.5 ms: @noble/ciphers' AES builds its
// tables when loaded, which costs 5.5 ms (measured with --cpu-prof).
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** The first word of every entry file. */
const MAGIC = 'esc-kube-cache';
/** The format version, in the header and as the sealed part's first byte. */
export const SEALED_VERSION = 2;
/** AES-256-GCM: a 32-byte key, a 12-byte nonce, a 16-byte tag. */
export const DATA_KEY_BYTES = 32;
export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What an entry file says about itself in plaintext. */
export interface EntryHeader {
  key: string;
  kind: 'token' | 'session' | 'login';
  env?: string;
  cluster?: string;
  region?: string;
  role?: string;
  expires: string;
}

const KINDS = new Set(['token', 'session', 'login']);

/** Seals `plaintext` (an entry's JSON) into the text of its file. */
export function sealEntry(dataKey: Buffer, header: EntryHeader, plaintext: string, nonce: Buffer): string {
  if (dataKey.length !== DATA_KEY_BYTES || nonce.length !== NONCE_BYTES) throw new Error('internal error: a data key of 32 bytes and a nonce of 12 are needed');
  const line = `${MAGIC} ${SEALED_VERSION} ${JSON.stringify(header)}`;
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(Buffer.from(line, 'utf8'));
  const sealed = Buffer.concat([Buffer.from([SEALED_VERSION]), nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${line}\n${sealed.toString('base64')}\n`;
}

/** The header of an entry file, or undefined when the file is not one of this format. */
export function readHeader(text: string): EntryHeader | undefined {
  return split(text)?.header;
}

function split(text: string): { line: string; header: EntryHeader; body: string } | undefined {
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const line = text.slice(0, newline);
  const prefix = `${MAGIC} ${SEALED_VERSION} `;
  if (!line.startsWith(prefix)) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(line.slice(prefix.length));
  } catch {
    return undefined;
  }
  const h = header as Partial<EntryHeader> | null;
  if (!h || typeof h !== 'object' || typeof h.key !== 'string' || !KINDS.has(h.kind as string) || typeof h.expires !== 'string') return undefined;
  return { line, header: h as EntryHeader, body: text.slice(newline + 1).trim() };
}

/** Opens an entry file for `key`: its plaintext, or undefined when it is not that key's, not intact or not ours. */
export function openEntry(dataKey: Buffer, key: string, text: string): { header: EntryHeader; plaintext: string } | undefined {
  const parts = split(text);
  if (!parts || parts.header.key !== key || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts.body)) return undefined;
  const sealed = Buffer.from(parts.body, 'base64');
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== SEALED_VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(Buffer.from(parts.line, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plaintext = Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    return { header: parts.header, plaintext };
  } catch {
    return undefined;
  }
}
