import Provider from 'oidc-provider';
const issuer = 'http://127.0.0.1:4455';
const provider = new Provider(issuer, {
  clients: [{ client_id: 'esc-kube', token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'], response_types: ['code'] }],
  features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
  issueRefreshToken: () => true,
  findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  ttl: { IdToken: 120, AccessToken: 120 },
  pkce: { required: () => true },
});
provider.listen(4455, '127.0.0.1', () => console.log('listening'));
