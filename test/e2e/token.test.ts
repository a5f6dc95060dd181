// `esc-kube token` through the real binary: byte-equal to `aws eks get-token` under a frozen clock,
// accepted by real kubectl against an API endpoint that verifies tokens as EKS does, oidc end to end
// through moto and through a JWT-checking STS double, and every bad input with a clear error. No
// output ever contains a secret key, a session token or a JWT.

import { writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanEnv, freePort, kubectlBinaries, named, requireTools, runCommand, runEscKube, startMoto, STACK_TRACE, tempDir, BIN, type Moto, type RunResult } from './helpers.js';
import { decodeToken, oidcEnvironment as oidcEnv, staticEnvironment } from './environments.js';
import { startKubeApi, selfSignedCert, type KubeApi } from '../fakes/kube-api.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { TestIssuer } from '../fakes/jwt.js';

/** Every secret used below, and every output produced, for the final check. */
const secrets = new Set<string>();
const outputs: RunResult[] = [];
async function escKube(args: string[], env: Record<string, string>, timeoutMs?: number): Promise<RunResult> {
  const r = await runEscKube(args, { env, ...(timeoutMs ? { timeoutMs } : {}) });
  outputs.push(r);
  return r;
}

const staticEnv = (accessKeyId: string, secret: string, sessionToken: string | undefined, region: string) => {
  secrets.add(secret);
  if (sessionToken) secrets.add(sessionToken);
  return staticEnvironment(accessKeyId, secret, sessionToken, region);
};

const awsCli = requireTools('aws', 'faketime');
describe.runIf(awsCli.ok)(named('byte-equal to aws eks get-token', awsCli), () => {
  const cases: [string, string, boolean][] = [
    ['us-west-2', 'demo', false],
    ['us-east-1', 'prod-cluster', true],
    ['cn-north-1', 'china', false],
    ['eu-west-1', 'my-cluster_01', true],
    ['ap-southeast-2', 'a', true],
  ];
  it.each(cases)('%s %s (session token: %s)', async (region, cluster, withSession) => {
    const accessKeyId = withSession ? 'ASIAR2TG44V6AS3ZZE7C' : 'AKIAIOSFODNN7EXAMPLE';
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const sessionToken = withSession ? 'FQoGZXIvYXdzEXAMPLE/session+token==' : undefined;
    const dir = tempDir({ 'creds.yaml': staticEnv(accessKeyId, secret, sessionToken, region) });
    const frozen = { FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    const ours = await runCommand('faketime', ['-f', '2024-05-01 12:00:00', process.execPath, BIN, 'token', '--env', 'creds', '--cluster', cluster, '--env-dir', dir], { env: cleanEnv(frozen) });
    outputs.push(ours);
    const aws = await runCommand('faketime', ['-f', '2024-05-01 12:00:00', 'aws', 'eks', 'get-token', '--cluster-name', cluster, '--region', region, '--output', 'json'], {
      env: cleanEnv({
        ...frozen,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_SESSION_TOKEN: sessionToken,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      }),
    });
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(aws.code, aws.stderr).toBe(0);
    const a = JSON.parse(aws.stdout);
    const b = JSON.parse(ours.stdout);
    expect(b.status.token).toBe(a.status.token);
    expect(b.status.expirationTimestamp).toBe(a.status.expirationTimestamp);
    expect(b.status.expirationTimestamp).toBe('2024-05-01T12:14:00Z');
  });
});

/** A kubeconfig with one cluster whose user runs esc-kube token. */
function kubeconfig(api: KubeApi, args: string[], apiVersion = 'client.authentication.k8s.io/v1beta1'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'eks', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
    users: [{ name: 'esc-kube', user: { exec: { apiVersion, command: BIN, args: ['token', ...args], interactiveMode: 'IfAvailable' } } }],
    contexts: [{ name: 'eks', context: { cluster: 'eks', user: 'esc-kube' } }],
    'current-context': 'eks',
  });
}

const kubectlTools = requireTools('kubectl', 'openssl');
describe.runIf(kubectlTools.ok)(named('real kubectl runs the plugin against an API endpoint that verifies tokens as EKS does', kubectlTools), () => {
  const binaries = kubectlBinaries();
  let api: KubeApi;
  const secret = 'kubectl-test-secret-key/abc+def';
  const dir = tempDir({ 'team.yaml': staticEnv('AKIAKUBECTLTEST', secret, 'kubectl-session-token', 'us-west-2') });

  beforeAll(async () => {
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => (k === 'AKIAKUBECTLTEST' ? secret : undefined) });
  });
  afterAll(async () => api?.close());

  // it.each over an empty list would pass on nothing: the list is checked first.
  it('finds the versioned binaries', () => expect(binaries.length).toBeGreaterThanOrEqual(2));

  it.each(binaries.map((b) => [b.split('/').pop()!, b]))('%s get ns succeeds (v1 and v1beta1); a token for another cluster is refused', async (_name, kubectl) => {
    const home = tempDir();
    for (const apiVersion of ['client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1']) {
      writeFileSync(join(home, 'config'), kubeconfig(api, ['--env', 'team', '--cluster', 'demo', '--env-dir', dir], apiVersion));
      const r = await runCommand(kubectl, ['get', 'ns'], { env: cleanEnv({ HOME: home, KUBECONFIG: join(home, 'config') }) });
      outputs.push(r);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^NAME\s.*\ndefault\s.*\nkube-system\s/);
    }
    writeFileSync(join(home, 'other'), kubeconfig(api, ['--env', 'team', '--cluster', 'other-cluster', '--env-dir', dir]));
    const refused = await runCommand(kubectl, ['get', 'ns'], { env: cleanEnv({ HOME: home, KUBECONFIG: join(home, 'other') }) });
    outputs.push(refused);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Unauthorized|must be logged in/);
    expect(api.auth.at(-1)).toMatchObject({ ok: false, why: expect.stringContaining('SignatureDoesNotMatch') });
  });
});

/** GET over HTTPS trusting the given CA, with a bearer token; resolves the status code. */
function getWithCa(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const motoTool = requireTools('moto_server');
describe.runIf(motoTool.ok)(named('oidc through moto_server (a third-party STS emulator)', motoTool), () => {
  let moto: Moto | undefined;
  let endpoint = '';
  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
  }, 30_000);
  afterAll(() => moto?.stop());

  it('a JWT in a token file, AssumeRoleWithWebIdentity at moto, then the token', async () => {
    const issuer = new TestIssuer();
    const jwt = issuer.mint();
    secrets.add(jwt);
    const dir = tempDir({ 'ci.yaml': oidcEnv(), 'token.jwt': jwt });
    const env = cleanEnv({ AWS_ENDPOINT_URL_STS: endpoint, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt') });
    const started = Date.now();
    const r = await escKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { cred, url } = decodeToken(r.stdout);
    // The token names the standard STS host, not the emulator that issued the session.
    expect(url.host).toBe('sts.us-west-2.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIA[A-Z0-9]+\/\d{8}\/us-west-2\/sts\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBeTruthy();
    secrets.add(url.searchParams.get('X-Amz-Security-Token')!);
    const exp = Date.parse(cred.status.expirationTimestamp);
    expect(exp).toBeGreaterThan(started + 13 * 60_000);
    expect(exp).toBeLessThanOrEqual(Date.now() + 14 * 60_000);
    expect(await moto!.assumedRoles()).toBeGreaterThanOrEqual(1);
  });
});

const opensslTool = requireTools('openssl');
describe.runIf(opensslTool.ok)(named('oidc through a JWT-checking STS double, then kubectl', opensslTool), () => {
  const issuer = new TestIssuer('https://oidc.ci.example');
  let sts: StsDouble;
  let api: KubeApi;
  let tls: { cert: string; key: string };
  beforeAll(async () => {
    tls = selfSignedCert();
    sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey });
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => sts.secrets.get(k), tls });
  });
  afterAll(async () => {
    await sts.close();
    await api?.close();
  });

  const run = async (jwt: string, extraEnv: Record<string, string> = {}) => {
    secrets.add(jwt);
    const dir = tempDir({ 'ci.yaml': oidcEnv(), 'token.jwt': jwt });
    return escKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir], cleanEnv({ AWS_ENDPOINT_URL_STS: sts.url, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt'), ...extraEnv }));
  };

  it('a valid JWT gives a token the API endpoint accepts', async () => {
    const r = await run(issuer.mint());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sts.calls.at(-1)).toMatchObject({ ok: true, roleArn: 'arn:aws:iam::123456789012:role/esc-kube', sessionName: 'esc-kube-test', durationSeconds: 3600 });
    const { cred } = decodeToken(r.stdout);
    const status = await getWithCa(`${api.url}/api/v1/namespaces`, tls.cert, cred.status.token);
    expect(status).toBe(200);
    expect(api.auth.at(-1)).toMatchObject({ ok: true, accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it.each([
    ['a wrong audience', () => issuer.mint({ aud: 'api://other' }), 'InvalidIdentityToken: Incorrect token audience'],
    ['a bad signature', () => new TestIssuer(issuer.issuer).mint(), 'InvalidIdentityToken: Signature verification failed'],
    ['an unknown issuer', () => new TestIssuer('https://evil.example').mint(), 'InvalidIdentityToken: No OpenIDConnect provider found'],
  ])('%s is refused by STS with a one-line error naming the role and the code', async (_n, mint, message) => {
    const r = await run(mint());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('STS refused to assume role arn:aws:iam::123456789012:role/esc-kube with the OIDC token from $AWS_WEB_IDENTITY_TOKEN_FILE');
    expect(r.stderr, r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('an expired JWT is refused before STS is asked', async () => {
    const before = sts.calls.length;
    const r = await run(issuer.mint({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the OIDC token from \$AWS_WEB_IDENTITY_TOKEN_FILE \(.*token\.jwt\) expired at .*; get a fresh one/);
    expect(sts.calls.length).toBe(before);
  });

  it('a malformed JWT is refused with what is wrong', async () => {
    const r = await run('this-is-not-a-jwt');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not usable: it is not a JWT (expected three base64url parts separated by dots)');
  });

  it('throttling is retried with backoff', async () => {
    sts.throttleNext(2);
    const r = await run(issuer.mint());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sts.calls.slice(-3).map((c) => c.code ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok']);
  });
});

describe('bad inputs', () => {
  const dir = tempDir({
    'nocreds.yaml': 'values:\n  environmentVariables:\n    AWS_REGION: us-west-2\n',
    'noregion.yaml': staticEnv('AKIDNOREGION', 'no-region-secret', undefined, 'us-west-2').replace(/\s+AWS_REGION: us-west-2/, ''),
    'ok.yaml': staticEnv('AKIDOK', 'ok-secret-value', undefined, 'us-west-2'),
    'oidc.yaml': oidcEnv(),
  });
  const v = (apiVersion: string) => JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });

  it.each([
    ['no credentials in the environment', ['--env', 'nocreds'], {}, 'environment "nocreds" provides no AWS credentials: expected environmentVariables.AWS_ACCESS_KEY_ID'],
    ['no region', ['--env', 'noregion'], {}, 'no AWS region for environment "noregion": pass --region'],
    ['unknown environment', ['--env', 'nope'], {}, `environment "nope" not found in ${dir}`],
    ['KUBERNETES_EXEC_INFO asking for v1alpha1', ['--env', 'ok'], { KUBERNETES_EXEC_INFO: v('client.authentication.k8s.io/v1alpha1') }, 'which Kubernetes removed in 1.24'],
    ['no --cluster', ['--env', 'ok', '--cluster', ''], {}, 'token needs --cluster NAME'],
  ])('%s', async (_n, args, extraEnv, message) => {
    const withCluster = args.includes('--cluster') ? args : [...args, '--cluster', 'demo'];
    const r = await escKube(['token', ...withCluster, '--env-dir', dir], cleanEnv(extraEnv));
    expect(r.stderr).toContain(message);
    expect([1, 2]).toContain(r.code);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('malformed KUBERNETES_EXEC_INFO: a v1beta1 answer and a one-line warning', async () => {
    const r = await escKube(['token', '--env', 'ok', '--cluster', 'demo', '--env-dir', dir], cleanEnv({ KUBERNETES_EXEC_INFO: '{"apiVersion": ' }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(r.stderr).toBe('esc-kube: warning: KUBERNETES_EXEC_INFO is not valid JSON; answering in client.authentication.k8s.io/v1beta1\n');
  });

  it('STS down (connection refused): a clear error within 10 s', async () => {
    const port = await freePort();
    const tokenFile = join(tempDir({ 't.jwt': new TestIssuer().mint() }), 't.jwt');
    const started = Date.now();
    const r = await escKube(['token', '--env', 'oidc', '--cluster', 'demo', '--env-dir', dir], cleanEnv({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile }), 15_000);
    // The point: a refused connection is not retried for long (~0.4 s seen; 10 s leaves a wide margin).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach STS at http://127.0.0.1:${port} to assume role arn:aws:iam::123456789012:role/esc-kube: connection refused`);
  });
});

describe('secrets', () => {
  it('no output of these tests contains a secret key, a session token or a JWT', () => {
    expect(outputs.length).toBeGreaterThan(10);
    expect(secrets.size).toBeGreaterThan(5);
    for (const o of outputs) {
      for (const s of secrets) {
        expect(o.stderr.includes(s), `stderr contains a secret: ${o.stderr.slice(0, 200)}`).toBe(false);
        // stdout carries the token; the secret key never, the session token only inside the signed URL (base64).
        expect(o.stdout.includes(s), `stdout contains a secret`).toBe(false);
      }
    }
  });
});
