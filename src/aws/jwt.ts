// Reading (not verifying) the claims of an OIDC JWT: STS verifies it; esc-kube only needs its expiry
// and, for cache keys, its issuer, subject and audience.

import { decodeJwt } from 'jose/jwt/decode';
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

/** jose's reasons, in esc-kube's words (they end up after "the OIDC token from ... is not usable:"). */
const REASONS: [RegExp, string][] = [
  [/base64url decode|parse the decoded payload/, 'its payload is not base64url-encoded JSON'],
  [/Claims Set/, 'its payload is not a JSON object'],
];

/** Decodes a JWT's payload (jose's decodeJwt, which does not verify); throws an Error saying what is wrong. */
export function decodeJwtClaims(jwt: string): JwtClaims {
  try {
    return decodeJwt(jwt.trim()) as JwtClaims;
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(REASONS.find(([re]) => re.test(message))?.[1] ?? 'it is not a JWT (expected three base64url parts separated by dots)', { cause: e });
  }
}
