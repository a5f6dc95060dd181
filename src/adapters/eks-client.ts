// Adapter: EKS DescribeCluster through @aws-sdk/client-eks (loaded lazily), with the environment's
// credentials; AWS_ENDPOINT_URL_EKS (else AWS_ENDPOINT_URL) redirects the call, as in the AWS SDKs.

import type { AwsCredentials } from '../aws/eks-token.js';
import { EksError, type EksClient } from '../aws/eks.js';

/** An EksClient for the given environment variables. */
export function sdkEksClient(environ: Readonly<Record<string, string | undefined>>): EksClient {
  return {
    describeCluster: async (name: string, region: string, credentials: AwsCredentials) => {
      const [{ EKSClient, DescribeClusterCommand }, { NodeHttpHandler }] = await Promise.all([import('@aws-sdk/client-eks'), import('@smithy/node-http-handler')]);
      const endpoint = environ.AWS_ENDPOINT_URL_EKS || environ.AWS_ENDPOINT_URL || undefined;
      const client = new EKSClient({
        region,
        credentials,
        maxAttempts: 3,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 8000 }),
        ...(endpoint ? { endpoint } : {}),
      });
      try {
        const out = await client.send(new DescribeClusterCommand({ name }));
        const c = out.cluster;
        if (!c?.arn || !c.endpoint) throw new EksError('IncompleteResponse', `EKS answered without the endpoint of cluster ${name}`);
        return { name: c.name ?? name, arn: c.arn, endpoint: c.endpoint, certificateAuthorityData: c.certificateAuthority?.data ?? '', status: c.status ?? 'UNKNOWN', version: c.version ?? '' };
      } catch (e) {
        if (e instanceof EksError) throw e;
        const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
        if (err.$metadata?.httpStatusCode !== undefined && err.name && err.name !== 'Error') throw new EksError(err.name, err.message ?? err.name, { cause: e });
        const why = err.code === 'ECONNREFUSED' ? 'connection refused' : (err.message ?? String(e));
        throw new EksError('NetworkingError', `could not reach EKS${endpoint ? ` at ${endpoint}` : ''}: ${why}`, { cause: e });
      } finally {
        client.destroy();
      }
    },
  };
}
