// The command line's mapping from argv to actions, with fake dependencies (no process, no disk
// beyond what the fake file system holds).

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolveEnvDir, runCli, separateRunCommand, type Deps } from '../src/cli.js';
import { HOMEPAGE, VERSION } from '../src/version.js';
import { fakeRegistry } from './fakes/providers.js';
import { FakeFs } from './fakes/fs.js';
import { cacheMode } from '../src/adapters/select-store.js';

function deps(files: Record<string, string>, environ: Record<string, string> = { ESC_KUBE_CACHE: 'none' }) {
  const out = { stdout: '', stderr: '' };
  const d: Deps = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    environ,
    cwd: '/work',
    homedir: '/home/u',
    fs: new FakeFs(files),
    runner: { run: async () => 0 },
    files: { write: async () => ({ paths: {}, cleanup: async () => {} }) },
    now: () => new Date('2026-01-01T00:00:00Z'),
    providers: () => fakeRegistry(['test']),
    version: '9.9.9',
    platform: 'linux',
    sts: () => ({ assumeRole: async () => Promise.reject(new Error('no STS in unit tests')), getCallerIdentity: async () => Promise.reject(new Error('no STS in unit tests')) }),
    envKey: { label: 'none', get: async () => undefined, getOrCreate: async () => Promise.reject(new Error('no key in unit tests')), keep: async () => Promise.reject(new Error('no key in unit tests')) },
    random: (n) => Buffer.alloc(n, 1),
    environmentFiles: { replace: async () => Promise.reject(new Error('no writes in unit tests')), create: async () => Promise.reject(new Error('no writes in unit tests')), remove: async () => Promise.reject(new Error('no writes in unit tests')) },
    readStdin: async () => '',
    prompt: async () => undefined,
    eks: () => ({ describeCluster: async () => Promise.reject(new Error('no EKS in unit tests')), listAccessEntries: async () => Promise.reject(new Error('no EKS in unit tests')) }),
    readText: async () => undefined,
    kubeconfig: { read: async () => undefined, update: async () => ({ modeBefore: undefined, modeAfter: 0o600 }) },
    browser: { available: () => false, open: async () => {} },
    loginListener: { listen: () => Promise.reject(new Error('no listener in unit tests')) },
    stdinIsTTY: false,
    fetch: async () => Promise.reject(new Error('no network in unit tests')),
    sleep: async () => {},
    deadline: () => new AbortController().signal,
    // The mode is checked as the real one checks it; no cache is opened in unit tests.
    cache: (flag) => {
      const mode = cacheMode(flag, environ);
      return typeof mode === 'string' ? { kind: 'off' } : { kind: 'invalid', error: mode.error };
    },
  };
  return { d, out };
}

describe('separateRunCommand: everything after env run\'s environment belongs to the command', () => {
  it.each([
    [['env', 'run', 'e', 'aws', '--version'], ['env', 'run', 'e', '--', 'aws', '--version']],
    [['env', 'run', 'e', '--', 'aws', '--version'], ['env', 'run', 'e', '--', 'aws', '--version']],
    [['env', 'run', '-i', 'e', 'sh', '-c', 'x'], ['env', 'run', '-i', 'e', '--', 'sh', '-c', 'x']],
    [['--env-dir', 'd', 'env', 'run', '--show-secrets', 'e', 'cmd', '--env-dir', 'x'], ['--env-dir', 'd', 'env', 'run', '--show-secrets', 'e', '--', 'cmd', '--env-dir', 'x']],
    [['env', 'run', '--backend', 'local', 'e', 'cmd'], ['env', 'run', '--backend', 'local', 'e', '--', 'cmd']],
    [['env', 'run', 'e'], ['env', 'run', 'e']],
    [['env', 'open', 'e', 'path'], ['env', 'open', 'e', 'path']],
    [['token', '--env', 'run'], ['token', '--env', 'run']],
  ])('%j -> %j', (argv, want) => expect(separateRunCommand(argv)).toEqual(want));
});

describe('package facts in step with package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; homepage: string };
  it('version and homepage', () => expect({ VERSION, HOMEPAGE }).toEqual({ VERSION: pkg.version, HOMEPAGE: pkg.homepage }));
});

describe('help', () => {
  it('no arguments: the usage on stderr, exit 2', async () => {
    const { d, out } = deps({});
    expect(await runCli([], d)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^Usage: esc-kube \[options\] \[command\]\n/);
  });

  it.each([['env', 'open'], ['env', 'get'], ['env', 'run'], ['env', 'ls'], ['env', 'check'], ['kubeconfig-gen'], ['login'], ['logout'], ['cache', 'ls'], ['cache', 'clear'], ['token']])(
    '%s %s --help ends with 1-3 examples',
    async (...command) => {
      const { d, out } = deps({});
      expect(await runCli([...command.filter((c): c is string => typeof c === 'string'), '--help'], d)).toBe(0);
      const examples = out.stdout.split('\nExamples:\n')[1];
      expect(examples, out.stdout).toBeDefined();
      const lines = examples!.replace(/\n+$/, '').split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
      for (const l of lines) expect(l).toMatch(/^ {2}\$ (esc-kube|eval|KUBERNETES_EXEC_INFO)/);
    },
  );
});

describe('resolveEnvDir', () => {
  it.each([
    ['flag wins', 'envs', { ESC_KUBE_ENV_DIR: '/x' }, '/work/envs'],
    ['absolute flag', '/abs/', {}, '/abs'],
    ['ESC_KUBE_ENV_DIR', undefined, { ESC_KUBE_ENV_DIR: '/x', XDG_CONFIG_HOME: '/c' }, '/x'],
    ['XDG_CONFIG_HOME', undefined, { XDG_CONFIG_HOME: '/c' }, '/c/esc-kube/environments'],
    ['home default', undefined, {}, '/home/u/.config/esc-kube/environments'],
    ['empty XDG_CONFIG_HOME is ignored', undefined, { XDG_CONFIG_HOME: '' }, '/home/u/.config/esc-kube/environments'],
    ['dot segments', './envs/.', {}, '/work/envs'],
  ])('%s', (_n, flag, environ, want) => expect(resolveEnvDir(flag, environ, '/work', '/home/u')).toBe(want));
});

describe('runCli: every command, argv in, exit status and output out', () => {
  const files = {
    '/home/u/.config/esc-kube/environments/app.yaml': 'values:\n  a: 1\n  o: { fn::open::test: { x: "y" } }\n',
    '/home/u/.config/esc-kube/environments/aws.yaml':
      'values:\n  environmentVariables:\n    AWS_ACCESS_KEY_ID: AKIAUNIT\n    AWS_SECRET_ACCESS_KEY: {fn::secret: unit-secret}\n    AWS_REGION: us-west-2\n',
  };
  const execCredential = /^\{"kind":"ExecCredential","apiVersion":"client\.authentication\.k8s\.io\/v1beta1","spec":\{\},"status":\{"expirationTimestamp":"2026-01-01T00:14:00Z","token":"k8s-aws-v1\.[A-Za-z0-9_-]+"\}\}\n$/;
  it.each([
    [['--version'], 0, '9.9.9\n', ''],
    [['env', 'open', 'app', 'o.x', '-f', 'string'], 0, 'y\n', ''],
    [['env', 'ls'], 0, 'app\naws\n', ''],
    [['env', 'check', 'app'], 0, 'app: 0 errors, 0 warnings\n', ''],
    [['env', 'open', 'nope'], 1, '', 'esc-kube: environment "nope" not found in /home/u/.config/esc-kube/environments (looked for nope.yaml and nope.yml)\n'],
    [['env', 'get', 'app', 'a'], 0, '# Value\n1\n\n# Definition (/home/u/.config/esc-kube/environments/app.yaml)\n  a: 1\n', ''],
    [['env', 'run', 'app'], 2, '', "error: missing required argument 'command'\n(run with --help for usage)\n"],
    [['env', 'run', 'app', '--'], 2, '', "error: missing required argument 'command'\n(run with --help for usage)\n"],
    [['token', '--env', 'aws', '--cluster', 'demo'], 0, execCredential, ''],
    [['token', '--cluster', 'demo'], 2, '', 'esc-kube: token needs --env ENV (or "env" in the cluster\'s client.authentication.k8s.io/exec extension)\n'],
    [['token', '--env', 'aws', '--cluster', 'demo', '--cache', 'disk'], 2, '', 'esc-kube: invalid cache mode "disk": expected keychain, file or none\n'],
    [['kubeconfig-gen', '--env', 'aws'], 2, '', 'esc-kube: kubeconfig-gen needs --cluster NAME (repeatable) or --from PATH\n'],
    [['kubeconfig-gen', '--env', 'aws', '--cluster', 'demo', '--dry-run'], 1, '', 'esc-kube: could not describe EKS cluster "demo" in us-west-2: no EKS in unit tests\n'],
    [['login', '--env', 'app'], 2, '', 'esc-kube: environment "app" has no aws-login oidc to log in for\n'],
    [['logout'], 0, '', 'esc-kube: forgot 0 logins\n'],
    [['cache', 'ls'], 0, '', 'esc-kube: the credential cache is off (--cache none or $ESC_KUBE_CACHE=none)\n'],
    [['cache', 'clear'], 0, '', 'esc-kube: the credential cache is off (--cache none or $ESC_KUBE_CACHE=none)\n'],
    [['nope'], 2, '', "error: unknown command 'nope'\n(run with --help for usage)\n"],
  ] as const)('%j -> %i', async (argv, code, stdout, stderr) => {
    const { d, out } = deps(files);
    expect(await runCli(argv, d)).toBe(code);
    if (typeof stdout === 'string') expect(out.stdout).toBe(stdout);
    else expect(out.stdout).toMatch(stdout);
    expect(out.stderr).toBe(stderr);
  });

  it('prints internal errors without a stack trace unless --verbose', async () => {
    const { d, out } = deps(files);
    d.providers = (): never => {
      throw new Error('boom');
    };
    expect(await runCli(['env', 'open', 'app'], d)).toBe(1);
    expect(out.stderr).toBe('esc-kube: internal error: boom\nesc-kube: run again with --verbose for details, and please report this as a bug\n');
    const v = deps(files);
    v.d.providers = d.providers;
    await runCli(['--verbose', 'env', 'open', 'app'], v.d);
    expect(v.out.stderr).toMatch(/internal error: boom\nError: boom\n\s+at /);
  });
});

describe("esc-kube's own STS calls go to the region the request resolves to", () => {
  const at = '/home/u/.config/esc-kube/environments';
  it.each([
    ['the environment names one: its region', 'values:\n  environmentVariables: {AWS_REGION: eu-central-1}\n', {}, 'eu-central-1'],
    ['in pulumiConfig', 'values:\n  pulumiConfig: {"aws:region": ap-south-1}\n', { AWS_REGION: 'us-east-2' }, 'ap-south-1'],
    ['none in the environment: the process decides', 'values:\n  a: 1\n', { AWS_REGION: 'us-east-2' }, undefined],
    ['not a region name: the process decides', 'values:\n  environmentVariables: {AWS_REGION: nowhere}\n', {}, undefined],
  ])('%s', async (_n, text, environ, want) => {
    const { d } = deps({ [`${at}/app.yaml`]: text }, { ESC_KUBE_CACHE: 'none', ...environ });
    const asked: (() => Promise<string | undefined>)[] = [];
    d.providers = (setup) => {
      if (setup.environmentRegion) asked.push(setup.environmentRegion);
      return fakeRegistry(['test']);
    };
    expect(await runCli(['env', 'open', 'app'], d)).toBe(0);
    // The open's providers are given the environment's own region, read offline when STS needs it.
    expect(asked).toHaveLength(1);
    expect(await asked[0]!()).toBe(want);
  });
});
