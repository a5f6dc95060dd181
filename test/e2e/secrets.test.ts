// No secret in any message: every command and every provider, run through the binary in the ways that
// make them talk (errors above all), with secrets placed wherever a value can be quoted. Only the
// commands that exist to hand secrets over (`env open`, `token`'s ExecCredential, `--show-secrets`)
// may print them, and only on stdout.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanEnv, runEscKube, tempDir, type RunResult } from './helpers.js';
import { TestIssuer } from '../fakes/jwt.js';

const SECRETS = {
  region: 'SuperSecretRegion123',
  role: 'arn:aws:iam::123456789012:role/SecretRoleName',
  badRole: 'SuperSecretNotAnArn',
  session: 'SecretSessionName-abc',
  key: 'wJalrXUtnFEMI/SecretKeyForGrep',
  password: 'hunter2-secret-password',
  json: '{"not": json SECRETJSON',
};

const secret = (v: string) => ({ 'fn::secret': v });
const issuer = new TestIssuer('https://oidc.secrets.example');
const jwt = issuer.mint();

const dir = tempDir({
  // A secret region: the token command's region check must not quote it.
  'region.yaml': stringify({
    values: {
      aws: { login: { 'fn::open::aws-login': { static: { accessKeyId: 'AKIASECRETTEST', secretAccessKey: secret(SECRETS.key) } } } },
      region: secret(SECRETS.region),
      environmentVariables: { AWS_ACCESS_KEY_ID: '${aws.login.accessKeyId}', AWS_SECRET_ACCESS_KEY: '${aws.login.secretAccessKey}', AWS_REGION: '${region}' },
    },
  }),
  // A secret roleArn that is not an ARN, and one that STS refuses (nothing listens at the endpoint).
  'badrole.yaml': stringify({ values: { aws: { 'fn::open::aws-login': { oidc: { roleArn: secret(SECRETS.badRole), sessionName: secret(SECRETS.session) } } } } }),
  'role.yaml': stringify({
    values: {
      aws: { 'fn::open::aws-login': { oidc: { roleArn: secret(SECRETS.role), sessionName: 'esc-kube', webIdentityToken: jwt } } },
      environmentVariables: { AWS_ACCESS_KEY_ID: '${aws.accessKeyId}', AWS_SECRET_ACCESS_KEY: '${aws.secretAccessKey}', AWS_REGION: 'us-west-2' },
    },
  }),
  // Builtins and a pulumi-stacks provider fed secrets, and a reference to a missing property of a secret.
  'builtins.yaml': stringify({
    values: {
      pw: secret(SECRETS.password),
      parsed: { 'fn::fromJSON': secret(SECRETS.json) },
      decoded: { 'fn::fromBase64': secret(SECRETS.password) },
      missing: '${pw.nope}',
      stack: { 'fn::open::pulumi-stacks': { stacks: { s: { stack: secret(SECRETS.password) } } } },
      environmentVariables: { PW: '${pw}' },
    },
  }),
  'noregion.yaml': stringify({
    values: {
      aws: { login: { 'fn::open::aws-login': { static: { accessKeyId: 'AKIASECRETTEST', secretAccessKey: secret(SECRETS.key) } } } },
      environmentVariables: { AWS_ACCESS_KEY_ID: '${aws.login.accessKeyId}', AWS_SECRET_ACCESS_KEY: '${aws.login.secretAccessKey}' },
    },
  }),
  'good.yaml': stringify({ values: { pw: secret(SECRETS.password), environmentVariables: { PW: '${pw}' }, files: { F: '${pw}' } } }),
});

const outputs: { args: string[]; r: RunResult; handsOver: boolean }[] = [];
async function run(args: string[], extra: Record<string, string> = {}, handsOver = false): Promise<RunResult> {
  const r = await runEscKube(['--env-dir', dir, ...args], { env: cleanEnv({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_EKS: 'http://127.0.0.1:9', ...extra }) });
  outputs.push({ args, r, handsOver });
  return r;
}

describe('messages of every command name no secret', () => {
  it('token: a secret region is "a secret value"', async () => {
    const r = await run(['token', '--env', 'region', '--cluster', 'demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('esc-kube: environmentVariables.AWS_REGION is a secret value, which is not an AWS region name (such as us-west-2)\n');
  });

  it('token: a region from the cluster exec extension is blamed on the extension, not on --region', async () => {
    const info = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://x', config: { env: 'noregion', cluster: 'demo', region: 'moon-1' } } } };
    const r = await run(['token'], { KUBERNETES_EXEC_INFO: JSON.stringify(info) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`"region" of the cluster's client.authentication.k8s.io/exec extension is "moon-1", which is not an AWS region name`);
  });

  it('aws-login: a secret roleArn or sessionName is never quoted, in its own error or in STS errors', async () => {
    const bad = await run(['env', 'open', 'badrole']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('aws-login: roleArn a secret value is not an IAM role ARN');
    const refused = await run(['token', '--env', 'role', '--cluster', 'demo']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('to assume role the role of oidc.roleArn (a secret value)');
  });

  it('env run: an argument that refers to a secret is refused (ps shows arguments) unless --show-secrets', async () => {
    const refused = await run(['env', 'run', 'good', '--', 'echo', 'pw=${pw}']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'esc-kube: an argument refers to ${pw}, which is secret: arguments are visible to every user in the process list (ps); pass it in environmentVariables or files instead, or allow it with --show-secrets\n',
    );
    const allowed = await run(['env', 'run', '--show-secrets', 'good', '--', 'echo', 'pw=${pw}']);
    expect(allowed.code).toBe(0);
    // The child's output is still redacted: --show-secrets only allows the argument.
    expect(allowed.stdout).toBe('pw=[secret]\n');
  });

  it('every other command, in the ways it fails or reports', async () => {
    await run(['env', 'open', 'builtins']);
    await run(['env', 'check', 'builtins']);
    await run(['env', 'get', 'builtins']);
    await run(['env', 'get', 'good']);
    await run(['env', 'get', 'good', 'pw']);
    await run(['env', 'run', 'good', '--', 'sh', '-c', 'echo "$PW"; cat "$F"; echo "$PW" >&2']);
    await run(['env', 'run', 'builtins', '--', 'true']);
    await run(['env', 'ls']);
    await run(['kubeconfig-gen', '--env', 'role', '--cluster', 'demo', '--kubeconfig', join(tempDir(), 'config')]);
    await run(['kubeconfig-gen', '--env', 'region', '--cluster', 'demo', '--kubeconfig', join(tempDir(), 'config')]);
    await run(['login', '--env', 'role']);
    await run(['logout'], { ESC_KUBE_CACHE: 'file' });
    await run(['cache', 'ls'], { ESC_KUBE_CACHE: 'file' });
    await run(['env', 'open', 'good'], {}, true);
    await run(['env', 'get', 'good', '--show-secrets'], {}, true);
    expect(outputs.length).toBeGreaterThanOrEqual(20);
    expect(outputs.filter((o) => o.r.code !== 0).length).toBeGreaterThanOrEqual(10);
  });

  it('no output above holds a secret, except where a command hands it over (on stdout)', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(20);
    const values = [...Object.values(SECRETS), jwt];
    for (const { args, r, handsOver } of outputs) {
      for (const s of values) {
        expect(r.stderr.includes(s), `stderr of ${args.join(' ')} holds a secret: ${r.stderr}`).toBe(false);
        if (!handsOver) expect(r.stdout.includes(s), `stdout of ${args.join(' ')} holds a secret`).toBe(false);
      }
    }
    expect(outputs.filter((o) => o.handsOver).some((o) => o.r.stdout.includes(SECRETS.password))).toBe(true);
  });
});
