import { describe, expect, it } from 'vitest';
import { getToken, resolveRegion, type GetTokenDeps } from '../../src/use-cases/get-token.js';
import { evaluateEnvironment } from '../../src/esc/eval.js';
import { exportedFromPlain } from '../../src/esc/value.js';
import type { OpenedEnvironment } from '../../src/use-cases/open-environment.js';
import { fakeRegistry } from '../fakes/providers.js';
import { verifyToken } from '../fakes/token-verifier.js';

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

function deps(text: string, environ: Record<string, string> = {}, sessions: Date[] = []): GetTokenDeps & { warnings: string[] } {
  const warnings: string[] = [];
  return { environ, now: () => now, warn: (m) => warnings.push(m), open: async (n) => ({ env: await opened(n, text), sessions: sessions.map((expiration) => ({ expiration })) }), warnings };
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
