// Single flight is one function, CredentialCache.getOrCreate; these tests run it directly and through
// each of its three users (the token tier, the STS session tier, the login). Concurrency is in one
// process here (the lock is a file, so async callers contend as processes do); the e2e tests show the
// same across processes (20 parallel token calls, one login; 50 cold processes, one STS call).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialCache, CACHE_FORMAT, type SingleFlight } from '../../src/cache/credential-cache.js';
import { DEFAULT_LOCK_OPTIONS } from '../../src/adapters/file-lock.js';
import { randomBytes } from 'node:crypto';
import { keysIn } from '../fakes/keys.js';
import { cacheFiles } from '../../src/adapters/cache-files.js';
import { cachingStsClient } from '../../src/cache/caching-sts.js';
import { loginIdToken, loginKey } from '../../src/login/oidc-login.js';
import { getToken, type GetTokenDeps } from '../../src/use-cases/get-token.js';
import { evaluateEnvironment } from '../../src/esc/eval.js';
import { fakeRegistry } from '../fakes/providers.js';
import { TestIssuer } from '../fakes/jwt.js';
import { FakeChainer } from '../fakes/sts.js';

const now = new Date('2030-01-01T00:00:00Z');

/** Lock waiters sleep a real millisecond between looks (the outcomes are decided by the lock, not the sleep). */
const quickLocks = { ...DEFAULT_LOCK_OPTIONS, sleep: () => new Promise<void>((r) => setTimeout(r, 1)) };

/** A cache in a fresh directory. */
function freshCache(): CredentialCache {
  const dir = mkdtempSync(join(tmpdir(), 'esc-kube-flight-'));
  return new CredentialCache(keysIn(dir), cacheFiles(dir, quickLocks), () => now, randomBytes);
}

/** A CredentialCache that records the keys getOrCreate is called with. */
class RecordingCache extends CredentialCache {
  readonly flights: string[] = [];
  override getOrCreate<T>(key: string, flight: SingleFlight<T>): Promise<T> {
    // The data key's own flight (made with the first entry) is not one of the three users.
    if (key !== 'data-key') this.flights.push(key);
    return super.getOrCreate(key, flight);
  }
}

/** A promise that resolves when told to. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('getOrCreate', () => {
  it('makes one value for many callers that miss at once; the others read it after the lock', async () => {
    const cache = freshCache();
    let stored: string | undefined;
    let makes = 0;
    const making = gate();
    const release = gate();
    const flight: SingleFlight<string> = {
      read: async () => stored,
      make: async () => {
        makes++;
        making.open();
        await release.opened;
        return 'made';
      },
      store: async (v) => void (stored = v),
    };
    const all = Promise.all(Array.from({ length: 5 }, () => cache.getOrCreate('k-1', flight)));
    await making.opened;
    release.open();
    expect(await all).toEqual(Array(5).fill('made'));
    expect(makes).toBe(1);
  });

  it('a hit makes nothing; refresh makes anew and stores; knownMiss skips only the first read', async () => {
    const cache = freshCache();
    const reads: string[] = [];
    let makes = 0;
    const flight = (opts: Partial<SingleFlight<string>>): SingleFlight<string> => ({
      read: async () => (reads.push('read'), 'cached'),
      make: async () => (makes++, 'new'),
      ...opts,
    });
    expect(await cache.getOrCreate('k-2', flight({}))).toBe('cached');
    expect(makes).toBe(0);
    expect(await cache.getOrCreate('k-2', flight({ refresh: true }))).toBe('new');
    expect(makes).toBe(1);
    reads.length = 0;
    // Nobody holds the lock, so nothing is read again after taking it: the value is made.
    expect(await cache.getOrCreate('k-2', flight({ knownMiss: true }))).toBe('new');
    expect(reads).toEqual([]);
  });

  it('releases the lock when make fails', async () => {
    const cache = freshCache();
    await expect(cache.getOrCreate('k-3', { read: async () => undefined, make: async () => Promise.reject(new Error('no')) })).rejects.toThrow('no');
    expect(await cache.getOrCreate('k-3', { read: async () => undefined, make: async () => 'then' })).toBe('then');
  });
});

describe('the three users of getOrCreate', () => {
  it('the token tier: five parallel calls open the environment and sign once', async () => {
    const cache = new RecordingCache(keysIn(mkdtempSync(join(tmpdir(), 'esc-kube-flight-'))), cacheFiles(mkdtempSync(join(tmpdir(), 'esc-kube-flight-')), quickLocks), () => now, randomBytes);
    let opens = 0;
    const text = 'values:\n  environmentVariables:\n    AWS_ACCESS_KEY_ID: AKIDTEST\n    AWS_SECRET_ACCESS_KEY: s\n    AWS_REGION: eu-west-1\n';
    const deps: GetTokenDeps = {
      environ: {},
      now: () => now,
      warn: () => {},
      tokenCache: { cache, key: 't-flight', refresh: false },
      chain: () => new FakeChainer(),
      open: async (name) => {
        opens++;
        const r = await evaluateEnvironment({ name, source: { text }, loader: { load: async () => undefined }, providers: fakeRegistry([]) });
        return { env: { name, value: r.value, exported: r.value?.export(), diagnostics: r.diagnostics, sources: r.sources, lookup: () => undefined }, sessions: [] };
      },
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => getToken({ env: 'e', cluster: 'c' }, deps)));
    expect(opens).toBe(1);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(cache.flights).toEqual(Array(5).fill('t-flight'));
  });

  it('the session tier: five parallel AssumeRoleWithWebIdentity calls make one STS call', async () => {
    const cache = new RecordingCache(keysIn(mkdtempSync(join(tmpdir(), 'esc-kube-flight-'))), cacheFiles(mkdtempSync(join(tmpdir(), 'esc-kube-flight-')), quickLocks), () => now, randomBytes);
    let calls = 0;
    const sts = cachingStsClient(
      {
        assumeRoleWithWebIdentity: async () => {
          calls++;
          return { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date(now.getTime() + 3600_000) };
        },
      },
      cache,
      { endpoint: 'https://sts.example', refresh: false, env: 'e' },
    );
    const jwt = new TestIssuer().mint({}, Math.floor(now.getTime() / 1000));
    const req = { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 's', durationSeconds: 3600, policyArns: [], webIdentityToken: jwt };
    const sessions = await Promise.all(Array.from({ length: 5 }, () => sts.assumeRoleWithWebIdentity(req)));
    expect(calls).toBe(1);
    expect(sessions.map((s) => s.accessKeyId)).toEqual(Array(5).fill('ASIA1'));
    expect(cache.flights).toHaveLength(5);
    expect(new Set(cache.flights).size).toBe(1);
  });

  it('the login: a cached ID token is read through getOrCreate, by every caller, with no identity provider at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esc-kube-flight-'));
    const cache = new RecordingCache(keysIn(dir), cacheFiles(dir), () => now, randomBytes);
    const cfg = { issuer: 'http://127.0.0.1:9/none', clientId: 'esc-kube' };
    const key = loginKey(cfg);
    await cache.put(key, { v: CACHE_FORMAT, idToken: 'id-token', expiration: new Date(now.getTime() + 600_000).toISOString() }, { kind: 'login', role: cfg.issuer, env: 'e' });
    const deps = {
      cache,
      now: () => now,
      notify: () => {},
      browser: { available: () => false, open: async () => {} },
      interactive: false,
      device: false,
      timeoutMs: 1000,
      env: 'e',
      listener: { listen: () => Promise.reject(new Error('no listener in this test')) },
      deadline: () => new AbortController().signal,
    };
    expect(await Promise.all([loginIdToken(cfg, deps), loginIdToken(cfg, deps)])).toEqual(['id-token', 'id-token']);
    expect(cache.flights).toEqual([key, key]);
  });
});
