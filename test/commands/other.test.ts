import { describe, expect, it } from 'vitest';
import { kubeconfigGenInput } from '../../src/commands/kubeconfig-gen.js';
import { loginConfigFile, loginInput } from '../../src/commands/login.js';
import { cacheRows, clearFilter } from '../../src/commands/cache.js';
import type { CacheMeta } from '../../src/cache/credential-cache.js';

describe('kubeconfig-gen', () => {
  const at = { envDir: '/home/u/.config/esc-kube/environments', defaultEnvDir: '/home/u/.config/esc-kube/environments', environ: {}, cwd: '/work', homedir: '/home/u' };
  const base = { env: 'e', apiVersion: 'v1beta1' as const };
  it.each([
    ['defaults', base, at, { env: 'e', clusters: [], apiVersion: 'v1beta1', sharedUser: false, dryRun: false, target: '/home/u/.kube/config' }],
    ['the first file of $KUBECONFIG', base, { ...at, environ: { KUBECONFIG: ':k1:k2' } }, { env: 'e', clusters: [], apiVersion: 'v1beta1', sharedUser: false, dryRun: false, target: '/work/k1' }],
    ['--kubeconfig, relative, normalised', { ...base, kubeconfig: './x/../kc' }, at, { env: 'e', clusters: [], apiVersion: 'v1beta1', sharedUser: false, dryRun: false, target: '/work/kc' }],
    [
      'every option, and a store that is not the default',
      { ...base, cluster: ['a', 'b'], from: 'kubeconfig', region: 'us-west-2', credentials: 'aws.login', roleArn: 'arn:aws:iam::1:role/r', alias: 'ctx', apiVersion: 'v1' as const, sharedUser: true, dryRun: true, kubeconfig: '/k' },
      { ...at, envDir: '/envs' },
      { env: 'e', clusters: ['a', 'b'], from: 'kubeconfig', region: 'us-west-2', credentialsPath: 'aws.login', roleArn: 'arn:aws:iam::1:role/r', alias: 'ctx', apiVersion: 'v1', sharedUser: true, dryRun: true, target: '/k', envDirArg: '/envs' },
    ],
  ])('%s', (_n, opts, setting, want) => expect(kubeconfigGenInput(opts, setting)).toEqual(want));
});

describe('login and logout', () => {
  it.each([
    [{}, { env: undefined, device: false, cache: undefined }],
    [{ env: 'e', device: true, cache: 'file' }, { env: 'e', device: true, cache: 'file' }],
  ])('%j -> %j', (opts, want) => expect(loginInput(opts)).toEqual(want));
  it.each([
    [{}, '/home/u/.config/esc-kube/config.yaml'],
    [{ XDG_CONFIG_HOME: '/x' }, '/x/esc-kube/config.yaml'],
  ])('the config file with %j', (environ, want) => expect(loginConfigFile(environ, '/home/u')).toBe(want));
});

describe('cache ls and clear', () => {
  const token: CacheMeta = { key: 't-1', kind: 'token', env: 'e', cluster: 'c', region: 'us-west-2', expires: '2030-01-01T00:00:00.000Z', store: 'file' };
  const session: CacheMeta = { key: 's-1', kind: 'session', env: 'f', role: 'arn:r', expires: '2030-01-01T01:00:00.000Z', store: 'keychain' };
  it('lists keys, kinds, environments, clusters or roles, regions, expiries and stores', () => {
    expect(cacheRows([token, session])).toBe(
      'KEY  KIND     ENVIRONMENT  CLUSTER/ROLE  REGION     EXPIRES                   STORE\n' +
        't-1  token    e            c             us-west-2  2030-01-01T00:00:00.000Z  file\n' +
        's-1  session  f            arn:r         -          2030-01-01T01:00:00.000Z  keychain\n',
    );
  });
  it.each([
    [{}, undefined],
    [{ env: 'e' }, [true, false]],
  ])('clear %j', (opts, want) => {
    const f = clearFilter(opts);
    expect(f === undefined ? undefined : [token, session].map(f)).toEqual(want);
  });
});
