// esc-kube's own STS calls go to the regional endpoint of the region the request names.

import { describe, expect, it } from 'vitest';
import { DEFAULT_STS_REGION, providerRegistry, type ProviderIo } from '../../src/providers/registry.js';
import { exportedFromPlain } from '../../src/esc/value.js';
import { TestIssuer } from '../fakes/jwt.js';

function io(regions: string[]): ProviderIo {
  return {
    fs: { readFile: async () => Buffer.from(''), readdir: async () => [], stat: async () => Promise.reject(new Error('no')) } as unknown as ProviderIo['fs'],
    readFile: async () => '',
    homedir: '/home/u',
    fetch: async () => Promise.reject(new Error('no network')),
    sts: (region) => {
      regions.push(region);
      return { assumeRoleWithWebIdentity: async () => Promise.reject(new Error('not called here')) };
    },
    deadline: () => new AbortController().signal,
    aws: { secretsManager: () => ({ getSecretValue: async () => '' }), parameterStore: () => ({ getParameter: async () => ({ value: '', type: 'String' }) }) },
  };
}

describe('the STS region of aws-login', () => {
  const jwt = new TestIssuer().mint();
  const inputs = exportedFromPlain({ oidc: { roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 'test-session', webIdentityToken: jwt } });
  it.each<[string, { region?: string; envRegion?: string | null; environ: Record<string, string> }, string]>([
    ['the region the request names comes first', { region: 'us-west-2', envRegion: 'eu-central-1', environ: { AWS_REGION: 'eu-west-1' } }, 'us-west-2'],
    ["then the environment's own", { envRegion: 'eu-central-1', environ: { AWS_REGION: 'eu-west-1' } }, 'eu-central-1'],
    ['then $AWS_REGION', { envRegion: null, environ: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' } }, 'eu-west-1'],
    ['then $AWS_DEFAULT_REGION', { environ: { AWS_DEFAULT_REGION: 'ap-south-1' } }, 'ap-south-1'],
    ['us-east-1 only when nothing names one', { environ: {} }, DEFAULT_STS_REGION],
  ])('%s', async (_n, { region, envRegion, environ }, want) => {
    const regions: string[] = [];
    let asked = 0;
    const environmentRegion = async () => {
      asked++;
      return envRegion ?? undefined;
    };
    const registry = providerRegistry(io(regions), { now: () => new Date(), environ, ...(region ? { region } : {}), ...(envRegion !== undefined ? { environmentRegion } : {}) });
    // Nothing is resolved until an STS call is made.
    expect(regions).toEqual([]);
    expect(asked).toBe(0);
    const login = registry.provider('aws-login')!;
    await expect(login.open(inputs, { environment: 'e', rootEnvironment: 'e' })).rejects.toThrow('not called here');
    await expect(login.open(inputs, { environment: 'e', rootEnvironment: 'e' })).rejects.toThrow();
    expect(regions).toEqual([want]);
    expect(asked).toBeLessThanOrEqual(1);
  });
});
