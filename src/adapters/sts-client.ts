// Adapter: STS through @aws-sdk/client-sts, loaded lazily (a cache hit never pays for it). The endpoint
// comes from the standard AWS variables, read by the caller and passed in; retries with backoff
// (throttling, connection errors) are the SDK's standard strategy, bounded so that a dead endpoint
// fails within seconds.

import { stsEndpointUrl, type StsEndpointSettings } from '../aws/endpoints.js';
import { StsError, type AssumeRoleRequest, type StsClient, type StsSession } from '../providers/aws-login.js';

/** An STS client for one region and endpoint configuration. */
export function sdkStsClient(region: string, settings: StsEndpointSettings): StsClient {
  return {
    assumeRoleWithWebIdentity: async (req: AssumeRoleRequest): Promise<StsSession> => {
      const [{ STSClient, AssumeRoleWithWebIdentityCommand }, { NodeHttpHandler }] = await Promise.all([
        import('@aws-sdk/client-sts'),
        import('@smithy/node-http-handler'),
      ]);
      const endpoint = stsEndpointUrl(region, settings);
      const client = new STSClient({
        region,
        endpoint,
        maxAttempts: 4,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 8000 }),
      });
      try {
        const out = await client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: req.roleArn,
            RoleSessionName: req.sessionName,
            DurationSeconds: req.durationSeconds,
            WebIdentityToken: req.webIdentityToken,
            ...(req.policyArns.length > 0 ? { PolicyArns: req.policyArns.map((arn) => ({ arn })) } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new StsError('IncompleteResponse', 'STS answered without complete credentials', { endpoint });
        }
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
      } catch (e) {
        if (e instanceof StsError) throw e;
        const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
        if (err.$metadata?.httpStatusCode !== undefined && err.name && err.name !== 'Error' && err.name !== 'TimeoutError') {
          throw new StsError(wireCode(err.name), err.message ?? err.name, { cause: e, endpoint });
        }
        const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : (err.message ?? String(e));
        throw new StsError('NetworkingError', why, { cause: e, endpoint });
      } finally {
        client.destroy();
      }
    },
  };
}

// The SDK names some modeled errors after their class (InvalidIdentityTokenException); STS's documented
// codes, which users search for, do not have the suffix.
const SUFFIXED = new Set(['InvalidIdentityToken', 'IDPRejectedClaim', 'IDPCommunicationError', 'MalformedPolicyDocument', 'PackedPolicyTooLarge']);

function wireCode(name: string): string {
  const bare = name.replace(/Exception$/, '');
  return SUFFIXED.has(bare) ? bare : name;
}
