// Stack outputs from Pulumi's self-managed backend, over the shared fixtures and upstream vectors.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportedToPlain, secretPaths } from '../../src/esc/value.js';
import { passphraseDecryptor, parseSaltState, readPassphrase } from '../../src/pulumi/passphrase.js';
import { backendDir, readStackOutputs, resolveBackendUrl } from '../../src/pulumi/state.js';
import { pulumiStacksProvider } from '../../src/providers/pulumi-stacks.js';
import { exportedFromPlain } from '../../src/esc/value.js';
import { named, requirePath, tempDir } from '../e2e/helpers.js';

const shared = fileURLToPath(new URL('../../../shared/pulumi-state/', import.meta.url));
const fixtures = requirePath(shared);
const present = fixtures.ok;
const fs = { readFile: (p: string) => readFile(p), readdir: (p: string) => readdir(p), stat: (p: string) => stat(p) };
const PASS = 'correct horse battery staple';
const deps = (environ: Record<string, string> = { PULUMI_CONFIG_PASSPHRASE: PASS }) => ({ fs, environ, homedir: '/nonexistent', keyCache: new Map<string, Promise<Buffer>>() });

describe.runIf(present)(named('the three fixture backends', fixtures), () => {
  const expected = present ? JSON.parse(readFileSync(join(shared, 'expected-outputs.json'), 'utf8')) : {};
  it.each(['backend', 'backend-gzip', 'backend-legacy'])('%s: outputs equal expected-outputs.json, adminPassword secret', async (b) => {
    const out = await readStackOutputs(join(shared, b), 'eks-cluster/demo', deps());
    expect(exportedToPlain(out)).toEqual(expected);
    expect(secretPaths(out)).toEqual([['adminPassword']]);
  });

  it.each([
    ['a wrong passphrase', { PULUMI_CONFIG_PASSPHRASE: 'wrong' }, 'incorrect passphrase'],
    ['no passphrase', {}, 'passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables'],
    ['a missing passphrase file', { PULUMI_CONFIG_PASSPHRASE_FILE: '/nonexistent/pass' }, 'could not read PULUMI_CONFIG_PASSPHRASE_FILE /nonexistent/pass: no such file'],
  ])('%s', async (_n, environ, message) => {
    await expect(readStackOutputs(join(shared, 'backend'), 'eks-cluster/demo', deps(environ))).rejects.toThrow(message);
  });

  it('reads the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE (trimmed)', async () => {
    const file = join(tempDir({ pass: `${PASS}\n` }), 'pass');
    const out = await readStackOutputs(join(shared, 'backend'), 'eks-cluster/demo', deps({ PULUMI_CONFIG_PASSPHRASE_FILE: file }));
    expect((exportedToPlain(out) as { adminPassword: string }).adminPassword).toBe('Tr0ub4dor&3-<admin>');
  });

  it('a missing stack lists the stacks that exist', async () => {
    await expect(readStackOutputs(join(shared, 'backend'), 'eks-cluster/prod', deps())).rejects.toThrow(`stack eks-cluster/prod not found in ${join(shared, 'backend')}; stacks there: eks-cluster/demo`);
    await expect(readStackOutputs(join(shared, 'backend-legacy'), 'eks-cluster/prod', deps())).rejects.toThrow('stacks there: demo');
  });

  it('a legacy stack of another project is refused', async () => {
    await expect(readStackOutputs(join(shared, 'backend-legacy'), 'other/demo', deps())).rejects.toThrow('belongs to project eks-cluster, not other');
  });

  it('a missing backend directory', async () => {
    await expect(readStackOutputs('/nonexistent/state', 'eks-cluster/demo', deps())).rejects.toThrow('backend directory /nonexistent/state does not exist or has no .pulumi state');
  });

  it('another secrets provider is named', async () => {
    const dir = tempDir();
    const file = join(dir, '.pulumi/stacks/eks-cluster/demo.json');
    mkdirSync(join(dir, '.pulumi/stacks/eks-cluster'), { recursive: true });
    writeFileSync(join(dir, '.pulumi/meta.yaml'), 'version: 1\n');
    const cp = JSON.parse(readFileSync(join(shared, 'backend/.pulumi/stacks/eks-cluster/demo.json'), 'utf8'));
    cp.checkpoint.latest.secrets_providers = { type: 'awskms', state: { url: 'awskms://alias/x' } };
    writeFileSync(file, JSON.stringify(cp));
    await expect(readStackOutputs(dir, 'eks-cluster/demo', deps())).rejects.toThrow('the stack\'s secrets are encrypted by the awskms secrets provider; esc-kube can decrypt passphrase-encrypted stacks only');
  });

  it('derives the PBKDF2 key once per call for each salt, however many stacks share it', async () => {
    const d = deps();
    await readStackOutputs(join(shared, 'backend'), 'eks-cluster/demo', d);
    await readStackOutputs(join(shared, 'backend-gzip'), 'eks-cluster/demo', d); // the same salt
    expect(d.keyCache.size).toBe(1);
    await readStackOutputs(join(shared, 'backend-legacy'), 'eks-cluster/demo', d); // another salt
    expect(d.keyCache.size).toBe(2);
  });

  it('the provider maps names to outputs, validated against the schema', async () => {
    const p = pulumiStacksProvider({ fs, environ: { PULUMI_CONFIG_PASSPHRASE: PASS }, homedir: '/nonexistent' });
    const out = await p.open(exportedFromPlain({ stacks: { a: { stack: 'eks-cluster/demo' }, b: { stack: 'eks-cluster/demo' } }, backend: `file://${join(shared, 'backend-gzip')}` }), { environment: 'e', rootEnvironment: 'e' });
    expect(Object.keys(exportedToPlain(out) as object)).toEqual(['a', 'b']);
    expect(secretPaths(out)).toEqual([['a', 'adminPassword'], ['b', 'adminPassword']]);
  });
});

describe.runIf(present)(named('upstream passphrase vectors', fixtures), () => {
  const v = present ? JSON.parse(readFileSync(join(shared, 'upstream-vectors.json'), 'utf8')) : {};
  it('the correct passphrase checks; a wrong one is "incorrect passphrase"', async () => {
    const [first, empty] = v.passphrase_state_vectors;
    const salt = JSON.parse(first.state_json).salt;
    await expect(passphraseDecryptor(first.correct_passphrase, salt)).resolves.toBeDefined();
    await expect(passphraseDecryptor(first.wrong_passphrase, salt)).rejects.toThrow('incorrect passphrase');
    await expect(passphraseDecryptor(empty.correct_passphrase, JSON.parse(empty.state_json).salt)).resolves.toBeDefined();
  });
  it('a broken state is an unknown state version', () => {
    expect(() => parseSaltState(JSON.parse(v.broken_state.state_json).salt)).toThrow('unknown state version');
  });
  it('an empty PULUMI_CONFIG_PASSPHRASE is a passphrase', async () => {
    await expect(readPassphrase({ PULUMI_CONFIG_PASSPHRASE: '' }, async () => 'x')).resolves.toBe('');
  });
});

describe('backends', () => {
  it.each([
    ['file://~', '/home/u'],
    ['file://~/state', '/home/u/state'],
    ['file:///var/state', '/var/state'],
    ['file:///var/state?no_checkpoint=true', '/var/state'],
  ])('%s -> %s', (url, dir) => expect(backendDir(url, '/home/u')).toBe(dir));
  it.each([
    ['https://api.pulumi.com', 'is not a file:// URL'],
    ['s3://bucket', 'is not a file:// URL'],
    ['file://relative', 'must be file://~ or an absolute file:///path'],
  ])('refuses %s', (url, message) => expect(() => backendDir(url, '/home/u')).toThrow(message));

  it('finds the backend: input, then PULUMI_BACKEND_URL, then current in credentials.json under PULUMI_HOME', async () => {
    const home = tempDir({ 'credentials.json': JSON.stringify({ current: 'file:///from/credentials' }) });
    expect(await resolveBackendUrl('file:///input', { fs, environ: { PULUMI_BACKEND_URL: 'file:///env' }, homedir: '/x' })).toBe('file:///input');
    expect(await resolveBackendUrl(undefined, { fs, environ: { PULUMI_BACKEND_URL: 'file:///env', PULUMI_HOME: home }, homedir: '/x' })).toBe('file:///env');
    expect(await resolveBackendUrl(undefined, { fs, environ: { PULUMI_HOME: home }, homedir: '/x' })).toBe('file:///from/credentials');
    await expect(resolveBackendUrl(undefined, { fs, environ: {}, homedir: '/nonexistent' })).rejects.toThrow('no Pulumi backend');
  });
});

