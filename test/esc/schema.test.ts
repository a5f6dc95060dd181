import { describe, expect, it } from 'vitest';
import { compileSchema, JSON_SCHEMA_SCHEMA, propertySchema, SchemaError, validateValue, type JsonSchema } from '../../src/esc/schema.js';
import { exportedFromPlain, Value, valueFromExported } from '../../src/esc/value.js';

const value = (data: unknown) => valueFromExported(exportedFromPlain(data), { env: 'e', path: '' });
const check = (data: unknown, schema: JsonSchema) => {
  const messages: string[] = [];
  const ok = validateValue(value(data), compileSchema(schema), (_v, m) => messages.push(m));
  return { ok, messages };
};

// Each message is upstream's (eval/eval_validate.go, v0.25), quirks included.
describe('validateValue, as upstream validates', () => {
  it.each([
    ['a type', 42, { type: 'string' }, ['expected string, got number']],
    ['integer is not a type upstream knows: every number fails it', 2, { type: 'integer' }, ['expected integer, got number']],
    ['required properties', { a: 1 }, { type: 'object', required: ['a', 'b', 'c'] }, ['missing required properties: b, c']],
    ['dependent required properties', { a: 1 }, { type: 'object', dependentRequired: { a: ['b'] } }, ['missing required properties: b']],
    ['items', ['a', 2], { type: 'array', items: { type: 'string' } }, ['expected string, got number']],
    ['prefix items', [1, 'x'], { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] }, ['expected number, got string']],
    ['minimum', 5, { minimum: 10 }, ['expected a number greater than or equal to 10']],
    ['exclusive minimum', 10, { exclusiveMinimum: 10 }, ['expected a number greater than 10']],
    ['maximum (upstream prints no space before the number)', 11, { maximum: 10 }, ['expected a number less than or equal to10']],
    ['exclusive maximum', 10, { exclusiveMaximum: 10 }, ['expected a number less than 10']],
    ['multiple of', 7, { multipleOf: 2 }, ['expected a multiple of 2']],
    ['min length counts bytes', 'é', { minLength: 3 }, ['expected a string of at least length 3']],
    ['max length', 'abc', { maxLength: 2 }, ['expected a string of at most length 2']],
    ['a pattern', 'x', { pattern: '^a' }, ['string must match the pattern "^a"']],
    ['min items', [], { minItems: 1 }, ['expected an array with at least 1 items']],
    ['max items', [1, 2], { maxItems: 1 }, ['expected an array with at most 1 items']],
    ['min properties', {}, { minProperties: 1 }, ['expected an object with at least 1 properties']],
    ['max properties', { a: 1, b: 2 }, { maxProperties: 1 }, ['expected an object with at most 1 properties']],
    ['a constant', 'c', { const: 'a' }, ['expected "a"']],
    ['an enum of one is a constant', 'c', { enum: ['a'] }, ['expected "a"']],
    ['an enum', 'c', { enum: ['a', 'b'] }, ['expected one of ["a","b"]']],
    ['any of: every failure, then the summary', true, { anyOf: [{ type: 'string' }, { type: 'number' }] }, ['expected string, got boolean', 'expected number, got boolean', 'at least one subschema must match']],
    ['one of: none', true, { oneOf: [{ type: 'string' }] }, ['expected string, got boolean', 'exactly one subschema must match']],
    ['one of: two', 'x', { oneOf: [{ type: 'string' }, { minLength: 1 }] }, ['exactly one subschema may match']],
    ['additionalProperties false fails without a word (upstream)', { rolArn: 'x' }, { type: 'object', additionalProperties: false, properties: { roleArn: {} } }, []],
    ['a false schema fails without a word (upstream)', 1, false, []],
    ['$ref into $defs', 1, { $defs: { s: { type: 'string' } }, $ref: '#/$defs/s' }, ['expected string, got number']],
    ['a passing value', { a: 'x' }, { type: 'object', properties: { a: { type: 'string', minLength: 1 } } }, []],
  ] as const)('%s', (_n, data, schema, messages) => {
    const r = check(data, schema as JsonSchema);
    expect(r.messages).toEqual(messages);
    if (messages.length > 0) expect(r.ok).toBe(false);
    else expect(r.ok).toBe(!(_n as string).includes('without a word'));
  });

  it('explains a property that a closed schema rejects, when asked (provider inputs)', () => {
    const seen: string[] = [];
    const ok = validateValue(value({ rolArn: 'x' }), compileSchema({ type: 'object', additionalProperties: false, properties: { roleArn: {} } }), () => {}, {
      explainUnknownProperties: (_v, key, known) => seen.push(`${key} not in ${known.join(',')}`),
    });
    expect(ok).toBe(false);
    expect(seen).toEqual(['rolArn not in roleArn']);
  });

  it.each([
    ['a reference outside $defs', { $ref: '#/definitions/x' }, 'only fragment references of the form #/$defs/ref are supported'],
    ['an unknown subschema', { $ref: '#/$defs/x' }, 'unknown subschema #/$defs/x'],
    ['a length that is not an unsigned integer', { minLength: 1.5 }, 'strconv.ParseUint: parsing "1.5": invalid syntax'],
    ['a pattern that does not compile', { pattern: '(' }, 'missing closing )'],
  ])('compiling: %s is an error with Compile\'s text', (_n, json, message) => {
    expect(() => compileSchema(json)).toThrow(SchemaError);
    expect(() => compileSchema(json)).toThrow(message);
  });
});

describe('the JSON Schema schema (what fn::validate accepts as a schema)', () => {
  const messagesFor = (schema: unknown) => {
    const messages: string[] = [];
    validateValue(value(schema), JSON_SCHEMA_SCHEMA, (_v, m) => messages.push(m));
    return messages;
  };
  it('accepts booleans and schema objects', () => {
    expect(messagesFor(true)).toEqual([]);
    expect(messagesFor({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })).toEqual([]);
  });
  it('rejects a type it does not list, with every alternative\'s failure', () => {
    expect(messagesFor({ type: 'integer' })).toEqual([
      'expected boolean, got object',
      'expected one of ["string","number","boolean","array","object","null"]',
      'at least one subschema must match',
    ]);
  });
});

describe('typed unknowns', () => {
  it('give a closed object\'s property schemas, and never for others', () => {
    const s = compileSchema({ type: 'object', properties: { a: { type: 'string' } } });
    expect(propertySchema(s, 'a').type).toBe('string');
    expect(propertySchema(s, 'b').never).toBe(true);
  });
  it('pass a schema that admits their type, and fail one that does not', () => {
    const u = Value.unknown({ env: 'e', path: '' });
    u.schema = compileSchema({ type: 'string' });
    const messages: string[] = [];
    expect(validateValue(u, compileSchema({ type: 'string' }), () => {})).toBe(true);
    expect(validateValue(u, compileSchema({ type: 'number' }), (_v, m) => messages.push(m))).toBe(false);
    expect(messages).toEqual(['expected number, got string']);
  });
});
