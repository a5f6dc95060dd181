// Check mode (upstream's CheckEnvironment): fn::open and fn::rotate are never invoked.

import { describe, expect, it } from 'vitest';
import { evaluateEnvironment, ProviderError, type Provider, type ProviderRegistry, type Rotator } from '../../src/esc/eval.js';
import { exportedToPlain } from '../../src/esc/value.js';
import { AWS_LOGIN_INPUT_SCHEMA, AWS_LOGIN_OUTPUT_SCHEMA } from '../../src/providers/aws-login.js';

/** A registry whose provider and rotator count their calls. */
function spyRegistry() {
  const calls: string[] = [];
  const provider: Provider = {
    inputSchema: AWS_LOGIN_INPUT_SCHEMA,
    outputSchema: AWS_LOGIN_OUTPUT_SCHEMA,
    open: async () => {
      calls.push('open');
      return { value: { accessKeyId: { value: 'AKIA', secret: false, unknown: false } }, secret: false, unknown: false };
    },
  };
  const rotator: Rotator = {
    open: async (_i, state) => {
      calls.push('rotate');
      return state;
    },
  };
  const registry: ProviderRegistry = { provider: (n) => (n === 'aws-login' ? provider : undefined), rotator: (n) => (n === 'swap' ? rotator : undefined) };
  return { calls, registry };
}

const text = `values:
  creds:
    fn::open::aws-login:
      static: {accessKeyId: AKIA, secretAccessKey: s}
  id: \${creds.accessKeyId}
  rotated:
    fn::rotate::swap: {inputs: {}, state: {a: x}}
`;

const evaluate = (mode: 'open' | 'check', registry: ProviderRegistry) =>
  evaluateEnvironment({ name: 'e', source: { text }, loader: { load: async () => undefined }, providers: registry, mode });

describe('check mode', () => {
  it('invokes no provider and no rotator, and types the provider\'s output', async () => {
    const { calls, registry } = spyRegistry();
    const r = await evaluate('check', registry);
    expect(calls).toEqual([]);
    expect(r.diagnostics).toEqual([]);
    expect(exportedToPlain(r.value!.export())).toEqual({ creds: '[unknown]', id: '[unknown]', rotated: '[unknown]' });
  });

  it('open mode invokes each once (the spy works)', async () => {
    const { calls, registry } = spyRegistry();
    const r = await evaluate('open', registry);
    expect(calls.sort()).toEqual(['open', 'rotate']);
    expect(exportedToPlain(r.value!.export())).toMatchObject({ id: 'AKIA', rotated: { a: 'x' } });
  });
});

describe('provider failures', () => {
  it('keep the provider\'s code in the diagnostic (detail) beside the class "provider"', async () => {
    const failing: ProviderRegistry = {
      provider: () => ({ open: async () => Promise.reject(new ProviderError('aws-login.no-oidc-token', 'aws-login: no OIDC token found')) }),
      rotator: () => undefined,
    };
    const r = await evaluateEnvironment({ name: 'e', source: { text: 'values:\n  a: {fn::open::aws-login: {}}\n' }, loader: { load: async () => undefined }, providers: failing });
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'provider', detail: 'aws-login.no-oidc-token', summary: 'aws-login: no OIDC token found' })]);
  });
});
