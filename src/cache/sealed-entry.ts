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

// Sealed with node:crypto (aead.ts), although loading it costs a cache hit about 2.5 ms: @noble/ciphers'
// AES builds its tables on first use, which costs as much or more (measured with --cpu-prof).
import { open, seal } from '../aead.js';

/** The first word of every entry file. */
const MAGIC = 'esc-kube-cache';
/** The format version, in the header and as the sealed part's first byte. */
export const SEALED_VERSION = 2;

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
  const line = `${MAGIC} ${SEALED_VERSION} ${JSON.stringify(header)}`;
  return `${line}\n${seal(dataKey, SEALED_VERSION, nonce, Buffer.from(line, 'utf8'), plaintext).toString('base64')}\n`;
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
  const plaintext = open(dataKey, SEALED_VERSION, Buffer.from(parts.line, 'utf8'), Buffer.from(parts.body, 'base64'));
  return plaintext === undefined ? undefined : { header: parts.header, plaintext };
}
