// The session tier as decorators of the StsClient and RoleChainer ports: the same role, session name,
// duration, policies, token identity (issuer, subject, audience) or base identity, and STS endpoint
// reuse cached credentials while at least 5 minutes remain; a miss takes the key's lock first, so many
// processes make one STS call.

import { decodeJwtClaims } from '../aws/jwt.js';
import type { AssumeRoleRequest, StsClient, StsSession } from '../providers/aws-login.js';
import type { RoleChainer } from '../aws/role-chain.js';
import { cacheKey, CACHE_FORMAT, type CredentialCache } from './credential-cache.js';

/** Wraps an StsClient with the session tier. `refresh` skips reading the cache (it is still updated). */
export function cachingStsClient(inner: StsClient, cache: CredentialCache, opts: { endpoint: string; refresh: boolean; env: string }): StsClient {
  return {
    assumeRoleWithWebIdentity: async (req: AssumeRoleRequest): Promise<StsSession> => {
      let claims: { iss?: unknown; sub?: unknown; aud?: unknown } = {};
      try {
        claims = decodeJwtClaims(req.webIdentityToken);
      } catch {
        // The provider has already refused tokens that are not JWTs.
      }
      const key = cacheKey('session', [req.roleArn, req.sessionName, req.durationSeconds, [...req.policyArns].sort(), claims.iss, claims.sub, claims.aud, opts.endpoint]);
      return cachedSession(cache, key, { ...opts, role: req.roleArn }, () => inner.assumeRoleWithWebIdentity(req));
    },
  };
}

/**
 * Wraps a RoleChainer with the session tier. The key holds the base identity (its access key id, never
 * its secret), the role, the session name, the external id and the STS endpoint; the entry is kept
 * until the earlier of the two sessions' ends.
 */
export function cachingRoleChainer(inner: RoleChainer, cache: CredentialCache, opts: { endpoint: string; refresh: boolean; env: string }): RoleChainer {
  return {
    assumeRole: async (base, role) => {
      const key = cacheKey('session', ['AssumeRole', base.accessKeyId, role.roleArn, role.sessionName, role.externalId ?? null, opts.endpoint]);
      // Kept no longer than the base credentials last.
      const ends = (made: StsSession) => (base.expiration && base.expiration < made.expiration ? base.expiration : made.expiration);
      return cachedSession(cache, key, { ...opts, role: role.roleArn }, () => inner.assumeRole(base, role), ends);
    },
  };
}

/** A session from the tier under `key`, or a new one made under its lock and kept until `ends`. */
function cachedSession(cache: CredentialCache, key: string, opts: { refresh: boolean; env: string; role: string }, make: () => Promise<StsSession>, ends = (s: StsSession) => s.expiration): Promise<StsSession> {
  const fromCache = async () => {
    const e = await cache.getSession(key);
    return e && { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey, sessionToken: e.sessionToken, expiration: new Date(e.expiration) };
  };
  return cache.getOrCreate(key, {
    read: fromCache,
    refresh: opts.refresh,
    make,
    store: (session) =>
      cache.put(
        key,
        { v: CACHE_FORMAT, accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: ends(session).toISOString() },
        { kind: 'session', role: opts.role, env: opts.env },
      ),
  });
}
