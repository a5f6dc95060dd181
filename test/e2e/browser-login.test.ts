// The interactive login in a real browser: Debian's chromium, driven by playwright-core, signs in and
// consents on oidc-provider's own pages and lands on esc-kube's loopback callback. Success (then a
// versioned kubectl that needs no second login), consent denied, the result page reloaded and the
// callback replayed (no second code exchange), a forged callback (400, and the login goes on), two
// processes needing a login at once (one tab), and the page's headers and escaping seen with curl.
// Screenshots of the success and the failure page go to artifacts/.

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { cleanEnv, kubectlBinaries, named, prerequisite, requireTools, ROOT, runCommand, startEscKube, tempDir, type RunResult } from './helpers.js';
import { oidcEnvironment } from './environments.js';
import { startOidcIssuer, type OidcIssuer } from '../fakes/oidc-issuer.js';
import { startKubeApi, type KubeApi } from '../fakes/kube-api.js';

const CHROMIUM = '/usr/bin/chromium';
const browserTool = prerequisite(existsSync(CHROMIUM), `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`);
const kubeTools = requireTools('kubectl', 'openssl', 'curl');
const ARTIFACTS = join(ROOT, 'artifacts');

/** A command for $BROWSER that only records that a tab was asked for: the test drives the real browser. */
function recordingBrowser(): { command: string; launches: () => number } {
  const dir = tempDir();
  const log = join(dir, 'launches.log');
  const command = join(dir, 'browser');
  writeFileSync(command, `#!/bin/sh\necho "$1" >> '${log}'\n`);
  chmodSync(command, 0o755);
  return { command, launches: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

/** esc-kube running, with the login URL it printed (the event the test waits for) and its end. */
interface Running {
  child: ChildProcess;
  url: Promise<string>;
  done: Promise<RunResult>;
}

function start(args: string[], env: Record<string, string>): Running {
  const child = startEscKube(args, env);
  let stdout = '';
  let stderr = '';
  let found: (u: string) => void;
  const url = new Promise<string>((r) => (found = r));
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    const m = /visit:\n {2}(\S+)\n/.exec(stderr);
    if (m) found(m[1]!);
  });
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, url, done };
}

/** Signs in as alice and consents (or cancels) on oidc-provider's development pages. */
async function signIn(page: Page, url: string, consent: 'approve' | 'deny' = 'approve'): Promise<void> {
  await page.goto(url);
  await page.locator('input[name=login]').fill('alice');
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').first().click();
  await page.waitForURL(/\/interaction\/|\/done$/);
  if (page.url().endsWith('/done')) return;
  if (consent === 'deny') await page.locator('a[href*="abort"]').first().click();
  else await page.locator('button[type=submit]').first().click();
  await page.waitForURL(/\/done$/);
}

describe.runIf(browserTool.ok && kubeTools.ok)(named('a real browser (chromium) logs in through esc-kube\'s loopback callback', browserTool, kubeTools), () => {
  let oidc: OidcIssuer;
  let browser: Browser;
  let api: KubeApi;
  beforeAll(async () => {
    oidc = await startOidcIssuer();
    api = await startKubeApi({ clusterId: 'demo', secretFor: (k) => oidc.sts.secrets.get(k) });
    const { chromium } = await import('playwright-core');
    // No download: Debian's chromium, with the flags this closed network needs.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await oidc?.close();
  });

  const setup = () => {
    const dir = tempDir({ 'team.yaml': oidcEnvironment({ login: { issuer: oidc.issuer, clientId: 'esc-kube' } }) });
    const fake = recordingBrowser();
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), AWS_ENDPOINT_URL_STS: oidc.sts.url, BROWSER: fake.command });
    const token = () => start(['token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir], env);
    return { dir, env, token, launches: fake.launches };
  };

  it('success: the page says so (screenshot), and kubectl then needs no second login', async () => {
    const s = setup();
    const page = await browser.newPage();
    const run = s.token();
    await signIn(page, await run.url);
    expect(await page.locator('h1').innerText()).toContain('You are logged in');
    expect(await page.content()).toContain('<code>team</code>');
    await page.screenshot({ path: join(ARTIFACTS, 'login-success.png') });
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).kind).toBe('ExecCredential');
    // The code never appears on the page, and the URL that carried it is not where the tab is.
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/done$/);
    expect(await page.content()).not.toMatch(/code=/);

    const kubectl = kubectlBinaries().at(-1)!;
    const home = tempDir();
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'demo', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
      users: [{ name: 'demo', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [join(ROOT, 'bin/esc-kube'), 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', s.dir], interactiveMode: 'IfAvailable' } } }],
      contexts: [{ name: 'demo', context: { cluster: 'demo', user: 'demo' } }],
      'current-context': 'demo',
    };
    writeFileSync(join(home, 'config'), stringify(kubeconfig));
    const launchesBefore = s.launches();
    const k = await runCommand(kubectl, ['get', 'ns'], { env: { ...s.env, HOME: home, KUBECONFIG: join(home, 'config') } });
    expect(k.stderr).toBe('');
    expect(k.code).toBe(0);
    expect(s.launches()).toBe(launchesBefore);
    await page.close();
  });

  it('consent denied: the failure page says what happened and how to retry (screenshot); the command fails in one line', async () => {
    const s = setup();
    const page = await browser.newPage();
    const run = s.token();
    await signIn(page, await run.url, 'deny');
    expect(await page.locator('h1').innerText()).toContain('The login did not complete');
    expect(await page.content()).toContain('access_denied');
    await page.screenshot({ path: join(ARTIFACTS, 'login-failure.png') });
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was not completed: access_denied');
    await page.close();
  });

  it('the result page reloaded, and the callback replayed, say "already complete" with no second code exchange', async () => {
    const s = setup();
    const page = await browser.newPage();
    const callbacks: string[] = [];
    page.on('request', (req) => {
      if (/\/callback\?/.test(req.url())) callbacks.push(req.url());
    });
    // env run keeps esc-kube alive after the login, as any longer command does.
    const run = start(['--env-dir', s.dir, 'env', 'run', 'team', '--', 'sleep', '4'], s.env);
    await signIn(page, await run.url);
    expect(await page.locator('h1').innerText()).toContain('You are logged in');
    const exchanges = oidc.codeExchanges();
    await page.reload();
    expect(await page.locator('h1').innerText()).toContain('This login is already complete');
    expect(callbacks).toHaveLength(1);
    await page.goto(callbacks[0]!);
    expect(await page.locator('h1').innerText()).toContain('This login is already complete');
    expect(oidc.codeExchanges()).toBe(exchanges);
    expect((await run.done).code).toBe(0);
    await page.close();
  });

  it('a callback with a wrong state is refused (400) and the login still completes with the right one', async () => {
    const s = setup();
    const page = await browser.newPage();
    const run = s.token();
    const url = new URL(await run.url);
    const forged = new URL(url.searchParams.get('redirect_uri')!);
    forged.search = '?code=forged&state=wrong';
    const res = await page.goto(forged.href);
    expect(res?.status()).toBe(400);
    expect(await page.locator('h1').innerText()).toContain('This is not the login esc-kube is waiting for');
    await signIn(page, url.href);
    expect((await run.done).code).toBe(0);
    await page.close();
  });

  it('two processes that need a login at once: one tab, and both get the token', async () => {
    const s = setup();
    const page = await browser.newPage();
    const first = s.token();
    const second = s.token();
    const url = await Promise.race([first.url, second.url]);
    await signIn(page, url);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(s.launches()).toBe(1);
    expect(JSON.parse(a.stdout).status.token).toBe(JSON.parse(b.stdout).status.token);
    await page.close();
  });

  it('curl -i: the headers of the callback and the result page, and <script> in error_description shown as text', async () => {
    const s = setup();
    const run = s.token();
    const url = new URL(await run.url);
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    callback.search = new URLSearchParams({ error: 'access_denied', error_description: '<script>alert(1)</script>', state: url.searchParams.get('state')! }).toString();
    const redirect = await runCommand('curl', ['-si', callback.href]);
    expect(redirect.stdout).toMatch(/^HTTP\/1\.1 303 See Other\r\n/);
    expect(redirect.stdout).toMatch(/\r\nlocation: \/done\r\n/i);
    const done = await runCommand('curl', ['-si', `${callback.origin}/done`]);
    const [head, body] = done.stdout.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(head).toMatch(/\r\ncontent-security-policy: default-src 'none'; style-src 'unsafe-inline'\r\n/i);
    expect(head).toMatch(/\r\ncache-control: no-store\r\n/i);
    expect(head).toMatch(/\r\nreferrer-policy: no-referrer\r\n/i);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>');
    expect(body).not.toMatch(/<(link|img|script)\b|https?:\/\/(?!127\.0\.0\.1)/);
    writeFileSync(join(ARTIFACTS, 'curl-done.txt'), done.stdout);
    const r = await run.done;
    expect(r.code).toBe(1);
  }, 30_000);
});
