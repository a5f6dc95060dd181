// Pulumi through the real binary: the seed's eks-sandbox environment opened against the fixture backend
// (pulumi-stacks + aws-login oidc), kubeconfig-gen --from kubeconfig on it, state errors; and
// environments in Pulumi Cloud through a local server that follows the documented ESC REST API.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanEnv, named, requirePath, ROOT, runEscKube, tempDir, type RunResult } from './helpers.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { TestIssuer } from '../fakes/jwt.js';
import { verifyToken } from '../fakes/token-verifier.js';

const shared = fileURLToPath(new URL('../../../shared/pulumi-state/', import.meta.url));
const PASS = 'correct horse battery staple';
const outputs: RunResult[] = [];
const run = async (args: string[], env: Record<string, string>) => {
  const r = await runEscKube(args, { env });
  outputs.push(r);
  return r;
};

const fixtures = requirePath(shared);
describe.runIf(fixtures.ok)(named("the seed's eks-sandbox against the fixture backend", fixtures), () => {
  const issuer = new TestIssuer('https://token.actions.example');
  let sts: StsDouble;
  beforeAll(async () => {
    sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey });
  });
  afterAll(() => sts.close());
  const env = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      PULUMI_BACKEND_URL: `file://${join(shared, 'backend')}`,
      PULUMI_CONFIG_PASSPHRASE: PASS,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(tempDir({ t: issuer.mint() }), 't'),
      ...extra,
    });
  const examples = join(ROOT, 'examples');

  it('env open gives the stack outputs (adminPassword in plaintext, as esc env open does), the kubeconfig as JSON, and files.KUBECONFIG', async () => {
    const r = await run(['env', 'open', 'eks-sandbox', '--env-dir', examples], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.stacks['eks-cluster'].adminPassword).toBe('Tr0ub4dor&3-<admin>');
    expect(JSON.parse(v.kubeconfig).users[0].user.exec.args).toContain('eks-cluster-eksCluster-1268ff9');
    expect(v.files.KUBECONFIG).toBe(v.kubeconfig);
    expect(v.pulumiConfig['aws:region']).toBe('us-west-2');
    expect(v.environmentVariables.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
  });

  it('env get checks, as esc env get does: the stacks are not read, so their outputs are [unknown]', async () => {
    const r = await run(['env', 'get', 'eks-sandbox', 'stacks', '--env-dir', examples], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Value\n"\[unknown\]"\n/);
    expect(r.stdout).not.toContain('Tr0ub4dor');
  });

  it('kubeconfig-gen --from kubeconfig turns the pulumi-eks kubeconfig into esc-kube exec entries', async () => {
    const r = await run(['kubeconfig-gen', '--env', 'eks-sandbox', '--env-dir', examples, '--from', 'kubeconfig', '--dry-run'], env());
    expect(r.stderr).toBe('');
    const c = parse(r.stdout);
    expect(c.users).toEqual([
      {
        name: 'aws',
        user: {
          exec: expect.objectContaining({ command: 'esc-kube', args: ['token', '--env', 'eks-sandbox', '--cluster', 'eks-cluster-eksCluster-1268ff9', '--region', 'us-west-2', '--env-dir', examples] }),
        },
      },
    ]);
    expect(c.clusters[0].cluster.server).toBe('https://4F2D1C0E9B8A77665544332211ABCDEF.gr7.us-west-2.eks.amazonaws.com');
    expect(r.stdout).not.toContain('Tr0ub4dor');
  });

  it.each([
    ['a wrong passphrase', { PULUMI_CONFIG_PASSPHRASE: 'wrong' }, 'pulumi-stacks: eks-cluster (eks-cluster/demo): incorrect passphrase'],
    ['no passphrase', { PULUMI_CONFIG_PASSPHRASE: undefined }, 'passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables'],
    ['a missing backend directory', { PULUMI_BACKEND_URL: 'file:///nonexistent/state' }, 'backend directory /nonexistent/state does not exist'],
    ['a backend that is not a file URL', { PULUMI_BACKEND_URL: 's3://bucket/state' }, 'backend s3://bucket/state is not a file:// URL'],
  ])('%s is a clear error', async (_n, extra, message) => {
    const r = await run(['env', 'open', 'eks-sandbox', '--env-dir', examples], env(extra));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('a missing stack lists the stacks that exist', async () => {
    const dir = tempDir({ 's.yaml': 'values:\n  s:\n    fn::open::pulumi-stacks:\n      stacks:\n        prod: { stack: eks-cluster/prod }\n' });
    const r = await run(['env', 'open', 's', '--env-dir', dir], env());
    expect(r.stderr).toContain('pulumi-stacks: prod (eks-cluster/prod): stack eks-cluster/prod not found in');
    expect(r.stderr).toContain('stacks there: eks-cluster/demo');
  });

  it('no passphrase appears in any output', () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const o of outputs) expect(o.stdout.includes(PASS) || o.stderr.includes(PASS)).toBe(false);
  });
});

/** A local server following the documented ESC REST API for open and read. */
async function startCloud(token: string) {
  const requests: { method: string; path: string; auth: string | undefined }[] = [];
  // Answers to fail with, in order, each for the first request of its method (any method when unset).
  const failures: { status: number; retryAfter?: string; method?: string }[] = [];
  // A misbehaving server: never answers, answers garbage, stalls its body, nests or grows without end.
  const state: { mode?: 'hang' | 'malformed' | 'stall' | 'deep' | 'huge' } = {};
  const environments: Record<string, { properties: unknown } | { diagnostics: unknown[] }> = {};
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method!, path: req.url!, auth: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (state.mode === 'hang') return;
    if (state.mode === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "abc", oops');
    if (state.mode === 'stall') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"id": "ab');
    if (state.mode === 'deep') return void res.writeHead(200, { 'content-type': 'application/json' }).end('['.repeat(100_000) + ']'.repeat(100_000));
    if (state.mode === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent < 50) res.once('drain', () => (sent++, more()));
        else res.end('{}');
      };
      res.on('error', () => undefined);
      return more();
    }
    if (req.headers.authorization !== `token ${token}`) return send(401, { code: 401, message: 'Unauthorized: No credentials provided or are invalid.' });
    const at = failures.findIndex((f) => f.method === undefined || f.method === req.method);
    const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
    if (failure) return send(failure.status, { code: failure.status, message: 'try again' }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    const open = /^\/api\/esc\/environments\/([^/]+)\/([^/]+)\/([^/]+)(?:\/versions\/([^/]+))?\/open\?duration=/.exec(req.url!);
    if (req.method === 'POST' && open) {
      const name = `${open[1]}/${open[2]}/${open[3]}${open[4] ? `@${open[4]}` : ''}`;
      const e = environments[name];
      if (!e) return send(404, { code: 404, message: `Environment '${name}' not found` });
      if ('diagnostics' in e) return send(400, { code: 400, message: 'bad request', diagnostics: e.diagnostics });
      return send(200, { id: Buffer.from(name).toString('hex'), diagnostics: [] });
    }
    const read = /^\/api\/esc\/environments\/([^/]+)\/([^/]+)\/([^/]+)\/open\/([0-9a-f]+)$/.exec(req.url!);
    if (req.method === 'GET' && read) {
      const e = environments[Buffer.from(read[4]!, 'hex').toString()];
      if (!e || !('properties' in e)) return send(404, { code: 404, message: 'not found' });
      return send(200, { exprs: {}, properties: e.properties, schema: {} });
    }
    send(404, { code: 404, message: 'no such route' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failures,
    state,
    environments,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const v = (value: unknown, secret = false) => ({ value, ...(secret ? { secret: true } : {}), trace: { def: { environment: 'x' } } });

describe('environments in Pulumi Cloud', () => {
  const TOKEN = 'pul-0123456789abcdef0123456789abcdef01234567';
  const SECRET = 'cloud-secret-access-key/abc';
  let cloud: Awaited<ReturnType<typeof startCloud>>;
  beforeAll(async () => {
    cloud = await startCloud(TOKEN);
    const creds = v({
      environmentVariables: v({ AWS_ACCESS_KEY_ID: v('AKIACLOUD'), AWS_SECRET_ACCESS_KEY: v(SECRET, true), AWS_REGION: v('eu-central-1') }),
      aws: v({ login: v({ accessKeyId: v('AKIACLOUD'), secretAccessKey: v(SECRET, true) }) }),
      replicas: v(3),
    });
    cloud.environments['acme/platform/prod'] = { properties: creds.value };
    cloud.environments['acme/platform/prod@3'] = { properties: creds.value };
    cloud.environments['acme/platform/broken'] = {
      diagnostics: [{ summary: 'unknown property "regoin"', path: 'values.x', range: { environment: 'acme/platform/broken', begin: { line: 4, column: 7, byte: 40 }, end: { line: 4, column: 13, byte: 46 } } }],
    };
  });
  afterAll(() => cloud.close());
  const env = (extra: Record<string, string> = {}) => cleanEnv({ PULUMI_BACKEND_URL: cloud.url, PULUMI_ACCESS_TOKEN: TOKEN, ...extra });

  it('env open reads values with their secret flags; env get hides the secrets', async () => {
    const r = await run(['env', 'open', 'acme/platform/prod'], env());
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ environmentVariables: { AWS_SECRET_ACCESS_KEY: SECRET }, replicas: 3 });
    const g = await run(['env', 'get', 'acme/platform/prod'], env());
    expect(g.stdout).toContain('"AWS_SECRET_ACCESS_KEY": "[secret]"');
    expect(g.stdout).not.toContain(SECRET);
    const calls = cloud.requests.slice(-2);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/\/open\/[0-9a-f]+$/, '/open/ID')}`)).toEqual([
      'GET /api/esc/environments/acme/platform/prod/open/ID',
      'POST /api/esc/environments/acme/platform/prod/open?duration=2h0m0s',
    ].reverse());
  });

  it('a version suffix passes through', async () => {
    const r = await run(['env', 'open', 'acme/platform/prod@3', 'replicas'], env());
    expect(r.stdout).toBe('3\n');
    expect(cloud.requests.some((c) => c.path.startsWith('/api/esc/environments/acme/platform/prod/versions/3/open?'))).toBe(true);
  });

  it('esc-kube token end to end with a cloud environment that returns AWS credentials', async () => {
    const r = await run(['token', '--env', 'acme/platform/prod', '--cluster', 'demo'], env());
    expect(r.stderr).toBe('');
    const token = JSON.parse(r.stdout).status.token as string;
    expect(verifyToken(token, { clusterId: 'demo', now: () => new Date(), secretFor: (k) => (k === 'AKIACLOUD' ? SECRET : undefined) })).toMatchObject({ ok: true });
    expect(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString()).toContain('sts.eu-central-1.amazonaws.com');
    // --credentials works on cloud values too.
    const c = await run(['token', '--env', 'acme/platform/prod', '--cluster', 'demo', '--credentials', 'aws.login'], env());
    expect(c.code).toBe(0);
  });

  it('the token cache keys cloud environments by name, and --refresh forces a new one', async () => {
    const cacheEnv = env({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
    const first = await run(['token', '--env', 'acme/platform/prod', '--cluster', 'demo'], cacheEnv);
    const opens = cloud.requests.filter((c) => c.method === 'POST').length;
    const second = await run(['token', '--env', 'acme/platform/prod', '--cluster', 'demo'], cacheEnv);
    expect(second.stdout).toBe(first.stdout);
    expect(cloud.requests.filter((c) => c.method === 'POST').length).toBe(opens);
    await run(['token', '--env', 'acme/platform/prod', '--cluster', 'demo', '--refresh'], cacheEnv);
    expect(cloud.requests.filter((c) => c.method === 'POST').length).toBe(opens + 1);
  });

  it('opening is sent again only on answers that prove it was not processed (429, 503 with Retry-After); reading is retried on any 5xx', async () => {
    cloud.failures.push({ status: 429, retryAfter: '0', method: 'POST' }, { status: 503, retryAfter: '1', method: 'POST' }, { status: 502, method: 'GET' });
    const before = cloud.requests.length;
    const r = await run(['env', 'open', 'acme/platform/prod', 'replicas'], env());
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('3\n');
    expect(cloud.requests.slice(before).map((c) => c.method)).toEqual(['POST', 'POST', 'POST', 'GET', 'GET']);
  });

  it('a 500 to the open is not sent again (it may have been processed)', async () => {
    cloud.failures.push({ status: 500, method: 'POST' });
    const before = cloud.requests.length;
    const r = await run(['env', 'open', 'acme/platform/prod'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: could not open acme/platform/prod in Pulumi Cloud at ${cloud.url}: HTTP 500\n`);
    expect(cloud.requests.slice(before).map((c) => c.method)).toEqual(['POST']);
  });

  describe('a misbehaving server', () => {
    afterAll(() => delete cloud.state.mode);
    it.each([
      ['never answers', 'hang', /did not open acme\/platform\/prod in time \(the limit is \$ESC_KUBE_CLOUD_TIMEOUT, 30 s by default\)/],
      ['stalls its body', 'stall', /did not open acme\/platform\/prod in time/],
      ['answers malformed JSON', 'malformed', /answered POST \/api\/esc\/environments\/acme\/platform\/prod\/open with malformed JSON; is PULUMI_BACKEND_URL a Pulumi Cloud API\?/],
      ['nests JSON 100,000 deep', 'deep', /with JSON nested more than 512 levels deep/],
      ['sends 50 MB', 'huge', /answered with more than 16 MiB; esc-kube reads at most that/],
    ] as const)('that %s: one line naming it, within the deadline, one POST', async (_n, mode, message) => {
      cloud.state.mode = mode;
      const before = cloud.requests.length;
      const started = Date.now();
      const r = await run(['env', 'open', 'acme/platform/prod'], env({ ESC_KUBE_CLOUD_TIMEOUT: '2' }));
      delete cloud.state.mode;
      // The deadline is 2 s; the margin is for a busy machine.
      expect(Date.now() - started).toBeLessThan(8000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(cloud.requests.slice(before).filter((c) => c.method === 'POST')).toHaveLength(1);
    });
  });

  it.each([
    ['../../x', '"../../x" is not a Pulumi Cloud environment name'],
    ['acme/platform/prod@..', '"acme/platform/prod@.." is not a Pulumi Cloud environment name'],
    ['acme/./prod', '"acme/./prod" is not a Pulumi Cloud environment name'],
    ['acme/plat%2F..%2Fform/prod', '"acme/plat%2F..%2Fform/prod" is not a Pulumi Cloud environment name'],
  ])('a name like %s is refused before any URL is built', async (name, message) => {
    const before = cloud.requests.length;
    const r = await run(['--backend', 'pulumi', 'env', 'open', name], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(cloud.requests.length).toBe(before);
  });

  it.each([
    ['401', { PULUMI_ACCESS_TOKEN: 'pul-wrong' }, 'acme/platform/prod', 'refused the access token (401): run `pulumi login` or set PULUMI_ACCESS_TOKEN'],
    ['404', {}, 'acme/platform/nope', 'environment acme/platform/nope not found in Pulumi Cloud at'],
  ])('%s is a clear error', async (_n, extra, name, message) => {
    const r = await run(['env', 'open', name], env(extra));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('400 with diagnostics renders them like local ones', async () => {
    const r = await run(['env', 'open', 'acme/platform/broken'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('esc-kube: environment "acme/platform/broken" has 1 error\nacme/platform/broken (Pulumi Cloud):4:7: unknown property "regoin"\n');
  });

  it('the access token may come from the current account in credentials.json', async () => {
    const home = tempDir({ 'credentials.json': JSON.stringify({ current: cloud.url, accessTokens: { [cloud.url]: TOKEN } }) });
    const r = await run(['env', 'open', 'acme/platform/prod', 'replicas'], cleanEnv({ PULUMI_BACKEND_URL: cloud.url, PULUMI_HOME: home }));
    expect(r.stdout).toBe('3\n');
  });

  it('--backend local forces the local store; --backend pulumi without a token says how to log in', async () => {
    const local = await run(['--backend', 'local', 'env', 'open', 'acme/platform/prod', '--env-dir', tempDir()], env());
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('invalid environment name "acme/platform/prod"');
    const noToken = await run(['--backend', 'pulumi', 'env', 'open', 'acme/platform/prod'], cleanEnv({ PULUMI_BACKEND_URL: cloud.url, PULUMI_HOME: tempDir() }));
    expect(noToken.stderr).toBe('esc-kube: no Pulumi access token for acme/platform/prod: run `pulumi login` or set PULUMI_ACCESS_TOKEN\n');
  });

  it('never prints the access token', () => {
    expect(outputs.length).toBeGreaterThan(5);
    for (const o of outputs) expect(o.stdout.includes(TOKEN) || o.stderr.includes(TOKEN)).toBe(false);
  });
});
