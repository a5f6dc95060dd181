// Tokens against the published vectors (../shared/eks-token-vectors.json), and the verifier the
// end-to-end tests use against the server-side rules, including the rejected forms.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { presignEksToken, TOKEN_LIFETIME_MS } from '../../src/aws/eks-token.js';
import { stsHost } from '../../src/aws/endpoints.js';
import { rfc3339 } from '../../src/aws/exec-credential.js';
import { verifyToken } from '../fakes/token-verifier.js';
import { named, requirePath } from '../e2e/helpers.js';

interface Vector {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  region: string;
  cluster: string;
  signingTime: string;
  expectedToken: string;
  expectedUrl: string;
  expectedExpirationTimestamp: string;
}

const file = fileURLToPath(new URL('../../../shared/eks-token-vectors.json', import.meta.url));
const vectorsFile = requirePath(file);
const vectors = vectorsFile.ok
  ? (JSON.parse(readFileSync(file, 'utf8')) as { cases: Vector[]; rejectedByServer: { tokenUrl?: string; token?: string; why: string }[] })
  : undefined;

describe.runIf(vectorsFile.ok)(named('EKS token vectors', vectorsFile), () => {
  it('has cases', () => expect(vectors!.cases.length).toBeGreaterThan(0));
  it.each(vectors?.cases.map((c) => [c.name, c] as const) ?? [])('%s', async (_name, c) => {
    const now = new Date(c.signingTime);
    const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
    const { token, url } = await presignEksToken({ credentials, region: c.region, clusterId: c.cluster, host: stsHost(c.region), now });
    expect(url).toBe(c.expectedUrl);
    expect(token).toBe(c.expectedToken);
    expect(rfc3339(new Date(now.getTime() + TOKEN_LIFETIME_MS))).toBe(c.expectedExpirationTimestamp);
    // The verifier accepts it for this cluster with the right secret, and for no other cluster or secret.
    const verify = (clusterId: string, secret: string) => verifyToken(token, { clusterId, now: () => now, secretFor: () => secret });
    expect(verify(c.cluster, c.secretAccessKey)).toMatchObject({ ok: true, accessKeyId: c.accessKeyId });
    expect(verify('another-cluster', c.secretAccessKey)).toMatchObject({ ok: false, why: expect.stringContaining('SignatureDoesNotMatch') });
    expect(verify(c.cluster, 'wrong-secret')).toMatchObject({ ok: false });
  });

  it('has rejected forms', () => expect(vectors!.rejectedByServer.length).toBeGreaterThan(0));
  it.each(vectors?.rejectedByServer.map((r) => [r.why, r] as const) ?? [])('the server rejects: %s', (why, r) => {
    const token = r.token ?? 'k8s-aws-v1.' + Buffer.from(r.tokenUrl!).toString('base64url');
    const verdict = verifyToken(token, { clusterId: 'test-cluster', now: () => new Date('2023-04-28T00:05:00Z'), secretFor: () => 'x' });
    expect(verdict).toEqual({ ok: false, why: expect.stringContaining(why) });
  });

  it('rejects a token presigned 16 minutes ago', async () => {
    const c = vectors!.cases[0]!;
    const verdict = verifyToken(c.expectedToken, { clusterId: c.cluster, now: () => new Date('2023-04-28T00:16:00Z'), secretFor: () => c.secretAccessKey });
    expect(verdict).toEqual({ ok: false, why: 'X-Amz-Date parameter is expired' });
  });
});

describe('presignEksToken', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok/en+=' };
  it('names the given host and only the nine allowed parameters', async () => {
    const { url } = await presignEksToken({ credentials, region: 'us-gov-west-1', clusterId: 'c', host: 'sts.us-gov-west-1.amazonaws.com', now: new Date(0) });
    const u = new URL(url);
    expect(u.host).toBe('sts.us-gov-west-1.amazonaws.com');
    expect([...u.searchParams.keys()]).toEqual([
      'Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
    ]);
    expect(u.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(u.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
  });
  it('has no base64 padding', async () => {
    for (const clusterId of ['a', 'ab', 'abc', 'abcd']) {
      const { token } = await presignEksToken({ credentials, region: 'us-east-1', clusterId, host: 'sts.us-east-1.amazonaws.com', now: new Date(0) });
      expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    }
  });
});
