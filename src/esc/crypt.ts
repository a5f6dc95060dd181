// pulumi/esc's ciphertext envelope (eval/crypt.go): "escx" | uint32be version | ciphertext | uint32be
// CRC-32 of all that precedes it.

import { crc32 } from 'node:zlib';
import { decodeGoBase64 } from './go-compat.js';

/** Unwraps pulumi/esc's ciphertext envelope: "escx" | uint32be version | ciphertext | uint32be crc32. */
export function decodeEnvelope(text: string): Uint8Array {
  const bin = decodeGoBase64(text);
  if (bin.length < 16) throw new Error('EOF');
  if (Buffer.from(bin.subarray(0, 4)).toString('latin1') !== 'escx') throw new Error('invalid header');
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  if (view.getUint32(bin.length - 4) !== crc32(bin.subarray(0, bin.length - 4))) throw new Error('invalid checksum');
  if (view.getUint32(4) !== 1) throw new Error('unsupported version');
  return bin.subarray(8, bin.length - 4);
}

/** Wraps ciphertext in pulumi/esc's envelope, base64 (the inverse of decodeEnvelope). */
export function encodeEnvelope(ciphertext: Uint8Array): string {
  const body = Buffer.concat([Buffer.from('escx', 'latin1'), u32(1), ciphertext]);
  return Buffer.concat([body, u32(crc32(body))]).toString('base64');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
