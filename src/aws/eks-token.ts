// The EKS bearer token: "k8s-aws-v1." + base64url (no padding) of a SigV4-presigned STS
// GetCallerIdentity URL that signs the x-k8s-aws-id header. Byte-identical to `aws eks get-token` for
// the same credentials, region, cluster and signing second (../shared/eks-token-vectors.json).

/** AWS credentials for signing. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What a token is made from. */
export interface PresignInput {
  credentials: AwsCredentials;
  region: string;
  /** The cluster name, or the id of an Outposts local cluster. */
  clusterId: string;
  /** The STS host named in the URL (the region's standard host). */
  host: string;
  /** The signing time. */
  now: Date;
}

/** The token prefix EKS expects. */
export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** aws-iam-authenticator refuses longer tokens. */
export const MAX_TOKEN_BYTES = 4096;
/** The AWS CLI's token lifetime: the presigned URL is accepted for 15 minutes; the CLI reports 14. */
export const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

// The AWS CLI's query order; the signature does not depend on it, but byte-equality does.
const QUERY_ORDER = [
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
] as const;

/** RFC 3986 encoding, as SigV4 and botocore use it. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Presigns the GetCallerIdentity URL and wraps it as an EKS token. Loads the signer lazily. */
export async function presignEksToken(input: PresignInput): Promise<{ token: string; url: string }> {
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: input.host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: input.host, 'x-k8s-aws-id': input.clusterId },
    },
    { signingDate: input.now, expiresIn: 60 },
  );
  const query = signed.query as Record<string, string>;
  const unexpected = Object.keys(query).filter((k) => !(QUERY_ORDER as readonly string[]).includes(k));
  if (unexpected.length > 0) throw new Error(`internal error: unexpected presigned query parameters ${unexpected.join(', ')}`);
  const url = `https://${input.host}/?${QUERY_ORDER.filter((k) => query[k] !== undefined)
    .map((k) => `${k}=${uriEncode(query[k]!)}`)
    .join('&')}`;
  const token = TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
  return { token, url };
}
