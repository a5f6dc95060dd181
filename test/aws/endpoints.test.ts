import { describe, expect, it } from 'vitest';
import { isValidRegion, stsEndpointSettings, stsEndpointUrl, stsHost } from '../../src/aws/endpoints.js';

describe('stsHost', () => {
  it.each([
    ['us-west-2', false, 'sts.us-west-2.amazonaws.com'],
    ['us-east-1', false, 'sts.us-east-1.amazonaws.com'],
    ['us-east-1', true, 'sts.amazonaws.com'],
    ['af-south-1', true, 'sts.af-south-1.amazonaws.com'],
    ['cn-north-1', false, 'sts.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', true, 'sts.cn-northwest-1.amazonaws.com.cn'],
    ['us-gov-west-1', false, 'sts.us-gov-west-1.amazonaws.com'],
    ['us-iso-east-1', false, 'sts.us-iso-east-1.c2s.ic.gov'],
  ])('%s (legacy %s) -> %s', (region, legacy, host) => expect(stsHost(region, { legacy })).toBe(host));
});

describe('esc-kube\'s own STS endpoint follows the standard variables', () => {
  it.each([
    [{}, 'https://sts.eu-west-1.amazonaws.com'],
    [{ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, 'http://127.0.0.1:5000'],
    [{ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' }, 'http://b'],
    [{ AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://sts-fips.eu-west-1.amazonaws.com'],
    [{ AWS_USE_DUALSTACK_ENDPOINT: 'true' }, 'https://sts.eu-west-1.api.aws'],
    [{ AWS_STS_REGIONAL_ENDPOINTS: 'legacy' }, 'https://sts.amazonaws.com'],
  ])('%j -> %s', (environ, url) => expect(stsEndpointUrl('eu-west-1', stsEndpointSettings(environ))).toBe(url));
});

it.each([
  ['us-west-2', true],
  ['cn-north-1', true],
  ['us-gov-east-1', true],
  ['US-WEST-2', false],
  ['uswest2', false],
  ['us-west-2; rm -rf /', false],
])('isValidRegion(%j) = %s', (r, ok) => expect(isValidRegion(r)).toBe(ok));
