// Adapter: EKS DescribeCluster through @aws-sdk/client-eks (loaded lazily), with the environment's
// credentials; AWS_ENDPOINT_URL_EKS (else AWS_ENDPOINT_URL) redirects the call, as in the AWS SDKs.

import type { AwsCredentials } from '../aws/eks-token.js';
import { EksError, type EksClient } from '../aws/eks.js';
import type { Environ } from '../environ.js';
import { awsCall, httpHandler } from './aws-sdk-call.js';
import { defined } from '../defined.js';

/** How many times the SDK tries a call. */
const EKS_MAX_ATTEMPTS = 3;

/** An EksClient for the given environment variables. */
export function sdkEksClient(environ: Environ): EksClient {
  return {
    describeCluster: async (name: string, region: string, credentials: AwsCredentials) => {
      const endpoint = environ.AWS_ENDPOINT_URL_EKS || environ.AWS_ENDPOINT_URL || undefined;
      const { EKSClient, DescribeClusterCommand } = await import('@aws-sdk/client-eks');
      return awsCall(
        async () => new EKSClient({ region, credentials, maxAttempts: EKS_MAX_ATTEMPTS, requestHandler: await httpHandler(), ...defined({ endpoint }) }),
        async (client) => {
          const c = (await client.send(new DescribeClusterCommand({ name }))).cluster;
          if (!c?.arn || !c.endpoint) throw new EksError('IncompleteResponse', `EKS answered without the endpoint of cluster ${name}`);
          return { name: c.name ?? name, arn: c.arn, endpoint: c.endpoint, certificateAuthorityData: c.certificateAuthority?.data ?? '', status: c.status ?? 'UNKNOWN', version: c.version ?? '' };
        },
        (e) => e instanceof EksError,
        (f, cause) => {
          throw f.kind === 'service' ? new EksError(f.code, f.message, { cause }) : new EksError('NetworkingError', `could not reach EKS${endpoint ? ` at ${endpoint}` : ''}: ${f.message}`, { cause });
        },
      );
    },
  };
}
