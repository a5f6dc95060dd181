// Output for shells and dotenv readers: a generated corpus of values, each output sourced by sh,
// dash, bash and bash --posix in a scratch directory (nothing may run, every value must read back
// byte-equal) and read by a port of godotenv's parser; invalid names are diagnostics, never output.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dotenvQuote, formatDotenv, formatShell, shellQuote } from '../src/format.js';
import { checkProjectionNames, projectEnvironment, type Projection } from '../src/esc/projection.js';
import { parseDotenv } from './fakes/godotenv.js';
import { requireTools, tempDir } from './e2e/helpers.js';
import { evaluateEnvironment } from '../src/esc/eval.js';
import { fakeRegistry } from './fakes/providers.js';

const PIECES = ['a', 'Z', '0', ' ', "'", '"', '\\', '\\\\', '$', '`', '\n', '\r', '\t', '#', '=', '(', ')', '{', '}', ';', '&', '|', '*', '?', '~', '!', 'é', '日', '😀',
  '$(touch pwned)', '`touch pwned`', '${HOME}', '$HOME', '\\n', '\'"', 'export X=1', '"; touch pwned; "', "'; touch pwned; '", '\\$', '$$', '\\"', '\r\n'];

/** A deterministic corpus: fixed edge cases, then values made of random pieces (seeded). */
function corpus(n: number): string[] {
  let seed = 0x2545f491;
  const rand = (k: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % k;
  };
  const fixed = ['', ' ', "'", '"', '\\', 'a\\', 'a\\\\', '"a"', "'a'", 'a"', '"a', "it's", 'say "hi"', '$(touch pwned)', '`touch pwned`', 'line1\nline2', 'cr\ronly', 'x\r\ny', '#not a comment', ' lead and trail '];
  const out = [...fixed];
  while (out.length < n) out.push(Array.from({ length: rand(12) }, () => PIECES[rand(PIECES.length)]!).join(''));
  return out;
}

const values = corpus(320);
const projection = (vals: readonly string[]): Projection => ({
  environmentVariables: Object.fromEntries(vals.map((v, i) => [`V_${i}`, { value: v, secret: false }])),
  files: {},
});
const shells = [['sh'], ['dash'], ['bash'], ['bash', '--posix']] as const;
const tools = requireTools('sh', 'dash', 'bash');

/** Sources `text` in a scratch directory with the given shell and prints each variable NUL-terminated. */
function sourceIn(shell: readonly string[], text: string, count: number): { values: string[]; created: string[] } {
  const dir = tempDir({ 'vars.env': text });
  const script = `set -e; . ./vars.env; for i in $(seq 0 ${count - 1}); do eval "printf '%s\\\\0' \\"\\$V_$i\\""; done`;
  // stdin not a socket: bash sources ~/.bashrc when it thinks sshd started it.
  const [cmd, ...args] = shell as readonly [string, ...string[]];
  const r = spawnSync(cmd, [...args, '-c', script], { cwd: dir, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.stderr, `${shell.join(' ')} complained`).toBe('');
  expect(r.status).toBe(0);
  return { values: r.stdout.split('\0').slice(0, -1), created: readdirSync(dir).filter((f) => f !== 'vars.env') };
}

describe.runIf(tools.ok)('shell output: a generated corpus sourced by real shells', () => {
  it('has a corpus with every dangerous piece', () => {
    expect(values.length).toBeGreaterThanOrEqual(300);
    for (const p of ['$(touch pwned)', '`touch pwned`', "'", '"', '\\', '\n']) expect(values.some((v) => v.includes(p))).toBe(true);
  });

  it.each(shells.map((s) => [s.join(' '), s] as const))('-f shell sourced by %s: nothing runs, every value reads back byte-equal', (_n, shell) => {
    const out = sourceIn(shell, formatShell(projection(values)), values.length);
    expect(out.created).toEqual([]);
    expect(out.values).toEqual(values);
  });

  const dotenvable = values.filter((v) => !v.includes('\r\n') && !(v.includes("'") && v.endsWith('"')));
  it('most of the corpus is representable as dotenv; the rest is refused with the reason', () => {
    expect(dotenvable.length).toBeGreaterThan(values.length * 0.8);
    for (const v of values.filter((x) => !dotenvable.includes(x))) {
      expect(() => dotenvQuote('V', v)).toThrow(expect.objectContaining({ code: 'format', message: expect.stringMatching(/^the value of V cannot be written as dotenv exactly: it has .*; use --format shell or json$/) }));
    }
  });

  it.each(shells.map((s) => [s.join(' '), s] as const))('-f dotenv sourced by %s: nothing runs, every value reads back byte-equal', (_n, shell) => {
    const out = sourceIn(shell, formatDotenv(projection(dotenvable)), dotenvable.length);
    expect(out.created).toEqual([]);
    expect(out.values).toEqual(dotenvable);
  });

  it('-f dotenv read by godotenv (a port of its parser) gives every value back exactly', () => {
    const parsed = parseDotenv(formatDotenv(projection(dotenvable)));
    expect(Object.keys(parsed)).toHaveLength(dotenvable.length);
    dotenvable.forEach((v, i) => expect(parsed[`V_${i}`], JSON.stringify(v)).toBe(v));
  });
});

describe('quoting, case by case', () => {
  it.each([
    ['plain', 'abc', 'abc', "'abc'"],
    ['empty', '', "''", "''"],
    ['single quote', "it's", "'it'\\''s'", '"it\'s"'],
    ['command substitution', '$(id)', "'$(id)'", "'$(id)'"],
    ['backticks with a quote', "`id`'", "'`id`'\\'''", '"\\`id\\`\'"'],
    ['dollar with a quote', "$HOME'", "'$HOME'\\'''", '"\\$HOME\'"'],
    ['odd trailing backslash', 'a\\', "'a\\'", '"a\\\\"'],
  ])('%s', (_n, value, shell, dotenv) => {
    expect(shellQuote(value)).toBe(shell);
    expect(dotenvQuote('V', value)).toBe(dotenv);
  });

  it('a NUL in a value is refused (no environment variable can hold it)', () => {
    expect(() => formatShell(projection(['a\0b']))).toThrow(expect.objectContaining({ code: 'format' }));
  });
});

describe('variable names', () => {
  const evaluate = async (yaml: string) =>
    evaluateEnvironment({ name: 'e', source: { text: yaml, file: 'e.yaml' }, loader: { load: async () => undefined }, providers: fakeRegistry([]), context: {} });

  it('names that are not variable names are error diagnostics at their position, and never projected into output', async () => {
    const yaml = 'values:\n  environmentVariables:\n    "X=1; touch /tmp/p; Y": v\n    OK_1: fine\n    1BAD: v\n  files:\n    "a b": text\n';
    const r = await evaluate(yaml);
    const diags = checkProjectionNames(r.value);
    expect(diags.map((d) => [d.code, d.severity, d.range?.start.line, d.path])).toEqual([
      ['name', 'error', 5, 'environmentVariables["1BAD"]'],
      ['name', 'error', 3, 'environmentVariables["X=1; touch /tmp/p; Y"]'],
      ['name', 'error', 7, 'files["a b"]'],
    ]);
    for (const d of diags) expect(d.summary).not.toContain('touch');
  });

  it('__proto__ is a variable like any other', async () => {
    const r = await evaluate('values:\n  environmentVariables:\n    __proto__: p\n    constructor: c\n');
    const p = projectEnvironment(r.value?.export());
    expect(Object.keys(p.environmentVariables)).toEqual(['__proto__', 'constructor']);
    expect(formatShell(p)).toBe("export __proto__=p\nexport constructor=c\n");
  });
});
