import { createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEntry, readHeader, sealEntry, type EntryHeader } from '../../src/cache/sealed-entry.js';
import { CACHE_FORMAT, CredentialCache } from '../../src/cache/credential-cache.js';
import { cacheFiles } from '../../src/adapters/cache-files.js';
import { dataKeys } from '../../src/adapters/data-keys.js';
import { DEFAULT_LOCK_OPTIONS } from '../../src/adapters/file-lock.js';
import { keysIn, spyKeychain } from '../fakes/keys.js';

const key = Buffer.alloc(32, 7);
const nonce = Buffer.alloc(12, 1);
const header: EntryHeader = { key: 't-1', kind: 'token', env: 'e', cluster: 'c', expires: '2030-01-01T00:14:00.000Z' };
const secret = JSON.stringify({ v: 1, token: 'k8s-aws-v1.SECRET-TOKEN', expiration: header.expires });

describe('sealed entry files', () => {
  const text = sealEntry(key, header, secret, nonce);

  it('open with the key and the entry they were sealed for; the header is plaintext, the entry is not', () => {
    expect(openEntry(key, 't-1', text)).toEqual({ header, plaintext: secret });
    expect(readHeader(text)).toEqual(header);
    expect(text).not.toContain('SECRET-TOKEN');
    expect(text.split('\n')[0]).toBe(`esc-kube-cache 2 ${JSON.stringify(header)}`);
  });

  it('every flipped byte, anywhere in the file, is a miss', () => {
    const bytes = Buffer.from(text);
    let opened = 0;
    for (let i = 0; i < bytes.length; i++) {
      const flipped = Buffer.from(bytes);
      flipped[i] = flipped[i]! ^ 0x01;
      if (openEntry(key, 't-1', flipped.toString('utf8')) !== undefined) opened++;
    }
    expect(bytes.length).toBeGreaterThan(100);
    // Flipping the trailing newline's low bit gives a space, which trim() drops: the one byte that is not part of the entry.
    expect(opened).toBeLessThanOrEqual(1);
  });

  it.each([
    ['another key', (t: string) => openEntry(Buffer.alloc(32, 8), 't-1', t)],
    ['another entry name (a file moved)', (t: string) => openEntry(key, 't-2', t)],
    ['a header edited to live longer', (t: string) => openEntry(key, 't-1', t.replace('00:14:00', '23:14:00'))],
    ['a truncated file', (t: string) => openEntry(key, 't-1', t.slice(0, t.length - 10))],
    ['only the header', (t: string) => openEntry(key, 't-1', t.split('\n')[0]! + '\n')],
    ['the previous format (plain JSON)', () => openEntry(key, 't-1', secret)],
    ['an empty file', () => openEntry(key, 't-1', '')],
  ])('%s is a miss', (_n, open) => expect(open(text)).toBeUndefined());
});

describe('the cache with a spy keychain', () => {
  const now = () => new Date('2030-01-01T00:00:00Z');
  const hugeToken = 'k8s-aws-v1.' + 'A'.repeat(20_000);

  it('writes one keychain item, the data key (under 100 bytes), whatever the size of the entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-sealed-'));
    const spy = spyKeychain();
    const cache = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes);
    await cache.put('t-1', { v: CACHE_FORMAT, token: hugeToken, expiration: '2030-01-01T00:14:00.000Z', files: [] }, { kind: 'token' });
    await cache.put('s-1', { v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 'S'.repeat(5000), sessionToken: 'T'.repeat(5000), expiration: '2030-01-01T01:00:00.000Z' }, { kind: 'session' });
    expect(spy.writes).toEqual([{ name: 'cache-data-key', bytes: 44 }]);
    expect((await cache.getSession('s-1'))?.secretAccessKey).toBe('S'.repeat(5000));
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['s-1.entry', 't-1.entry']);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/AAAAAAAAAA|SSSSSSSSSS|TTTTTTTTTT/);
  });

  it('a lost or replaced key makes entries misses, and the next write seals with the new key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-sealed-'));
    const spy = spyKeychain();
    const session = { v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration: '2030-01-01T01:00:00.000Z' };
    await new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes).put('s-1', session, { kind: 'session' });
    spy.items.set('cache-data-key', randomBytes(32).toString('base64'));
    const replaced = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes);
    expect(await replaced.getSession('s-1')).toBeUndefined();
    spy.items.delete('cache-data-key');
    const lost = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes);
    expect(await lost.getSession('s-1')).toBeUndefined();
    await lost.put('s-1', session, { kind: 'session' });
    expect(await new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes).getSession('s-1')).toEqual(session);
    // A damaged key item is no key either: it is replaced on the next write.
    spy.items.set('cache-data-key', 'not a key');
    const damaged = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes);
    expect(await damaged.getSession('s-1')).toBeUndefined();
    await damaged.put('s-1', session, { kind: 'session' });
    expect(spy.items.get('cache-data-key')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('moves from the previous format: old entries are misses; the first write replaces the plaintext file and removes the old keychain item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-sealed-'));
    const old = JSON.stringify({ v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 'old-secret', sessionToken: 'old-token', expiration: '2030-01-01T01:00:00.000Z' });
    // The previous format: the entry in a keychain item named by its key, or in a plaintext file, and metadata beside it.
    const spy = spyKeychain({ 's-1': old });
    writeFileSync(join(dir, 's-1.meta'), JSON.stringify({ key: 's-1', kind: 'session', expires: '2030-01-01T01:00:00.000Z', store: 'keychain' }), { mode: 0o600 });
    writeFileSync(join(dir, 's-2.entry'), old, { mode: 0o600 });
    writeFileSync(join(dir, 's-2.meta'), JSON.stringify({ key: 's-2', kind: 'session', expires: '2030-01-01T01:00:00.000Z', store: 'file' }), { mode: 0o600 });
    const cache = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), now, randomBytes);
    expect(await cache.getSession('s-1')).toBeUndefined();
    expect(await cache.getSession('s-2')).toBeUndefined();
    expect(await cache.list()).toEqual([]);
    const fresh = { v: CACHE_FORMAT, accessKeyId: 'ASIA2', secretAccessKey: 'new', sessionToken: 'new', expiration: '2030-01-01T01:00:00.000Z' };
    await cache.put('s-1', fresh, { kind: 'session' });
    await cache.put('s-2', fresh, { kind: 'session' });
    expect(spy.deletes).toEqual(['s-1']);
    expect([...spy.items.keys()]).toEqual(['cache-data-key']);
    expect(readdirSync(dir).sort()).toEqual(['s-1.entry', 's-2.entry']);
    expect(readFileSync(join(dir, 's-2.entry'), 'utf8')).not.toContain('old-secret');
    expect((await cache.list()).map((m) => m.key)).toEqual(['s-1', 's-2']);
  });
});

describe('cache clear after an upgrade', () => {
  it('also removes what the previous format left: keychain items, plaintext files and their metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-sealed-'));
    const old = JSON.stringify({ v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 'old-secret', sessionToken: 'old-token', expiration: '2030-01-01T01:00:00.000Z' });
    const spy = spyKeychain({ 's-1': old });
    writeFileSync(join(dir, 's-1.meta'), JSON.stringify({ key: 's-1', kind: 'session', env: 'a', expires: '2030-01-01T01:00:00.000Z', store: 'keychain' }), { mode: 0o600 });
    writeFileSync(join(dir, 's-2.entry'), old, { mode: 0o600 });
    writeFileSync(join(dir, 's-2.meta'), JSON.stringify({ key: 's-2', kind: 'session', env: 'b', expires: '2030-01-01T01:00:00.000Z', store: 'file' }), { mode: 0o600 });
    const cache = new CredentialCache(dataKeys(spy, randomBytes), cacheFiles(dir), () => new Date('2030-01-01T00:00:00Z'), randomBytes);
    expect(await cache.clear((m) => m.env === 'b')).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['s-1.meta']);
    expect(await cache.clear()).toBe(1);
    expect(spy.deletes).toEqual(['s-1']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the data key is made once', () => {
  it('five processes that start together without a key make one, and read each other\'s entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-sealed-'));
    const now = () => new Date('2030-01-01T00:00:00Z');
    const quickLocks = { ...DEFAULT_LOCK_OPTIONS, sleep: () => new Promise<void>((r) => setTimeout(r, 1)) };
    // Each cache has its own DataKeys over the same key file, as separate processes would.
    const caches = Array.from({ length: 5 }, () => new CredentialCache(keysIn(dir), cacheFiles(dir, quickLocks), now, randomBytes));
    const entry = (i: number) => ({ v: CACHE_FORMAT, accessKeyId: `ASIA${i}`, secretAccessKey: 's', sessionToken: 't', expiration: '2030-01-01T01:00:00.000Z' });
    await Promise.all(caches.map((c, i) => c.put(`s-${i}`, entry(i), { kind: 'session' })));
    const reader = new CredentialCache(keysIn(dir), cacheFiles(dir), now, randomBytes);
    const read = await Promise.all(caches.map((_, i) => reader.getSession(`s-${i}`)));
    expect(read.map((e) => e?.accessKeyId)).toEqual(['ASIA0', 'ASIA1', 'ASIA2', 'ASIA3', 'ASIA4']);
  });
});

describe('interoperability', () => {
  it('the sealed part is standard AES-256-GCM: node:crypto opens it with the header line as associated data', () => {
    const text = sealEntry(key, header, secret, nonce);
    const [line, body] = text.split('\n') as [string, string];
    const sealed = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(line));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    expect(Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]).toString()).toBe(secret);
  });
});
