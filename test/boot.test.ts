// boot.ts: when dist/main.cjs's code cache may be used (unit), and that the built binary uses it, and
// answers without it, or with one for another main.cjs, another V8 or one that V8 refuses (end to end).

import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedDataFor, codeCacheHeader, madeForV8 } from '../src/boot.js';
import { cleanEnv, ROOT, runCommand, tempDir } from './e2e/helpers.js';
import { staticEnvironment } from './e2e/environments.js';

const V8 = '11.3.244.8-node.33';
const source = 'module.exports = 1;\n';
const withHeader = (header: string, data = 'V8 DATA') => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(data)]);

describe('the code cache header', () => {
  it('names the V8 and the SHA-256 of the source', () => {
    expect(codeCacheHeader(source, V8)).toMatch(/^esc-kube-code-cache 1 11\.3\.244\.8-node\.33 [0-9a-f]{64}\n$/);
  });

  it.each([
    ['made for this source on this V8', withHeader(codeCacheHeader(source, V8)), 'V8 DATA'],
    ['made for another main.cjs of the same length', withHeader(codeCacheHeader('module.exports = 2;\n', V8)), 'stale'],
    ['made on another V8', withHeader(codeCacheHeader(source, '12.4.254.21-node.33')), 'stale'],
    ['a header and nothing after it', withHeader(codeCacheHeader(source, V8), ''), 'stale'],
    ['cut off inside its header', withHeader(codeCacheHeader(source, V8).slice(0, 30), ''), 'stale'],
    ['not a code cache', Buffer.from('hello'), 'stale'],
  ])('%s', (_, file, want) => {
    const got = cachedDataFor(file, source, V8);
    expect(typeof got === 'string' ? got : got.toString()).toBe(want);
  });

  it('tells another V8 from the header alone, before main.cjs is read', () => {
    expect(madeForV8(withHeader(codeCacheHeader(source, V8)), V8)).toBe(true);
    expect(madeForV8(withHeader(codeCacheHeader(source, V8)), '11.3.244.8-node.3')).toBe(false);
    expect(madeForV8(Buffer.from(`esc-kube-code-cache 1 ${V8} `), V8)).toBe(false);
  });
});

describe('the built binary and its code cache', () => {
  const dist = join(ROOT, 'dist');
  /** How a dist/ directory loads main.cjs, as bin/esc-kube does. */
  const codeCacheOf = async (dir: string) => {
    const r = await runCommand(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(join(dir, 'boot.cjs'))}).loadMain(${JSON.stringify(dir)}).codeCache)`], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  /** A copy of the package (bin/, dist/, package.json; node_modules linked), to spoil. */
  const copy = () => {
    const root = tempDir();
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(root, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    return root;
  };
  /** A token from a copy, twice: a miss (the full command's ES modules, imported by main.cjs) and a hit. */
  const tokens = async (root: string) => {
    const dir = tempDir({ 'team.yaml': staticEnvironment('AKIACODECACHE', 'code-cache-secret', undefined, 'us-west-2') });
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
    const out: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await runCommand(process.execPath, [join(root, 'bin/esc-kube'), 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      out.push(JSON.parse(r.stdout).status.token as string);
    }
    expect(out[1]).toBe(out[0]);
    return out[0];
  };

  it('is made by the build, for this Node and this main.cjs, and used', async () => {
    const data = cachedDataFor(readFileSync(join(dist, 'main.cjs.cache')), readFileSync(join(dist, 'main.cjs'), 'utf8'), process.versions.v8);
    expect(data === 'stale' ? data : data.length).toBeGreaterThan(10_000);
    expect(await codeCacheOf(dist)).toBe('used');
  });

  const mainOf = (d: string) => readFileSync(join(d, 'main.cjs'), 'utf8');
  const cacheOf = (d: string) => readFileSync(join(d, 'main.cjs.cache'));
  it.each([
    ['main.cjs changed by one byte (same length)', (d: string) => writeFileSync(join(d, 'main.cjs'), mainOf(d).replace('"keychain (@napi-rs/keyring)"', '"keychain (@napi-rs/keyrinG)"')), 'stale'],
    ['a cache made by another V8', (d: string) => writeFileSync(join(d, 'main.cjs.cache'), cacheOf(d).toString('latin1').replace(`code-cache 1 ${process.versions.v8} `, 'code-cache 1 0.0.0 '), 'latin1'), 'stale'],
    ['data V8 refuses behind a right header', (d: string) => writeFileSync(join(d, 'main.cjs.cache'), Buffer.concat([Buffer.from(codeCacheHeader(mainOf(d), process.versions.v8), 'latin1'), Buffer.alloc(4096, 7)])), 'rejected'],
    ['no cache', (d: string) => rmSync(join(d, 'main.cjs.cache')), 'absent'],
  ])('%s: %s, and esc-kube still answers (a miss, then a hit)', async (_, spoil, want) => {
    const root = copy();
    const d = join(root, 'dist');
    spoil(d);
    expect(await codeCacheOf(d)).toBe(want);
    expect(await tokens(root)).toMatch(/^k8s-aws-v1\./);
  });
});
