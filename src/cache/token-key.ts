// The token tier's key: everything that decides a token and is known before the environment is
// opened. What the environment itself contributes is checked at read time through the SHA-256 of
// every environment file the token was made from.

import { cacheKey } from './credential-cache.js';
import type { Environ } from '../environ.js';

/** Variables that change what an environment evaluates to or where a token points. */
export const KEY_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'USER',
  'PULUMI_BACKEND_URL',
] as const;

/** What a token request is made of. */
export interface TokenRequest {
  envName: string;
  envDir: string;
  clusterId: string;
  /** The region asked for (flag or cluster extension), not the one resolved from the environment. */
  region?: string | undefined;
  credentialsPath?: string | undefined;
  stsHost?: string | undefined;
  /** --backend, when given (where ORG/PROJECT/ENV names are looked up). */
  backend?: string | undefined;
  /** The role chained to (flags or exec extension), when one is. */
  role?: { roleArn?: string; sessionName?: string; externalId?: string } | undefined;
  environ: Environ;
}

/** The cache key of a token request. */
export function tokenKey(r: TokenRequest): string {
  const parts: unknown[] = [r.envName, r.envDir, r.clusterId, r.region ?? null, r.credentialsPath ?? null, r.stsHost ?? null, r.backend ?? null, KEY_VARIABLES.map((v) => r.environ[v] ?? null)];
  // Only with a role, so that the keys of requests without one stay what they were.
  const { roleArn, sessionName, externalId } = r.role ?? {};
  if (roleArn !== undefined || sessionName !== undefined || externalId !== undefined) parts.push([roleArn ?? null, sessionName ?? null, externalId ?? null]);
  return cacheKey('token', parts);
}
