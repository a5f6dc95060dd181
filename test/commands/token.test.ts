import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/commands/options.js';
import { parseTokenArgv, TOKEN_OPTIONS } from '../../src/commands/token-options.js';
import { tokenInput } from '../../src/commands/token.js';

describe('the warm path parses token argv from the command\'s own table', () => {
  it.each([
    [['token', '--env', 'e', '--cluster', 'c'], { env: 'e', cluster: 'c' }],
    [['token', '--env=e', '--cluster=c', '--env-dir', '/d'], { env: 'e', cluster: 'c', envDir: '/d' }],
    [['--env-dir', '/d', 'token', '--env', 'e'], { env: 'e', envDir: '/d' }],
    [['token', '--env', 'e', '--verbose', '--cluster', 'c'], { env: 'e', cluster: 'c', verbose: true }],
    [['token', '--refresh', '--env', 'e'], { env: 'e', refresh: true }],
    [['token', '--backend', 'local'], { backend: 'local' }],
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
  ])('%j -> %j', (opts, want) => expect(tokenInput(opts)).toEqual(want));
});
