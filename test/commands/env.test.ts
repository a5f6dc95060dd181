import { describe, expect, it } from 'vitest';
import { envOpenInput, renderOpened } from '../../src/commands/env-open.js';
import { definitionOf, envGetInput } from '../../src/commands/env-get.js';
import { envRunInput, separateRunCommand } from '../../src/commands/env-run.js';
import { envLsLines } from '../../src/commands/env-ls.js';
import { checkSummary } from '../../src/commands/env-check.js';
import { errorDiag, warningDiag } from '../../src/esc/diagnostics.js';
import { exportedFromPlain } from '../../src/esc/value.js';

describe('env open', () => {
  it.each([
    [['e', undefined, { format: 'json' }], { name: 'e', path: undefined, format: 'json' }],
    [['e', 'a.b', { format: 'string' }], { name: 'e', path: 'a.b', format: 'string' }],
    [['p/e', undefined, { format: 'dotenv' }], { name: 'p/e', path: undefined, format: 'dotenv' }],
  ] as const)('%j -> %j', ([name, path, opts], want) => expect(envOpenInput(name, path, opts)).toEqual(want));

  it.each(['dotenv', 'shell'] as const)('--format %s with a PATH is a usage error', (format) => {
    expect(() => envOpenInput('e', 'a', { format })).toThrow(expect.objectContaining({ code: 'usage', message: '--format dotenv and shell print the whole environment; drop PATH' }));
  });

  it.each([
    ['json', '{\n  "a": 1\n}\n', undefined],
    ['string', '{\n  "a": 1\n}\n', undefined],
    ['dotenv', "X='1'\n", '`files` entries are only written by `esc-kube env run`'],
    ['shell', 'export X=1\n', '`files` entries are only written by `esc-kube env run`'],
  ] as const)('renders %s', (format, text, note) => {
    const value = format === 'json' || format === 'string' ? exportedFromPlain({ a: 1 }) : exportedFromPlain({ environmentVariables: { X: 1 }, files: { F: 'x' } });
    expect(renderOpened(value, format)).toEqual({ text, ...(note ? { note } : {}) });
  });
});

describe('env get', () => {
  it.each([
    [['e', undefined, {}], { name: 'e', path: undefined, showSecrets: false }],
    [['e', 'pw', { showSecrets: true }], { name: 'e', path: 'pw', showSecrets: true }],
  ] as const)('%j -> %j', ([name, path, opts], want) => expect(envGetInput(name, path, opts)).toEqual(want));

  const text = 'values:\n  a:\n    b: 1\n  list:\n    - x\n    - y\n';
  it.each([
    [undefined, text],
    ['a', '  a:\n    b: 1\n'],
    ['a.b', '    b: 1\n'],
    ['list[1]', '    - y\n'],
    ['nope', '(nope is not defined here: it comes from an imported environment)\n'],
  ])('the definition of %s', (path, want) => expect(definitionOf(text, path)).toBe(want));

  it("a path into a provider's outputs is defined by its fn::open", () => {
    const opened = 'values:\n  s:\n    fn::open::aws-secrets:\n      get: {pw: {secretId: x}}\n  after: 1\n';
    expect(definitionOf(opened, 's.pw')).toBe('(s.pw is part of what fn::open::aws-secrets returns)\n  s:\n    fn::open::aws-secrets:\n      get: {pw: {secretId: x}}\n');
  });
});

describe('env run', () => {
  it.each([
    [['e', ['ls'], {}], { name: 'e', command: 'ls', args: [], interactive: false, secretArguments: false }],
    [['e', ['--', 'sh', '-c', 'x'], { interactive: true }], { name: 'e', command: 'sh', args: ['-c', 'x'], interactive: true, secretArguments: true }],
    [['e', ['env'], { showSecrets: true }], { name: 'e', command: 'env', args: [], interactive: false, secretArguments: true }],
  ] as const)('%j -> %j', ([name, command, opts], want) => expect(envRunInput(name, command, opts)).toEqual(want));

  it('needs a command', () => {
    expect(() => envRunInput('e', ['--'], {})).toThrow(expect.objectContaining({ code: 'usage' }));
  });

  it.each([
    [['env', 'run', 'e', 'ls', '-la'], ['env', 'run', 'e', '--', 'ls', '-la']],
    [['env', 'run', '--env-dir', 'd', 'e', 'ls'], ['env', 'run', '--env-dir', 'd', 'e', '--', 'ls']],
    [['env', 'run', 'e', '--', 'ls'], ['env', 'run', 'e', '--', 'ls']],
    [['env', 'open', 'e'], ['env', 'open', 'e']],
  ])('%j is run as %j', (argv, want) => expect(separateRunCommand(argv)).toEqual(want));
});

describe('env ls and env check', () => {
  it.each([
    [[], ''],
    [['a', 'p/b'], 'a\np/b\n'],
  ])('env ls %j', (names, want) => expect(envLsLines(names)).toBe(want));

  it.each([
    [[], 'e: 0 errors, 0 warnings\n', 0],
    [[warningDiag('syntax', 'w', 'e')], 'e: 0 errors, 1 warning\n', 0],
    [[errorDiag('syntax', 'x', 'e'), errorDiag('syntax', 'y', 'e'), warningDiag('syntax', 'w', 'e')], 'e: 2 errors, 1 warning\n', 1],
  ])('env check of %j', (diags, line, exitCode) => expect(checkSummary('e', diags)).toEqual({ line, exitCode }));
});
