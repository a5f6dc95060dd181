// fn::open::aws-secrets and fn::open::aws-parameter-store through the binary, against moto_server:
// secrets and parameters made with the AWS CLI, read by env open and env run.

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
