import { describe, expect, it } from 'vitest';
import { awsLoginProvider, findOidcToken, StsError, type AwsLoginDeps } from '../../src/providers/aws-login.js';
import { exportedFromPlain, exportedToPlain, secretPaths } from '../../src/esc/value.js';
import { FakeSts } from '../fakes/sts.js';

const now = new Date('2030-01-01T00:00:00Z');
const jwt = (claims: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const good = jwt({ iss: 'https://issuer.example', sub: 'repo:x', aud: 'sts.amazonaws.com', exp: now.getTime() / 1000 + 600 });

function deps(over: Partial<AwsLoginDeps> = {}): AwsLoginDeps & { sts: FakeSts } {
  return {
    sts: new FakeSts(),
    environ: {},
    readFile: async (p) => {
      if (p === '/token') return good + '\n';
      throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    },
    fetch: async () => {
      throw new Error('no network in unit tests');
    },
    now: () => now,
    ...over,
  } as AwsLoginDeps & { sts: FakeSts };
}

const oidc = (extra: object = {}) => exportedFromPlain({ oidc: { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 'esc', ...extra } });

describe('aws-login static', () => {
  it('returns the keys, the secret ones secret', async () => {
    const out = await awsLoginProvider(deps()).open(exportedFromPlain({ static: { accessKeyId: 'AKID', secretAccessKey: 'S', sessionToken: 'T' } }), { environment: 'e', rootEnvironment: 'e' });
    expect(exportedToPlain(out)).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'S', sessionToken: 'T' });
    expect(secretPaths(out)).toEqual([['secretAccessKey'], ['sessionToken']]);
  });
  it('needs exactly one form', async () => {
    await expect(awsLoginProvider(deps()).open(exportedFromPlain({}), { environment: 'e', rootEnvironment: 'e' })).rejects.toThrow('exactly one of "static" or "oidc"');
  });
});

describe('aws-login oidc', () => {
  const ctx = { environment: 'e', rootEnvironment: 'e' };
  it('assumes the role with the token file, the duration and the policies, and logs the session', async () => {
    const d = deps({ environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } });
    const seen: Date[] = [];
    d.sessions = { record: (s) => seen.push(s.expiration) };
    const out = await awsLoginProvider(d).open(oidc({ duration: '1h30m', policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), ctx);
    expect(d.sts.calls).toEqual([
      { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 'esc', durationSeconds: 5400, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], webIdentityToken: good },
    ]);
    expect(exportedToPlain(out)).toEqual({ accessKeyId: 'ASIAFAKE', secretAccessKey: 'fake-secret-key', sessionToken: 'fake-session-token' });
    expect(secretPaths(out)).toEqual([['secretAccessKey'], ['sessionToken']]);
    expect(seen).toEqual([new Date('2030-01-01T01:00:00Z')]);
  });

  it.each([
    ['duration 10m', { duration: '10m' }, 'between 15m and 12h'],
    ['duration 13h', { duration: '13h' }, 'between 15m and 12h'],
    ['duration text', { duration: 'an hour' }, 'written like 1h'],
    ['role ARN', { roleArn: 'my-role' }, 'is not an IAM role ARN'],
    ['session name', { sessionName: 'has space' }, 'sessionName'],
  ])('rejects a bad %s', async (_n, extra, msg) => {
    const d = deps({ environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } });
    await expect(awsLoginProvider(d).open(oidc(extra), ctx)).rejects.toThrow(msg);
    expect(d.sts.calls).toEqual([]);
  });

  it('refuses an expired or malformed JWT before calling STS', async () => {
    const expired = jwt({ exp: now.getTime() / 1000 - 1 });
    const d = deps();
    await expect(awsLoginProvider(d).open(oidc({ webIdentityToken: expired }), ctx)).rejects.toThrow(
      'the OIDC token from oidc.webIdentityToken expired at 2029-12-31T23:59:59.000Z; get a fresh one',
    );
    await expect(awsLoginProvider(d).open(oidc({ webIdentityToken: 'not-a-jwt' }), ctx)).rejects.toThrow('is not usable: it is not a JWT');
    expect(d.sts.calls).toEqual([]);
  });

  it.each([
    ['InvalidIdentityToken', 'registered as an IAM OIDC identity provider'],
    ['ExpiredTokenException', 'get a fresh one'],
    ['AccessDenied', 'trust policy'],
    ['IDPRejectedClaim', 'conditions on aud and sub'],
    ['ThrottlingException', 'throttling'],
  ])('explains STS %s in one line, naming the role and the code, without the token', async (code, hint) => {
    const d = deps({ environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } });
    d.sts.failWith = new StsError(code, `Details from STS.\nMentioning ${good}`);
    const err = (await awsLoginProvider(d).open(oidc(), ctx).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`STS refused to assume role arn:aws:iam::123456789012:role/r with the OIDC token from $AWS_WEB_IDENTITY_TOKEN_FILE (/token): ${code}: `);
    expect(err.message).toContain(hint);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(good);
  });

  it('says where STS could not be reached', async () => {
    const d = deps({ environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } });
    d.sts.failWith = new StsError('NetworkingError', 'connection refused', { endpoint: 'http://127.0.0.1:9' });
    await expect(awsLoginProvider(d).open(oidc(), ctx)).rejects.toThrow('could not reach STS at http://127.0.0.1:9 to assume role arn:aws:iam::123456789012:role/r: connection refused');
  });
});

describe('OIDC token sources, in order', () => {
  const ghFetch: typeof fetch = async (url, init) => {
    const u = new URL(String(url));
    expect(u.searchParams.get('audience')).toBe('sts.amazonaws.com');
    expect((init?.headers as Record<string, string>).Authorization).toBe('bearer gh-request-token');
    return new Response(JSON.stringify({ value: 'from-github' }), { status: 200 });
  };
  const all = {
    environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token', MY_JWT: 'from-env', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://gh.example/token?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token' },
    readFile: async (p: string) => `from-file:${p}`,
    fetch: ghFetch,
    deadline: () => new AbortController().signal,
  };
  const base = { roleArn: 'r', sessionName: 's' };
  it.each([
    ['webIdentityToken first', { webIdentityToken: 'inline', webIdentityTokenFile: '/f', webIdentityTokenEnv: 'MY_JWT' }, {}, 'inline', 'oidc.webIdentityToken', undefined],
    ['then webIdentityTokenFile', { webIdentityTokenFile: '/f', webIdentityTokenEnv: 'MY_JWT' }, {}, 'from-file:/f', 'oidc.webIdentityTokenFile (/f)', { source: 'file', at: '/f' }],
    ['then AWS_WEB_IDENTITY_TOKEN_FILE', { webIdentityTokenEnv: 'MY_JWT' }, {}, 'from-file:/token', '$AWS_WEB_IDENTITY_TOKEN_FILE (/token)', { source: 'file', at: '/token' }],
    ['then webIdentityTokenEnv', { webIdentityTokenEnv: 'MY_JWT' }, { AWS_WEB_IDENTITY_TOKEN_FILE: undefined }, 'from-env', '$MY_JWT', { source: 'env', at: 'MY_JWT' }],
    ['then GitHub Actions', {}, { AWS_WEB_IDENTITY_TOKEN_FILE: undefined }, 'from-github', 'GitHub Actions', undefined],
  ])('%s', async (_n, inputs, environOverride, jwtWant, source, origin) => {
    const found = await findOidcToken({ ...base, ...inputs }, { ...all, environ: { ...all.environ, ...environOverride } });
    expect(found).toEqual({ jwt: jwtWant, source, ...(origin ? { origin } : {}) });
  });

  it('lists what it tried when nothing is found', async () => {
    await expect(findOidcToken(base, { environ: {}, readFile: all.readFile, fetch: ghFetch, deadline: all.deadline })).rejects.toThrow(
      /tried oidc\.webIdentityToken, oidc\.webIdentityTokenFile, \$AWS_WEB_IDENTITY_TOKEN_FILE, oidc\.webIdentityTokenEnv, GitHub Actions .* and an interactive login/,
    );
  });
  it('explains a missing token file and an unset variable', async () => {
    const readFile = async () => {
      throw Object.assign(new Error('x'), { code: 'ENOENT' });
    };
    await expect(findOidcToken({ ...base, webIdentityTokenFile: '/nope' }, { environ: {}, readFile, fetch: ghFetch, deadline: all.deadline })).rejects.toThrow('could not read the OIDC token from oidc.webIdentityTokenFile (/nope): no such file');
    await expect(findOidcToken({ ...base, webIdentityTokenEnv: 'UNSET' }, { environ: {}, readFile, fetch: ghFetch, deadline: all.deadline })).rejects.toThrow('names $UNSET, which is not set');
  });
  it('explains a GitHub refusal', async () => {
    const refuse: typeof fetch = async () => new Response('no', { status: 403 });
    await expect(findOidcToken(base, { ...all, environ: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://gh.example/t', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' }, fetch: refuse })).rejects.toThrow(
      'permissions: id-token: write',
    );
  });
});

describe('aws-login failures carry codes', () => {
  const ctx = { environment: 'e', rootEnvironment: 'e' };
  const denied = () => {
    const d = deps({ environ: { AWS_WEB_IDENTITY_TOKEN_FILE: '/token' } });
    d.sts.failWith = new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    return d;
  };
  const expired = jwt({ iss: 'https://issuer.example', sub: 'repo:x', aud: 'sts.amazonaws.com', exp: now.getTime() / 1000 - 60 });
  it.each([
    ['neither static nor oidc', deps(), exportedFromPlain({}), 'aws-login.inputs'],
    ['a role that is not a role ARN', deps(), oidc({ roleArn: 'arn:aws:iam::1:user/u', webIdentityToken: good }), 'aws-login.role-arn'],
    ['a bad session name', deps(), oidc({ sessionName: 'a b', webIdentityToken: good }), 'aws-login.session-name'],
    ['a bad duration', deps(), oidc({ duration: '5s', webIdentityToken: good }), 'aws-login.duration'],
    ['no token anywhere', deps(), oidc(), 'aws-login.no-oidc-token'],
    ['a missing token file', deps(), oidc({ webIdentityTokenFile: '/nope' }), 'aws-login.token-file'],
    ['an unset token variable', deps(), oidc({ webIdentityTokenEnv: 'UNSET' }), 'aws-login.token-env'],
    ['a token that is not a JWT', deps(), oidc({ webIdentityToken: 'not-a-jwt' }), 'aws-login.invalid-token'],
    ['an expired token', deps(), oidc({ webIdentityToken: expired }), 'aws-login.expired-token'],
    ['STS refusing', denied(), oidc(), 'aws-login.sts.AccessDenied'],
  ])('%s', async (_n, d, inputs, code) => {
    await expect(awsLoginProvider(d).open(inputs, ctx)).rejects.toMatchObject({ code });
  });
});
