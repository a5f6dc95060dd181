import { describe, expect, it } from 'vitest';
import { evaluateEnvironment } from '../../src/esc/eval.js';
import { renderDiagnostics } from '../../src/esc/diagnostics.js';
import { editDistance, suggest } from '../../src/esc/suggest.js';
import { fakeRegistry } from '../fakes/providers.js';

const text = `values:
  aws:
    region: us-west-2
  environmentVariables:
    AWS_REGION: \${aws.regoin}
    OTHER: \${missing}
`;

describe('diagnostics', () => {
  it('render with file:line:column, the source line and a caret, and evaluation goes on', async () => {
    const r = await evaluateEnvironment({
      name: 'aws-sandbox',
      source: { text, file: 'aws-sandbox.yaml' },
      loader: { load: async () => undefined },
      providers: fakeRegistry([]),
    });
    expect(r.diagnostics).toHaveLength(2);
    const out = renderDiagnostics(r.diagnostics, () => ({ file: 'aws-sandbox.yaml', text }));
    expect(out).toContain('aws-sandbox.yaml:5:23: unknown property "regoin"; did you mean "region"?');
    expect(out).toContain('5 |     AWS_REGION: ${aws.regoin}\n  |                       ^~~~~~');
    expect(out).toContain('aws-sandbox.yaml:6:14: unknown property "missing"');
  });
});

describe('suggest', () => {
  it.each([
    ['regoin', ['region', 'role'], 'region'],
    ['colour', ['color'], 'color'],
    ['bar', ['baz', 'hello'], 'baz'],
    ['bar', ['foo'], undefined],
    ['x', ['y'], undefined],
    ['', ['a'], undefined],
  ])('%j among %j -> %j', (name, candidates, want) => expect(suggest(name, candidates)).toBe(want));
  it('counts a transposition as one edit', () => expect(editDistance('dmeo', 'demo')).toBe(1));
  it('with a bound, agrees with the unbounded distance up to the bound (random strings)', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const word = () => Array.from({ length: rand(9) }, () => 'abcd'[rand(4)]).join('');
    for (let i = 0; i < 2000; i++) {
      const [a, b, max] = [word(), word(), rand(4)];
      const full = editDistance(a, b);
      expect(editDistance(a, b, max), `${a} ${b} ${max}`).toBe(full <= max ? full : max + 1);
    }
  });
});
