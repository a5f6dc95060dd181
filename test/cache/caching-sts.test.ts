// The session tier for chained roles: one AssumeRole per base identity, role, session name, external id
// and endpoint, shared by parallel callers, kept no longer than the base session.

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/cache/credential-cache.js';
import { cachingRoleChainer } from '../../src/cache/caching-sts.js';
import { cacheFiles } from '../../src/adapters/cache-files.js';
import { DEFAULT_LOCK_OPTIONS } from '../../src/adapters/file-lock.js';
import { keysIn } from '../fakes/keys.js';
import { FakeChainer } from '../fakes/sts.js';

const now = new Date('2030-01-01T00:00:00Z');
const quickLocks = { ...DEFAULT_LOCK_OPTIONS, sleep: () => new Promise<void>((r) => setTimeout(r, 1)) };
const role = { roleArn: 'arn:aws:iam::123456789012:role/eks-admin', sessionName: 'EKSGetTokenAuth' };
const base = { accessKeyId: 'AKIDBASE', secretAccessKey: 'base-secret' };

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'esc-kube-chain-'));
  const cache = new CredentialCache(keysIn(dir), cacheFiles(dir, quickLocks), () => now, randomBytes);
  const inner = new FakeChainer();
  return { cache, inner, chainer: cachingRoleChainer(inner, cache, { endpoint: 'https://sts.eu-west-1.amazonaws.com', refresh: false, env: 'e' }) };
}

describe('the session tier for chained roles', () => {
  it('five parallel calls make one AssumeRole; the next call makes none', async () => {
    const { inner, chainer } = setup();
    const sessions = await Promise.all(Array.from({ length: 5 }, () => chainer.assumeRole(base, role)));
    expect(inner.calls).toHaveLength(1);
    expect(new Set(sessions.map((s) => s.accessKeyId))).toEqual(new Set(['ASIACHAINED']));
    await chainer.assumeRole(base, role);
    expect(inner.calls).toHaveLength(1);
  });

  it.each([
    ['another role', base, { ...role, roleArn: 'arn:aws:iam::123456789012:role/read-only' }],
    ['another session name', base, { ...role, sessionName: 'alice' }],
    ['an external id', base, { ...role, externalId: 'ext-123' }],
    ['another base identity', { ...base, accessKeyId: 'AKIDOTHER' }, role],
  ])('%s never gets the cached session', async (_n, otherBase, otherRole) => {
    const { inner, chainer } = setup();
    await chainer.assumeRole(base, role);
    await chainer.assumeRole(otherBase, otherRole);
    expect(inner.calls).toHaveLength(2);
  });

  it('keeps the entry until the earlier of the two sessions ends, and never keeps the base secret in its key', async () => {
    const { cache, chainer } = setup();
    await chainer.assumeRole({ ...base, expiration: new Date('2030-01-01T00:30:00Z') }, role);
    const [entry] = await cache.list();
    expect(entry).toMatchObject({ kind: 'session', role: role.roleArn, expires: '2030-01-01T00:30:00.000Z' });
    expect(JSON.stringify(await cache.list())).not.toContain('base-secret');
  });
});
