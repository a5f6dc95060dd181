// Adapter: EKS DescribeCluster through @aws-sdk/client-eks (loaded lazily), with the environment's
// credentials; AWS_ENDPOINT_URL_EKS (else AWS_ENDPOINT_URL) redirects the call, as in the AWS SDKs.

import type { AwsCredentials } from '../aws/eks-token.js';
import { EksError, type EksClient } from '../aws/eks.js';
import type { Environ } from '../environ.js';
import { awsCall, clientConfig } from './aws-sdk-call.js';
import { defined } from '../defined.js';

/** How many times the SDK tries a call. */
const EKS_MAX_ATTEMPTS = 3;

/** An EksClient for the given environment variables. */
export function sdkEksClient(environ: Environ): EksClient {
  const endpoint = environ.AWS_ENDPOINT_URL_EKS || environ.AWS_ENDPOINT_URL || undefined;
  /** One call with the SDK's client, its failures mapped to EksError with EKS's code. */
  const call = async <T>(region: string, credentials: AwsCredentials, send: (client: import('@aws-sdk/client-eks').EKSClient, sdk: typeof import('@aws-sdk/client-eks')) => Promise<T>) => {
    const sdk = await import('@aws-sdk/client-eks');
    return awsCall(
      async () => new sdk.EKSClient(await clientConfig({ region, credentials, endpoint, maxAttempts: EKS_MAX_ATTEMPTS })),
      (client) => send(client, sdk),
      (e) => e instanceof EksError,
      (f, cause) => {
        throw f.kind === 'service' ? new EksError(f.code, f.message, { cause }) : new EksError('NetworkingError', `could not reach EKS${endpoint ? ` at ${endpoint}` : ''}: ${f.message}`, { cause });
      },
    );
  };
  return {
    describeCluster: (name, region, credentials) =>
      call(region, credentials, async (client, sdk) => {
        const c = (await client.send(new sdk.DescribeClusterCommand({ name }))).cluster;
        if (!c?.arn || !c.endpoint) throw new EksError('IncompleteResponse', `EKS answered without the endpoint of cluster ${name}`);
        return {
          name: c.name ?? name,
          arn: c.arn,
          endpoint: c.endpoint,
          certificateAuthorityData: c.certificateAuthority?.data ?? '',
          status: c.status ?? 'UNKNOWN',
          version: c.version ?? '',
          ...defined({ authenticationMode: c.accessConfig?.authenticationMode }),
        };
      }),
    listAccessEntries: (name, region, credentials) =>
      call(region, credentials, async (client, sdk) => {
        const all: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.send(new sdk.ListAccessEntriesCommand({ clusterName: name, ...defined({ nextToken }) }));
          all.push(...(page.accessEntries ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return all;
      }),
  };
}
