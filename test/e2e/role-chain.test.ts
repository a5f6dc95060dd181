// token --role-arn through the real binary: AssumeRole at an STS double that checks the request's SigV4
// signature with the base credentials' secret (and the external id a role requires), a token signed by
// the chained credentials (checked with their secret), the chained session in the session tier, each
// role its own entries; the same at moto_server; kubeconfig-gen --role-arn then kubectl; and the token
// byte-equal to `aws eks get-token --role-arn` for the same base credentials and a frozen clock.

import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, cleanEnv, kubectlBinaries, named, prerequisite, requireTools, ROOT, runCommand, runEscKube, startMoto, tempDir, type Moto, type RunResult } from './helpers.js';
import { decodeToken, oidcEnvironment, staticEnvironment } from './environments.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { selfSignedCert, startKubeApi, type KubeApi } from '../fakes/kube-api.js';
import { startEksDouble } from '../fakes/eks-double.js';
import { verifyToken } from '../fakes/token-verifier.js';
import { TestIssuer } from '../fakes/jwt.js';

const ADMIN = 'arn:aws:iam::123456789012:role/eks-admin';
const READ_ONLY = 'arn:aws:iam::123456789012:role/eks-read-only';
const GUARDED = 'arn:aws:iam::123456789012:role/third-party';
const BASE = { accessKeyId: 'AKIAROLECHAINBASE', secret: 'role-chain-base-secret/abc' };
const issuer = new TestIssuer('https://oidc.role-chain.example');
const outputs: RunResult[] = [];
let sts: StsDouble;

beforeAll(async () => {
  sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey, baseSecrets: { [BASE.accessKeyId]: BASE.secret }, externalIds: { [GUARDED]: 'ext-123' } });
});
afterAll(() => sts.close());

const assumeRoleCalls = () => sts.calls.filter((c) => c.action === 'AssumeRole' && c.ok);

/** A static environment with the base credentials, a file cache, STS at the double. */
function setup(extra: Record<string, string> = {}) {
  const dir = tempDir({ 'team.yaml': staticEnvironment(BASE.accessKeyId, BASE.secret, undefined, 'us-west-2') });
  const cacheHome = tempDir();
  const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: sts.url, ...extra });
  const token = async (...args: string[]) => {
    const r = await runEscKube(['token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir, ...args], { env });
    outputs.push(r);
    return r;
  };
  return { dir, env, cacheDir: join(cacheHome, 'esc-kube'), token };
}

const signer = (r: RunResult) => decodeToken(r.stdout).url.searchParams.get('X-Amz-Credential')!.split('/')[0]!;
const verify = (r: RunResult) => verifyToken(JSON.parse(r.stdout).status.token, { clusterId: 'demo', now: () => new Date(), secretFor: (k) => sts.secrets.get(k) });

describe('role chaining at an STS double that checks signatures', () => {
  it("signs the token with the role's credentials; the session tier keeps the chained session; another role never gets its entries", async () => {
    const s = setup();
    const before = assumeRoleCalls().length;
    const first = await s.token('--role-arn', ADMIN);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Verified with the secret the double issued for the role session (it never had the base secret in that map).
    expect(verify(first)).toMatchObject({ ok: true });
    expect(signer(first)).not.toBe(BASE.accessKeyId);
    expect(assumeRoleCalls().slice(before)).toEqual([expect.objectContaining({ roleArn: ADMIN, sessionName: 'EKSGetTokenAuth', baseAccessKeyId: BASE.accessKeyId })]);
    // The token tier answers the next call.
    expect((await s.token('--role-arn', ADMIN)).stdout).toBe(first.stdout);
    expect(assumeRoleCalls().length).toBe(before + 1);
    // Without the token entry, the chained session is reused: a new token, signed by the same role session, no STS call.
    for (const f of readdirSync(s.cacheDir).filter((f) => f.startsWith('t-'))) rmSync(join(s.cacheDir, f));
    const third = await s.token('--role-arn', ADMIN);
    expect(third.code).toBe(0);
    expect(signer(third)).toBe(signer(first));
    expect(assumeRoleCalls().length).toBe(before + 1);
    // Another role: its own AssumeRole, its own token; and without a role, the base credentials sign.
    const other = await s.token('--role-arn', READ_ONLY);
    expect(other.code).toBe(0);
    expect(assumeRoleCalls().length).toBe(before + 2);
    expect(signer(other)).not.toBe(signer(first));
    expect(verify(other)).toMatchObject({ ok: true });
    const plain = await s.token();
    expect(signer(plain)).toBe(BASE.accessKeyId);
    expect(assumeRoleCalls().length).toBe(before + 2);
  });

  it('--session-name and --external-id reach STS; a role that requires an external id refuses the call without it, in one line', async () => {
    const s = setup();
    const refused = await s.token('--role-arn', GUARDED);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `esc-kube: STS refused to assume role ${GUARDED} at ${sts.url}: AccessDenied: User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole on resource: ${GUARDED}; the role's trust policy must allow sts:AssumeRole for the environment's user\n`,
    );
    const ok = await s.token('--role-arn', GUARDED, '--external-id', 'ext-123', '--session-name', 'alice');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(assumeRoleCalls().at(-1)).toMatchObject({ roleArn: GUARDED, sessionName: 'alice', externalId: 'ext-123' });
    expect(verify(ok)).toMatchObject({ ok: true });
    const bad = await s.token('--role-arn', 'eks-admin');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('esc-kube: --role-arn is "eks-admin"; expected an IAM role ARN such as arn:aws:iam::123456789012:role/eks-admin\n');
  });

  it('chains from an OIDC session: AssumeRole is signed with the credentials AssumeRoleWithWebIdentity gave', async () => {
    const jwt = issuer.mint();
    const dir = tempDir({ 'ci.yaml': oidcEnvironment(), 'token.jwt': jwt });
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), AWS_ENDPOINT_URL_STS: sts.url, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt') });
    const before = sts.calls.length;
    const r = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir, '--role-arn', ADMIN], { env });
    outputs.push(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const calls = sts.calls.slice(before);
    expect(calls.map((c) => c.action ?? 'AssumeRoleWithWebIdentity')).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRole']);
    expect(calls[1]!.baseAccessKeyId).toMatch(/^ASIA/);
    expect(verify(r)).toMatchObject({ ok: true });
  });
});

const tlsTools = requireTools('openssl');
const newestKubectl = kubectlBinaries().at(-1);
const versioned = prerequisite(newestKubectl !== undefined, 'needs a versioned kubectl (kubectl.1.NN) beside the dispatcher');
describe.runIf(tlsTools.ok && versioned.ok)(named('kubeconfig-gen --role-arn, then kubectl', tlsTools, versioned), () => {
  let api: KubeApi;
  let eks: Awaited<ReturnType<typeof startEksDouble>>;
  beforeAll(async () => {
    // The API server accepts only tokens signed with credentials the STS double issued: the role's, not the base's.
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => sts.secrets.get(k) });
    eks = await startEksDouble([{ name: 'demo', endpoint: api.url, caData: api.caData }]);
  });
  afterAll(async () => {
    await api.close();
    await eks.close();
  });

  it('writes --role-arn into the exec args; kubectl then gets in as the role', async () => {
    const s = setup({ AWS_ENDPOINT_URL_EKS: eks.url });
    const file = join(tempDir(), 'config');
    const gen = await runEscKube(['kubeconfig-gen', '--env', 'team', '--env-dir', s.dir, '--kubeconfig', file, '--cluster', 'demo', '--alias', 'demo', '--role-arn', ADMIN], { env: s.env });
    expect(gen.code, gen.stderr).toBe(0);
    const config = parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    expect(config.users[0].user.exec.args).toEqual(['token', '--env', 'team', '--cluster', 'demo', '--region', 'us-west-2', '--role-arn', ADMIN, '--env-dir', s.dir]);
    // DescribeCluster was signed with the environment's own credentials, as aws eks update-kubeconfig does.
    expect(eks.requests.at(-1)).toContain(`Credential=${BASE.accessKeyId}/`);
    const before = assumeRoleCalls().length;
    const r = await runCommand(newestKubectl!, ['get', 'ns'], { env: { ...s.env, KUBECONFIG: file, HOME: tempDir(), PATH: `${ROOT}/bin:${process.env.PATH}` } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ndefault\s/);
    expect(assumeRoleCalls().length).toBe(before + 1);
    const bad = await runEscKube(['kubeconfig-gen', '--env', 'team', '--env-dir', s.dir, '--kubeconfig', file, '--cluster', 'demo', '--role-arn', 'admin'], { env: s.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('esc-kube: --role-arn is "admin"; expected an IAM role ARN such as arn:aws:iam::123456789012:role/eks-admin\n');
  });
});

const motoTool = requireTools('moto_server');
describe.runIf(motoTool.ok)(named('role chaining at moto_server', motoTool), () => {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  it('one AssumeRole per role: the second call makes none, another role makes its own', async () => {
    const s = setup({ AWS_ENDPOINT_URL_STS: moto!.endpoint });
    const before = await moto!.assumedRoles();
    const first = await s.token('--role-arn', ADMIN);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(signer(first)).not.toBe(BASE.accessKeyId);
    expect(await moto!.assumedRoles()).toBe(before + 1);
    for (const f of readdirSync(s.cacheDir).filter((f) => f.startsWith('t-'))) rmSync(join(s.cacheDir, f));
    const second = await s.token('--role-arn', ADMIN);
    expect(signer(second)).toBe(signer(first));
    expect(await moto!.assumedRoles()).toBe(before + 1);
    const other = await s.token('--role-arn', READ_ONLY);
    expect(other.code).toBe(0);
    expect(signer(other)).not.toBe(signer(first));
    expect(await moto!.assumedRoles()).toBe(before + 2);
  });
});

const awsCli = requireTools('aws', 'faketime', 'openssl');
describe.runIf(awsCli.ok)(named('byte-equal to aws eks get-token --role-arn', awsCli), () => {
  // moto's credentials are random: this STS double answers AssumeRole with fixed ones, over HTTPS, so
  // that both tools presign against the same host.
  let fixed: StsDouble;
  let caFile: string;
  // A frozen clock after the certificate was made (it is not valid before), the same for both tools.
  const frozenAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 120_000);
  const faketimeSpec = frozenAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  beforeAll(async () => {
    const tls = selfSignedCert();
    caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, tls.cert);
    fixed = await startStsDouble({
      issuer: issuer.issuer,
      publicKey: issuer.publicKey,
      baseSecrets: { [BASE.accessKeyId]: BASE.secret },
      roleCredentials: { accessKeyId: 'ASIAFIXEDROLECREDS1', secretAccessKey: 'fixed/role+secret/key', sessionToken: 'FQoGZXIvYXdzFixedRoleSession+token/==', expiration: new Date(frozenAt.getTime() + 3600_000).toISOString() },
      tls,
    });
  });
  afterAll(() => fixed.close());

  it.each([
    ['us-west-2', 'demo'],
    ['eu-west-1', 'prod-cluster'],
  ])('%s %s', async (region, cluster) => {
    const host = new URL(fixed.url).host;
    const dir = tempDir({ 'creds.yaml': staticEnvironment(BASE.accessKeyId, BASE.secret, undefined, region) });
    const frozen = { FAKETIME_DONT_FAKE_MONOTONIC: '1', AWS_ENDPOINT_URL_STS: fixed.url };
    const ours = await runCommand('faketime', ['-f', faketimeSpec, process.execPath, BIN, 'token', '--env', 'creds', '--cluster', cluster, '--env-dir', dir, '--role-arn', ADMIN, '--sts-host', host], {
      env: cleanEnv({ ...frozen, ESC_KUBE_CACHE: 'none', NODE_EXTRA_CA_CERTS: caFile }),
    });
    outputs.push(ours);
    const aws = await runCommand('faketime', ['-f', faketimeSpec, 'aws', 'eks', 'get-token', '--cluster-name', cluster, '--region', region, '--role-arn', ADMIN, '--output', 'json'], {
      env: cleanEnv({ ...frozen, AWS_ACCESS_KEY_ID: BASE.accessKeyId, AWS_SECRET_ACCESS_KEY: BASE.secret, AWS_CA_BUNDLE: caFile, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }),
    });
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(aws.code, aws.stderr).toBe(0);
    const a = JSON.parse(aws.stdout);
    const b = JSON.parse(ours.stdout);
    expect(decodeToken(ours.stdout).url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIAFIXEDROLECREDS1\//);
    expect(b.status.token).toBe(a.status.token);
    expect(b.status.expirationTimestamp).toBe(a.status.expirationTimestamp);
    // Both asked the double for the role with the base credentials, as EKSGetTokenAuth.
    expect(fixed.calls.filter((c) => c.action === 'AssumeRole').slice(-2).map((c) => [c.baseAccessKeyId, c.sessionName])).toEqual([
      [BASE.accessKeyId, 'EKSGetTokenAuth'],
      [BASE.accessKeyId, 'EKSGetTokenAuth'],
    ]);
  });
});

describe('secrets', () => {
  it('no message carries the base secret or a role session secret', () => {
    expect(outputs.length).toBeGreaterThan(8);
    expect(sts.secrets.size).toBeGreaterThan(0);
    for (const o of outputs) {
      expect(o.stderr).not.toContain(BASE.secret);
      for (const secret of sts.secrets.values()) expect(o.stderr + o.stdout).not.toContain(secret);
    }
  });
});
