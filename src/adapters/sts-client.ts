// Adapter: STS through @aws-sdk/client-sts, loaded lazily (a cache hit never pays for it). The endpoint
// comes from the standard AWS variables, read by the caller and passed in; retries with backoff
// (throttling, connection errors) are the SDK's standard strategy, bounded so that a dead endpoint
// fails within seconds.

import { stsEndpointUrl, type StsEndpointSettings } from '../aws/endpoints.js';
import { StsError, type AssumeRoleRequest, type StsClient, type StsSession } from '../providers/aws-login.js';
import { awsCall, clientConfig } from './aws-sdk-call.js';
import type { AwsCredentials } from '../aws/eks-token.js';
import type { RoleChainer } from '../aws/role-chain.js';
import type { IdentityClient } from '../aws/identity.js';
import { defined } from '../defined.js';

/** How many times the SDK tries a call (retries with backoff on throttling and connection errors). */
const STS_MAX_ATTEMPTS = 4;

/** An STS client for one region and endpoint configuration: aws-login's call, AssumeRole for role chaining, GetCallerIdentity for doctor. */
export function sdkStsClient(region: string, settings: StsEndpointSettings): StsClient & RoleChainer & IdentityClient {
  const endpoint = stsEndpointUrl(region, settings);
  /** One call with the SDK's client, its failures mapped to StsError with STS's code. */
  const call = <T>(credentials: AwsCredentials | undefined, send: (client: import('@aws-sdk/client-sts').STSClient) => Promise<T>) =>
    awsCall(
      async () => {
        const { STSClient } = await import('@aws-sdk/client-sts');
        return new STSClient(await clientConfig({ region, endpoint, credentials, maxAttempts: STS_MAX_ATTEMPTS }));
      },
      send,
      (e) => e instanceof StsError,
      (f, cause) => {
        throw f.kind === 'service' ? new StsError(wireCode(f.code), f.message, { cause, endpoint }) : new StsError('NetworkingError', f.message, { cause, endpoint });
      },
    );
  const session = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): StsSession => {
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new StsError('IncompleteResponse', 'STS answered without complete credentials', { endpoint });
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
  };
  const asCredentials = (c: AwsCredentials) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...defined({ sessionToken: c.sessionToken }) });
  return {
    getCallerIdentity: async (credentials) => {
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
      let date: string | undefined;
      const out = await call(asCredentials(credentials), (client) => {
        // STS's clock, for doctor's skew check: the Date header of the answer.
        client.middlewareStack.add(
          (next) => async (args) => {
            const result = await next(args);
            date = (result.response as { headers?: Record<string, string> }).headers?.date;
            return result;
          },
          { step: 'deserialize', name: 'escKubeServerDate' },
        );
        return client.send(new GetCallerIdentityCommand({}));
      });
      if (!out.Arn || !out.Account) throw new StsError('IncompleteResponse', 'STS answered GetCallerIdentity without an ARN', { endpoint });
      const serverDate = date ? new Date(date) : undefined;
      return { arn: out.Arn, account: out.Account, ...defined({ serverDate: serverDate && !Number.isNaN(serverDate.getTime()) ? serverDate : undefined }) };
    },
    assumeRole: async (base, role) => {
      const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      const credentials = asCredentials(base);
      // No DurationSeconds: STS's default (1 hour), as the AWS CLI asks.
      const out = await call(credentials, (client) => client.send(new AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: role.sessionName, ...defined({ ExternalId: role.externalId }) })));
      return session(out.Credentials);
    },
    assumeRoleWithWebIdentity: async (req: AssumeRoleRequest): Promise<StsSession> => {
      const { AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
      const out = await call(undefined, (client) =>
        client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: req.roleArn,
            RoleSessionName: req.sessionName,
            DurationSeconds: req.durationSeconds,
            WebIdentityToken: req.webIdentityToken,
            ...(req.policyArns.length > 0 ? { PolicyArns: req.policyArns.map((arn) => ({ arn })) } : {}),
          }),
        ),
      );
      return session(out.Credentials);
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
