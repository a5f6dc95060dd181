// esc-kube doctor through the real binary, in the five situations people ask about: all good, no
// credentials, an expired OIDC token file, a clock 10 minutes off (faketime), and a kubeconfig entry
// whose --env-dir is gone. STS is moto_server; nothing secret may appear in any output.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BIN, cleanEnv, named, requireTools, runCommand, runEscKube, startMoto, tempDir, type Moto, type RunResult } from './helpers.js';
import { oidcEnvironment, staticEnvironment } from './environments.js';
import { TestIssuer } from '../fakes/jwt.js';
import { useSecretService } from './secret-service.js';

const SECRET = 'doctor-secret-key/wJalrXUtnFEMI';
const issuer = new TestIssuer('https://oidc.doctor.example');
const outputs: RunResult[] = [];
const secrets = [SECRET];

/** A kubeconfig with one user that runs esc-kube with this --env-dir. */
function kubeconfig(envDir: string): string {
  const file = join(tempDir(), 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'demo', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'esc-kube-demo', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'esc-kube', args: ['token', '--env', 'team', '--cluster', 'demo', '--env-dir', envDir] } } }],
      contexts: [{ name: 'demo', context: { cluster: 'demo', user: 'esc-kube-demo' } }],
      'current-context': 'demo',
    }),
  );
  return file;
}

interface Finding {
  check: string;
  status: string;
  detail: string;
  fix?: string;
}

const tools = requireTools('moto_server');
describe.runIf(tools.ok)(named('esc-kube doctor', tools), () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  const envFor = (extra: Record<string, string> = {}) => cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), HOME: tempDir(), AWS_ENDPOINT_URL_STS: moto.endpoint, ...extra });
  const doctor = async (args: string[], env: Record<string, string>) => {
    const r = await runEscKube(['doctor', ...args], { env });
    outputs.push(r);
    return r;
  };
  const findings = (r: RunResult) => (JSON.parse(r.stdout) as { checks: Finding[] }).checks;
  const statusOf = (r: RunResult) => Object.fromEntries(findings(r).map((f) => [f.check, f.status]));

  it('all good: every check ok, exit 0, one line a check', async () => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIADOCTORALLGOOD', SECRET, undefined, 'us-west-2') });
    const env = envFor();
    const args = ['--env-dir', dir, '--env', 'team', '--kubeconfig', kubeconfig(dir)];
    const json = await doctor([...args, '--output', 'json'], env);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(statusOf(json)).toEqual({ environments: 'ok', environment: 'ok', credentials: 'ok', identity: 'ok', clock: 'ok', cache: 'ok', keychain: 'ok', kubeconfig: 'ok' });
    const byCheck = Object.fromEntries(findings(json).map((f) => [f.check, f.detail]));
    expect(byCheck.credentials).toBe('static; access key AKIA…GOOD');
    expect(byCheck.identity).toMatch(/^arn:aws:sts::123456789012:\S+ \(STS GetCallerIdentity in us-west-2\)$/);
    expect(byCheck.kubeconfig).toMatch(/^user "esc-kube-demo" in .*config: client\.authentication\.k8s\.io\/v1beta1, team in /);
    const text = await doctor(args, env);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(line).toMatch(/^ok {4}[a-z]+ +\S/);
  });

  it('no credentials: a fail line that says what to export, exit 1', async () => {
    const dir = tempDir({ 'team.yaml': 'values:\n  environmentVariables:\n    AWS_REGION: us-west-2\n' });
    const r = await doctor(['--env-dir', dir, '--env', 'team', '--kubeconfig', kubeconfig(dir)], envFor());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fail {2}credentials {2}.*AWS_ACCESS_KEY_ID.*\n {6} {12} → export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY \(and AWS_SESSION_TOKEN\) under environmentVariables/m);
    expect(r.stdout).not.toMatch(/^\S+ +identity/m);
  });

  it('an expired OIDC token file: the environment fails with the expiry, exit 1, and STS is not called', async () => {
    const expired = issuer.mint({ exp: Math.floor(Date.now() / 1000) - 600 }, Math.floor(Date.now() / 1000) - 1200);
    secrets.push(expired);
    const dir = tempDir({ 'team.yaml': oidcEnvironment(), 'token.jwt': expired });
    const before = await moto.assumedRoles();
    const r = await doctor(['--env-dir', dir, '--env', 'team', '--kubeconfig', kubeconfig(dir), '--output', 'json'], envFor({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt') }));
    expect(r.code).toBe(1);
    const f = Object.fromEntries(findings(r).map((x) => [x.check, x]));
    expect(f.environment).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^team: 1 error, 0 warnings; the first: aws-login: the OIDC token from \$AWS_WEB_IDENTITY_TOKEN_FILE \(.*token\.jwt\) expired at \S+; get a fresh one \(.*team\.yaml:\d+:\d+\)$/), fix: 'see them all with esc-kube env check team' });
    expect(f.credentials).toMatchObject({ status: 'fail', fix: 'fix the environment first' });
    expect(await moto.assumedRoles()).toBe(before);
  });

  const clock = requireTools('faketime');
  it.runIf(clock.ok)(named('a clock 10 minutes fast: a warn line with the skew, exit 0', clock), async () => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIADOCTORCLOCK', SECRET, undefined, 'us-west-2') });
    const r = await runCommand('faketime', ['-f', '+10m', process.execPath, BIN, '--env-dir', dir, 'doctor', '--env', 'team', '--kubeconfig', kubeconfig(dir)], { env: envFor({ FAKETIME_DONT_FAKE_MONOTONIC: '1' }) });
    outputs.push(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^warn {2}clock {8}this machine's clock is (9 min 5\d|10 min [0-5]?\d) s ahead of STS's: EKS refuses tokens signed more than 15 minutes from its time, and STS calls 5 minutes off\n {6} {12} → synchronise the clock/m);
  });

  it("a kubeconfig entry whose --env-dir is gone: a fail line naming the user and the file, exit 1", async () => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIADOCTORGONE', SECRET, undefined, 'us-west-2') });
    const gone = tempDir({ 'team.yaml': 'values: {}\n' });
    const file = kubeconfig(gone);
    rmSync(gone, { recursive: true });
    const r = await doctor(['--env-dir', dir, '--env', 'team', '--kubeconfig', file], envFor());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`fail  kubeconfig   user "esc-kube-demo" in ${file}: --env-dir ${gone} does not exist\n                   → run esc-kube kubeconfig-gen again, or fix the path in ${file}\n`);
    expect(r.stdout).toMatch(/^ok {4}identity/m);
  });

  const keyringTools = requireTools('dbus-daemon', 'dbus-send', 'gnome-keyring-daemon');
  describe.runIf(keyringTools.ok)(named('the keychain line, with a real gnome-keyring', keyringTools), () => {
    const secretService = useSecretService();

    it('reachable, then (the daemon stopped) not reachable, with the reason', async () => {
      // The default cache mode: the key in the keychain.
      const env = envFor(secretService().env);
      delete env.ESC_KUBE_CACHE;
      const reachable = await doctor(['--output', 'json'], env);
      expect(findings(reachable).find((f) => f.check === 'keychain')).toEqual({ check: 'keychain', status: 'ok', detail: 'reachable: keychain (@napi-rs/keyring); no cache key yet (made on the first write)' });
      secretService().freeze();
      try {
        const hung = await doctor(['--output', 'json'], env);
        expect(findings(hung).find((f) => f.check === 'keychain')).toMatchObject({
          status: 'warn',
          detail: expect.stringMatching(/^not reachable: the OS keychain failed \(.+\); the cache key is kept in a 0600 file instead$/),
        });
      } finally {
        secretService().thaw();
      }
    }, 20_000);
  });

  it('no secret in any output', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(6);
    for (const o of outputs) for (const s of secrets) expect(o.stdout + o.stderr).not.toContain(s);
  });
});
