// Interactive login against a real OpenID provider running in this test process (oidc-provider):
// Authorization Code + PKCE through a scripted browser ($BROWSER), the device grant, refresh, an
// expired refresh token falling back to a new login, a denied consent, a timeout that frees the port,
// the non-interactive rule, logout, and 20 parallel token calls leading to one login.

import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, ROOT, runEscKube, startEscKube, tempDir, type RunResult } from './helpers.js';
import { oidcEnvironment } from './environments.js';
import type { StsDouble } from '../fakes/sts-double.js';
import { startOidcIssuer, type OidcIssuer } from '../fakes/oidc-issuer.js';
import { sealedEntryIn } from '../fakes/keys.js';
import { browse } from '../support/scripted-browser.mjs';

let issuer = '';
let sts: StsDouble;
const BROWSER = join(ROOT, 'test/support/scripted-browser.mjs');

let oidc: OidcIssuer;
beforeAll(async () => {
  oidc = await startOidcIssuer();
  issuer = oidc.issuer;
  sts = oidc.sts;
});
afterAll(() => oidc.close());

function setup(extra: Record<string, unknown> = {}) {
  const dir = tempDir({ 'ci.yaml': oidcEnvironment({ login: { issuer, clientId: 'esc-kube', ...extra } }) });
  const cacheHome = tempDir();
  const browserLog = join(tempDir(), 'browser.log');
  const env = (more: Record<string, string> = {}) =>
    cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: sts.url, BROWSER, SCRIPTED_BROWSER_LOG: browserLog, ...more });
  const token = (more: Record<string, string> = {}, ...args: string[]) => runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir, ...args], { env: env(more) });
  const launches = () => (existsSync(browserLog) ? readFileSync(browserLog, 'utf8').split('\n').filter((l) => l.startsWith('open ')).length : 0);
  const loginEntry = () => {
    const d = join(cacheHome, 'esc-kube');
    const f = readdirSync(d).find((x) => x.startsWith('l-') && x.endsWith('.entry'))!;
    return sealedEntryIn<{ idToken: string; refreshToken?: string; expiration: string }>(d, f);
  };
  return { dir, env, token, launches, loginEntry, browserLog };
}

const calls = () => sts.calls.filter((c) => c.ok).length;
const noSecrets = (r: RunResult, ...secrets: string[]) => {
  for (const s of secrets) expect(r.stderr.includes(s)).toBe(false);
};

describe('browser login: Authorization Code with PKCE on a loopback redirect', () => {
  it('logs in once, prints the URL, reuses the ID token, refreshes, and falls back to a new login when the refresh token is bad', async () => {
    const s = setup();
    const first = await s.token();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`^esc-kube: log in to 127\\.0\\.0\\.1:\\d+ in your browser; if it does not open, visit:\\n  ${issuer.replace(/\./g, '\\.')}/auth\\?.*code_challenge_method=S256.*\\n$`));
    expect(s.launches()).toBe(1);
    const entry = s.loginEntry().data;
    expect(entry.refreshToken).toBeTruthy();
    noSecrets(first, entry.idToken, entry.refreshToken!);

    // The ID token is reused (the token and session tiers are skipped with --refresh).
    const before = calls();
    const again = await s.token({}, '--refresh');
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(s.launches()).toBe(1);
    expect(calls()).toBe(before + 1);

    // An expired ID token is refreshed with the refresh token: no browser.
    const e = s.loginEntry();
    e.write({ ...e.data, expiration: new Date(Date.now() - 1000).toISOString() });
    const refreshed = await s.token({}, '--refresh');
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(s.launches()).toBe(1);
    expect(s.loginEntry().data.idToken).not.toBe(e.data.idToken);

    // A refresh token the provider no longer accepts: a new browser login.
    const e2 = s.loginEntry();
    e2.write({ ...e2.data, expiration: new Date(Date.now() - 1000).toISOString(), refreshToken: 'revoked' });
    const relogin = await s.token({}, '--refresh');
    expect(relogin.code, relogin.stderr).toBe(0);
    expect(s.launches()).toBe(2);
  });

  it('a denied consent is a clear error', async () => {
    const s = setup();
    const r = await s.token({ SCRIPTED_BROWSER_ACTION: 'deny' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`login: the login at ${issuer} was not completed: access_denied (End-User aborted interaction)`);
  });

  it('a login not finished in time fails clearly and frees the port', async () => {
    const port = await freePort();
    const s = setup({ listen: `127.0.0.1:${port}` });
    const started = Date.now();
    const r = await s.token({ SCRIPTED_BROWSER_ACTION: 'ignore', ESC_KUBE_LOGIN_TIMEOUT: '2' });
    expect(r.code).toBe(1);
    // The point: the 2 s login timeout holds (8 s leaves a margin for a busy 2-core machine).
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r.stderr).toContain(`login: the login at ${issuer} was not completed within 2 s; run the command again`);
    // The same port serves the next login.
    const ok = await s.token();
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`redirect_uri=http%3A%2F%2F127.0.0.1%3A${port}%2Fcallback`);
  });

  it('three processes that need a login while the person takes 22 s (longer than two lock waits used to be) open one tab', async () => {
    const s = setup();
    const results = await Promise.all(
      Array.from({ length: 3 }, () => runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', s.dir], { env: s.env({ SCRIPTED_BROWSER_DELAY_MS: '22000' }), timeoutMs: 50_000 })),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(s.launches()).toBe(1);
    expect(new Set(results.map((r) => JSON.parse(r.stdout).status.token)).size).toBe(1);
  }, 60_000);

  it('a callback with a wrong state gets a 400 and the login goes on waiting for the right one', async () => {
    const s = setup();
    const r = await s.token({ SCRIPTED_BROWSER_ACTION: 'forged-first' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(s.browserLog, 'utf8')).toMatch(/^open .*\nforged 400\n$/);
  });

  it('a fixed listen port that is busy is one line with the fix, no stack trace', async () => {
    const port = await freePort();
    const blocker = createNetServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const s = setup({ listen: `127.0.0.1:${port}` });
      const r = await s.token();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `login: could not listen on 127.0.0.1:${port} for the login redirect: the port is in use (by another program, or another login still waiting); free it, or set login.listen to another port, or leave listen out to use a free one\n`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+|Unhandled|internal error/);
    } finally {
      blocker.close();
    }
  });

  it('20 parallel token calls lead to one login', async () => {
    const s = setup();
    const before = calls();
    const results = await Promise.all(Array.from({ length: 20 }, () => s.token()));
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    expect(s.launches()).toBe(1);
    expect(calls()).toBe(before + 1);
    expect(new Set(results.map((r) => JSON.parse(r.stdout).status.token)).size).toBe(1);
  }, 60_000);
});

describe('device authorization grant, esc-kube login and logout', () => {
  it('esc-kube login --device prints the code, the person confirms it, and token calls then need no browser', async () => {
    const s = setup();
    const child = startEscKube(['login', '--env', 'ci', '--env-dir', s.dir, '--device'], s.env());
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    let stderr = '';
    const url = await new Promise<string>((resolve) => {
      child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        const m = /visit (\S+) and enter the code (\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
    });
    expect(url).toMatch(new RegExp(`^${issuer}/device`));
    await browse(url, { action: 'approve' });
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr).toContain(`esc-kube: logged in to ${issuer}\n`);
    expect(s.launches()).toBe(0);
    const t = await s.token({ BROWSER: '' });
    expect(t.code, t.stderr).toBe(0);
    expect(s.launches()).toBe(0);

    const out = await runEscKube(['logout', '--env', 'ci'], { env: s.env() });
    expect(out.stderr).toBe('esc-kube: forgot 1 login\n');
    const after = await s.token({}, '--refresh');
    expect(after.code).toBe(0);
    expect(s.launches()).toBe(1);
  }, 60_000);

  it('the login may come from ~/.config/esc-kube/config.yaml instead of the environment', async () => {
    const dir = tempDir({ 'ci.yaml': oidcEnvironment() });
    const config = tempDir({ 'esc-kube/config.yaml': `login:\n  issuer: ${issuer}\n  clientId: esc-kube\n` });
    const log = join(tempDir(), 'browser.log');
    const r = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir], {
      env: cleanEnv({ XDG_CONFIG_HOME: config, AWS_ENDPOINT_URL_STS: sts.url, BROWSER, SCRIPTED_BROWSER_LOG: log }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/^open 127\.0\.0\.1:\d+\n$/);
  });

  it('esc-kube login with no --env uses the login of config.yaml, as its help says; with neither, it says what it needs', async () => {
    const help = await runEscKube(['login', '--help']);
    expect(help.stdout).toMatch(/--env <env>\s+environment whose oidc\.login to use \(default: the login of\s+~\/\.config\/esc-kube\/config\.yaml\)/);
    expect(help.stdout).toContain('$ esc-kube login                     # the login of ~/.config/esc-kube/config.yaml');
    const config = tempDir({ 'esc-kube/config.yaml': `login:\n  issuer: ${issuer}\n  clientId: esc-kube\n` });
    const cacheHome = tempDir();
    const log = join(tempDir(), 'browser.log');
    const env = cleanEnv({ XDG_CONFIG_HOME: config, ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: cacheHome, BROWSER, SCRIPTED_BROWSER_LOG: log });
    const r = await runEscKube(['login'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`esc-kube: logged in to ${issuer.replace(/\./g, '\\.')}\n$`));
    expect(readFileSync(log, 'utf8')).toMatch(/^open 127\.0\.0\.1:\d+\n$/);
    // The login is kept: a token call with an environment that uses the same login opens no browser.
    const dir = tempDir({ 'ci.yaml': oidcEnvironment() });
    const t = await runEscKube(['token', '--env', 'ci', '--cluster', 'demo', '--env-dir', dir], { env: { ...env, AWS_ENDPOINT_URL_STS: sts.url } });
    expect(t.code, t.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    const none = await runEscKube(['login'], { env: cleanEnv({ XDG_CONFIG_HOME: tempDir() }) });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^esc-kube: login needs --env ENV \(an environment with aws-login oidc\.login\), or a login section in .*\/esc-kube\/config\.yaml\n$/);
  });

  it('under kubectl with interactive: false and no browser, the device flow does not run: a clear message says to log in', async () => {
    const s = setup();
    const r = await s.token({
      BROWSER: '',
      KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no valid login for ${issuer}, and the device login needs a person at a terminal; run \`esc-kube login --env ci\` first`);
  });
});
