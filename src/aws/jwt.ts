// Reading (not verifying) the claims of an OIDC JWT: STS verifies it; esc-kube only needs its expiry
// and, for cache keys, its issuer, subject and audience.

import { sha256Hex } from '../cache/sha256.js';

/** The claims esc-kube looks at. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
}

/**
 * The OIDC token a session was made from, as the token tier checks it again on every hit (never the
 * token itself): where it is read, and a digest of its issuer, subject and audience.
 */
export interface OidcIdentity {
  /** A file or a variable is read again on a hit; any other source is judged by the expiry alone. */
  source: 'file' | 'env' | 'other';
  /** The file (source "file") or the variable's name (source "env"). */
  at?: string;
  /** SHA-256 of the issuer, subject and audience. */
  digest: string;
  /** The token's expiry, seconds since the epoch. */
  exp?: number;
}

/** The digest of a token's identity claims (issuer, subject, audience). */
export function identityDigest(claims: JwtClaims): string {
  return sha256Hex(JSON.stringify([claims.iss ?? null, claims.sub ?? null, claims.aud ?? null]));
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
