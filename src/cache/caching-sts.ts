// The session tier as a decorator of the StsClient port: the same role, session name, duration,
// policies, token identity (issuer, subject, audience) and STS endpoint reuse cached credentials while
// at least 5 minutes remain; a miss takes the key's lock first, so many processes make one STS call.

import { decodeJwtClaims } from '../aws/jwt.js';
import type { AssumeRoleRequest, StsClient, StsSession } from '../providers/aws-login.js';
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
      const fromCache = async () => {
        const e = await cache.getSession(key);
        return e && { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey, sessionToken: e.sessionToken, expiration: new Date(e.expiration) };
      };
      return cache.getOrCreate(key, {
        read: fromCache,
        refresh: opts.refresh,
        make: () => inner.assumeRoleWithWebIdentity(req),
        store: (session) =>
          cache.put(
            key,
            { v: CACHE_FORMAT, accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: session.expiration.toISOString() },
            { kind: 'session', role: req.roleArn, env: opts.env },
          ),
      });
    },
  };
}
