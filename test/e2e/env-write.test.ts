// Writing environments through the binary: env init, env set (plain and --secret, from argv and stdin),
// env rm; secrets encrypted with the environments key, opened by env open, hidden by env get; the key
// exported on one machine and used on another (ESC_KUBE_ENV_KEY, env key import); without it, the
// one-line ciphertext error at its position; and with a real gnome-keyring, the only keychain items are
// the two keys.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, cleanEnv, named, requireTools, runCommand, runEscKube, tempDir, type RunResult } from './helpers.js';
import { staticEnvironment } from './environments.js';
import { useSecretService } from './secret-service.js';

const SECRET = 'wJalrXUtnFEMI-env-set-secret';
const outputs: RunResult[] = [];

const original = `# The team's static credentials: comments and order must survive
values:
  # AWS first
  aws:
    region: us-west-2 # the team's region
    secret: placeholder
  after: kept
`;

/** A machine: its own config directory and cache, no keychain (no session bus). */
function machine(extra: Record<string, string> = {}) {
  const dir = tempDir({ 'local-static.yaml': original });
  const env = cleanEnv({ XDG_CONFIG_HOME: tempDir(), XDG_CACHE_HOME: tempDir(), HOME: tempDir(), ESC_KUBE_CACHE: 'file', ...extra });
  const run = async (args: string[], input?: string) => {
    const r = input === undefined ? await runEscKube(['--env-dir', dir, ...args], { env }) : await runCommand(process.execPath, [BIN, '--env-dir', dir, ...args], { env, input });
    outputs.push(r);
    return r;
  };
  return { dir, env, run, file: join(dir, 'local-static.yaml') };
}

describe('env set, env get, env open, env rm, env init', () => {
  it('env set --secret: the file holds a ciphertext, keeps its comments and its other keys in order, and its mode', async () => {
    const a = machine();
    const { chmodSync } = await import('node:fs');
    chmodSync(a.file, 0o640);
    const set = await a.run(['env', 'set', 'local-static', 'aws.secret', 'x', '--secret']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('');
    const text = readFileSync(a.file, 'utf8');
    expect(text).toBe(original.replace('    secret: placeholder\n', `    secret:\n      fn::secret:\n        ciphertext: ${parse(text).values.aws.secret['fn::secret'].ciphertext}\n`));
    expect(parse(text).values.aws.secret['fn::secret'].ciphertext).toMatch(/^ZXNjeAAAAAE[A-Za-z0-9+/=]+$/);
    expect(text).not.toMatch(/:\s*x\s*$/m);
    expect(statSync(a.file).mode & 0o777).toBe(0o640);
    const opened = await a.run(['env', 'open', 'local-static']);
    expect(JSON.parse(opened.stdout)).toEqual({ aws: { region: 'us-west-2', secret: 'x' }, after: 'kept' });
    const got = await a.run(['env', 'get', 'local-static', 'aws.secret']);
    expect(got.stdout).toMatch(/^# Value\n"\[secret\]"\n/);
  });

  it('a value from stdin never reaches argv or any output; plain values are YAML unless --string; env rm and env init', async () => {
    const a = machine();
    const viaStdin = await a.run(['env', 'set', 'local-static', 'app.token', '-', '--secret'], `${SECRET}\n`);
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(readFileSync(a.file, 'utf8')).not.toContain(SECRET);
    expect((await a.run(['env', 'set', 'local-static', 'app.replicas', '3'])).code).toBe(0);
    expect((await a.run(['env', 'set', 'local-static', 'app.version', '3', '--string'])).code).toBe(0);
    const opened = JSON.parse((await a.run(['env', 'open', 'local-static', 'app'])).stdout);
    expect(opened).toEqual({ token: SECRET, replicas: 3, version: '3' });
    const through = await a.run(['env', 'set', 'local-static', 'aws.region.zone', 'a']);
    expect(through.code).toBe(2);
    expect(through.stderr).toBe('esc-kube: cannot set aws.region.zone: aws.region is not a mapping\n');
    const intoCall = await a.run(['env', 'set', 'local-static', 'app.token.x', 'y']);
    expect(intoCall.stderr).toBe('esc-kube: cannot set app.token.x: app.token is an fn::secret call, not a mapping\n');
    expect((await a.run(['env', 'rm', 'local-static', 'after'])).code).toBe(0);
    expect(readFileSync(a.file, 'utf8')).not.toContain('after: kept');
    expect((await a.run(['env', 'rm', 'local-static'])).code).toBe(2);
    expect((await a.run(['env', 'init', 'fresh'])).code).toBe(0);
    expect(statSync(join(a.dir, 'fresh.yaml')).mode & 0o777).toBe(0o600);
    expect((await a.run(['env', 'set', 'fresh', 'a.b', '1'])).code).toBe(0);
    expect(JSON.parse((await a.run(['env', 'open', 'fresh'])).stdout)).toEqual({ a: { b: 1 } });
    const again = await a.run(['env', 'init', 'fresh']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('environment "fresh" already exists');
    expect((await a.run(['env', 'rm', 'fresh', '--yes'])).code).toBe(0);
  });

  it("env key export on machine A; B opens A's environment with ESC_KUBE_ENV_KEY, or after env key import; without the key, one line at the secret's position", async () => {
    const a = machine();
    expect((await a.run(['env', 'set', 'local-static', 'aws.secret', SECRET, '--secret'])).code).toBe(0);
    const exported = await a.run(['env', 'key', 'export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(exported.stderr).toContain('warning: this key opens every secret in your environments');
    const key = exported.stdout.trim();
    const text = readFileSync(a.file, 'utf8');

    // Machine B: a fresh HOME, the same file.
    const b = machine();
    writeFileSync(b.file, text);
    const without = await b.run(['env', 'open', 'local-static']);
    expect(without.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('ciphertext:')) + 1;
    expect(without.stderr).toContain(`invalid ciphertext: not encrypted with this machine's environments key`);
    expect(without.stderr).toMatch(new RegExp(`local-static\\.yaml:${line - 1}:\\d+: invalid ciphertext: not encrypted with this machine's environments key`));
    const withVar = machine({ ESC_KUBE_ENV_KEY: key });
    writeFileSync(withVar.file, text);
    expect(JSON.parse((await withVar.run(['env', 'open', 'local-static', 'aws.secret'])).stdout)).toBe(SECRET);
    const imported = await b.run(['env', 'key', 'import'], `${key}\n`);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse((await b.run(['env', 'open', 'local-static', 'aws.secret'])).stdout)).toBe(SECRET);
    const other = await b.run(['env', 'key', 'import'], `${Buffer.alloc(32, 7).toString('base64')}\n`);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('this machine already has a different environments key');
    secretsSeen.push(key);
  });

  it.each([
    ['env set', ['env', 'set', 'local-statc', 'a', '1']],
    ['env rm', ['env', 'rm', 'local-statc', 'a']],
    ['env edit', ['env', 'edit', 'local-statc']],
  ])('%s of an environment that is not there: one line, as opening it says, with the close name', async (_, args) => {
    const m = machine();
    const r = await m.run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: environment "local-statc" not found in ${m.dir} (looked for local-statc.yaml and local-statc.yml); did you mean "local-static"?\n`);
    const far = await m.run([...args.slice(0, 2), 'team', ...args.slice(3)]);
    expect(far.stderr).toBe(`esc-kube: environment "team" not found in ${m.dir} (looked for team.yaml and team.yml); create it with esc-kube env init team\n`);
    expect(readFileSync(m.file, 'utf8')).toBe(original);
  });

  it('an environment without ciphertexts never reads the key', async () => {
    const a = machine({ ESC_KUBE_ENV_KEY: 'not a key' });
    const r = await a.run(['env', 'open', 'local-static']);
    expect(r.code, r.stderr).toBe(0);
  });
});

const secretsSeen: string[] = [SECRET];

const keyringTools = requireTools('dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool');
describe.runIf(keyringTools.ok)(named('a real Secret Service holds only the two keys', keyringTools), () => {
  const secretService = useSecretService();

  it('after a token and an env set --secret: the cache key and the environments key, each under 100 bytes', async () => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIATWOKEYS', 'two-keys-secret', 'FQoGZXIvYXdz' + 'S'.repeat(1500), 'us-west-2') });
    const env = cleanEnv({ ...secretService().env, XDG_CONFIG_HOME: tempDir(), XDG_CACHE_HOME: tempDir() });
    delete env.ESC_KUBE_CACHE;
    const token = await runEscKube(['token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir], { env });
    expect(token.code, token.stderr).toBe(0);
    expect(JSON.parse(token.stdout).status.token.length).toBeGreaterThan(2000);
    const set = await runEscKube(['--env-dir', dir, 'env', 'set', 'team', 'app.password', SECRET, '--secret'], { env });
    expect(set.code, set.stderr).toBe(0);
    const search = spawnSync('secret-tool', ['search', '--all', 'service', 'esc-kube'], { env: { ...process.env, ...secretService().env }, encoding: 'utf8' });
    const items = [...`${search.stdout}\n${search.stderr}`.matchAll(/^attribute\.username = (.*)$/gm)].map((m) => m[1]).sort();
    expect(items).toEqual(['cache-data-key', 'environments-key']);
    for (const s of [...search.stdout.matchAll(/^secret = (.*)$/gm)].map((m) => m[1]!)) expect(Buffer.byteLength(s)).toBeLessThan(100);
    const opened = await runEscKube(['--env-dir', dir, 'env', 'open', 'team', 'app.password'], { env });
    expect(JSON.parse(opened.stdout)).toBe(SECRET);
  });
});

describe('secrets', () => {
  it('no secret value in any message', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) for (const s of secretsSeen) expect(o.stderr).not.toContain(s);
  });
});
