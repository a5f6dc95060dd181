// The credential cache through the real binary: the file store when no bus is present, a real Secret
// Service (gnome-keyring on a private D-Bus) for both keychain adapters, a hung keyring, edited
// environments, damaged entries, abandoned locks, and 50 parallel cold calls making one STS call.

import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, hasCommand, named, prerequisite, requireTools, ROOT, runCommand, runEscKube, startMoto, tempDir, type Moto, type RunResult } from './helpers.js';
import { decodeToken, oidcEnvironment, staticEnvironment } from './environments.js';
import { useSecretService } from './secret-service.js';
import { startStsDouble, type StsDouble } from '../fakes/sts-double.js';
import { TestIssuer } from '../fakes/jwt.js';
import { verifyToken } from '../fakes/token-verifier.js';

const issuer = new TestIssuer('https://oidc.cache.example');
const secrets = new Set<string>();
const outputs: RunResult[] = [];
const cacheDirs: string[] = [];
let sts: StsDouble;

beforeAll(async () => {
  sts = await startStsDouble({ issuer: issuer.issuer, publicKey: issuer.publicKey });
});
afterAll(() => sts.close());

/** A fresh setup: an environment store, a token file, a cache directory. */
function setup(extraEnv: Record<string, string> = {}) {
  const jwt = issuer.mint();
  secrets.add(jwt);
  const dir = tempDir({ 'ci.yaml': oidcEnvironment(), 'token.jwt': jwt });
  const cacheHome = tempDir();
  const env = cleanEnv({
    ESC_KUBE_CACHE: undefined,
    XDG_CACHE_HOME: cacheHome,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt'),
    ...extraEnv,
  });
  delete env.ESC_KUBE_CACHE;
  const cacheDir = join(cacheHome, 'esc-kube');
  cacheDirs.push(cacheDir);
  const token = async (...args: string[]) => {
    const r = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir, ...args], { env });
    outputs.push(r);
    if (r.code === 0) {
      const { url } = decodeToken(r.stdout);
      secrets.add(url.searchParams.get('X-Amz-Security-Token')!);
    }
    return r;
  };
  const run = async (...args: string[]) => {
    const r = await runEscKube([...args], { env });
    outputs.push(r);
    return r;
  };
  return { dir, cacheDir, env, token, run };
}

const calls = () => sts.calls.filter((c) => c.ok).length;

describe('file store (no D-Bus session bus)', () => {
  it('the first call asks STS and tells once where it caches; the next is served from the cache', async () => {
    const s = setup();
    const before = calls();
    const first = await s.token();
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(
      `esc-kube: note: no D-Bus session bus ($DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service; the key that encrypts cached credentials is kept in ${join(s.cacheDir, 'cache-data-key.key')} (mode 0600) instead, which protects them against backups and copies but not against your own processes (choose with --cache keychain|file|none)\n`,
    );
    expect(calls()).toBe(before + 1);
    const second = await s.token();
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
    expect(calls()).toBe(before + 1);
    // v1 is rendered from the same entry when asked for.
    const v1 = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], {
      env: { ...s.env, KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } }) },
    });
    expect(JSON.parse(v1.stdout)).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1', status: JSON.parse(first.stdout).status });

    expect(statSync(s.cacheDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(s.cacheDir);
    expect(files.filter((f) => f.endsWith('.entry'))).toHaveLength(2);
    for (const f of files) {
      expect(f).toMatch(/^([ts]-[0-9a-f]{32}\.entry|cache-data-key\.key|file-store-notice)$/);
      expect(statSync(join(s.cacheDir, f)).mode & 0o777).toBe(0o600);
    }
    // The entries are sealed: no token, secret key or session token in any file of the directory.
    const issued = [...sts.secrets.entries()].flat();
    expect(issued.length).toBeGreaterThan(0);
    for (const f of files) for (const secret of [...secrets, ...issued, JSON.parse(first.stdout).status.token]) expect(readFileSync(join(s.cacheDir, f), 'utf8')).not.toContain(secret);
  });

  it('an edited environment gets a new token (the session is reused: no STS call)', async () => {
    const s = setup();
    const first = await s.token();
    const before = calls();
    writeFileSync(join(s.dir, 'ci.yaml'), oidcEnvironment({}, 'eu-west-1'));
    const second = await s.token();
    expect(second.code).toBe(0);
    expect(second.stdout).not.toBe(first.stdout);
    expect(decodeToken(second.stdout).url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(calls()).toBe(before);
  });

  it('a different cluster or region never gets the other entry', async () => {
    const s = setup();
    const a = await s.token();
    const b = await s.token('--region', 'us-east-2');
    const c = await runEscKube(['token', '--env', 'ci', '--cluster', 'other', '--env-dir', s.dir], { env: s.env });
    expect(new Set([a.stdout, b.stdout, c.stdout]).size).toBe(3);
    expect(decodeToken(b.stdout).url.host).toBe('sts.us-east-2.amazonaws.com');
  });

  it('a corrupted entry is a miss, not a failure', async () => {
    const s = setup();
    await s.token();
    for (const f of readdirSync(s.cacheDir).filter((f) => f.endsWith('.entry'))) writeFileSync(join(s.cacheDir, f), '{"v":1,"tok');
    const r = await s.token();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).kind).toBe('ExecCredential');
  });

  it('entries of the previous format (plaintext files) are misses, and the first call seals them anew', async () => {
    const s = setup();
    const first = await s.token();
    expect(first.code).toBe(0);
    // What the previous version left: the same file names, plaintext JSON, with metadata beside them.
    const names = readdirSync(s.cacheDir).filter((f) => f.endsWith('.entry'));
    expect(names).toHaveLength(2);
    const plaintext = JSON.stringify({ v: 1, token: 'k8s-aws-v1.OLD-PLAINTEXT-TOKEN', expiration: new Date(Date.now() + 600_000).toISOString(), files: [] });
    for (const f of names) {
      writeFileSync(join(s.cacheDir, f), plaintext, { mode: 0o600 });
      writeFileSync(join(s.cacheDir, f.replace('.entry', '.meta')), JSON.stringify({ key: f.replace('.entry', ''), kind: 'token', expires: '2099-01-01T00:00:00Z', store: 'file' }), { mode: 0o600 });
    }
    const before = calls();
    const r = await s.token();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('OLD-PLAINTEXT-TOKEN');
    expect(calls()).toBe(before + 1);
    for (const f of names) expect(readFileSync(join(s.cacheDir, f), 'utf8')).toMatch(/^esc-kube-cache 2 \{"key":"[ts]-/);
    expect(readdirSync(s.cacheDir).filter((f) => f.endsWith('.meta'))).toEqual([]);
    expect((await s.token()).stdout).toBe(r.stdout);
  });

  it('a lock left by a killed process does not block', async () => {
    const s = setup();
    await s.token();
    const keys = readdirSync(s.cacheDir).filter((f) => f.endsWith('.entry')).map((f) => f.replace('.entry', ''));
    expect(keys).toHaveLength(2);
    await s.run('cache', 'clear');
    const dead = Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());
    for (const k of keys) writeFileSync(join(s.cacheDir, `${k}.lock`), JSON.stringify({ pid: dead, at: Date.now() }));
    const started = Date.now();
    const r = await s.token();
    expect(r.code).toBe(0);
    // Well under the 10 s a live holder would be waited for.
    expect(Date.now() - started).toBeLessThan(6000);
    expect(readdirSync(s.cacheDir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('cache ls shows entries without secrets; clear --env removes them; --refresh asks STS again', async () => {
    const s = setup();
    await s.token();
    const ls = await s.run('cache', 'ls');
    expect(ls.stdout).toMatch(/^KEY\s+KIND\s+ENVIRONMENT\s+CLUSTER\/ROLE\s+REGION\s+EXPIRES\s+STORE\n/);
    expect(ls.stdout).toMatch(/\ns-[0-9a-f]{32}\s+session\s+ci\s+arn:aws:iam::123456789012:role\/esc-kube\s+-\s+\S+Z\s+file\n/);
    expect(ls.stdout).toMatch(/\nt-[0-9a-f]{32}\s+token\s+ci\s+demo\s+us-west-2\s+\S+Z\s+file\n/);
    const before = calls();
    await s.token('--refresh');
    expect(calls()).toBe(before + 1);
    const other = await s.run('cache', 'clear', '--env', 'nope');
    expect(other.stderr).toBe('esc-kube: removed 0 cache entries\n');
    const cleared = await s.run('cache', 'clear', '--env', 'ci');
    expect(cleared.stderr).toBe('esc-kube: removed 2 cache entries\n');
    expect((await s.run('cache', 'ls')).stdout.split('\n').filter(Boolean)).toHaveLength(1);
    await s.token();
    expect(calls()).toBe(before + 2);
  });

  it('--cache none and $ESC_KUBE_CACHE=none cache nothing; a bad mode is a usage error', async () => {
    const s = setup();
    const before = calls();
    await s.token('--cache', 'none');
    await s.token('--cache', 'none');
    expect(calls()).toBe(before + 2);
    const bad = await s.token('--cache', 'disk');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('esc-kube: invalid cache mode "disk": expected keychain, file or none\n');
  });
});

// Planting entries as another user needs root (to act as both) and setpriv (to become nobody).
const asAnotherUser = prerequisite(process.getuid?.() === 0 && hasCommand('setpriv'), 'needs to run as root with setpriv (to plant files as another uid)');
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

describe('a cache that trusts only what it wrote', () => {
  /** A forged token entry: a plausible token for someone else, valid for 10 more minutes. */
  const forged = () => {
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const token = 'k8s-aws-v1.' + Buffer.from(`https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Date=${amzDate}&X-Amz-Expires=60&FORGED=1`).toString('base64url');
    return { token, entry: JSON.stringify({ v: 1, token, expiration: new Date(Date.now() + 10 * 60_000).toISOString(), files: [] }) };
  };
  /** The token entry's file name for this setup's request, learnt from a first run in a cache of its own. */
  const entryName = async (s: ReturnType<typeof setup>) => {
    const probeHome = tempDir();
    await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], { env: { ...s.env, XDG_CACHE_HOME: probeHome, ESC_KUBE_CACHE: 'file' } });
    return readdirSync(join(probeHome, 'esc-kube')).find((f) => f.startsWith('t-') && f.endsWith('.entry'))!;
  };

  it.runIf(asAnotherUser.ok)(named('a cache directory planted by another user is refused with one line, and its entry is never served', asAnotherUser), async () => {
    const s = setup({ ESC_KUBE_CACHE: 'file' });
    const name = await entryName(s);
    const shared = join(tempDir(), 'shared');
    chmodSync(dirname(shared), 0o755);
    mkdirSync(shared, { mode: 0o1777 });
    chmodSync(shared, 0o1777);
    const f = forged();
    const planted = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'sh', '-c', 'mkdir -m 777 "$1/esc-kube" && printf %s "$2" > "$1/esc-kube/$3"', 'sh', shared, f.entry, name]);
    expect(planted.status, planted.stderr.toString()).toBe(0);
    const r = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], { env: { ...s.env, XDG_CACHE_HOME: shared } });
    outputs.push(r);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`esc-kube: note: not using the credential cache: ${shared}/esc-kube belongs to uid 65534, not to you (uid 0)\n`);
    expect(JSON.parse(r.stdout).status.token).not.toBe(f.token);
  });

  it.runIf(asAnotherUser.ok)(named("an entry file that belongs to another user is a miss, and is replaced by this user's own", asAnotherUser), async () => {
    const s = setup({ ESC_KUBE_CACHE: 'file' });
    await s.token();
    const name = readdirSync(s.cacheDir).find((f) => f.startsWith('t-') && f.endsWith('.entry'))!;
    const f = forged();
    writeFileSync(join(s.cacheDir, name), f.entry);
    chownSync(join(s.cacheDir, name), 65534, 65534);
    const r = await s.token();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status.token).not.toBe(f.token);
    expect(statSync(join(s.cacheDir, name)).uid).toBe(0);
  });

  it('a cache directory others can write into is refused with the fix', async () => {
    const s = setup({ ESC_KUBE_CACHE: 'file' });
    await s.token();
    chmodSync(s.cacheDir, 0o777);
    const r = await s.token();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`esc-kube: note: not using the credential cache: ${s.cacheDir} is writable by others (mode 0777); run chmod 700 ${s.cacheDir}\n`);
  });

  it('a symbolic link planted at an entry path is replaced, never written through', async () => {
    const s = setup({ ESC_KUBE_CACHE: 'file' });
    const name = await entryName(s);
    const target = join(tempDir({ precious: 'do not overwrite\n' }), 'precious');
    mkdirSync(s.cacheDir, { recursive: true, mode: 0o700 });
    symlinkSync(target, join(s.cacheDir, name));
    const r = await s.token();
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('do not overwrite\n');
    expect(lstatSync(join(s.cacheDir, name)).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(s.cacheDir, name), 'utf8')).toMatch(/^esc-kube-cache 2 \{"key":"t-/);
    // The file written in the link's place holds the token: the next call is served from it.
    expect((await s.token()).stdout).toBe(r.stdout);
  });
});

describe('the token tier follows the OIDC token it came from', () => {
  it('a token file that changes subject, expires or disappears is never answered with the old identity\'s token', async () => {
    const s = setup({ ESC_KUBE_CACHE: 'file' });
    const first = await s.token();
    expect(first.code).toBe(0);
    expect((await s.token()).stdout).toBe(first.stdout);
    const before = calls();
    const other = issuer.mint({ sub: 'repo:acme/other:ref:refs/heads/main' });
    secrets.add(other);
    writeFileSync(join(s.dir, 'token.jwt'), other);
    const second = await s.token();
    expect(second.code).toBe(0);
    expect(second.stdout).not.toBe(first.stdout);
    expect(calls()).toBe(before + 1);
    writeFileSync(join(s.dir, 'token.jwt'), issuer.mint({ sub: 'repo:acme/other:ref:refs/heads/main', exp: Math.floor(Date.now() / 1000) - 5 }));
    const expired = await s.token();
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/expired at .*; get a fresh one/);
    rmSync(join(s.dir, 'token.jwt'));
    const missing = await s.token();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('could not read the OIDC token');
  });

  const clock = requireTools('faketime');
  it.runIf(clock.ok)(named('a token signed by a clock running 3 h fast is not served once the clock is right', clock), async () => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAFASTCLOCK', 'fast-clock-secret', undefined, 'us-west-2') });
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    const args = [BIN, 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir];
    const fast = await runCommand('faketime', ['-f', '+3h', process.execPath, ...args], { env });
    expect(fast.code).toBe(0);
    const right = await runCommand(process.execPath, args, { env });
    expect(right.code).toBe(0);
    const signedAt = (r: RunResult) => decodeToken(r.stdout).url.searchParams.get('X-Amz-Date')!;
    expect(signedAt(right)).not.toBe(signedAt(fast));
    expect(Date.parse(JSON.parse(right.stdout).status.expirationTimestamp)).toBeLessThan(Date.now() + 15 * 60_000);
  });
});

// keytar is optional: where its native build failed, only its row is skipped (a failure under CI=true).
const keytarInstalled = prerequisite(existsSync(join(ROOT, 'node_modules/keytar/build/Release/keytar.node')), 'needs keytar (an optional dependency; its build needs libsecret-1-dev)');
const keyringTools = requireTools('dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool');
describe.runIf(keyringTools.ok)(named('a real Secret Service (gnome-keyring on a private D-Bus)', keyringTools), () => {
  const secretService = useSecretService();

  /** The items esc-kube keeps in the keychain, with their attributes and secrets (secret-tool's own output). */
  const keychainItems = () => {
    const out = spawnSync('secret-tool', ['search', '--all', 'service', 'esc-kube'], { env: { ...process.env, ...secretService().env }, encoding: 'utf8' });
    return [...`${out.stdout}\n${out.stderr}`.matchAll(/^attribute\.(?:username|account) = (.*)$/gm)].map((m) => m[1]!);
  };
  const keySecret = () => spawnSync('secret-tool', ['search', '--all', 'service', 'esc-kube'], { env: { ...process.env, ...secretService().env }, encoding: 'utf8' }).stdout.match(/^secret = (.*)$/m)?.[1];
  const clearKeychain = () => {
    for (const attribute of ['username', 'account']) spawnSync('secret-tool', ['clear', 'service', 'esc-kube', attribute, 'cache-data-key'], { env: { ...process.env, ...secretService().env } });
  };

  it.for([
    ['@napi-rs/keyring (default)', {}, { ok: true, reason: '' }],
    ['keytar', { ESC_KUBE_KEYCHAIN: 'keytar' }, keytarInstalled],
  ] as const)('%s: the keychain holds one small item, the data key; the entries are sealed files; the second call is a hit', async ([, extra, installed], ctx) => {
    if (!installed.ok) ctx.skip(installed.reason);
    clearKeychain();
    const s = setup({ ...secretService().env, ...extra });
    const before = calls();
    const first = await s.token();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await s.token();
    expect(second.stdout).toBe(first.stdout);
    expect(calls()).toBe(before + 1);
    // One item, whatever the size of the token and the session: the data key.
    expect(keychainItems()).toEqual(['cache-data-key']);
    expect(Buffer.byteLength(keySecret()!)).toBeLessThan(100);
    expect(JSON.parse(first.stdout).status.token.length).toBeGreaterThan(500);
    const files = readdirSync(s.cacheDir);
    expect(files.filter((f) => f.endsWith('.entry'))).toHaveLength(2);
    for (const f of files) for (const secret of [...secrets, JSON.parse(first.stdout).status.token]) expect(readFileSync(join(s.cacheDir, f), 'utf8')).not.toContain(secret);
    expect((await s.run('cache', 'ls')).stdout).toMatch(/token\s+ci\s+demo\s+us-west-2\s+\S+\s+keychain\n/);
    // Without the token entry, the session tier answers: a new token, no STS call.
    rmSync(join(s.cacheDir, files.find((f) => f.startsWith('t-'))!));
    const third = await s.token();
    expect(third.code).toBe(0);
    expect(calls()).toBe(before + 1);
  });

  it('a flipped byte in an entry, and entries sealed with another key, are misses: the call still succeeds and rewrites them', async () => {
    clearKeychain();
    const s = setup(secretService().env);
    const before = calls();
    const first = await s.token();
    expect(first.code).toBe(0);
    const tokenFile = join(s.cacheDir, readdirSync(s.cacheDir).find((f) => f.startsWith('t-'))!);
    const sealed = readFileSync(tokenFile);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0x01;
    writeFileSync(tokenFile, flipped);
    const afterFlip = await s.token();
    expect(afterFlip.code).toBe(0);
    expect(afterFlip.stderr).toBe('');
    // The session entry still opened: a new token, no STS call; the token entry was rewritten.
    expect(calls()).toBe(before + 1);
    expect(readFileSync(tokenFile).equals(flipped)).toBe(false);
    expect((await s.token()).stdout).toBe(afterFlip.stdout);
    // Another machine's key (the item replaced): nothing opens, STS is asked once, and the entries are sealed anew.
    spawnSync('secret-tool', ['store', '--label', 'other', 'service', 'esc-kube', 'username', 'cache-data-key'], { env: { ...process.env, ...secretService().env }, input: Buffer.alloc(32, 9).toString('base64') });
    const otherKey = await s.token();
    expect(otherKey.code).toBe(0);
    expect(otherKey.stderr).toBe('');
    expect(calls()).toBe(before + 2);
    expect((await s.token()).stdout).toBe(otherKey.stdout);
    expect(calls()).toBe(before + 2);
  });
});

describe.runIf(keyringTools.ok)(named('a keyring daemon that does not answer (gnome-keyring stopped with SIGSTOP)', keyringTools), () => {
  const secretService = useSecretService({ frozen: true });

  // keytar is left out on purpose: its call blocks a thread-pool thread for 50 s, which keeps Node from
  // exiting even after it has answered (see README).
  it('@napi-rs/keyring (default): the call still succeeds within 5 s, through the file store', async () => {
    const s = setup(secretService().env);
    const started = Date.now();
    const r = await s.token();
    const elapsed = Date.now() - started;
    expect(r.code).toBe(0);
    // The point: the 2 s keychain limit holds against a hung daemon, and is paid once: the warm path and
    // the full command share the keychain they chose (~2.3 s seen; waiting twice took ~4.4 s; 3.5 s is
    // the bound between the two).
    expect(elapsed).toBeLessThan(3500);
    expect(r.stderr).toMatch(/^esc-kube: note: the OS keychain failed \(.*\); the key that encrypts cached credentials is kept in .*cache-data-key\.key \(mode 0600\) instead, which protects them against backups and copies but not against your own processes/);
    expect(readdirSync(s.cacheDir).some((f) => f.endsWith('.entry'))).toBe(true);
    expect(JSON.parse(r.stdout).kind).toBe('ExecCredential');
  });
});

const motoTool = requireTools('moto_server');
describe.runIf(motoTool.ok)(named('50 parallel cold calls', motoTool), () => {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  it('make exactly one AssumeRoleWithWebIdentity call at moto, and all 50 print a valid token', async () => {
    const s = setup({ AWS_ENDPOINT_URL_STS: moto!.endpoint });
    const before = await moto!.assumedRoles();
    const results = await Promise.all(Array.from({ length: 50 }, () => runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], { env: s.env, timeoutMs: 60_000 })));
    outputs.push(...results);
    expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    expect(await moto!.assumedRoles()).toBe(before + 1);
    const tokens = results.map((r) => decodeToken(r.stdout));
    for (const t of tokens) {
      expect(t.cred.status.token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
      expect(t.url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIA/);
      expect(Date.parse(t.cred.status.expirationTimestamp)).toBeGreaterThan(Date.now() + 10 * 60_000);
    }
    expect(new Set(tokens.map((t) => t.cred.status.token)).size).toBe(1);
    secrets.add(tokens[0]!.url.searchParams.get('X-Amz-Security-Token')!);
  }, 90_000);
});

describe('50 parallel cold calls against the STS double verify end to end', () => {
  it('one STS call, and every token passes the verifier with the issued secret', async () => {
    const s = setup();
    const before = calls();
    const results = await Promise.all(Array.from({ length: 50 }, () => runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], { env: s.env, timeoutMs: 60_000 })));
    outputs.push(...results);
    expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    expect(calls()).toBe(before + 1);
    for (const r of results) {
      const verdict = verifyToken(JSON.parse(r.stdout).status.token, { clusterId: 'demo', now: () => new Date(), secretFor: (k) => sts.secrets.get(k) });
      expect(verdict.ok).toBe(true);
    }
  }, 90_000);
});

describe('secrets', () => {
  it('no message, cache listing or file name contains a secret key, a session token or a JWT', () => {
    expect(outputs.length).toBeGreaterThan(10);
    expect(secrets.size).toBeGreaterThan(3);
    expect(sts.secrets.size).toBeGreaterThan(0);
    for (const o of outputs) for (const secret of secrets) expect(o.stderr.includes(secret)).toBe(false);
    for (const s of sts.secrets.values()) for (const o of outputs) expect(o.stderr.includes(s) || o.stdout.includes(s)).toBe(false);
    const names = cacheDirs.filter((d) => existsSync(d)).flatMap((d) => readdirSync(d, { recursive: true, encoding: 'utf8' }));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) for (const secret of [...secrets, ...sts.secrets.values()]) expect(name.includes(secret)).toBe(false);
  });
});
