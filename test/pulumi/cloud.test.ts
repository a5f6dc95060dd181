// Pulumi Cloud's refusals have their own codes: an authentication problem is never "not found".

import { describe, expect, it } from 'vitest';
import { openCloudEnvironment } from '../../src/pulumi/cloud.js';

const access = { apiBase: 'https://api.example', token: 'pul-x' };
const answering = (status: number): typeof fetch => async () => new Response(JSON.stringify({ code: status, message: 'no' }), { status, headers: { 'content-type': 'application/json' } });
const deps = (fetchImpl: typeof fetch) => ({ fetch: fetchImpl, sleep: async () => {}, clock: () => 0, deadline: () => new AbortController().signal, timeoutMs: 1000 });

describe('openCloudEnvironment failures', () => {
  it.each([
    [401, 'cloud-auth', 'refused the access token (401)'],
    [403, 'cloud-auth', 'denied access to environment acme/p/e (403)'],
    [404, 'env-not-found', 'environment acme/p/e not found in Pulumi Cloud'],
  ])('HTTP %i is %s', async (status, code, message) => {
    const err = await openCloudEnvironment('acme/p/e', access, deps(answering(status))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toContain(message);
  });

  it('no access token is cloud-auth, and nothing is sent', async () => {
    let sent = 0;
    const err = await openCloudEnvironment('acme/p/e', { ...access, token: undefined }, deps(async () => (sent++, new Response('{}')))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cloud-auth' });
    expect(sent).toBe(0);
  });
});
