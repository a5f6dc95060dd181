// esc-kube's own STS calls go to the regional endpoint of the region the request names.

import { describe, expect, it } from 'vitest';
import { DEFAULT_STS_REGION, providerRegistry, type ProviderIo } from '../../src/providers/registry.js';

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
  it.each([
    ['the region the request names comes first', { region: 'us-west-2', environ: { AWS_REGION: 'eu-west-1' } }, 'us-west-2'],
    ['then $AWS_REGION', { environ: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' } }, 'eu-west-1'],
    ['then $AWS_DEFAULT_REGION', { environ: { AWS_DEFAULT_REGION: 'ap-south-1' } }, 'ap-south-1'],
    ['us-east-1 only when nothing names one', { environ: {} }, DEFAULT_STS_REGION],
  ])('%s', (_n, setup, want) => {
    const regions: string[] = [];
    providerRegistry(io(regions), { now: () => new Date(), ...setup });
    expect(regions).toEqual([want]);
  });
});
