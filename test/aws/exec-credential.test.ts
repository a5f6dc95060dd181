import { describe, expect, it } from 'vitest';
import { execCredentialJson, parseExecInfo, rfc3339 } from '../../src/aws/exec-credential.js';
import { parseGoDuration } from '../../src/aws/duration.js';
import { decodeJwtClaims } from '../../src/aws/jwt.js';

const V1 = 'client.authentication.k8s.io/v1';
const V1B = 'client.authentication.k8s.io/v1beta1';

describe('parseExecInfo', () => {
  it.each([
    ['unset (client-node)', undefined, { apiVersion: V1B, interactive: false }],
    ['v1', JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', spec: { interactive: true } }), { apiVersion: V1, interactive: true }],
    ['v1beta1', JSON.stringify({ apiVersion: V1B, kind: 'ExecCredential', spec: {} }), { apiVersion: V1B, interactive: false }],
    ['malformed JSON', '{nope', { apiVersion: V1B, warning: expect.stringContaining('not valid JSON') }],
    ['not an object', '[1]', { apiVersion: V1B, warning: expect.stringContaining('not a JSON object') }],
    ['unknown version', JSON.stringify({ apiVersion: 'x/v9' }), { apiVersion: V1B, warning: expect.stringContaining('unknown apiVersion "x/v9"') }],
  ])('%s', (_n, raw, want) => expect(parseExecInfo(raw)).toMatchObject(want));

  it('refuses v1alpha1 with a way out', () => {
    expect(() => parseExecInfo(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }))).toThrow(/removed in 1\.24; set apiVersion/);
  });

  it('reads spec.cluster.config', () => {
    const raw = JSON.stringify({ apiVersion: V1, spec: { interactive: false, cluster: { server: 'https://x', config: { env: 'e', cluster: 'c' } } } });
    expect(parseExecInfo(raw).clusterConfig).toEqual({ env: 'e', cluster: 'c' });
  });
});

it('ExecCredential JSON', () => {
  expect(JSON.parse(execCredentialJson(V1, 'k8s-aws-v1.x', new Date('2024-01-01T00:14:00.900Z')))).toEqual({
    kind: 'ExecCredential',
    apiVersion: V1,
    spec: {},
    status: { expirationTimestamp: '2024-01-01T00:14:00Z', token: 'k8s-aws-v1.x' },
  });
  expect(rfc3339(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00Z');
});

describe('rfc3339', () => {
  // toISOString() without its milliseconds is the reference: whole seconds, truncated, in UTC.
  it.each(['2024-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-12-31T23:59:59.500Z', '2030-07-04T09:05:03.001Z', '2001-09-09T01:46:40.000Z'])('%s', (iso) => {
    const d = new Date(iso);
    expect(rfc3339(d)).toBe(`${iso.slice(0, 19)}Z`);
    expect(rfc3339(d)).toBe(d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['1h', 3600],
    ['45m', 2700],
    ['1h30m', 5400],
    ['900s', 900],
    ['1.5h', 5400],
    ['0', 0],
    ['1d', undefined],
    ['h', undefined],
    ['3600', undefined],
  ])('%s -> %s', (s, n) => expect(parseGoDuration(s)).toBe(n));
});

describe('decodeJwtClaims', () => {
  const jwt = (payload: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;
  it('reads the claims', () => expect(decodeJwtClaims(jwt({ iss: 'i', exp: 5 }))).toEqual({ iss: 'i', exp: 5 }));
  it.each([
    ['not.a', 'three base64url parts'],
    ['a.b!.c', 'not base64url-encoded JSON'],
    ['a..c', 'three base64url parts'],
    ['a.e30x.c', 'not base64url-encoded JSON'],
    [`a.${Buffer.from('[1]').toString('base64url')}.c`, 'not a JSON object'],
  ])('%s', (t, msg) => expect(() => decodeJwtClaims(t)).toThrow(msg));
});
