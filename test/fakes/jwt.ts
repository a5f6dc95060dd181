// Minting RS256 JWTs for tests, with a key pair made per test run.

import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An issuer that signs JWTs with its own key. */
export class TestIssuer {
  readonly publicKey: KeyObject;
  private readonly privateKey: KeyObject;
  constructor(readonly issuer = 'https://token.actions.example') {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** A signed JWT with the given claims (iss, aud, sub and exp default to valid values). */
  mint(claims: Record<string, unknown> = {}, nowSeconds = Math.floor(Date.now() / 1000)): string {
    const header = { alg: 'RS256', typ: 'JWT', kid: 'test' };
    const payload = { iss: this.issuer, aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main', iat: nowSeconds, exp: nowSeconds + 600, ...claims };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${enc(header)}.${enc(payload)}`;
    const sig = createSign('RSA-SHA256').update(body).sign(this.privateKey).toString('base64url');
    return `${body}.${sig}`;
  }
}
