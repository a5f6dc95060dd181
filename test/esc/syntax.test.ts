import { describe, expect, it } from 'vitest';
import { decodeYaml, type SyntaxNode } from '../../src/esc/syntax.js';

const scalar = (text: string): SyntaxNode => {
  const doc = decodeYaml(`v: ${text}\n`, 'e');
  expect(doc.diagnostics).toEqual([]);
  return (doc.node as Extract<SyntaxNode, { kind: 'object' }>).entries[0]!.value;
};

describe('scalars resolve as yaml.v3 resolves them', () => {
  it.each([
    ['yes', { kind: 'string', value: 'yes' }],
    ['on', { kind: 'string', value: 'on' }],
    ['True', { kind: 'boolean', value: true }],
    ['~', { kind: 'null' }],
    ['null', { kind: 'null' }],
    ['"42"', { kind: 'string', value: '42' }],
    ['+5', { kind: 'number', text: '5' }],
    ['0x1F', { kind: 'number', text: '31' }],
    ['0o17', { kind: 'number', text: '15' }],
    ['017', { kind: 'number', text: '15' }],
    ['1_000', { kind: 'number', text: '1000' }],
    ['1.50', { kind: 'number', text: '1.5' }],
    ['1e3', { kind: 'number', text: '1000' }],
    ['.5', { kind: 'number', text: '0.5' }],
    ['2024-01-31', { kind: 'string', value: '2024-01-31' }],
    ['1.2.3', { kind: 'string', value: '1.2.3' }],
    ["'0x1F'", { kind: 'string', value: '0x1F' }],
    ['!!str 12', { kind: 'string', value: '12' }],
  ])('%s', (text, want) => expect(scalar(text)).toMatchObject(want));
});

describe('documents esc does not accept', () => {
  it.each([
    ['alias', 'a: &x 1\nb: *x\n', 'alias nodes are not supported'],
    ['merge key of an alias', 'a: &x {x: 1}\nb:\n  <<: *x\n', 'alias nodes are not supported'],
    ['numeric key', 'ports:\n  8080: http\n', 'mapping keys must be strings'],
    ['boolean key', 'true: x\n', 'mapping keys must be strings'],
    ['syntax error', 'a: [1, 2\n', 'YAML syntax error'],
    ['two documents', 'a: 1\n---\nb: 2\n', 'YAML syntax error'],
    ['a standard tag the text does not fit', 'a: !!int abc\n', 'yaml: cannot decode !!str `abc` as a !!int'],
    ['bad !!binary', 'a: !!binary "not base64!"\n', 'yaml: !!binary value contains invalid base64 data'],
  ])('%s', (_name, text, msg) => {
    const doc = decodeYaml(text, 'e', 'e.yaml');
    expect(doc.node).toBeUndefined();
    expect(doc.diagnostics[0]).toMatchObject({ code: 'yaml', severity: 'error', env: 'e' });
    expect(doc.diagnostics[0]!.summary).toContain(msg);
    expect(doc.diagnostics[0]!.range?.start.line).toBeGreaterThan(0);
  });
});

it('keeps positions and paths', () => {
  const doc = decodeYaml('values:\n  a:\n    - x\n    - "key with space": 1\n', 'e');
  const values = (doc.node as Extract<SyntaxNode, { kind: 'object' }>).entries[0]!.value as Extract<SyntaxNode, { kind: 'object' }>;
  const list = values.entries[0]!.value as Extract<SyntaxNode, { kind: 'array' }>;
  expect(list.elements[1]!.path).toBe('values.a[1]');
  expect((list.elements[1] as Extract<SyntaxNode, { kind: 'object' }>).entries[0]!.key.path).toBe('values.a[1]["key with space"]');
  expect(list.elements[0]!.range.start).toMatchObject({ line: 3, column: 7 });
});

it('takes a << key literally, as yaml.v3 does without an alias (upstream has no merge keys)', () => {
  const doc = decodeYaml('b:\n  <<: {y: 2}\n', 'e');
  expect(doc.diagnostics).toEqual([]);
  const b = (doc.node as Extract<SyntaxNode, { kind: 'object' }>).entries[0]!.value as Extract<SyntaxNode, { kind: 'object' }>;
  expect(b.entries[0]!.key.value).toBe('<<');
});
