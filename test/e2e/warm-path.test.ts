// A token-tier hit loads only what it needs: not the CLI framework, the YAML parser, the AWS SDK or the
// signer (they are imported lazily on a miss).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/commands/options.js';
import { TOKEN_OPTIONS } from '../../src/commands/token-options.js';
import { BIN, cleanEnv, runCommand, tempDir, ROOT } from './helpers.js';
import { staticEnvironment } from './environments.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { TestIssuer } from '../fakes/jwt.js';

it('a cache hit does not load commander, yaml, the AWS SDK or @smithy/signature-v4; a miss does', async () => {
  const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAWARMPATH', 'warm-path-secret', undefined, 'us-west-2') });
  const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
  const loads = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const run = async (record: string) => {
    const r = await runCommand(process.execPath, ['--import', join(ROOT, 'test/support/record-loads.mjs'), BIN, 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir], {
      env: { ...env, RECORD_LOADS_FILE: record },
    });
    expect(r.code).toBe(0);
    return loads(record);
  };
  const miss = await run(join(tempDir(), 'miss.txt'));
  const hit = await run(join(tempDir(), 'hit.txt'));
  const heavy = /node_modules\/(commander|yaml|@aws-sdk|@smithy\/signature-v4)\//;
  expect(miss.some((u) => heavy.test(u))).toBe(true);
  expect(hit.filter((u) => heavy.test(u))).toEqual([]);
  // dist/boot.cjs answers a hit, with dist/main.cjs (the warm path) compiled from its code cache rather
  // than required; the full command's modules are not loaded.
  expect(hit.filter((u) => u.includes('/dist/'))).toEqual([join(ROOT, 'dist/boot.cjs')]);
  expect(miss.some((u) => u.includes('/dist/cli.js'))).toBe(true);
});

it('--verbose does not bypass the cache: two calls a second apart print the same token', async () => {
  const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAVERBOSE', 'verbose-secret', undefined, 'us-west-2') });
  const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
  const token = async () => {
    const r = await runCommand(process.execPath, [BIN, 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir, '--verbose'], { env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).status.token as string;
  };
  const first = await token();
  // A new token would differ: it is signed with the second (X-Amz-Date) it is made in.
  await new Promise((r) => setTimeout(r, 1100));
  expect(await token()).toBe(first);
});

describe('every option token accepts is understood by the warm path (generated from the one option table)', () => {
  const heavy = /node_modules\/(commander|yaml|@aws-sdk|@smithy\/signature-v4)\//;
  // A value for each option that still makes a valid request; --refresh asks for a new token, so it
  // is understood but never served from the cache.
  const valueFor: Record<string, string> = {
    env: 'team',
    cluster: 'demo',
    'cluster-id': 'a1b2c3d4-0000-4000-8000-00000000abcd',
    region: 'us-west-2',
    credentials: 'aws.login',
    'sts-host': 'sts.us-west-2.amazonaws.com',
    cache: 'file',
    'env-dir': '',
    backend: 'local',
    'role-arn': 'arn:aws:iam::123456789012:role/eks-admin',
    'session-name': 'alice',
    'external-id': 'ext-123',
  };
  // The role options need a role, and an STS that answers AssumeRole (signed with the static credentials).
  const needsRole = new Set(['session-name', 'external-id']);
  let sts: StsDouble;
  beforeAll(async () => {
    const issuer = new TestIssuer();
    sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey, baseSecrets: { AKIAOPTIONS: 'options-secret' } });
  });
  afterAll(() => sts.close());
  const options = [...TOKEN_OPTIONS, ...GLOBAL_OPTIONS];
  it('has options to try', () => expect(options.length).toBeGreaterThan(8));
  it.each(options.map((o) => [o.name, o] as const))('--%s', async (name, o) => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAOPTIONS', 'options-secret', undefined, 'us-west-2') });
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), AWS_ENDPOINT_URL_STS: sts.url });
    const base = [...(name === 'env' || name === 'cluster' ? [] : ['--env', 'team', '--cluster', 'demo']), ...(needsRole.has(name) ? ['--role-arn', valueFor['role-arn']!] : [])];
    const extra = o.value ? [`--${name}`, name === 'env-dir' ? dir : valueFor[name]!] : [`--${name}`];
    const args = ['token', ...base, ...extra, ...(name === 'env-dir' ? [] : ['--env-dir', dir]), ...(name === 'env' ? ['--cluster', 'demo'] : []), ...(name === 'cluster' ? ['--env', 'team'] : [])];
    const run = async (record: string) => {
      const r = await runCommand(process.execPath, ['--import', join(ROOT, 'test/support/record-loads.mjs'), BIN, ...args], { env: { ...env, RECORD_LOADS_FILE: record } });
      expect(r.code, r.stderr).toBe(0);
      return { token: JSON.parse(r.stdout).status.token as string, loads: readFileSync(record, 'utf8').split('\n').filter(Boolean) };
    };
    const first = await run(join(tempDir(), 'first.txt'));
    const second = await run(join(tempDir(), 'second.txt'));
    if (name === 'refresh') {
      // Understood (no usage error) and honoured: the full command makes the token again.
      expect(second.loads.some((u) => heavy.test(u))).toBe(true);
    } else {
      expect(second.loads.filter((u) => heavy.test(u))).toEqual([]);
      expect(second.token).toBe(first.token);
    }
  });
});
