// The README, tested: every JSON and YAML block is well-formed, and every esc-kube command of every sh
// block runs, in order, as a newcomer would run it: a fresh HOME, the built binary on the PATH, moto for
// AWS (STS and an EKS cluster "demo"), an OIDC token file, and for the laptop recipe a real identity
// provider (oidc-provider) with the scripted browser. Setup lines (mkdir, cp) run too; other tools'
// lines (aws, kubectl, helm, k9s, npm, ./install.sh) are the reader's.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { BIN, cleanEnv, named, requireTools, ROOT, runCommand, startMoto, tempDir, type Moto } from './helpers.js';
import { TestIssuer } from '../fakes/jwt.js';
import { startOidcIssuer, type OidcIssuer } from '../fakes/oidc-issuer.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));

describe('README blocks are well-formed', () => {
  it('has JSON, YAML and sh blocks', () => {
    expect(blocks.filter((b) => b.lang === 'json').length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(5);
  });
  it.each(blocks.filter((b) => b.lang === 'json').map((b, i) => [i, b.text]))('JSON block %i parses', (_i, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
  });
  it.each(blocks.filter((b) => b.lang === 'yaml').map((b, i) => [i, b.text]))('YAML block %i parses', (_i, text) => {
    const doc = parseDocument(text, { uniqueKeys: true, strict: true });
    expect(doc.errors.map((e) => e.message)).toEqual([]);
  });
});

/** The commands of a sh block that the test runs: esc-kube commands and setup lines, comments removed. */
function runnable(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => /^(esc-kube|mkdir|cp) /.test(l) || l === 'esc-kube');
}

const tools = requireTools('moto_server', 'aws');
describe.runIf(tools.ok)(named("every esc-kube command of the README's sh blocks runs, in order, on a fresh HOME", tools), () => {
  let moto: Moto;
  let oidc: OidcIssuer;
  beforeAll(async () => {
    [moto, oidc] = await Promise.all([startMoto(), startOidcIssuer()]);
    const awsEnv = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIAREADME', AWS_SECRET_ACCESS_KEY: 'readme', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    const created = spawnSync('aws', ['--endpoint-url', moto.endpoint, '--region', 'us-west-2', 'eks', 'create-cluster', '--name', 'demo', '--role-arn', 'arn:aws:iam::123456789012:role/eks', '--resources-vpc-config', 'subnetIds=subnet-1'], { env: awsEnv, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    moto?.stop();
    await oidc?.close();
  });

  it('runs them all', async () => {
    const home = tempDir();
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'esc-kube'));
    const token = join(tempDir({ 'token.jwt': new TestIssuer().mint({ exp: Math.floor(Date.now() / 1000) + 3600 }) }), 'token.jwt');
    const base = cleanEnv({
      HOME: home,
      PATH: `${bin}:${process.env.PATH}`,
      ESC_KUBE_CACHE: 'file',
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_EKS: moto.endpoint,
      XDG_CACHE_HOME: undefined,
    });
    delete base.XDG_CACHE_HOME;
    const ran: string[] = [];
    for (const block of blocks.filter((b) => b.lang === 'sh')) {
      const commands = runnable(block.text);
      const laptop = commands.includes('esc-kube login');
      let env: Record<string, string> = { ...base, AWS_WEB_IDENTITY_TOKEN_FILE: token };
      if (laptop) {
        // The recipe's config.yaml, pointed at the identity provider of this test; the browser is scripted.
        mkdirSync(join(home, '.config/esc-kube'), { recursive: true });
        writeFileSync(join(home, '.config/esc-kube/config.yaml'), `login:\n  issuer: ${oidc.issuer}\n  clientId: esc-kube\n`);
        env = { ...base, BROWSER: join(ROOT, 'test/support/scripted-browser.mjs') };
        // The laptop's login gives a token STS trusts: the double that trusts this provider.
        env.AWS_ENDPOINT_URL_STS = oidc.sts.url;
      }
      for (const command of commands) {
        const r = await runCommand('sh', ['-c', command], { env, cwd: ROOT, timeoutMs: 30_000 });
        expect(r.code, `${command}\n${r.stderr}`).toBe(0);
        expect(r.stderr, command).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
        ran.push(command);
      }
    }
    expect(ran.filter((c) => c.startsWith('esc-kube')).length).toBeGreaterThanOrEqual(10);
    expect(ran).toContain('esc-kube login');
    expect(ran.some((c) => c.startsWith('esc-kube kubeconfig-gen'))).toBe(true);
    // kubeconfig-gen wrote the newcomer's kubeconfig, with the cluster moto describes.
    expect(readFileSync(join(home, '.kube/config'), 'utf8')).toContain('arn:aws:eks:us-west-2:123456789012:cluster/demo');
  }, 120_000);
});
