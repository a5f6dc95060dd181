// Adapter: STS through @aws-sdk/client-sts, loaded lazily (a cache hit never pays for it). The endpoint
// comes from the standard AWS variables, read by the caller and passed in; retries with backoff
// (throttling, connection errors) are the SDK's standard strategy, bounded so that a dead endpoint
// fails within seconds.

import { stsEndpointUrl, type StsEndpointSettings } from '../aws/endpoints.js';
import { StsError, type AssumeRoleRequest, type StsClient, type StsSession } from '../providers/aws-login.js';
import { awsCall, httpHandler } from './aws-sdk-call.js';

/** How many times the SDK tries a call (retries with backoff on throttling and connection errors). */
const STS_MAX_ATTEMPTS = 4;

/** An STS client for one region and endpoint configuration. */
export function sdkStsClient(region: string, settings: StsEndpointSettings): StsClient {
  return {
    assumeRoleWithWebIdentity: async (req: AssumeRoleRequest): Promise<StsSession> => {
      const endpoint = stsEndpointUrl(region, settings);
      const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
      return awsCall(
        async () => {
          const { STSClient } = await import('@aws-sdk/client-sts');
          return new STSClient({ region, endpoint, maxAttempts: STS_MAX_ATTEMPTS, requestHandler: await httpHandler() });
        },
        async (client) => {
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
        },
        (e) => e instanceof StsError,
        (f, cause) => {
          throw f.kind === 'service' ? new StsError(wireCode(f.code), f.message, { cause, endpoint }) : new StsError('NetworkingError', f.message, { cause, endpoint });
        },
      );
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
