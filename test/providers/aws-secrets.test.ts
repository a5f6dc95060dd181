import { describe, expect, it } from 'vitest';
import { awsParameterStoreProvider, awsSecretsProvider } from '../../src/providers/aws-secrets.js';
import { AwsServiceError, type AwsServices } from '../../src/providers/aws-services.js';
import { exportedFromPlain, exportedToPlain, secretPaths } from '../../src/esc/value.js';
import { evaluateEnvironment } from '../../src/esc/eval.js';

const login = { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' };
const ctx = { environment: 'e', rootEnvironment: 'e' };

/** Fake services that count the calls they answer. */
function services() {
  const calls: string[] = [];
  const secrets: Record<string, string> = { 'db/password': 'hunter2', other: 'x' };
  const params: Record<string, { value: string; type: string }> = { '/url': { value: 'u', type: 'String' }, '/key': { value: 'k', type: 'SecureString' } };
  const s: AwsServices = {
    secretsManager: () => ({
      getSecretValue: async ({ secretId }) => {
        calls.push(secretId);
        if (!(secretId in secrets)) throw new AwsServiceError('ResourceNotFoundException', 'Secrets Manager can’t find the specified secret.');
        return secrets[secretId]!;
      },
    }),
    parameterStore: () => ({
      getParameter: async ({ name }) => {
        calls.push(name);
        if (!(name in params)) throw new AwsServiceError('ParameterNotFound', 'not found');
        return params[name]!;
      },
    }),
  };
  return { s, calls };
}

describe('aws-secrets', () => {
  it('reads each secret once per open, in parallel, every value secret', async () => {
    const { s, calls } = services();
    const out = await awsSecretsProvider(s).open(exportedFromPlain({ region: 'us-west-2', login, get: { a: { secretId: 'db/password' }, b: { secretId: 'db/password' }, c: { secretId: 'other' } } }), ctx);
    expect(exportedToPlain(out)).toEqual({ a: 'hunter2', b: 'hunter2', c: 'x' });
    expect(calls.sort()).toEqual(['db/password', 'other']);
    expect(secretPaths(out)).toEqual([['a'], ['b'], ['c']]);
  });
  it.each([
    ['not found', { region: 'us-west-2', login, get: { a: { secretId: 'nope' } } }, 'aws-secrets.not-found', 'aws-secrets: secret "nope" not found in region us-west-2'],
    ['another region', { region: 'us-west-2', login, get: { a: { secretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' } } }, 'aws-secrets.wrong-region', 'is in region eu-west-1, not in us-west-2'],
    ['a login that is not credentials', { region: 'us-west-2', login: { user: 'me' }, get: {} }, 'aws-secrets.login', 'login must be the credentials of an aws-login'],
    ['a bad region', { region: 'nowhere', login, get: {} }, 'aws-secrets.region', 'is not an AWS region name'],
  ])('%s: a code and one line', async (_n, inputs, code, message) => {
    await expect(awsSecretsProvider(services().s).open(exportedFromPlain(inputs), ctx)).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });
});

describe('aws-parameter-store', () => {
  it('SecureString values are secret, String values are not; one call per parameter', async () => {
    const { s, calls } = services();
    const out = await awsParameterStoreProvider(s).open(exportedFromPlain({ region: 'us-west-2', login, get: { url: { name: '/url' }, key: { name: '/key' }, key2: { name: '/key' } } }), ctx);
    expect(exportedToPlain(out)).toEqual({ url: 'u', key: 'k', key2: 'k' });
    expect(secretPaths(out)).toEqual([['key'], ['key2']]);
    expect(calls.sort()).toEqual(['/key', '/url']);
  });
  it('a missing parameter has a code and one line', async () => {
    await expect(awsParameterStoreProvider(services().s).open(exportedFromPlain({ region: 'us-west-2', login, get: { a: { name: '/nope' } } }), ctx)).rejects.toMatchObject({
      code: 'aws-parameter-store.not-found',
      message: 'aws-parameter-store: parameter "/nope" not found in region us-west-2',
    });
  });
});

describe('offline (check mode): the names under get are the typed outputs', () => {
  const text = `values:
  login: {accessKeyId: AKIA, secretAccessKey: s}
  secrets:
    fn::open::aws-secrets:
      region: us-west-2
      login: \${login}
      get: {dbPassword: {secretId: db/password}}
  params:
    fn::open::aws-parameter-store:
      region: us-west-2
      login: \${login}
      get: {url: {name: /url}, key: {name: /key, decrypt: true}}
  pw: \${secrets.dbPassword}
  url: \${params.url}
  key: \${params.key}
`;
  const check = (extra = '') => {
    const { s, calls } = services();
    const providers = { provider: (n: string) => (n === 'aws-secrets' ? awsSecretsProvider(s) : n === 'aws-parameter-store' ? awsParameterStoreProvider(s) : undefined), rotator: () => undefined };
    return evaluateEnvironment({ name: 'e', source: { text: text + extra }, loader: { load: async () => undefined }, providers, mode: 'check' }).then((r) => ({ ...r, calls }));
  };

  it('calls nothing; a secret is [secret], a String parameter [unknown], a decrypted parameter [secret]', async () => {
    const r = await check();
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toEqual([]);
    const v = r.value!.export().value as Record<string, { secret: boolean; unknown: boolean }>;
    expect([v.pw, v.url, v.key].map((x) => [x?.unknown, x?.secret])).toEqual([
      [true, true],
      [true, false],
      [true, true],
    ]);
  });

  it('a name that get does not ask for is an error, with the name it may have meant', async () => {
    const r = await check('  typo: ${secrets.dbPasword}\n');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['unknown property "dbPasword"; did you mean "dbPassword"?']);
  });
});
