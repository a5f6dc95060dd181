// kubeconfig-gen through the real binary: DescribeCluster at moto_server and at an EKS double that
// returns a real endpoint and CA, then kubectl (every versioned binary), @kubernetes/client-node (no
// KUBERNETES_EXEC_INFO) and a long-lived client (kubectl proxy, as client-go in k9s and Helm) that
// re-runs the plugin on expiry and after a 401 — all through the generated kubeconfig with TLS
// verified against the returned CA. Plus merging, refusals and an interrupted write.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BIN, cleanEnv, hasCommand, kubectlBinaries, named, prerequisite, requireTools, ROOT, runCommand, runEscKube, startMoto, tempDir, type Moto } from './helpers.js';
import { oidcEnvironment, staticEnvironment } from './environments.js';
import { selfSignedCert, startKubeApi, type KubeApi } from '../fakes/kube-api.js';
import { startEksDouble } from '../fakes/eks-double.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { TestIssuer } from '../fakes/jwt.js';

const SECRET = 'kubeconfig-gen-secret-key/xyz';
// openssl makes the API endpoint's certificate; kubectl drives most of these tests.
const tlsTools = requireTools('openssl', 'kubectl');
// Bind mounts in a private mount namespace need root and unshare.
const mounts = prerequisite(process.getuid?.() === 0 && hasCommand('unshare') && hasCommand('mount'), 'needs root, unshare and mount (for a bind-mounted kubeconfig)');
const withTls = tlsTools.ok;
/** The newest versioned kubectl; the suites below that need one run only when there is one. */
const newestKubectl = kubectlBinaries().at(-1);
const versioned = prerequisite(!withTls || newestKubectl !== undefined, 'needs a versioned kubectl (kubectl.1.NN) beside the dispatcher');

/** PATH with a wrapper `esc-kube` that logs each run, then runs the built binary. */
function pathWithLoggingEscKube(): { path: string; log: string } {
  const dir = tempDir();
  const log = join(dir, 'runs.log');
  writeFileSync(join(dir, 'esc-kube'), `#!/bin/sh\necho run >> '${log}'\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(dir, 'esc-kube'), 0o755);
  return { path: `${dir}:${process.env.PATH}`, log };
}
const runsIn = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);

describe.runIf(withTls && versioned.ok)(named('kubeconfig-gen with an EKS double, then every kind of client', tlsTools, versioned), () => {
  let api: KubeApi;
  let api2: KubeApi;
  let eks: Awaited<ReturnType<typeof startEksDouble>>;
  let tls: { key: string; cert: string };
  const envDir = tempDir({ 'team.yaml': staticEnvironment('AKIAKUBECONFIGGEN', SECRET, undefined, 'us-west-2') });
  beforeAll(async () => {
    tls = selfSignedCert();
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => (k === 'AKIAKUBECONFIGGEN' ? SECRET : undefined), tls });
    api2 = await startKubeApi({ clusterId: 'other', secretFor: (k) => (k === 'AKIAKUBECONFIGGEN' ? SECRET : undefined), tls });
    eks = await startEksDouble([
      { name: 'demo', endpoint: api.url, caData: api.caData },
      { name: 'other', endpoint: api2.url, caData: api2.caData },
      { name: 'booting', endpoint: api.url, caData: api.caData, status: 'CREATING' },
    ]);
  });
  afterAll(async () => {
    await api.close();
    await api2.close();
    await eks.close();
  });

  const gen = (kubeconfig: string, ...args: string[]) =>
    runEscKube(['kubeconfig-gen', '--env', 'team', '--env-dir', envDir, '--kubeconfig', kubeconfig, ...args], { env: cleanEnv({ AWS_ENDPOINT_URL_EKS: eks.url }) });

  it('writes cluster, user and context entries named by the ARN, with no secret, mode 0600', async () => {
    const file = join(tempDir(), 'config');
    const r = await gen(file, '--cluster', 'demo');
    expect(r.stderr).toBe(`esc-kube: updated ${file}; current context: arn:aws:eks:us-west-2:123456789012:cluster/demo\n`);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('k8s-aws-v1');
    const c = parse(text);
    const arn = 'arn:aws:eks:us-west-2:123456789012:cluster/demo';
    expect(c['current-context']).toBe(arn);
    expect(c.clusters).toEqual([{ name: arn, cluster: { server: api.url, 'certificate-authority-data': api.caData } }]);
    expect(c.contexts).toEqual([{ name: arn, context: { cluster: arn, user: arn } }]);
    expect(c.users[0].user.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'esc-kube',
      args: ['token', '--env', 'team', '--cluster', 'demo', '--region', 'us-west-2', '--env-dir', envDir],
      interactiveMode: 'IfAvailable',
      installHint: expect.stringContaining('esc-kube'),
    });
    expect(eks.requests.at(-1)).toMatch(/^GET \/clusters\/demo AWS4-HMAC-SHA256 Credential=AKIAKUBECONFIGGEN\//);
  });

  it('explains a cluster that is not found or not ACTIVE, and a bad --alias', async () => {
    const file = join(tempDir(), 'config');
    const missing = await gen(file, '--cluster', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('esc-kube: EKS cluster "nope" not found in us-west-2 (with the credentials of environment "team"); check the name and --region\n');
    const booting = await gen(file, '--cluster', 'booting');
    expect(booting.stderr).toBe('esc-kube: EKS cluster "booting" is CREATING, not ACTIVE; try again when it is\n');
    const alias = await gen(file, '--cluster', 'demo', '--cluster', 'other', '--alias', 'x');
    expect(alias.code).toBe(2);
    expect(existsSync(file)).toBe(false);
  });

  it.each(kubectlBinaries().map((b) => [b.split('/').pop()!, b]))('%s get ns through the generated kubeconfig (TLS verified against the returned CA)', async (_n, kubectl) => {
    const file = join(tempDir(), 'config');
    expect((await gen(file, '--cluster', 'demo', '--alias', 'demo')).code).toBe(0);
    const r = await runCommand(kubectl, ['get', 'ns'], { env: cleanEnv({ KUBECONFIG: file, HOME: tempDir(), PATH: `${ROOT}/bin:${process.env.PATH}` }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ndefault\s/);
  });

  it('--shared-user: one user; each cluster carries env, cluster and region in its exec extension', async () => {
    const file = join(tempDir(), 'config');
    const r = await gen(file, '--cluster', 'demo', '--cluster', 'other', '--shared-user', '--api-version', 'v1');
    expect(r.code).toBe(0);
    const c = parse(readFileSync(file, 'utf8'));
    expect(c.users).toEqual([
      { name: 'esc-kube-team', user: { exec: expect.objectContaining({ apiVersion: 'client.authentication.k8s.io/v1', args: ['token', '--env-dir', envDir], provideClusterInfo: true }) } },
    ]);
    expect(c.clusters[1].cluster.extensions).toEqual([{ name: 'client.authentication.k8s.io/exec', extension: { env: 'team', cluster: 'other', region: 'us-west-2' } }]);
    const kubectl = newestKubectl!;
    expect(c.contexts).toHaveLength(2);
    for (const ctx of c.contexts.map((x: { name: string }) => x.name)) {
      const k = await runCommand(kubectl, ['--context', ctx, 'get', 'ns'], { env: cleanEnv({ KUBECONFIG: file, HOME: tempDir(), PATH: `${ROOT}/bin:${process.env.PATH}` }) });
      expect(k.stderr, ctx).toBe('');
      expect(k.code).toBe(0);
    }
    expect(api2.auth.at(-1)).toMatchObject({ ok: true });
  });

  it('--from rewrites a kubeconfig stored in the environment (a pulumi-eks stack output) to esc-kube users', async () => {
    const stored = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kubernetes', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
      contexts: [{ name: 'aws', context: { cluster: 'kubernetes', user: 'aws' } }],
      'current-context': 'aws',
      users: [{ name: 'aws', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'demo', '--output', 'json'], env: [{ name: 'KUBERNETES_EXEC_INFO', value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }] } } }],
    };
    const dir = tempDir({
      'base.yaml': staticEnvironment('AKIAKUBECONFIGGEN', SECRET, undefined, 'us-west-2'),
      'eks.yaml': stringify({ imports: ['base'], values: { stackOutput: { kubeconfig: stored }, kubeconfig: { 'fn::toJSON': '${stackOutput.kubeconfig}' } } }),
    });
    const file = join(tempDir(), 'config');
    const r = await runEscKube(['kubeconfig-gen', '--env', 'eks', '--env-dir', dir, '--kubeconfig', file, '--from', 'kubeconfig'], { env: cleanEnv() });
    expect(r.stderr).toBe(`esc-kube: updated ${file}; current context: aws\n`);
    const c = parse(readFileSync(file, 'utf8'));
    expect(c.clusters).toEqual(stored.clusters);
    expect(c.contexts).toEqual(stored.contexts);
    expect(c.users[0].user.exec.args).toEqual(['token', '--env', 'eks', '--cluster', 'demo', '--region', 'us-west-2', '--env-dir', dir]);
    const kubectl = newestKubectl!;
    const k = await runCommand(kubectl, ['get', 'ns'], { env: cleanEnv({ KUBECONFIG: file, HOME: tempDir(), PATH: `${ROOT}/bin:${process.env.PATH}` }) });
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
  });

  it('@kubernetes/client-node 1.x (sets no KUBERNETES_EXEC_INFO) lists namespaces', async () => {
    const file = join(tempDir(), 'config');
    await gen(file, '--cluster', 'demo');
    const script = `
      import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
      const kc = new KubeConfig();
      kc.loadFromFile(process.env.KUBECONFIG);
      const api = kc.makeApiClient(CoreV1Api);
      const list = await api.listNamespace();
      console.log(list.items.map((n) => n.metadata.name).join(','));
    `;
    const r = await runCommand(process.execPath, ['--input-type=module', '-e', script], { env: cleanEnv({ KUBECONFIG: file, PATH: `${ROOT}/bin:${process.env.PATH}` }), cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('default,kube-system\n');
  });

  it('merging: 3 contexts, comments and an unknown field survive; a second run changes nothing; --dry-run writes nothing', async () => {
    const file = join(tempDir(), 'config');
    const before = `# keep this comment\napiVersion: v1\nkind: Config\nclusters:\n  - name: a\n    cluster: {server: 'https://a:6443'}\n  - name: b\n    cluster: {server: 'https://b:6443'}\n  - name: c\n    cluster: {server: 'https://c:6443'}\nusers:\n  - name: u\n    user: {token: static-token-of-someone-else}\ncontexts:\n  - name: a\n    context: {cluster: a, user: u}\n  - name: b\n    context: {cluster: b, user: u} # b is for batch\n  - name: c\n    context: {cluster: c, user: u}\ncurrent-context: a\nx-extra:\n  unknown: field\n`;
    writeFileSync(file, before);
    expect((await gen(file, '--cluster', 'demo', '--alias', 'demo')).code).toBe(0);
    const once = readFileSync(file, 'utf8');
    for (const kept of ['# keep this comment', '# b is for batch', 'x-extra:', 'unknown: field', 'static-token-of-someone-else']) expect(once).toContain(kept);
    expect(parse(once).contexts.map((x: { name: string }) => x.name)).toEqual(['a', 'b', 'c', 'demo']);
    expect(parse(once)['current-context']).toBe('demo');
    expect((await gen(file, '--cluster', 'demo', '--alias', 'demo')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(once);
    const dry = await gen(file, '--cluster', 'other', '--dry-run');
    expect(dry.code).toBe(0);
    expect(parse(dry.stdout).contexts).toHaveLength(5);
    expect(readFileSync(file, 'utf8')).toBe(once);
  });

  it.each([
    ['not YAML', 'clusters: [oops\n  - {', 'refusing to write FILE: it is not valid YAML'],
    ['not a kubeconfig', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n', 'refusing to write FILE: its kind is "Deployment", not "Config"; it is left unchanged'],
  ])('a file that is %s is refused and left unchanged', async (_n, content, message) => {
    const file = join(tempDir(), 'config');
    writeFileSync(file, content);
    const r = await gen(file, '--cluster', 'demo');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message.replace('FILE', file));
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('20 concurrent runs on one file keep all 20 contexts (client-go\'s lock, read-modify-write under it)', async () => {
    const file = join(tempDir(), 'config');
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => gen(file, '--cluster', 'demo', '--alias', `ctx${i}`)));
    expect(runs.map((r) => r.code)).toEqual(Array(20).fill(0));
    const c = parse(readFileSync(file, 'utf8'));
    expect(c.contexts.map((x: { name: string }) => x.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ctx${i}`).sort());
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);

  it('a new kubeconfig is block-style YAML with a final newline, and its installHint names where to get esc-kube', async () => {
    const file = join(tempDir(), 'config');
    expect((await gen(file, '--cluster', 'demo')).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toMatch(/^clusters:\n {2}- name: arn:aws:eks:/m);
    expect(text).not.toMatch(/: \[\{|: \[$/m);
    expect(parse(text).users[0].user.exec.installHint).toContain('https://github.com/esc-kube/esc-kube');
  });

  it('a file with a looser mode is written 0600, and the change is announced', async () => {
    const file = join(tempDir(), 'config');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const r = await gen(file, '--cluster', 'demo');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`esc-kube: note: ${file} was mode 0644; it is now 0600 (only you can read it)\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.runIf(mounts.ok)(named('a bind-mounted single-file kubeconfig (as in containers) is written in place', mounts), async () => {
    const outside = join(tempDir({ config: 'apiVersion: v1\nkind: Config\n' }), 'config');
    const inside = join(tempDir({ config: '' }), 'config');
    const script = `mount --bind '${outside}' '${inside}' && exec '${process.execPath}' '${BIN}' kubeconfig-gen --env team --env-dir '${envDir}' --kubeconfig '${inside}' --cluster demo`;
    const r = await runCommand('unshare', ['-m', 'sh', '-c', script], { env: cleanEnv({ AWS_ENDPOINT_URL_EKS: eks.url }) });
    expect(r.stderr).toMatch(new RegExp(`esc-kube: updated ${inside}; current context: arn:aws:eks:us-west-2:123456789012:cluster/demo\\n$`));
    expect(r.stderr).not.toMatch(/EBUSY|internal error/);
    expect(r.code).toBe(0);
    expect(parse(readFileSync(outside, 'utf8')).contexts[0].name).toBe('arn:aws:eks:us-west-2:123456789012:cluster/demo');
  });

  it.runIf(mounts.ok)(named('a read-only directory is one line, not an internal error', mounts), async () => {
    const dir = tempDir();
    const file = join(dir, 'config');
    const script = `mount --bind '${dir}' '${dir}' && mount -o remount,ro,bind '${dir}' && exec '${process.execPath}' '${BIN}' kubeconfig-gen --env team --env-dir '${envDir}' --kubeconfig '${file}' --cluster demo`;
    const r = await runCommand('unshare', ['-m', 'sh', '-c', script], { env: cleanEnv({ AWS_ENDPOINT_URL_EKS: eks.url }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: could not lock ${file} for writing (${file}.lock): read-only file system\n`);
  });

  it('killing the process during the write never leaves a truncated file (the kills land mid-write)', async () => {
    const dir = tempDir();
    const file = join(dir, 'config');
    // A large kubeconfig makes the write (and its fsync) take a while.
    const big = { apiVersion: 'v1', kind: 'Config', clusters: Array.from({ length: 3000 }, (_, i) => ({ name: `c${i}`, cluster: { server: `https://c${i}.example:6443` } })), users: [], contexts: [] };
    writeFileSync(file, stringify(big));
    const valid = (text: string) => {
      const c = parse(text);
      return c.kind === 'Config' && c.clusters.length >= 3000;
    };
    // The atomic write goes to a temporary file beside the target (esc-kube names it
    // "config.<hex>.tmp") and renames it. A SIGKILL leaves that file behind only when it lands between
    // the temporary file's creation and the rename: each one left over proves a kill mid-write.
    const temporaries = () => readdirSync(dir).filter((f) => /^config\.[0-9a-f]+\.tmp$/.test(f)).length;
    let landedMidWrite = 0;
    for (let i = 0; i < 12; i++) {
      const before = temporaries();
      const child = spawn(process.execPath, [BIN, 'kubeconfig-gen', '--env', 'team', '--env-dir', envDir, '--kubeconfig', file, '--cluster', 'demo', '--alias', `a${i}`], {
        env: cleanEnv({ AWS_ENDPOINT_URL_EKS: eks.url }),
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.on('exit', r));
      // Kill at the event of the temporary file's creation, not after a guessed delay.
      const watcher = watch(dir, (_event, name) => {
        if (name && /^config\.[0-9a-f]+\.tmp$/.test(name) && existsSync(join(dir, name))) child.kill('SIGKILL');
      });
      await exited;
      watcher.close();
      if (temporaries() > before) landedMidWrite++;
      expect(valid(readFileSync(file, 'utf8'))).toBe(true);
    }
    expect(landedMidWrite, 'kills that landed while the temporary file existed').toBeGreaterThanOrEqual(3);
  }, 60_000);
});

const motoTools = requireTools('moto_server', 'aws');
describe.runIf(motoTools.ok)(named('kubeconfig-gen against moto_server (EKS CreateCluster, then DescribeCluster)', motoTools), () => {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  it('writes the endpoint and CA that moto describes', async () => {
    const awsEnv = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIAMOTO', AWS_SECRET_ACCESS_KEY: 'moto-secret', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    const created = spawnSync('aws', ['--endpoint-url', moto!.endpoint, '--region', 'eu-west-1', 'eks', 'create-cluster', '--name', 'moto-demo', '--role-arn', 'arn:aws:iam::123456789012:role/eks', '--resources-vpc-config', 'subnetIds=subnet-1'], { env: awsEnv, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    const cluster = JSON.parse(created.stdout).cluster as { endpoint: string; arn: string };
    const described = JSON.parse(
      spawnSync('aws', ['--endpoint-url', moto!.endpoint, '--region', 'eu-west-1', 'eks', 'describe-cluster', '--name', 'moto-demo'], { env: awsEnv, encoding: 'utf8' }).stdout,
    ).cluster as { certificateAuthority: { data: string } };
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAMOTO', 'moto-secret', undefined, 'eu-west-1') });
    const file = join(tempDir(), 'config');
    const r = await runEscKube(['kubeconfig-gen', '--env', 'team', '--env-dir', dir, '--kubeconfig', file, '--cluster', 'moto-demo'], { env: cleanEnv({ AWS_ENDPOINT_URL_EKS: moto!.endpoint }) });
    expect(r.stderr).toBe(`esc-kube: updated ${file}; current context: ${cluster.arn}\n`);
    const c = parse(readFileSync(file, 'utf8'));
    expect(c.clusters[0]).toEqual({ name: cluster.arn, cluster: { server: cluster.endpoint.replace(/\/$/, ''), 'certificate-authority-data': described.certificateAuthority.data } });
    expect(c.users[0].user.exec.args).toEqual(['token', '--env', 'team', '--cluster', 'moto-demo', '--region', 'eu-west-1', '--env-dir', dir]);
  });
});

describe.runIf(withTls && versioned.ok)(named('a long-lived client (kubectl proxy, client-go) re-runs the plugin on expiry and after a 401', tlsTools, versioned), () => {
  const issuer = new TestIssuer('https://oidc.long-lived.example');
  let sts: StsDouble;
  let api: KubeApi;
  let eks: Awaited<ReturnType<typeof startEksDouble>>;
  beforeAll(async () => {
    // Sessions of 75 s make tokens that expire 15 s after they are made (session end - 1 minute).
    sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey, sessionSeconds: 75 });
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => sts.secrets.get(k) });
    eks = await startEksDouble([{ name: 'demo', endpoint: api.url, caData: api.caData }]);
  });
  afterAll(async () => {
    await sts.close();
    await api.close();
    await eks.close();
  });

  it('kubectl proxy asks for a new token when the old one expires and after the server answers 401', async () => {
    const dir = tempDir({ 'ci.yaml': oidcEnvironment(), 'token.jwt': issuer.mint({ exp: Math.floor(Date.now() / 1000) + 3600 }) });
    const { path, log } = pathWithLoggingEscKube();
    const env = cleanEnv({ PATH: path, HOME: tempDir(), AWS_ENDPOINT_URL_STS: sts.url, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt'), AWS_ENDPOINT_URL_EKS: eks.url });
    const file = join(tempDir(), 'config');
    expect((await runEscKube(['kubeconfig-gen', '--env', 'ci', '--env-dir', dir, '--kubeconfig', file, '--cluster', 'demo'], { env })).code).toBe(0);

    const proxy = spawn(newestKubectl!, ['proxy', '--port=0', '--address=127.0.0.1'], { env: { ...env, KUBECONFIG: file }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = '';
        proxy.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        proxy.on('exit', (code) => reject(new Error(`kubectl proxy exited ${code}`)));
      });
      const get = async () => (await fetch(`http://127.0.0.1:${port}/api/v1/namespaces`)).status;
      expect(await get()).toBe(200);
      expect(runsIn(log)).toBe(1);
      expect(await get()).toBe(200);
      expect(runsIn(log)).toBe(1); // the credential is reused while it is valid

      // The server now refuses the current token once: client-go runs the plugin again.
      api.rejectNext(1);
      expect(await get()).toBe(401);
      expect(await get()).toBe(200);
      expect(runsIn(log)).toBe(2);

      // The token expires 15 s after it was made: the next request runs the plugin again.
      await new Promise((r) => setTimeout(r, 16_000));
      expect(await get()).toBe(200);
      expect(runsIn(log)).toBe(3);
    } finally {
      proxy.kill();
    }
  }, 60_000);
});
