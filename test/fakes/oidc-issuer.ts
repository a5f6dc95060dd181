// A real OpenID provider for login tests (oidc-provider, in this process, with its development
// login and consent pages), and an STS double that trusts the tokens it signs.

import { createPublicKey } from 'node:crypto';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../e2e/helpers.js';
import { startStsDouble, type StsDouble } from './sts-double.js';

/** A running identity provider and the STS double that trusts it. */
export interface OidcIssuer {
  issuer: string;
  sts: StsDouble;
  /** How many authorization codes the token endpoint has exchanged. */
  codeExchanges(): number;
  close(): Promise<void>;
}

/** Starts oidc-provider on 127.0.0.1 with the public native client "esc-kube" (loopback redirects, PKCE, device grant, refresh tokens). */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'esc-kube',
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
      },
    ],
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    issueRefreshToken: () => true,
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    ttl: { IdToken: 600, AccessToken: 600, DeviceCode: 120, Interaction: 600, Grant: 3600, Session: 3600, RefreshToken: 3600 },
    cookies: { keys: ['esc-kube-test-cookie-key'] },
  } as never);
  let exchanges = 0;
  (provider as unknown as { on(event: string, f: (ctx: { oidc?: { params?: { grant_type?: string } } }) => void): void }).on('grant.success', (ctx) => {
    if (ctx.oidc?.params?.grant_type === 'authorization_code') exchanges++;
  });
  const server = (provider as unknown as { listen(port: number, host: string): Server }).listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: object[] };
  const sts = await startStsDouble({ issuer, publicKey: createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' }), audience: 'esc-kube' });
  return {
    issuer,
    sts,
    codeExchanges: () => exchanges,
    close: async () => {
      await sts.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
