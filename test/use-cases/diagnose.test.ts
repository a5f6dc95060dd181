// doctor's checks with fakes: the cluster, its authentication mode and access entries, the chained
// role; and the command's input mapping and kubeconfig reading.

import { describe, expect, it } from 'vitest';
import { diagnose, type DoctorDeps } from '../../src/use-cases/diagnose.js';
import { doctorInput, doctorLines, esckubeUsers } from '../../src/commands/doctor.js';
import { evaluateEnvironment } from '../../src/esc/eval.js';
import { EksError, type EksCluster } from '../../src/aws/eks.js';
import { principalArn } from '../../src/aws/identity.js';
import { fakeRegistry } from '../fakes/providers.js';
import { FakeChainer } from '../fakes/sts.js';

const now = new Date('2030-01-01T00:00:00Z');
const text = 'values:\n  environmentVariables: {AWS_ACCESS_KEY_ID: AKIADIAGNOSE1234, AWS_SECRET_ACCESS_KEY: s3cr3t, AWS_REGION: eu-west-1}\n';

function deps(cluster: Partial<EksCluster> | Error, entries: string[] | Error = []): DoctorDeps {
  const chainer = new FakeChainer();
  return {
    environ: {},
    now: () => now,
    envDir: '/envs',
    listEnvironments: async () => ['team'],
    open: async (name) => {
      const r = await evaluateEnvironment({ name, source: { text }, loader: { load: async () => undefined }, providers: fakeRegistry([]) });
      return { env: { name, value: r.value, exported: r.value?.export(), diagnostics: r.diagnostics, sources: r.sources, lookup: () => undefined }, sessions: [] };
    },
    checkIn: async () => Promise.reject(new Error('unused')),
    identity: () => ({
      getCallerIdentity: async (c) => ({ arn: c.accessKeyId === 'ASIACHAINED' ? 'arn:aws:sts::123456789012:assumed-role/eks-admin/EKSGetTokenAuth' : 'arn:aws:iam::123456789012:user/ci', account: '123456789012', serverDate: now }),
    }),
    chain: () => chainer,
    eks: {
      describeCluster: async (name) => {
        if (cluster instanceof Error) throw cluster;
        return { name, arn: `arn:aws:eks:eu-west-1:123456789012:cluster/${name}`, endpoint: 'https://x', certificateAuthorityData: '', status: 'ACTIVE', version: '1.31', ...cluster };
      },
      listAccessEntries: async () => {
        if (entries instanceof Error) throw entries;
        return entries;
      },
    },
    cache: async () => ({ kind: 'off', why: '--cache none' }),
    kubeconfigUsers: async () => ({ users: [], unreadable: [] }),
    dirExists: async () => true,
  };
}

const run = async (d: DoctorDeps, extra: { roleArn?: string } = {}) => Object.fromEntries((await diagnose({ env: 'team', cluster: 'demo', kubeconfigs: ['/k'], ...extra }, d)).map((c) => [c.check, c]));

describe('doctor with --cluster', () => {
  it('an identity with an access entry: the cluster and access are ok; the token is checked', async () => {
    const c = await run(deps({ authenticationMode: 'API_AND_CONFIG_MAP' }, ['arn:aws:iam::123456789012:user/ci']));
    expect(c.cluster).toMatchObject({ status: 'ok', detail: 'demo in eu-west-1: ACTIVE, Kubernetes 1.31, authentication mode API_AND_CONFIG_MAP' });
    expect(c.access).toMatchObject({ status: 'ok', detail: 'arn:aws:iam::123456789012:user/ci has an EKS access entry' });
    expect(c.token).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^\d+ bytes, for demo at sts\.eu-west-1\.amazonaws\.com, signed with x-k8s-aws-id/) });
  });

  it('no access entry: the fail that explains "Unauthorized", with the command that fixes it', async () => {
    const c = await run(deps({ authenticationMode: 'API' }, ['arn:aws:iam::123456789012:role/other']));
    expect(c.access).toEqual({
      check: 'access',
      status: 'fail',
      detail: 'arn:aws:iam::123456789012:user/ci has no EKS access entry (1 entry checked): kubectl will say "You must be logged in to the server (Unauthorized)"',
      fix: 'aws eks create-access-entry --cluster-name demo --principal-arn arn:aws:iam::123456789012:user/ci, then aws eks associate-access-policy for it',
    });
  });

  it('CONFIG_MAP: a warning that aws-auth cannot be read from outside', async () => {
    const c = await run(deps({ authenticationMode: 'CONFIG_MAP' }));
    expect(c.access).toMatchObject({ status: 'warn', detail: expect.stringContaining('the aws-auth ConfigMap decides, and it cannot be read from outside the cluster; it must map arn:aws:iam::123456789012:user/ci') });
  });

  it('with --role-arn: the chained identity, and the access entry of its role', async () => {
    const c = await run(deps({ authenticationMode: 'API' }, ['arn:aws:iam::123456789012:role/eks-admin']), { roleArn: 'arn:aws:iam::123456789012:role/eks-admin' });
    expect(c.role).toMatchObject({ status: 'ok', detail: 'arn:aws:iam::123456789012:role/eks-admin assumed as arn:aws:sts::123456789012:assumed-role/eks-admin/EKSGetTokenAuth' });
    expect(c.access).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['a cluster that is not there', new EksError('ResourceNotFoundException', 'No cluster found'), 'demo not found in eu-west-1', 'check the name and --region'],
    ['a cluster still being created', { status: 'CREATING' }, 'demo in eu-west-1: CREATING, Kubernetes 1.31, authentication mode (not reported)', 'wait until it is ACTIVE'],
  ] as const)('%s: fail', async (_n, cluster, detail, fix) => {
    const c = await run(deps(cluster as Partial<EksCluster> | Error));
    expect(c.cluster).toMatchObject({ status: 'fail', detail, fix });
  });

  it('access entries that cannot be listed: a warning with the reason', async () => {
    const c = await run(deps({ authenticationMode: 'API' }, new EksError('AccessDeniedException', 'not allowed')));
    expect(c.access).toMatchObject({ status: 'warn', detail: 'could not list the access entries: AccessDeniedException: not allowed' });
  });
});

describe('doctor: the pieces', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/eks-admin/EKSGetTokenAuth', 'arn:aws:iam::123456789012:role/eks-admin'],
    ['arn:aws-cn:sts::123456789012:assumed-role/r/s', 'arn:aws-cn:iam::123456789012:role/r'],
    ['arn:aws:iam::123456789012:user/ci', 'arn:aws:iam::123456789012:user/ci'],
  ])('the access-entry principal of %s is %s', (arn, want) => expect(principalArn(arn)).toBe(want));

  it.each([
    ['defaults', { output: 'text' as const }, {}, { kubeconfigs: ['/home/u/.kube/config'] }],
    ['$KUBECONFIG, relative made absolute', { output: 'text' as const }, { KUBECONFIG: 'a:/b' }, { kubeconfigs: ['/work/a', '/b'] }],
    [
      'every option',
      { output: 'json' as const, env: 'e', cluster: 'c', region: 'us-west-2', roleArn: 'arn:aws:iam::1:role/r', kubeconfig: 'k' },
      { KUBECONFIG: '/ignored' },
      { env: 'e', cluster: 'c', region: 'us-west-2', roleArn: 'arn:aws:iam::1:role/r', kubeconfigs: ['/work/k'] },
    ],
  ])('doctorInput: %s', (_n, opts, environ, want) => expect(doctorInput(opts, { environ, cwd: '/work', homedir: '/home/u' })).toEqual(want));

  it('finds the users that run esc-kube, and the environments their clusters name', () => {
    const text = `users:
- {name: a, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/local/bin/esc-kube, args: [token, --env, x]}}}
- {name: b, user: {exec: {command: aws, args: [eks, get-token]}}}
- {name: c, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: esc-kube, args: [token]}}}
clusters:
- {name: k1, cluster: {extensions: [{name: client.authentication.k8s.io/exec, extension: {env: y, cluster: k1}}]}}
contexts:
- {name: c1, context: {cluster: k1, user: c}}
`;
    expect(esckubeUsers('/k', text)).toEqual([
      { file: '/k', name: 'a', apiVersion: 'client.authentication.k8s.io/v1', args: ['token', '--env', 'x'], extensionEnvs: [] },
      { file: '/k', name: 'c', apiVersion: 'client.authentication.k8s.io/v1beta1', args: ['token'], extensionEnvs: ['y'] },
    ]);
  });

  it('prints one line a check and the fix under a warning or a failure', () => {
    expect(doctorLines([{ check: 'clock', status: 'ok', detail: 'within 0 s' }, { check: 'access', status: 'fail', detail: 'no entry', fix: 'add one' }])).toBe(
      'ok    clock        within 0 s\nfail  access       no entry\n                   → add one\n',
    );
  });
});
