// AWS partitions and STS hosts, as the AWS CLI and SDKs resolve them.

import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** Regions whose STS endpoint was the global sts.amazonaws.com before regional endpoints became the default. */
const LEGACY_GLOBAL_REGIONS = new Set([
  'ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'aws-global', 'ca-central-1', 'eu-central-1',
  'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
]);

const PARTITIONS: [prefix: string, dnsSuffix: string][] = [
  ['cn-', 'amazonaws.com.cn'],
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-isof-', 'csp.hci.ic.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk'],
  ['eusc-', 'amazonaws.eu'],
];

/** True for a syntactically valid AWS region name such as us-west-2 or cn-north-1. */
export function isValidRegion(region: string): boolean {
  return /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region) || region === 'aws-global';
}

/** The DNS suffix of a region's partition (amazonaws.com, amazonaws.com.cn, ...). */
export function dnsSuffix(region: string): string {
  return PARTITIONS.find(([p]) => region.startsWith(p))?.[1] ?? 'amazonaws.com';
}

/**
 * The standard STS host for a region: regional by default; sts.amazonaws.com for the legacy regions
 * when AWS_STS_REGIONAL_ENDPOINTS=legacy (as the AWS CLI does).
 */
export function stsHost(region: string, opts: { legacy?: boolean } = {}): string {
  if (region === 'aws-global' || (opts.legacy && LEGACY_GLOBAL_REGIONS.has(region))) return 'sts.amazonaws.com';
  return `sts.${region}.${dnsSuffix(region)}`;
}

/** Settings that decide where esc-kube's own STS calls go, read from the standard AWS variables. */
export interface StsEndpointSettings {
  /** An explicit endpoint URL (AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL). */
  endpointUrl?: string;
  useFips: boolean;
  useDualstack: boolean;
  legacy: boolean;
}

/** Reads the STS endpoint settings from environment variables. */
export function stsEndpointSettings(environ: Environ): StsEndpointSettings {
  const flag = (v: string | undefined) => v?.toLowerCase() === 'true';
  const endpointUrl = environ.AWS_ENDPOINT_URL_STS || environ.AWS_ENDPOINT_URL || undefined;
  return {
    ...defined({ endpointUrl: endpointUrl || undefined }),
    useFips: flag(environ.AWS_USE_FIPS_ENDPOINT),
    useDualstack: flag(environ.AWS_USE_DUALSTACK_ENDPOINT),
    legacy: environ.AWS_STS_REGIONAL_ENDPOINTS?.toLowerCase() === 'legacy',
  };
}

/** The URL esc-kube's own STS calls go to (AssumeRoleWithWebIdentity). */
export function stsEndpointUrl(region: string, s: StsEndpointSettings): string {
  if (s.endpointUrl) return s.endpointUrl;
  if (!s.useFips && !s.useDualstack) return `https://${stsHost(region, { legacy: s.legacy })}`;
  const suffix = s.useDualstack ? (dnsSuffix(region) === 'amazonaws.com' ? 'api.aws' : dnsSuffix(region).replace('amazonaws', 'api.amazonwebservices')) : dnsSuffix(region);
  return `https://sts${s.useFips ? '-fips' : ''}.${region}.${suffix}`;
}
