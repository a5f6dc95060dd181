// The env commands through the real binary: bad inputs give one clear line (plus positioned
// diagnostics) and exit 1, never a stack trace; env run passes the exit status on and always removes
// its temporary files.

import { existsSync, mkdirSync, readdirSync, symlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll } from 'vitest';
import { cleanEnv, named, requireTools, runCommand, runEscKube, startEscKube, startMoto, STACK_TRACE, tempDir, BIN, type Moto } from './helpers.js';
import { oidcEnvironment } from './environments.js';
import { TestIssuer } from '../fakes/jwt.js';

const good = 'values:\n  greeting: hello\n  pw: { fn::secret: hunter2 }\n  environmentVariables:\n    GREETING: ${greeting}\n    PW: ${pw}\n  files:\n    CFG: "pw=${pw}"\n';
// Root reads any file, so the permission test runs as nobody through setpriv.
const setpriv = requireTools('setpriv');

describe('bad inputs', () => {
  const cases: [string, Record<string, string | Uint8Array>, RegExp][] = [
    ['YAML syntax error', { 'bad.yaml': 'values:\n  list: [a, b\n' }, /bad\.yaml:\d+:\d+: YAML syntax error/],
    ['import cycle', { 'bad.yaml': 'imports: [other]\nvalues: {a: 1}\n', 'other.yaml': 'imports: [bad]\n' }, /other\.yaml:1:11: cyclic import of bad/],
    ['reference cycle', { 'bad.yaml': 'values:\n  a: ${b}\n  b: x-${a}\n' }, /bad\.yaml:2:6: cyclic reference to a/],
    ['unknown property', { 'bad.yaml': 'values:\n  aws: {region: us-east-1}\n  r: ${aws.regoin}\n' }, /bad\.yaml:3:12: unknown property "regoin"; did you mean "region"\?/],
    ['wrong builtin argument', { 'bad.yaml': 'values:\n  j: { fn::join: [",", "abc"] }\n' }, /bad\.yaml:2:24: expected array, got string/],
    ['alias node', { 'bad.yaml': 'values:\n  a: &x 1\n  b: *x\n' }, /bad\.yaml:3:6: alias nodes are not supported; repeat the value or use a \$\{\} reference/],
    ['non-string key', { 'bad.yaml': 'values:\n  ports:\n    8080: http\n' }, /bad\.yaml:3:5: mapping keys must be strings/],
    ['empty file', { 'bad.yaml': '' }, /environment "bad" is empty: .*bad\.yaml defines no imports and no values/],
    ['binary garbage', { 'bad.yaml': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]) }, /bad\.yaml is not a text file \(it contains NUL bytes\)/],
    ['invalid UTF-8', { 'bad.yaml': new Uint8Array([0x76, 0x61, 0xc3, 0x28]) }, /bad\.yaml is not valid UTF-8 text/],
    ['10 MB file', { 'bad.yaml': 'values:\n' + '  k: "' + 'x'.repeat(10 * 1024 * 1024) + '"\n' }, /bad\.yaml is 10\.0 MiB; environment definitions are limited to 4 MiB/],
  ];
  it.each(cases)('%s', async (_name, files, message) => {
    const dir = tempDir(files);
    const started = Date.now();
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'bad']);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_TRACE);
    // Bad input is refused at once (a 10 MB file is not parsed): ~0.1 s seen, 10 s is the margin for a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('unknown environment names the directory searched and suggests a close name', async () => {
    const dir = tempDir({ 'demo.yaml': good });
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'dmeo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: environment "dmeo" not found in ${dir} (looked for dmeo.yaml and dmeo.yml); did you mean "demo"?\n`);
  });

  it('a directory where a file should be', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bad.yaml'));
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: ${dir}/bad.yaml is a directory; environment bad must be a YAML file\n`);
  });

  it('an unreadable file (a symlink loop)', async () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'bad.yaml'), join(dir, 'bad.yaml'));
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: could not read ${dir}/bad.yaml: too many symbolic links\n`);
  });

  it.runIf(setpriv.ok)(named('an unreadable file (no permission)', setpriv), async () => {
    const dir = tempDir({ 'bad.yaml': good });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'bad.yaml'), 0o000);
    // Root reads anything, so run as nobody.
    const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const [cmd, ...pre] = [...asNobody, process.execPath];
    const r = await runCommand(cmd!, [...pre, BIN, '--env-dir', dir, 'env', 'open', 'bad'], { env: cleanEnv({ HOME: '/tmp' }) });
    expect(r.stderr).toBe(`esc-kube: could not read ${dir}/bad.yaml: permission denied\n`);
    expect(r.code).toBe(1);
  });

  it('an invalid environment name', async () => {
    const r = await runEscKube(['--env-dir', tempDir(), 'env', 'open', '../etc/passwd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^esc-kube: invalid environment name "..\/etc\/passwd": expected NAME or PROJECT\/NAME/);
  });

  it('reports every diagnostic at once', async () => {
    const dir = tempDir({ 'bad.yaml': 'values:\n  a: ${nope}\n  b: { fn::toBase64: 12 }\n  c: ${a.b.c}\n' });
    const r = await runEscKube(['--env-dir', dir, 'env', 'check', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.yaml:2:8: unknown property "nope"');
    expect(r.stderr).toContain('bad.yaml:3:22: expected string, got number');
    expect(r.stdout).toBe('bad: 2 errors, 0 warnings\n');
  });

  it('usage errors exit 2', async () => {
    for (const args of [['env', 'nope'], ['env', 'open'], ['env', 'open', 'x', '--format', 'xml'], ['--bogus']]) {
      const r = await runEscKube(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
  });
});

describe('env check, offline, as upstream\'s CheckEnvironment', () => {
  // The blog post's aws-sandbox, verbatim: it writes keyId where aws-login returns accessKeyId.
  const blogSandbox = `values:
  aws:
    creds:
      fn::open::aws-login:
        oidc:
          duration: 1h
          roleArn: arn:aws:iam::0123456789:role/deploy-oidc
          sessionName: pulumi-environments-session
  environmentVariables:
    AWS_ACCESS_KEY_ID: \${aws.creds.keyId}
    AWS_SECRET_ACCESS_KEY: \${aws.creds.secretAccessKey}
    AWS_SESSION_TOKEN: \${aws.creds.sessionToken}
  pulumiConfig:
    aws:region: us-west-2
`;
  /** A loopback STS that counts what reaches it (nothing should). */
  const withCountingSts = async (f: (endpoint: string) => Promise<void>): Promise<number> => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await f(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.close();
    }
    return requests;
  };
  const offline = (endpoint: string) => cleanEnv({ HOME: tempDir(), AWS_ENDPOINT_URL_STS: endpoint, AWS_ENDPOINT_URL: endpoint });

  it('lists a top-level typo, a malformed import and a failing fn::validate at once, with positions, and exits 1', async () => {
    const dir = tempDir({
      'bad.yaml': 'imports:\n  - base:\n      merge: "no"\nvalue:\n  x: 1\nvalues:\n  port:\n    fn::validate:\n      schema: {type: number, maximum: 65535}\n      value: 70000\n',
      'base.yaml': 'values:\n  b: 1\n',
    });
    const r = await runEscKube(['--env-dir', dir, 'env', 'check', 'bad']);
    expect(r.stderr).toContain(`bad.yaml:4:1: warning: Field 'value' does not exist on Object 'environment'. Existing fields are: 'values', 'imports', 'description'; did you mean "values"?`);
    expect(r.stderr).toContain('bad.yaml:3:14: merge must be a boolean value');
    expect(r.stderr).toContain('bad.yaml:10:14: expected a number less than or equal to65535');
    expect(r.stdout).toBe('bad: 2 errors, 1 warning\n');
    expect(r.code).toBe(1);
  });

  it('exits 0 when every diagnostic is a warning', async () => {
    const dir = tempDir({ 'warned.yaml': 'valeus: {}\nvalues:\n  a: 1\n' });
    const r = await runEscKube(['--env-dir', dir, 'env', 'check', 'warned']);
    expect(r.stderr).toContain(`warned.yaml:1:1: warning: Field 'valeus' does not exist on Object 'environment'.`);
    expect(r.stdout).toBe('warned: 0 errors, 1 warning\n');
    expect(r.code).toBe(0);
  });

  it('catches the blog post\'s keyId with no network and no token, and passes once fixed; no provider is opened', async () => {
    const dir = tempDir({ 'aws-sandbox.yaml': blogSandbox, 'fixed/aws-sandbox.yaml': blogSandbox.replace('keyId', 'accessKeyId') });
    const requests = await withCountingSts(async (endpoint) => {
      const bad = await runEscKube(['--env-dir', dir, 'env', 'check', 'aws-sandbox'], { env: offline(endpoint) });
      expect(bad.stderr).toContain('aws-sandbox.yaml:10:36: unknown property "keyId"; did you mean "accessKeyId"?');
      expect(bad.stderr).not.toMatch(/OIDC|token/i);
      expect(bad.stdout).toBe('aws-sandbox: 1 error, 0 warnings\n');
      expect(bad.code).toBe(1);
      const fixed = await runEscKube(['--env-dir', dir, 'env', 'check', 'fixed/aws-sandbox'], { env: offline(endpoint) });
      expect(fixed.stderr).toBe('');
      expect(fixed.stdout).toBe('fixed/aws-sandbox: 0 errors, 0 warnings\n');
      expect(fixed.code).toBe(0);
      // env get checks too: the credentials read [unknown], and nothing is asked of STS.
      const got = await runEscKube(['--env-dir', dir, 'env', 'get', 'fixed/aws-sandbox', 'environmentVariables'], { env: offline(endpoint) });
      expect(got.code).toBe(0);
      expect(got.stdout).toContain('"AWS_ACCESS_KEY_ID": "[unknown]"');
    });
    expect(requests).toBe(0);
  });

  it('env open still reports the typo behind a login that fails (the failed provider is unknown but typed)', async () => {
    const dir = tempDir({ 'aws-sandbox.yaml': blogSandbox });
    await withCountingSts(async (endpoint) => {
      const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'aws-sandbox'], { env: offline(endpoint) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('aws-sandbox.yaml:10:36: unknown property "keyId"; did you mean "accessKeyId"?');
      // The login fails first (the blog's example account ID has 10 digits, not 12).
      expect(r.stderr).toMatch(/aws-sandbox\.yaml:4:7: aws-login: roleArn .* is not an IAM role ARN/);
      expect(r.stdout).toBe('');
    });
  });
});

describe('env open / get / ls', () => {
  const dir = tempDir({ 'demo.yaml': good, 'team/base.yaml': 'values:\n  n: 1.50\n' });

  it('prints values with secrets, as esc env open does', async () => {
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'demo']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ greeting: 'hello', pw: 'hunter2' });
  });
  it('selects a path and formats', async () => {
    expect((await runEscKube(['--env-dir', dir, 'env', 'open', 'demo', 'environmentVariables.GREETING', '-f', 'string'])).stdout).toBe('hello\n');
    expect((await runEscKube(['--env-dir', dir, 'env', 'open', 'demo', '-f', 'dotenv'])).stdout).toBe("GREETING='hello'\nPW='hunter2'\n");
    expect((await runEscKube(['--env-dir', dir, 'env', 'open', 'demo', '-f', 'shell'])).stdout).toBe('export GREETING=hello\nexport PW=hunter2\n');
    const missing = await runEscKube(['--env-dir', dir, 'env', 'open', 'demo', 'nope.x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('esc-kube: environment "demo" has no value at "nope.x"\n');
  });
  it('env get hides secrets, in values and in the definition', async () => {
    const r = await runEscKube(['--env-dir', dir, 'env', 'get', 'demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).toContain('"pw": "[secret]"');
    expect(r.stdout).toContain('pw: { fn::secret: "[secret]" }');
    const shown = await runEscKube(['--env-dir', dir, 'env', 'get', 'demo', 'pw', '--show-secrets']);
    expect(shown.stdout).toBe(`# Value\n"hunter2"\n\n# Definition (${dir}/demo.yaml)\n  pw: { fn::secret: hunter2 }\n`);
  });
  it('env ls lists project environments too', async () => {
    expect((await runEscKube(['--env-dir', dir, 'env', 'ls'])).stdout).toBe('demo\nteam/base\n');
  });
  it('finds the store through ESC_KUBE_ENV_DIR', async () => {
    const r = await runEscKube(['env', 'open', 'team/base'], { env: cleanEnv({ ESC_KUBE_ENV_DIR: dir }) });
    expect(r.stdout).toBe('{\n  "n": 1.5\n}\n');
  });
});

describe('bounded evaluation: hostile environments end quickly with a diagnostic, never a crash', () => {
  const doubling = (item: (prev: string) => string, levels: number, seed = 'values:\n  a0: [x, y]\n') => {
    let s = seed;
    for (let i = 1; i <= levels; i++) s += `  a${i}: ${item('${a' + (i - 1) + '}')}\n`;
    return s;
  };
  const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
  const cases: [string, string, number, RegExp][] = [
    ['an array doubled 20 times through references', doubling((p) => `["${p}", "${p}"]`, 20), 1, /builds more than 500,000 values or 32 MiB of text/],
    ['a string doubled through fn::toBase64', doubling((p) => `{fn::toBase64: "${p}${p}"}`, 40, 'values:\n  a0: seed\n'), 1, /builds more than/],
    ['a value doubled through fn::toJSON', doubling((p) => `{fn::toJSON: ["${p}", "${p}"]}`, 40, 'values:\n  a0: seed\n'), 1, /builds more than/],
    // Deeper than the main thread's stack can follow: evaluated again on a large stack, as deep as yaml.v3 allows.
    ['a chain of 2,000 references', 'values:\n' + lines(1999, (i) => `  k${String(i).padStart(5, '0')}: \${k${String(i + 1).padStart(5, '0')}}`) + '\n  k01999: end\n', 0, /^$/],
    ['a chain of 12,000 references', 'values:\n' + lines(11999, (i) => `  k${String(i).padStart(5, '0')}: \${k${String(i + 1).padStart(5, '0')}}`) + '\n  k11999: end\n', 1, /deeper than 11,000 levels \(esc-kube's limit\)/],
    ['YAML nested 10,000 levels deep (yaml.v3\'s limit)', `values:\n  a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 0, /^$/],
    ['YAML nested 10,001 levels deep', `values:\n  a: ${'['.repeat(10_001)}${']'.repeat(10_001)}\n`, 1, /YAML syntax error: exceeded max depth of 10000/],
    ['a backtracking pattern, (a+)+$', 'values:\n  v:\n    fn::validate:\n      schema: {type: string, pattern: "(a+)+$"}\n      value: "' + 'a'.repeat(40) + 'b"\n', 1, /string must match the pattern "\(a\+\)\+\$"/],
    ['a pattern that does not compile', 'values:\n  v:\n    fn::validate:\n      schema: {type: string, pattern: "["}\n      value: x\n', 1, /invalid schema: error parsing regexp: missing closing \]: `\[`/],
    ["Go's (?i) syntax", 'values:\n  v:\n    fn::validate:\n      schema: {type: string, pattern: "(?i)^abc$"}\n      value: ABC\n', 0, /^$/],
    ['2,000 misspelt references', 'values:\n' + lines(2000, (i) => `  key${i}: v`) + '\n' + lines(2000, (i) => `  ref${i}: \${kye${i}}`) + '\n', 1, /has 2000 errors/],
    ['a raw control character in a YAML string', 'values:\n  a: "x\u001b[31mred"\n', 1, /YAML syntax error: control characters are not allowed/],
  ];
  it.each(cases)('%s', async (_n, yaml, code, message) => {
    const dir = tempDir({ 'hostile.yaml': yaml });
    const started = Date.now();
    const r = await runEscKube(['env', 'open', 'hostile', '--env-dir', dir]);
    // The bound of the fuzz corpus (.ci/run) is 2 s; 10 s here only keeps a busy machine from failing it.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toContain('\u001b');
  });
});

describe('env run: the command and its environment', () => {
  const dir = tempDir({ 'demo.yaml': good });

  it('everything after the environment name belongs to the command: env run ENV sh -c ... a --flag', async () => {
    const r = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', 'sh', '-c', 'echo "$0 $1"', 'a', '--flag']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('a --flag\n');
    const version = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', 'node', '--version']);
    expect(version.stdout).toBe(`${process.version}\n`);
  });

  it("the command gets exactly the caller's environment plus the environment's variables and files", async () => {
    const caller = cleanEnv({ CALLER_ONLY: 'x' });
    delete caller.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const inside = await runEscKube(['--env-dir', dir, 'env', 'run', '-i', 'demo', 'env', '-0'], { env: caller });
    const vars = (text: string) => new Map(text.split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const got = vars(inside.stdout);
    const added = [...got.keys()].filter((k) => !(k in caller)).sort();
    expect(added).toEqual(['CFG', 'GREETING', 'PW']);
    for (const [k, v] of Object.entries(caller)) expect(got.get(k), k).toBe(v);
  });

  it('an undefined ${X} in an argument says how to pass it to the shell', async () => {
    const r = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', 'sh', '-c', 'echo ${HOME}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('esc-kube: argument "echo ${HOME}" refers to ${HOME}, which the environment does not define; to pass ${HOME} to the command as it is (for a shell to expand), write $${HOME}\n');
    const escaped = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', 'sh', '-c', 'echo $${HOME}'], { env: cleanEnv({ HOME: '/home/someone' }) });
    expect(escaped.stdout).toBe('/home/someone\n');
  });
});

const motoForRun = requireTools('moto_server');
describe.runIf(motoForRun.ok)(named('env run reuses the cached STS session, as token does (counted at moto)', motoForRun), () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(() => moto?.stop());

  it('a second env run of an oidc environment makes no STS call', async () => {
    const dir = tempDir({ 'ci.yaml': oidcEnvironment(), 'token.jwt': new TestIssuer().mint() });
    const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir(), AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token.jwt') });
    const before = await moto.assumedRoles();
    const first = await runEscKube(['--env-dir', dir, 'env', 'run', 'ci', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN" && echo ok'], { env });
    expect(first.stdout, first.stderr).toBe('ok\n');
    expect(await moto.assumedRoles()).toBe(before + 1);
    const second = await runEscKube(['--env-dir', dir, 'env', 'run', 'ci', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN" && echo ok'], { env });
    expect(second.stdout).toBe('ok\n');
    expect(await moto.assumedRoles()).toBe(before + 1);
  });
});

describe('smaller hardening, each through the binary', () => {
  it('env run does not wait for a background process that holds the pipes once the command has exited', async () => {
    const dir = tempDir({ 'demo.yaml': good });
    const started = Date.now();
    const r = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', '--', 'sh', '-c', 'sleep 20 & echo hi'], { timeoutMs: 15_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi\n');
    // The point: not the 20 s of the background sleep (about 0.7 s seen).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a TMPDIR that cannot hold the private files is one line', async () => {
    const dir = tempDir({ 'demo.yaml': good });
    const r = await runEscKube(['--env-dir', dir, 'env', 'run', 'demo', '--', 'true'], { env: cleanEnv({ TMPDIR: join(dir, 'missing') }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`esc-kube: could not make a private directory for the environment's files in ${join(dir, 'missing')} ($TMPDIR): no such file or directory\n`);
  });

  it('env ls lists symbolically linked environments, which env open opens', async () => {
    const dir = tempDir({ 'real/shared.yaml': 'values: {a: 1}\n', 'plain.yaml': 'values: {b: 2}\n' });
    symlinkSync(join(dir, 'real/shared.yaml'), join(dir, 'linked.yaml'));
    mkdirSync(join(dir, 'proj'));
    symlinkSync(join(dir, 'real/shared.yaml'), join(dir, 'proj/env.yaml'));
    const ls = await runEscKube(['env', 'ls', '--env-dir', dir]);
    expect(ls.stdout).toBe('linked\nplain\nproj/env\nreal/shared\n');
    for (const name of ls.stdout.trim().split('\n')) expect((await runEscKube(['env', 'open', name, '--env-dir', dir])).code).toBe(0);
  });

  it('a variable named __proto__ reaches the command', async () => {
    const dir = tempDir({ 'p.yaml': 'values:\n  environmentVariables:\n    __proto__: kept\n' });
    const r = await runEscKube(['--env-dir', dir, 'env', 'run', 'p', '--', 'printenv', '__proto__']);
    expect(r.stdout).toBe('kept\n');
  });

  it.each([
    ['--sts-host with a line break', ['--sts-host', 'sts.amazonaws.com\r\nX-Evil: 1'], /^esc-kube: --sts-host is "sts\.amazonaws\.com\\r\\nX-Evil: 1"; expected a host name/],
    ['--sts-host with a path', ['--sts-host', 'sts.amazonaws.com/x'], /expected a host name, optionally with a port/],
    ['a 100,000-character cluster name', ['--cluster', 'c'.repeat(100_000)], /^esc-kube: --cluster is "c{64}…", which is not an EKS cluster name: 1 to 100 letters, digits, "-" and "_"/],
    ['a cluster name with a dot', ['--cluster', 'my.cluster'], /--cluster is "my\.cluster", which is not an EKS cluster name/],
  ])('%s is refused with what is expected', async (_n, args, message) => {
    const dir = tempDir({ 's.yaml': 'values:\n  environmentVariables: {AWS_ACCESS_KEY_ID: AKIAX, AWS_SECRET_ACCESS_KEY: s, AWS_REGION: us-west-2}\n' });
    const r = await runEscKube(['token', '--env', 's', '--cluster', 'demo', '--env-dir', dir, ...args]);
    expect(r.code).toBeGreaterThan(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('terminal escape sequences in import names and data are shown escaped, never raw', async () => {
    const dir = tempDir({ 'esc.yaml': 'imports:\n  - "evil\\e[2J\\e]0;owned\\a"\nvalues:\n  a: 1\n' });
    const r = await runEscKube(['env', 'open', 'esc', '--env-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('\\u001b[2J');
    expect(r.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
  });
});

describe('env open -f shell | dotenv through the binary: output a shell can eval safely', () => {
  const hostile = [
    'values:',
    '  environmentVariables:',
    "    CMD: $$(touch pwned)",
    "    TICKS: '`touch pwned`'",
    "    MIXED: \"it's $$HOME and `id` \\\\ end\"",
    '    LINES: "a\\nb"',
  ].join('\n');
  const dir = tempDir({ 'hostile.yaml': hostile + '\n', 'badname.yaml': hostile + '\n    "X=1; touch pwned; Y": v\n' });
  const env = cleanEnv({ ESC_KUBE_ENV_DIR: dir });

  it.each(['shell', 'dotenv'])('eval of -f %s runs nothing and gives the values back', async (format) => {
    const json = JSON.parse((await runEscKube(['env', 'open', 'hostile', 'environmentVariables'], { env })).stdout) as Record<string, string>;
    expect(Object.keys(json)).toHaveLength(4);
    const scratch = tempDir();
    const script = `eval "$('${process.execPath}' '${BIN}' env open hostile -f ${format})"; printf '%s\\0' "$CMD" "$TICKS" "$MIXED" "$LINES"`;
    const r = await runCommand('sh', ['-c', script], { env, cwd: scratch });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\0').slice(0, -1)).toEqual([json.CMD, json.TICKS, json.MIXED, json.LINES]);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('a name that is not a variable name is an error at its position, and nothing is printed', async () => {
    const r = await runEscKube(['env', 'open', 'badname', '-f', 'shell'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('esc-kube: environment "badname" has 1 error\n');
    expect(r.stderr).toContain('badname.yaml:7:');
    expect(r.stderr).toContain('invalid name for an environmentVariables entry: expected letters, digits and _, not starting with a digit');
  });
});

describe('env run', () => {
  const dir = tempDir({ 'demo.yaml': good });
  const env = cleanEnv({ ESC_KUBE_ENV_DIR: dir });

  it('sets variables and files, replaces ${path} in arguments, redacts secrets and passes the status on', async () => {
    const r = await runEscKube(['env', 'run', 'demo', '--', 'sh', '-c', 'echo "$GREETING $1"; cat "$CFG"; echo; stat -c %a "$CFG" "$(dirname "$CFG")"; echo "$PW" >&2; exit 7', 'sh', '${greeting}!'], { env });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('hello hello!\n[secret]\n600\n700\n');
    expect(r.stderr).toBe('[secret]\n');
  });

  it('-i passes output through unredacted', async () => {
    const r = await runEscKube(['env', 'run', '-i', 'demo', '--', 'sh', '-c', 'echo $PW'], { env });
    expect(r.stdout).toBe('hunter2\n');
  });

  it('removes the files when the command ends normally', async () => {
    const r = await runEscKube(['env', 'run', 'demo', '--', 'sh', '-c', 'echo $CFG'], { env });
    const path = r.stdout.trim();
    expect(path).toMatch(/esc-kube-run-/);
    expect(existsSync(path)).toBe(false);
  });

  it('removes the files when the command is killed', async () => {
    const r = await runEscKube(['env', 'run', 'demo', '--', 'sh', '-c', 'echo $CFG; kill -9 $$'], { env });
    expect(r.code).toBe(137);
    const path = r.stdout.trim();
    expect(path).toMatch(/esc-kube-run-/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(path, '..'))).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('removes the files when esc-kube itself gets %s', async (sig) => {
    const child = startEscKube(['env', 'run', 'demo', '--', 'sh', '-c', 'echo $CFG; exec sleep 30'], env);
    const path = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    expect(existsSync(path)).toBe(true);
    child.kill(sig);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(sig === 'SIGTERM' ? 143 : 130);
    expect(existsSync(path)).toBe(false);
  });

  it('a missing command is exit 127 with a clear message', async () => {
    const r = await runEscKube(['env', 'run', 'demo', '--', 'no-such-command-xyz'], { env });
    expect(r.code).toBe(127);
    expect(r.stderr).toBe('esc-kube: could not run "no-such-command-xyz": command not found\n');
  });
});
