// The deterministic fake providers that the conformance cases name (../shared/esc-conformance/README.md).
// Test code only: esc-kube's real providers live in src/providers.

import type { Decrypter, Provider, ProviderRegistry, Rotator } from '../../src/esc/eval.js';
import { exportedToPlain, NumberValue, type Exported } from '../../src/esc/value.js';
import { AWS_LOGIN_OUTPUT_SCHEMA, staticCredentials } from '../../src/providers/aws-login.js';

const identity: Provider = { open: async (inputs) => inputs };

function markSecret(e: Exported): Exported {
  const r = e.value;
  if (Array.isArray(r)) return { ...e, secret: true, value: r.map(markSecret) };
  if (r !== null && typeof r === 'object' && !(r instanceof NumberValue)) {
    const o: Record<string, Exported> = {};
    for (const k of Object.keys(r)) o[k] = markSecret((r as Record<string, Exported>)[k]!);
    return { ...e, secret: true, value: o };
  }
  return { ...e, secret: true };
}

const str = (value: string, secret = false): Exported => ({ value, secret, unknown: false });

/** The "aws-login" fake: static credentials pass through; oidc returns fixed fake credentials. */
export const fakeAwsLogin: Provider = {
  // The real provider's output schema, so that check mode types its outputs as esc-kube does.
  outputSchema: AWS_LOGIN_OUTPUT_SCHEMA,
  open: async (inputs) => {
    const plain = exportedToPlain(inputs) as { static?: Record<string, string>; oidc?: { roleArn: string; sessionName: string } };
    if (plain.static) return staticCredentials(plain.static);
    if (plain.oidc) {
      return {
        value: {
          accessKeyId: str('ASIAFAKEACCESSKEY'),
          secretAccessKey: str(`fake-secret:${plain.oidc.roleArn}`, true),
          sessionToken: str(`fake-token:${plain.oidc.sessionName}`, true),
        },
        secret: false,
        unknown: false,
      };
    }
    throw new Error('aws-login needs "static" or "oidc"');
  },
};

const swap: Rotator = {
  open: async (_inputs, state) => {
    if (state.value === null) return { value: {}, secret: false, unknown: false };
    return state;
  },
};

/** The rot128 fake decrypter: every byte + 128. */
export const rot128: Decrypter = {
  decrypt: async (ciphertext) => ciphertext.map((b) => (b + 128) % 256),
};

/** A registry holding the named fakes. */
export function fakeRegistry(names: readonly string[]): ProviderRegistry {
  const providers: Record<string, Provider> = {};
  const rotators: Record<string, Rotator> = {};
  for (const n of names) {
    if (n === 'test' || n === 'schema') providers[n] = identity;
    if (n === 'secret-wrapper') providers[n] = { open: async (inputs) => markSecret(inputs) };
    if (n === 'error') {
      providers[n] = {
        open: async (inputs) => {
          throw new Error(String((exportedToPlain(inputs) as { why?: unknown }).why));
        },
      };
    }
    if (n === 'aws-login') providers[n] = fakeAwsLogin;
    if (n === 'swap') rotators[n] = swap;
  }
  // Cases use "test" in passing (e.g. inside rotate-paths) without declaring it.
  providers.test ??= identity;
  return {
    provider: (name) => (Object.hasOwn(providers, name) ? providers[name] : undefined),
    rotator: (name) => (Object.hasOwn(rotators, name) ? rotators[name] : undefined),
  };
}
