// fn::open::aws-secrets and fn::open::aws-parameter-store through the binary, against moto_server:
// secrets and parameters made with the AWS CLI, read by env open, env get and env run; the requests
// counted on their way to moto.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, named, requireTools, runCommand, runEscKube, startMoto, tempDir, type Moto } from './helpers.js';

const tools = requireTools('moto_server', 'aws');
const region = 'us-west-2';
const login = `    login:
      fn::open::aws-login:
        static: {accessKeyId: AKIATESTTESTTESTTEST, secretAccessKey: {fn::secret: test-secret}}
`;
const environment = `values:
  aws:
${login}    secrets:
      fn::open::aws-secrets:
        region: ${region}
        login: \${aws.login}
        get:
          dbPassword: {secretId: db/password}
          appConfig: {secretId: app/config}
          again: {secretId: db/password}
    params:
      fn::open::aws-parameter-store:
        region: ${region}
        login: \${aws.login}
        get:
          url: {name: /app/url}
          key: {name: /app/key, decrypt: true}
          firstVersion: {name: "/app/version:1"}
  config: {fn::fromJSON: "\${aws.secrets.appConfig}"}
  environmentVariables:
    DB_PASSWORD: \${aws.secrets.dbPassword}
    APP_URL: \${aws.params.url}
`;

/** An HTTP proxy in front of moto that records each request's operation (its X-Amz-Target) and body. */
async function countingProxy(target: string): Promise<{ url: string; requests: { operation: string; body: string }[]; close(): Promise<void> }> {
  const requests: { operation: string; body: string }[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ operation: String(req.headers['x-amz-target'] ?? ''), body: body.toString() });
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

describe.runIf(tools.ok)(named('aws-secrets and aws-parameter-store at moto_server', tools), () => {
  let moto: Moto;
  let env: Record<string, string>;
  const aws = async (...args: string[]) => {
    const r = await runCommand('aws', [...args, '--endpoint-url', moto.endpoint, '--region', region], {
      env: cleanEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }),
    });
    expect(r.code, r.stderr).toBe(0);
  };
  beforeAll(async () => {
    moto = await startMoto();
    env = cleanEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_ENDPOINT_URL_SSM: moto.endpoint, HOME: tempDir() });
    await aws('secretsmanager', 'create-secret', '--name', 'db/password', '--secret-string', 'hunter2');
    await aws('secretsmanager', 'create-secret', '--name', 'app/config', '--secret-string', '{"user":"admin","pass":"p4ss"}');
    await aws('ssm', 'put-parameter', '--name', '/app/url', '--type', 'String', '--value', 'app.example');
    await aws('ssm', 'put-parameter', '--name', '/app/key', '--type', 'SecureString', '--value', 's3cr3t-key');
    await aws('ssm', 'put-parameter', '--name', '/app/version', '--type', 'String', '--value', 'v1');
    await aws('ssm', 'put-parameter', '--name', '/app/version', '--type', 'String', '--value', 'v2', '--overwrite');
  }, 60_000);
  afterAll(() => moto?.stop());

  it('env open reads secrets and parameters (a versioned one by :1; fromJSON unpacks a key/value secret)', async () => {
    const dir = tempDir({ 'app.yaml': environment });
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'app'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.aws.secrets).toEqual({ dbPassword: 'hunter2', appConfig: '{"user":"admin","pass":"p4ss"}', again: 'hunter2' });
    expect(v.aws.params).toEqual({ url: 'app.example', key: 's3cr3t-key', firstVersion: 'v1' });
    expect(v.config).toEqual({ user: 'admin', pass: 'p4ss' });
  });

  /** Runs `body` with Secrets Manager and SSM reached through a counting proxy in front of moto. */
  const throughProxy = async (body: (proxy: Awaited<ReturnType<typeof countingProxy>>, dir: string, counted: Record<string, string>) => Promise<void>) => {
    const proxy = await countingProxy(moto.endpoint);
    try {
      await body(proxy, tempDir({ 'app.yaml': environment }), { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url, AWS_ENDPOINT_URL_SSM: proxy.url });
    } finally {
      await proxy.close();
    }
  };

  it('one request per secret and parameter per open, however often the environment names them', () =>
    throughProxy(async (proxy, dir, counted) => {
      const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'app'], { env: counted });
      expect(r.code, r.stderr).toBe(0);
      const ops = proxy.requests.map((q) => q.operation).sort();
      // dbPassword and again name the same secret: one GetSecretValue for it; three parameters, three calls.
      expect(ops).toEqual(['AmazonSSM.GetParameter', 'AmazonSSM.GetParameter', 'AmazonSSM.GetParameter', 'secretsmanager.GetSecretValue', 'secretsmanager.GetSecretValue']);
      expect(proxy.requests.filter((q) => q.body.includes('"db/password"'))).toHaveLength(1);
      // A second open reads them again (nothing from a provider is cached).
      await runEscKube(['--env-dir', dir, 'env', 'open', 'app'], { env: counted });
      expect(proxy.requests).toHaveLength(10);
    }));

  it('env get shows the secret values as [secret] without reading anything, and the call that defines them', () =>
    throughProxy(async (proxy, dir, counted) => {
      const whole = await runEscKube(['--env-dir', dir, 'env', 'get', 'app'], { env: counted });
      expect(whole.code, whole.stderr).toBe(0);
      expect(whole.stdout).toContain('"DB_PASSWORD": "[secret]"');
      expect(whole.stdout).not.toContain('hunter2');
      const one = await runEscKube(['--env-dir', dir, 'env', 'get', 'app', 'aws.secrets.dbPassword'], { env: counted });
      expect(one.stdout).toMatch(/^# Value\n"\[secret\]"\n\n# Definition \(.*app\.yaml\)\n\(aws\.secrets\.dbPassword is part of what fn::open::aws-secrets returns\)\n {4}secrets:\n/);
      const key = await runEscKube(['--env-dir', dir, 'env', 'get', 'app', 'aws.params.key'], { env: counted });
      expect(key.stdout).toMatch(/^# Value\n"\[secret\]"\n/);
      const url = await runEscKube(['--env-dir', dir, 'env', 'get', 'app', 'aws.params.url'], { env: counted });
      expect(url.stdout).toMatch(/^# Value\n"\[unknown\]"\n/);
      const typo = await runEscKube(['--env-dir', dir, 'env', 'get', 'app', 'aws.secrets.dbPasword'], { env: counted });
      expect(typo.code).toBe(1);
      expect(typo.stderr).toBe('esc-kube: environment "app" has no value at "aws.secrets.dbPasword"\n');
      expect(proxy.requests).toEqual([]);
    }));

  it('env run passes a secret to the command, and its output hides it; SecureString values are secret, String ones are not', async () => {
    const dir = tempDir({ 'app.yaml': environment });
    const shown = await runEscKube(['--env-dir', dir, 'env', 'run', '-i', 'app', '--', 'sh', '-c', 'echo "$DB_PASSWORD $APP_URL"'], { env });
    expect(shown.stdout).toBe('hunter2 app.example\n');
    const hidden = await runEscKube(['--env-dir', dir, 'env', 'run', 'app', '--', 'sh', '-c', 'echo "$DB_PASSWORD $APP_URL"'], { env });
    expect(hidden.stdout).toBe('[secret] app.example\n');
    const dotenv = await runEscKube(['--env-dir', dir, 'env', 'open', 'app', 'aws.params', '-f', 'json'], { env });
    expect(JSON.parse(dotenv.stdout)).toMatchObject({ key: 's3cr3t-key' });
  });

  it.each([
    ['a secret that does not exist', `    missing:\n      fn::open::aws-secrets:\n        region: ${region}\n        login: \${aws.login}\n        get: {x: {secretId: nope}}\n`, 'aws-secrets: secret "nope" not found in region us-west-2'],
    [
      'a secret ARN of another region',
      `    missing:\n      fn::open::aws-secrets:\n        region: ${region}\n        login: \${aws.login}\n        get: {x: {secretId: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"}}\n`,
      'aws-secrets: secret "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" is in region eu-west-1, not in us-west-2',
    ],
    ['a parameter that does not exist', `    missing:\n      fn::open::aws-parameter-store:\n        region: ${region}\n        login: \${aws.login}\n        get: {x: {name: /nope}}\n`, 'aws-parameter-store: parameter "/nope" not found in region us-west-2'],
    ['a login that is not credentials', `    missing:\n      fn::open::aws-secrets:\n        region: ${region}\n        login: {user: me}\n        get: {x: {secretId: db/password}}\n`, 'missing required properties: accessKeyId, secretAccessKey'],
  ])('%s is one line, and the rest still evaluates', async (_n, block, message) => {
    const dir = tempDir({ 'bad.yaml': `values:\n  aws:\n${login}${block}  typo: \${aws.logn}\n` });
    const r = await runEscKube(['--env-dir', dir, 'env', 'open', 'bad'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    // Evaluation went on past the failure: the misspelt reference below it is reported too.
    expect(r.stderr).toContain('unknown property "logn"; did you mean "login"?');
    expect(r.stderr).not.toContain('hunter2');
  });
});
