// Reading (not verifying) the claims of an OIDC JWT: STS verifies it; esc-kube only needs its expiry
// and, for cache keys, its issuer, subject and audience.

/** The claims esc-kube looks at. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
}

/** Decodes a JWT's payload; throws an Error saying what is wrong when it is not a JWT. */
export function decodeJwtClaims(jwt: string): JwtClaims {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || parts[1] === '') {
    throw new Error('it is not a JWT (expected three base64url parts separated by dots)');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new Error('its payload is not base64url-encoded JSON');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('its payload is not a JSON object');
  return claims as JwtClaims;
}
