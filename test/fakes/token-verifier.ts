// An EKS token verifier written after aws-iam-authenticator's pkg/token Verify: the checks EKS makes
// before it asks STS, then, in place of STS, a SigV4 signature check with the secret of the credentials
// (an independent SigV4 implementation, so it does not just repeat esc-kube's signer).

import { createHash, createHmac } from 'node:crypto';

/** The outcome of verifying a token. */
export type Verdict = { ok: true; accessKeyId: string; sessionToken?: string } | { ok: false; why: string };

/** What the verifier knows: its cluster, the clock and the secrets of the credentials it issued. */
export interface VerifierConfig {
  clusterId: string;
  now: () => Date;
  secretFor: (accessKeyId: string) => string | undefined;
}

const PREFIX = 'k8s-aws-v1.';
const ALLOWED = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/** STS hosts EKS accepts: sts.amazonaws.com and the regional hosts of the partitions. */
export function isStsHost(host: string): boolean {
  return host === 'sts.amazonaws.com' || /^sts\.[a-z]{2,4}(-[a-z]+)+-\d+\.amazonaws\.com(\.cn)?$/.test(host);
}

/** Verifies a bearer token the way EKS does. */
export function verifyToken(token: string, cfg: VerifierConfig): Verdict {
  const fail = (why: string): Verdict => ({ ok: false, why });
  if (Buffer.byteLength(token) > 4096) return fail('token is too large');
  if (!token.startsWith(PREFIX)) return fail(`token is missing expected "${PREFIX}" prefix`);
  const b64 = token.slice(PREFIX.length);
  const bad = b64.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || b64.length % 4 === 1) return fail(`illegal base64 data at input byte ${bad >= 0 ? bad : b64.length - 1}`);
  const rawUrl = Buffer.from(b64, 'base64url').toString('utf8');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return fail('malformed pre-signed URL');
  }
  if (url.protocol !== 'https:') return fail('unexpected scheme');
  if (!isStsHost(url.host)) return fail(`unexpected hostname ${JSON.stringify(url.host)} in pre-signed URL`);
  if (url.pathname !== '/') return fail('unexpected path in pre-signed URL');

  const query = new Map<string, string>();
  for (const [k, v] of url.searchParams) {
    const key = k.toLowerCase();
    if (!ALLOWED.has(key)) return fail('non-whitelisted query parameter');
    if (query.has(key)) return fail('query parameter with multiple values not supported');
    query.set(key, v);
  }
  if (query.get('action') !== 'GetCallerIdentity') return fail('unexpected action parameter in pre-signed URL');
  const signedHeaders = (query.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) return fail('client did not sign the x-k8s-aws-id header in the pre-signed URL');
  const expires = Number(query.get('x-amz-expires'));
  if (!Number.isInteger(expires) || expires < 0 || expires > 900) return fail('invalid X-Amz-Expires parameter in pre-signed URL');
  const dateText = query.get('x-amz-date') ?? '';
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(dateText);
  if (!m) return fail('malformed X-Amz-Date');
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (cfg.now().getTime() - signedAt > 15 * 60 * 1000) return fail('X-Amz-Date parameter is expired');

  // In place of STS: check the signature with the server's own cluster name in x-k8s-aws-id.
  const credential = query.get('x-amz-credential') ?? '';
  const [accessKeyId, day, region, service, terminator] = credential.split('/');
  if (!accessKeyId || service !== 'sts' || terminator !== 'aws4_request' || day !== dateText.slice(0, 8)) return fail('malformed credential scope');
  const secret = cfg.secretFor(accessKeyId);
  if (!secret) return fail('InvalidClientTokenId: the security token included in the request is invalid');
  const canonicalQuery = [...url.searchParams]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerValues: Record<string, string> = { host: url.host, 'x-k8s-aws-id': cfg.clusterId };
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValues[h] ?? ''}\n`).join('');
  const canonicalRequest = ['GET', '/', canonicalQuery, canonicalHeaders, signedHeaders.join(';'), sha256Hex('')].join('\n');
  const scope = `${day}/${region}/sts/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', dateText, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region!, 'sts', 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== query.get('x-amz-signature')) return fail('SignatureDoesNotMatch: the request signature does not match (token for another cluster?)');
  const sessionToken = query.get('x-amz-security-token');
  return { ok: true, accessKeyId, ...(sessionToken ? { sessionToken } : {}) };
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** A request signed with an Authorization header (an STS call), as the double received it. */
export interface SignedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Checks a header-signed SigV4 request the way AWS does, with the secret of its access key; the
 * access key id when it holds, else why not.
 */
export function verifySignedRequest(req: SignedRequest, secretFor: (accessKeyId: string) => string | undefined): Verdict {
  const fail = (why: string): Verdict => ({ ok: false, why });
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header('authorization') ?? '');
  if (!m) return fail('MissingAuthenticationToken: the request is not signed');
  const [accessKeyId, day, region, service, terminator] = m[1]!.split('/');
  const dateText = header('x-amz-date') ?? '';
  if (!accessKeyId || service !== 'sts' || terminator !== 'aws4_request' || day !== dateText.slice(0, 8)) return fail('IncompleteSignature: malformed credential scope');
  const secret = secretFor(accessKeyId);
  if (!secret) return fail('InvalidClientTokenId: the security token included in the request is invalid');
  const signedHeaders = m[2]!.split(';');
  if (!signedHeaders.includes('host')) return fail('IncompleteSignature: host is not signed');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(header(h) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const [path, query = ''] = req.path.split('?');
  const canonicalRequest = [req.method, path, query, canonicalHeaders, signedHeaders.join(';'), sha256Hex(req.body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', dateText, `${day}/${region}/sts/aws4_request`, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region!, 'sts', 'aws4_request']) key = hmac(key, part);
  if (createHmac('sha256', key).update(stringToSign).digest('hex') !== m[3]) return fail('SignatureDoesNotMatch: the request signature we calculated does not match the signature you provided');
  const sessionToken = header('x-amz-security-token');
  return { ok: true, accessKeyId, ...(sessionToken ? { sessionToken } : {}) };
}
