import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/commands/options.js';
import { parseTokenArgv, TOKEN_OPTIONS, tokenKeyFor } from '../../src/commands/token-options.js';
import { tokenInput } from '../../src/commands/token.js';

describe('the warm path parses token argv from the command\'s own table', () => {
  it.each([
    [['token', '--env', 'e', '--cluster', 'c'], { env: 'e', cluster: 'c' }],
    [['token', '--env=e', '--cluster=c', '--env-dir', '/d'], { env: 'e', cluster: 'c', envDir: '/d' }],
    [['--env-dir', '/d', 'token', '--env', 'e'], { env: 'e', envDir: '/d' }],
    [['token', '--env', 'e', '--verbose', '--cluster', 'c'], { env: 'e', cluster: 'c', verbose: true }],
    [['token', '--refresh', '--env', 'e'], { env: 'e', refresh: true }],
    [['token', '--backend', 'local'], { backend: 'local' }],
    [['token', '--role-arn', 'arn:aws:iam::1:role/r', '--session-name', 's', '--external-id', 'x'], { roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', externalId: 'x' }],
    [['token', '--backend', 'cloud'], undefined],
    [['token', '--env'], undefined],
    [['token', '--env', ''], undefined],
    [['token', '--env', 'a', '--env', 'b'], undefined],
    [['token', '--help'], undefined],
    [['token', '--verbose=yes'], undefined],
    [['token', 'extra'], undefined],
    [['token', '--', '--env', 'e'], undefined],
    [['--env', 'e', 'token'], undefined],
    [['env', 'open', 'x'], undefined],
  ])('%j -> %j', (argv, want) => expect(parseTokenArgv(argv)).toEqual(want));

  it('understands every option of the table', () => {
    const specs = [...TOKEN_OPTIONS, ...GLOBAL_OPTIONS];
    expect(specs.length).toBeGreaterThan(8);
    for (const s of specs) {
      const value = s.choices?.[0] ?? 'x';
      const parsed = parseTokenArgv(['token', `--${s.name}`, ...(s.value ? [value] : [])]);
      expect(parsed, s.name).toBeDefined();
      expect(Object.values(parsed!), s.name).toEqual([s.value ? value : true]);
    }
  });
});

describe('tokenInput maps options to the use case', () => {
  it.each([
    [{}, {}],
    [{ env: 'e', cluster: 'c' }, { env: 'e', cluster: 'c' }],
    [{ clusterId: 'id', region: 'us-west-2', credentials: 'aws.login', stsHost: 'sts.x' }, { clusterId: 'id', region: 'us-west-2', credentialsPath: 'aws.login', stsHost: 'sts.x' }],
    [{ env: '', cache: 'file', refresh: true, verbose: true, envDir: '/d' }, {}],
    [
      { roleArn: 'arn:aws:iam::1:role/r', sessionName: 'alice', externalId: 'ext-1' },
      { roleArn: 'arn:aws:iam::1:role/r', sessionName: 'alice', externalId: 'ext-1' },
    ],
  ])('%j -> %j', (opts, want) => expect(tokenInput(opts)).toEqual(want));
});

describe('the token key of a request with a role', () => {
  const names = { envName: 'e', clusterId: 'c', region: 'us-west-2' };
  const key = (role?: { roleArn?: string; sessionName?: string; externalId?: string }) => tokenKeyFor({}, { ...names, role }, '/envs', {});
  it('differs for each role, session name and external id, and stays what it was without a role', () => {
    const keys = [
      key(),
      key({ roleArn: 'arn:aws:iam::1:role/a' }),
      key({ roleArn: 'arn:aws:iam::1:role/b' }),
      key({ roleArn: 'arn:aws:iam::1:role/a', sessionName: 's' }),
      key({ roleArn: 'arn:aws:iam::1:role/a', externalId: 'x1' }),
      key({ roleArn: 'arn:aws:iam::1:role/a', externalId: 'x2' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(key({})).toBe(key());
    expect(key()).toBe(tokenKeyFor({}, names, '/envs', {}));
  });
});
