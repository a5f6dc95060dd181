import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CACHE_FORMAT, CredentialCache, cacheKey } from '../../src/cache/credential-cache.js';
import { cacheFiles, fileDigest } from '../../src/adapters/cache-files.js';
import { acquireLock, DEFAULT_LOCK_OPTIONS } from '../../src/adapters/file-lock.js';
import { randomBytes } from 'node:crypto';
import { fileKeychain } from '../../src/adapters/file-store.js';
import { dataKeys } from '../../src/adapters/data-keys.js';
import { keysIn } from '../fakes/keys.js';
import { cacheMode, resilientKeychain } from '../../src/adapters/select-store.js';
import { KEYTAR_MISSING, keytarKeychain, loadKeytar, type Keychain, type KeytarApi } from '../../src/adapters/keychain.js';
import { decodeJwtClaims, identityDigest } from '../../src/aws/jwt.js';
import { TestIssuer } from '../fakes/jwt.js';

const dir = () => mkdtempSync(join(tmpdir(), 'esc-kube-cache-'));
const at = (iso: string) => () => new Date(iso);
/** A token-shaped string whose URL says when it was signed (the cache reads X-Amz-Date). */
const tokenSignedAt = (amzDate: string) =>
  'k8s-aws-v1.' + Buffer.from(`https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Date=${amzDate}&X-Amz-Expires=60`).toString('base64url');

async function tokenCacheWithEnvFile(now: string) {
  const d = dir();
  const envFile = join(d, 'env.yaml');
  writeFileSync(envFile, 'values: {a: 1}\n');
  const cache = new CredentialCache(keysIn(d), cacheFiles(d), at(now), randomBytes);
  const entry = { v: CACHE_FORMAT, token: tokenSignedAt('20300101T000000Z'), expiration: '2030-01-01T00:14:00.000Z', files: [{ path: envFile, sha256: (await fileDigest(envFile))! }] };
  await cache.put('t-1', entry, { kind: 'token', env: 'e', cluster: 'c', region: 'us-west-2' });
  return { d, envFile, cache, entry };
}

describe('token tier', () => {
  it.each([
    ['2030-01-01T00:00:00Z', true],
    ['2030-01-01T00:11:59Z', true],
    ['2030-01-01T00:12:00Z', true],
    ['2030-01-01T00:12:01Z', false],
    ['2030-01-01T00:20:00Z', false],
  ])('at %s served: %s (at least 2 minutes must remain)', async (now, served) => {
    const { d } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
    const later = new CredentialCache(keysIn(d), cacheFiles(d), at(now), randomBytes);
    expect((await later.getToken('t-1')) !== undefined).toBe(served);
  });

  it('misses when an environment file changed or is gone', async () => {
    const { envFile, cache } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
    expect(await cache.getToken('t-1')).toBeDefined();
    writeFileSync(envFile, 'values: {a: 2}\n');
    expect(await cache.getToken('t-1')).toBeUndefined();
  });

  it.each([
    ['claims more time than a token can live (15 min)', { expiration: '2030-01-01T01:00:00.000Z' }],
    ['was signed in the future (by a clock running fast)', { token: tokenSignedAt('20300101T030000Z') }],
    ['does not say when it was signed', { token: 'k8s-aws-v1.x' }],
  ])('misses an entry that %s', async (_n, change) => {
    const { cache, entry } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
    expect(await cache.getToken('t-1')).toBeDefined();
    await cache.put('t-1', { ...entry, ...change }, { kind: 'token' });
    expect(await cache.getToken('t-1')).toBeUndefined();
  });

  describe('the OIDC token behind it (re-read on every hit)', () => {
    const issuer = new TestIssuer('https://oidc.identity.example');
    const nowS = Date.parse('2030-01-01T00:00:00Z') / 1000;
    async function setupIdentity(jwt: string, source: 'file' | 'env' | 'other') {
      const { d, cache, entry } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
      const tokenFile = join(d, 'token.jwt');
      writeFileSync(tokenFile, jwt);
      const claims = decodeJwtClaims(jwt);
      const identity = { source, ...(source === 'file' ? { at: tokenFile } : source === 'env' ? { at: 'MY_JWT' } : {}), digest: identityDigest(claims), exp: claims.exp };
      await cache.put('t-1', { ...entry, identities: [identity] }, { kind: 'token' });
      return { cache, tokenFile };
    }

    it('a file: served while it names the same identity (even rotated); a new subject, an expired or a missing file is a miss', async () => {
      const { cache, tokenFile } = await setupIdentity(issuer.mint({ sub: 'repo:a' }, nowS), 'file');
      expect(await cache.getToken('t-1')).toBeDefined();
      writeFileSync(tokenFile, issuer.mint({ sub: 'repo:a' }, nowS + 60));
      expect(await cache.getToken('t-1')).toBeDefined();
      writeFileSync(tokenFile, issuer.mint({ sub: 'repo:b' }, nowS));
      expect(await cache.getToken('t-1')).toBeUndefined();
      writeFileSync(tokenFile, issuer.mint({ sub: 'repo:a', exp: nowS - 1 }, nowS - 600));
      expect(await cache.getToken('t-1')).toBeUndefined();
      writeFileSync(tokenFile, 'not a jwt');
      expect(await cache.getToken('t-1')).toBeUndefined();
      rmSync(tokenFile);
      expect(await cache.getToken('t-1')).toBeUndefined();
    });

    it('a variable: read from the environment of the call', async () => {
      const jwt = issuer.mint({ sub: 'job:1' }, nowS);
      const { cache } = await setupIdentity(jwt, 'env');
      expect(await cache.getToken('t-1', { MY_JWT: jwt })).toBeDefined();
      expect(await cache.getToken('t-1', { MY_JWT: issuer.mint({ sub: 'job:2' }, nowS) })).toBeUndefined();
      expect(await cache.getToken('t-1', {})).toBeUndefined();
    });

    it('any other source: a miss once the token it came from has expired', async () => {
      const { cache } = await setupIdentity(issuer.mint({ exp: nowS + 300 }, nowS), 'other');
      expect(await cache.getToken('t-1')).toBeDefined();
      const later = new CredentialCache(cache.keys, cache.files, at('2030-01-01T00:05:01Z'), randomBytes);
      expect(await later.getToken('t-1')).toBeUndefined();
    });
  });

  it.each([
    ['garbage', 'not json'],
    ['truncated', '{"v":1,"token":"k8s-aws-v1.x","expira'],
    ['an older format', JSON.stringify({ v: 0, token: 'k8s-aws-v1.x', expiration: '2030-01-01T00:14:00Z', files: [] })],
    ['missing fields', JSON.stringify({ v: CACHE_FORMAT, token: 'k8s-aws-v1.x' })],
    ['a bad date', JSON.stringify({ v: CACHE_FORMAT, token: 'k8s-aws-v1.x', expiration: 'soon', files: [] })],
  ])('treats %s as a miss', async (_n, content) => {
    const { d, cache } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
    writeFileSync(join(d, 't-1.entry'), content);
    expect(await cache.getToken('t-1')).toBeUndefined();
  });

  it('a store that throws is a miss, and a failed write is not an error', async () => {
    const broken: Keychain = { kind: 'keychain', label: 'broken', get: async () => Promise.reject(new Error('locked')), set: async () => Promise.reject(new Error('locked')), delete: async () => {} };
    const cache = new CredentialCache(dataKeys(broken, randomBytes), cacheFiles(dir()), at('2030-01-01T00:00:00Z'), randomBytes);
    expect(await cache.getToken('t-1')).toBeUndefined();
    await expect(cache.put('t-1', { v: 1, token: 'x', expiration: '2030-01-01T01:00:00Z', files: [] }, { kind: 'token' })).resolves.toBeUndefined();
  });
});

describe('session tier', () => {
  it.each([
    ['2030-01-01T00:54:59Z', true],
    ['2030-01-01T00:55:00Z', true],
    ['2030-01-01T00:55:01Z', false],
  ])('at %s reused: %s (at least 5 minutes must remain)', async (now, reused) => {
    const d = dir();
    await new CredentialCache(keysIn(d), cacheFiles(d), at('2030-01-01T00:00:00Z'), randomBytes).put(
      's-1',
      { v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 'sk', sessionToken: 'st', expiration: '2030-01-01T01:00:00.000Z' },
      { kind: 'session', role: 'arn:aws:iam::1:role/r', env: 'e' },
    );
    expect((await new CredentialCache(keysIn(d), cacheFiles(d), at(now), randomBytes).getSession('s-1')) !== undefined).toBe(reused);
  });
});

describe('files, metadata and listing', () => {
  it('keeps entries 0600 in a 0700 directory, named by hash, and lists and clears them without secrets', async () => {
    const { d, cache } = await tokenCacheWithEnvFile('2030-01-01T00:00:00Z');
    await cache.put('s-2', { v: CACHE_FORMAT, accessKeyId: 'ASIA', secretAccessKey: 'the-secret', sessionToken: 'the-session', expiration: '2030-01-01T01:00:00.000Z' }, { kind: 'session', role: 'arn:aws:iam::1:role/r', env: 'other' });
    expect(statSync(d).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(d).filter((f) => f !== 'env.yaml')) expect(statSync(join(d, f)).mode & 0o777, f).toBe(0o600);
    const list = await cache.list();
    expect(list.map((m) => [m.key, m.kind, m.env, m.store])).toEqual([
      ['t-1', 'token', 'e', 'file'],
      ['s-2', 'session', 'other', 'file'],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/the-secret|the-session|k8s-aws-v1/);
    const files = readdirSync(d).filter((f) => f !== 'env.yaml');
    expect(files.sort()).toEqual(['cache-data-key.key', 's-2.entry', 't-1.entry']);
    for (const f of files) expect(readFileSync(join(d, f), 'utf8'), f).not.toMatch(/the-secret|the-session|k8s-aws-v1/);
    expect(await cache.clear((m) => m.env === 'other')).toBe(1);
    expect((await cache.list()).map((m) => m.key)).toEqual(['t-1']);
  });

  it('keys are hashes of their parts', () => {
    expect(cacheKey('token', ['a', 'b'])).toMatch(/^t-[0-9a-f]{32}$/);
    expect(cacheKey('token', ['a', 'b'])).not.toBe(cacheKey('token', ['a', 'c']));
    expect(cacheKey('session', ['a'])).toMatch(/^s-/);
  });
});

describe('locks', () => {
  it('one holder at a time; a waiter gets it after release', async () => {
    const path = join(dir(), 'k.lock');
    const first = await acquireLock(path);
    // The waiter's sleep is ours: its first call is the event "found the lock held, waiting", and the
    // waiter goes on only when we let it.
    let asleep!: () => void;
    const sleeping = new Promise<void>((r) => (asleep = r));
    const wakeUps: (() => void)[] = [];
    const sleep = () => new Promise<void>((wake) => (wakeUps.push(wake), asleep()));
    let second = false;
    const waiter = acquireLock(path, { ...DEFAULT_LOCK_OPTIONS, sleep }).then((h) => ((second = true), h));
    await sleeping;
    expect(second).toBe(false);
    await first.release();
    wakeUps.shift()!();
    const h = await waiter;
    expect(h).toMatchObject({ acquired: true, waited: true });
    expect(wakeUps).toEqual([]);
    expect(readFileSync(path, 'utf8')).toMatch(/^\{"pid":\d+,"at":\d+\}$/);
    await h.release();
  });

  it('takes over a lock left by a killed process, without waiting', async () => {
    const path = join(dir(), 'k.lock');
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(path, JSON.stringify({ pid: Number(dead), at: Date.now() }));
    let sleeps = 0;
    const h = await acquireLock(path, { ...DEFAULT_LOCK_OPTIONS, sleep: async () => void sleeps++ });
    expect(h).toMatchObject({ acquired: true, waited: false });
    expect(sleeps).toBe(0);
  });

  it('never removes a lock that a new holder took between the stale check and the removal', async () => {
    // The race behind lost kubeconfig updates: B reads A's lock, A releases and exits, C takes the lock,
    // and only then does B find A dead. B must not remove C's lock.
    const path = join(dir(), 'k.lock');
    const A = 999_001;
    const C = 999_002;
    writeFileSync(path, JSON.stringify({ pid: A, at: Date.now() }));
    const isAlive = (pid: number) => {
      if (pid === A) {
        // The event: B has read A's lock and asks whether A lives. A released, C acquired meanwhile.
        rmSync(path);
        writeFileSync(path, JSON.stringify({ pid: C, at: Date.now() }), { flag: 'wx' });
        return false;
      }
      return pid === C;
    };
    const b = await acquireLock(path, { ...DEFAULT_LOCK_OPTIONS, waitMs: 0, isAlive, sleep: async () => {} });
    expect(b.acquired).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: C });
    expect(existsSync(`${path}.takeover`)).toBe(false);
  });

  it('takes over an old lock even if its pid was reused', async () => {
    const path = join(dir(), 'k.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, at: Date.now() - 120_000 }));
    expect((await acquireLock(path)).acquired).toBe(true);
  });

  it('gives up waiting after the bounded wait', async () => {
    const path = join(dir(), 'k.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, at: Date.now() }));
    let clock = 0;
    const h = await acquireLock(path, { ...DEFAULT_LOCK_OPTIONS, now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(h).toMatchObject({ acquired: false, waited: true });
    expect(clock).toBeGreaterThanOrEqual(10_000);
    expect(clock).toBeLessThan(10_200);
  });
});

describe('keytar, an optional dependency loaded by name', () => {
  it.each([
    ['not installed', () => {
      throw Object.assign(new Error("Cannot find module 'keytar'"), { code: 'MODULE_NOT_FOUND' });
    }],
    ['installed, but its native part does not load', () => {
      throw Object.assign(new Error('libsecret-1.so.0: cannot open shared object file'), { code: 'ERR_DLOPEN_FAILED' });
    }],
    ['something else under that name', () => ({ getPassword: 1 })],
  ])('%s: one line (code "keychain") that says why and what to do', (_n, load) => {
    expect(() => loadKeytar(load)).toThrow(expect.objectContaining({ code: 'keychain', message: KEYTAR_MISSING }));
    expect(KEYTAR_MISSING).not.toContain('\n');
    expect(KEYTAR_MISSING).toMatch(/libsecret-1-dev.*npm install keytar.*unset ESC_KUBE_KEYCHAIN/);
  });

  it('installed: the adapter stores under the esc-kube service through its three calls', async () => {
    const items = new Map<string, string>();
    const fake: KeytarApi = {
      getPassword: async (service, account) => items.get(`${service}/${account}`) ?? null,
      setPassword: async (service, account, password) => void items.set(`${service}/${account}`, password),
      deletePassword: async (service, account) => items.delete(`${service}/${account}`),
    };
    const store = await keytarKeychain(loadKeytar(() => ({ default: fake })));
    await store.set('t-1', 'v');
    expect(items.get('esc-kube/t-1')).toBe('v');
    expect(await store.get('t-1')).toBe('v');
    await store.delete('t-1');
    expect(await store.get('t-1')).toBeUndefined();
  });
});

describe('store selection', () => {
  it.each([
    [undefined, {}, 'keychain'],
    ['file', { ESC_KUBE_CACHE: 'none' }, 'file'],
    [undefined, { ESC_KUBE_CACHE: 'none' }, 'none'],
    ['disk', {}, { error: 'invalid cache mode "disk": expected keychain, file or none' }],
    [undefined, { ESC_KUBE_CACHE: 'yes' }, { error: 'invalid cache mode "yes" in $ESC_KUBE_CACHE: expected keychain, file or none' }],
    [undefined, { ESC_KUBE_KEYCHAIN: 'keytar' }, 'keychain'],
    [undefined, { ESC_KUBE_KEYCHAIN: 'gnome' }, { error: 'invalid $ESC_KUBE_KEYCHAIN "gnome": expected napi (@napi-rs/keyring, the default) or keytar' }],
  ])('--cache %s with %j -> %j', (flag, environ, want) => expect(cacheMode(flag, environ)).toEqual(want));

  it('falls back to the file store when the keychain does not answer, telling once per machine', async () => {
    const d = dir();
    const notices: string[] = [];
    const hung = () => new Promise<never>(() => {});
    const never = (): Keychain => ({ kind: 'keychain', label: 'a hung keychain', get: hung, set: hung, delete: hung });
    const setup = { mode: 'keychain' as const, dir: d, environ: {}, platform: 'linux' as const, notice: (m: string) => notices.push(m), timeoutMs: 50 };
    const store = resilientKeychain(never, fileKeychain(d), setup);
    const started = Date.now();
    await store.set('t-1', 'v');
    expect(await store.get('t-1')).toBe('v');
    // The point of the test: the 0.05 s limit is kept, not the never-answering keychain; 1 s is a 20x margin.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.kind).toBe('file');
    expect(notices).toEqual([
      `note: the OS keychain failed (the OS keychain did not answer within 0.05 s); the key that encrypts cached credentials is kept in ${join(d, 'cache-data-key.key')} (mode 0600) instead, which protects them against backups and copies but not against your own processes (choose with --cache keychain|file|none)`,
    ]);
    await resilientKeychain(never, fileKeychain(d), setup).get('x');
    expect(notices).toHaveLength(1);
  });

  it('reads a blocking keychain without a timer, and gives it up when the read was slow', async () => {
    const d = dir();
    const notices: string[] = [];
    const times = [0, 1500];
    const blocking = (): Keychain => ({ kind: 'keychain', label: 'a blocking keychain', blockingReads: true, get: async () => 'from the keychain', set: async () => undefined, delete: async () => undefined });
    // A time limit no one else uses, to tell this store's timers from any the test runner sets.
    const timeoutMs = 1234;
    const setup = { mode: 'keychain' as const, dir: d, environ: {}, platform: 'linux' as const, notice: (m: string) => notices.push(m), clock: () => times.shift() ?? 0, timeoutMs };
    await fileKeychain(d).set('k', 'from the file');
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const timers = () => spy.mock.calls.filter(([, ms]) => ms === timeoutMs).length;
    try {
      const store = resilientKeychain(blocking, fileKeychain(d), setup);
      // 1.5 s of a 1.234 s limit: the answer is dropped, and the file store answers from then on.
      expect(await store.get('k')).toBe('from the file');
      expect(timers()).toBe(0);
      expect(store.kind).toBe('file');
      expect(notices[0]).toMatch(/^note: the OS keychain failed \(took 1\.5 s to answer\)/);
      // A quick read is the keychain's answer, still without a timer; a write is raced against one.
      const quick = resilientKeychain(blocking, fileKeychain(d), { ...setup, clock: () => 0 });
      expect(await quick.get('k')).toBe('from the keychain');
      expect(timers()).toBe(0);
      await quick.set('k', 'v');
      expect(timers()).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
