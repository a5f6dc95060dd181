import { describe, expect, it } from 'vitest';
import { validateValue, type Schema } from '../../src/esc/schema.js';
import { exportedFromPlain, valueFromExported } from '../../src/esc/value.js';

const check = (data: unknown, schema: Schema) => {
  const messages: string[] = [];
  const ok = validateValue(valueFromExported(exportedFromPlain(data), { env: 'e', path: '' }), schema, (_v, m) => messages.push(m));
  return { ok, messages };
};

describe('validateValue', () => {
  it.each([
    ['a type', 42, { type: 'string' }, ['expected string, got number']],
    ['one of several types', null, { type: ['string', 'number'] }, ['expected string or number, got null']],
    ['integers', 1.5, { type: 'integer' }, ['expected integer, got number']],
    ['required properties', { a: 1 }, { type: 'object', required: ['a', 'b', 'c'] }, ['missing required properties: b, c']],
    ['a misspelt property', { rolArn: 'x' }, { type: 'object', additionalProperties: false, properties: { roleArn: {} } }, ['unknown property "rolArn"; did you mean "roleArn"?']],
    ['items', ['a', 2], { type: 'array', items: { type: 'string' } }, ['expected string, got number']],
    ['bounds', 5, { minimum: 10 }, ['expected a number >= 10']],
    ['a pattern', 'x', { pattern: '^a' }, ['expected a string matching "^a"']],
    ['an enum', 'c', { enum: ['a', 'b'] }, ['expected one of "a", "b"']],
    ['a passing value', { a: 'x' }, { type: 'object', properties: { a: { type: 'string', minLength: 1 } } }, []],
  ] as const)('%s', (_n, data, schema, messages) => {
    const r = check(data, schema as Schema);
    expect(r.messages).toEqual(messages);
    expect(r.ok).toBe(messages.length === 0);
  });
});
