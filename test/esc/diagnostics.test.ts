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
});
