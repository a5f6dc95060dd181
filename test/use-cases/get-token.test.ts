import { describe, expect, it } from 'vitest';
import { getToken, resolveRegion, type GetTokenDeps } from '../../src/use-cases/get-token.js';
import { evaluateEnvironment } from '../../src/esc/eval.js';
import { exportedFromPlain } from '../../src/esc/value.js';
import type { OpenedEnvironment } from '../../src/use-cases/open-environment.js';
import { fakeRegistry } from '../fakes/providers.js';
import { verifyToken } from '../fakes/token-verifier.js';
import { FakeChainer } from '../fakes/sts.js';
import { StsError } from '../../src/providers/aws-login.js';

const now = new Date('2024-05-01T12:00:00Z');

async function opened(name: string, text: string): Promise<OpenedEnvironment> {
  const r = await evaluateEnvironment({ name, source: { text }, loader: { load: async () => undefined }, providers: fakeRegistry(['aws-login']) });
  return { name, value: r.value, exported: r.value?.export(), diagnostics: r.diagnostics, sources: r.sources, lookup: () => undefined };
}

const staticEnv = `values:
  creds: { fn::open::aws-login: { static: { accessKeyId: AKIDTEST, secretAccessKey: { fn::secret: s3cr3t } } } }
  environmentVariables:
    AWS_ACCESS_KEY_ID: \${creds.accessKeyId}
    AWS_SECRET_ACCESS_KEY: \${creds.secretAccessKey}
    AWS_REGION: eu-west-1
`;

function deps(text: string, environ: Record<string, string> = {}, sessions: Date[] = [], chainer = new FakeChainer()): GetTokenDeps & { warnings: string[]; chainer: FakeChainer; regions: string[] } {
  const warnings: string[] = [];
  const regions: string[] = [];
  return {
    environ,
    now: () => now,
    warn: (m) => warnings.push(m),
    open: async (n) => ({ env: await opened(n, text), sessions: sessions.map((expiration) => ({ expiration })) }),
    chain: (region) => {
      regions.push(region);
      return chainer;
    },
    warnings,
    chainer,
    regions,
  };
}

describe('getToken', () => {
  it('signs with the environment variables and answers in v1beta1 by default', async () => {
    const r = await getToken({ env: 'e', cluster: 'demo' }, deps(staticEnv));
    expect(r.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(r.region).toBe('eu-west-1');
    expect(JSON.parse(r.json).status.expirationTimestamp).toBe('2024-05-01T12:14:00Z');
    expect(verifyToken(r.token, { clusterId: 'demo', now: () => now, secretFor: (k) => (k === 'AKIDTEST' ? 's3cr3t' : undefined) })).toMatchObject({ ok: true });
  });

  it('echoes v1 and reads env, cluster and region from spec.cluster.config', async () => {
    const info = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { config: { env: 'e', cluster: 'from-ext', region: 'us-east-2' } } } };
    const r = await getToken({}, deps(staticEnv, { KUBERNETES_EXEC_INFO: JSON.stringify(info) }));
    expect(r).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', clusterId: 'from-ext', region: 'us-east-2' });
  });

  it('warns on malformed KUBERNETES_EXEC_INFO and refuses v1alpha1', async () => {
    const d = deps(staticEnv, { KUBERNETES_EXEC_INFO: '{oops' });
    expect((await getToken({ env: 'e', cluster: 'c' }, d)).apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(d.warnings).toEqual(['KUBERNETES_EXEC_INFO is not valid JSON; answering in client.authentication.k8s.io/v1beta1']);
    const alpha = deps(staticEnv, { KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }) });
    await expect(getToken({ env: 'e', cluster: 'c' }, alpha)).rejects.toMatchObject({ code: 'exec-info' });
  });

  it('signs the Outposts cluster id instead of the name', async () => {
    const r = await getToken({ env: 'e', cluster: 'name', clusterId: '0123-id' }, deps(staticEnv));
    expect(verifyToken(r.token, { clusterId: '0123-id', now: () => now, secretFor: () => 's3cr3t' })).toMatchObject({ ok: true });
  });

  it('takes credentials from --credentials PATH', async () => {
    const text = 'values:\n  aws:\n    login: { accessKeyId: AKIDX, secretAccessKey: sx, sessionToken: tx }\n  pulumiConfig: { "aws:region": ap-south-1 }\n';
    const r = await getToken({ env: 'e', cluster: 'c', credentialsPath: 'aws.login' }, deps(text));
    expect(r.region).toBe('ap-south-1');
    expect(verifyToken(r.token, { clusterId: 'c', now: () => now, secretFor: () => 'sx' })).toMatchObject({ ok: true, sessionToken: 'tx' });
  });

  it('ends the token a minute before the STS session ends', async () => {
    const r = await getToken({ env: 'e', cluster: 'c' }, deps(staticEnv, {}, [new Date('2024-05-01T12:05:00Z')]));
    expect(r.expiration.toISOString()).toBe('2024-05-01T12:04:00.000Z');
    const late = await getToken({ env: 'e', cluster: 'c' }, deps(staticEnv, {}, [new Date('2024-05-01T12:00:30Z')]));
    expect(late.expiration.getTime()).toBe(now.getTime());
  });

  it('names the standard STS host; legacy regional endpoints and --sts-host change it', async () => {
    const host = (r: { token: string }) => new URL(Buffer.from(r.token.slice('k8s-aws-v1.'.length), 'base64url').toString()).host;
    expect(host(await getToken({ env: 'e', cluster: 'c', region: 'us-east-1' }, deps(staticEnv)))).toBe('sts.us-east-1.amazonaws.com');
    expect(host(await getToken({ env: 'e', cluster: 'c', region: 'us-east-1' }, deps(staticEnv, { AWS_STS_REGIONAL_ENDPOINTS: 'legacy' })))).toBe('sts.amazonaws.com');
    expect(host(await getToken({ env: 'e', cluster: 'c', region: 'cn-north-1' }, deps(staticEnv)))).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(host(await getToken({ env: 'e', cluster: 'c', stsHost: 'sts.example.internal' }, deps(staticEnv)))).toBe('sts.example.internal');
    // AWS_ENDPOINT_URL* redirect esc-kube's own STS calls only, never the token.
    expect(host(await getToken({ env: 'e', cluster: 'c' }, deps(staticEnv, { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })))).toBe('sts.eu-west-1.amazonaws.com');
  });

  it.each([
    ['no --env', {}, 'token needs --env ENV'],
    ['no --cluster', { env: 'e' }, 'token needs --cluster NAME'],
  ])('usage: %s', async (_n, input, msg) => {
    await expect(getToken(input, deps(staticEnv))).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(msg) });
  });

  it('explains missing credentials', async () => {
    await expect(getToken({ env: 'e', cluster: 'c' }, deps('values:\n  environmentVariables: { AWS_REGION: us-west-2 }\n'))).rejects.toMatchObject({
      code: 'credentials',
      message: expect.stringContaining('provides no AWS credentials: expected environmentVariables.AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'),
    });
    await expect(getToken({ env: 'e', cluster: 'c', credentialsPath: 'aws.nope' }, deps(staticEnv))).rejects.toMatchObject({ code: 'credentials' });
  });
});

describe('resolveRegion', () => {
  const env = (values: object) => exportedFromPlain(values);
  it.each([
    ['flag first', 'ap-east-1', { environmentVariables: { AWS_REGION: 'us-west-2' } }, {}, 'ap-east-1'],
    ['AWS_REGION', undefined, { environmentVariables: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-1' } }, {}, 'us-west-2'],
    ['AWS_DEFAULT_REGION', undefined, { environmentVariables: { AWS_DEFAULT_REGION: 'us-east-1' }, pulumiConfig: { 'aws:region': 'eu-west-1' } }, {}, 'us-east-1'],
    ['pulumiConfig', undefined, { pulumiConfig: { 'aws:region': 'eu-west-1' } }, { AWS_REGION: 'us-east-2' }, 'eu-west-1'],
    ['process AWS_REGION', undefined, {}, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' }, 'us-east-2'],
    ['process AWS_DEFAULT_REGION', undefined, {}, { AWS_DEFAULT_REGION: 'us-west-1' }, 'us-west-1'],
  ])('%s', (_n, flag, values, environ, want) => expect(resolveRegion(flag, env(values), environ, 'e')).toBe(want));

  it('explains a missing or invalid region', () => {
    expect(() => resolveRegion(undefined, env({}), {}, 'e')).toThrow('no AWS region for environment "e": pass --region');
    expect(() => resolveRegion('mars-1', env({}), {}, 'e')).toThrow('--region is "mars-1", which is not an AWS region name');
  });
});

describe('getToken with a role to chain to (--role-arn)', () => {
  const role = 'arn:aws:iam::123456789012:role/eks-admin';
  const chainedSecret = (k: string) => (k === 'ASIACHAINED' ? 'chained-secret' : undefined);

  it("signs with the role's credentials, assumed with the environment's, in the request's region, as EKSGetTokenAuth", async () => {
    const d = deps(staticEnv);
    const r = await getToken({ env: 'e', cluster: 'demo', roleArn: role }, d);
    expect(verifyToken(r.token, { clusterId: 'demo', now: () => now, secretFor: chainedSecret })).toMatchObject({ ok: true });
    expect(verifyToken(r.token, { clusterId: 'demo', now: () => now, secretFor: () => 's3cr3t' })).toMatchObject({ ok: false });
    expect(d.chainer.calls).toEqual([{ baseAccessKeyId: 'AKIDTEST', baseExpiration: undefined, role: { roleArn: role, sessionName: 'EKSGetTokenAuth' } }]);
    expect(d.regions).toEqual(['eu-west-1']);
  });

  it('passes the session name and external id, from flags or from the cluster exec extension', async () => {
    const flags = deps(staticEnv);
    await getToken({ env: 'e', cluster: 'demo', roleArn: role, sessionName: 'alice', externalId: 'ext-123' }, flags);
    expect(flags.chainer.calls[0]!.role).toEqual({ roleArn: role, sessionName: 'alice', externalId: 'ext-123' });
    const info = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { config: { env: 'e', cluster: 'demo', roleArn: role, externalId: 'ext-9' } } } };
    const ext = deps(staticEnv, { KUBERNETES_EXEC_INFO: JSON.stringify(info) });
    await getToken({}, ext);
    expect(ext.chainer.calls[0]!.role).toEqual({ roleArn: role, sessionName: 'EKSGetTokenAuth', externalId: 'ext-9' });
  });

  it("ends the token a minute before the chained session or the base session, whichever ends first", async () => {
    const short = new FakeChainer({ accessKeyId: 'ASIACHAINED', secretAccessKey: 'chained-secret', sessionToken: 't', expiration: new Date('2024-05-01T12:06:00Z') });
    const r = await getToken({ env: 'e', cluster: 'demo', roleArn: role }, deps(staticEnv, {}, [], short));
    expect(JSON.parse(r.json).status.expirationTimestamp).toBe('2024-05-01T12:05:00Z');
    const baseEnds = deps(staticEnv, {}, [new Date('2024-05-01T12:08:00Z')]);
    const r2 = await getToken({ env: 'e', cluster: 'demo', roleArn: role }, baseEnds);
    expect(JSON.parse(r2.json).status.expirationTimestamp).toBe('2024-05-01T12:07:00Z');
    expect(baseEnds.chainer.calls[0]!.baseExpiration).toEqual(new Date('2024-05-01T12:08:00Z'));
  });

  it.each([
    [{ roleArn: 'eks-admin' }, '--role-arn is "eks-admin"; expected an IAM role ARN such as arn:aws:iam::123456789012:role/eks-admin'],
    [{ roleArn: 'arn:aws:iam::123456789012:user/bob' }, '--role-arn is "arn:aws:iam::123456789012:user/bob"; expected an IAM role ARN such as arn:aws:iam::123456789012:role/eks-admin'],
    [{ roleArn: role, sessionName: 'a b' }, '--session-name is "a b"; expected 2 to 64 letters, digits and the characters _+=,.@-'],
    [{ roleArn: role, externalId: 'x' }, '--external-id is not an external id STS accepts: 2 to 1224 letters, digits and the characters _+=,.@:/-'],
    [{ sessionName: 'alice' }, '--session-name is only used with a role to assume; add --role-arn ARN'],
    [{ externalId: 'ext-123' }, '--external-id is only used with a role to assume; add --role-arn ARN'],
  ])('refuses %j before opening anything: %s', async (flags, message) => {
    const d = deps(staticEnv);
    await expect(getToken({ env: 'e', cluster: 'demo', ...flags }, d)).rejects.toMatchObject({ code: 'usage', message });
    expect(d.chainer.calls).toEqual([]);
  });

  it('says in one line what STS refused and what to check', async () => {
    const chainer = new FakeChainer();
    chainer.failWith = new StsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/eks-admin', { endpoint: 'https://sts.eu-west-1.amazonaws.com' });
    await expect(getToken({ env: 'e', cluster: 'demo', roleArn: role, externalId: 'ext-123' }, deps(staticEnv, {}, [], chainer))).rejects.toMatchObject({
      code: 'assume-role',
      message:
        "STS refused to assume role arn:aws:iam::123456789012:role/eks-admin at https://sts.eu-west-1.amazonaws.com: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/eks-admin; the role's trust policy must allow sts:AssumeRole for the environment's user with this external id",
    });
    chainer.failWith = new StsError('NetworkingError', 'connect ECONNREFUSED 127.0.0.1:9', { endpoint: 'http://127.0.0.1:9' });
    await expect(getToken({ env: 'e', cluster: 'demo', roleArn: role }, deps(staticEnv, {}, [], chainer))).rejects.toMatchObject({
      code: 'assume-role',
      message: 'could not reach STS at http://127.0.0.1:9 to assume role arn:aws:iam::123456789012:role/eks-admin: connect ECONNREFUSED 127.0.0.1:9',
    });
  });
});
