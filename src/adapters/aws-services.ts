// Adapters: Secrets Manager and Systems Manager Parameter Store through the AWS SDK (loaded lazily, only
// when an environment uses them). AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM (else
// AWS_ENDPOINT_URL) redirect the calls, as in the AWS SDKs.

import type { Environ } from '../environ.js';
import { defined } from '../defined.js';
import { AwsServiceError, type AwsServices } from '../providers/aws-services.js';
import { awsCall, clientConfig } from './aws-sdk-call.js';

/** How many times the SDK tries a call. */
const MAX_ATTEMPTS = 3;

const fail = (f: { kind: 'service'; code: string; message: string } | { kind: 'network'; message: string }, cause: unknown): never => {
  throw new AwsServiceError(f.kind === 'service' ? f.code : 'NetworkingError', f.message, { cause });
};

/** The AWS services for the given environment variables. */
export function sdkAwsServices(environ: Environ): AwsServices {
  return {
    secretsManager: (region, credentials) => ({
      async getSecretValue(req) {
        const endpoint = environ.AWS_ENDPOINT_URL_SECRETS_MANAGER || environ.AWS_ENDPOINT_URL || undefined;
        const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
        return awsCall(
          async () => new SecretsManagerClient(await clientConfig({ region, credentials, endpoint, maxAttempts: MAX_ATTEMPTS })),
          async (client) => {
            const out = await client.send(new GetSecretValueCommand({ SecretId: req.secretId, ...defined({ VersionId: req.versionId, VersionStage: req.versionStage }) }));
            if (typeof out.SecretString === 'string') return out.SecretString;
            if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
            throw new AwsServiceError('IncompleteResponse', 'Secrets Manager answered without a value');
          },
          (e) => e instanceof AwsServiceError,
          fail,
        );
      },
    }),
    parameterStore: (region, credentials) => ({
      async getParameter(req) {
        const endpoint = environ.AWS_ENDPOINT_URL_SSM || environ.AWS_ENDPOINT_URL || undefined;
        const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
        return awsCall(
          async () => new SSMClient(await clientConfig({ region, credentials, endpoint, maxAttempts: MAX_ATTEMPTS })),
          async (client) => {
            const p = (await client.send(new GetParameterCommand({ Name: req.name, WithDecryption: req.decrypt }))).Parameter;
            if (typeof p?.Value !== 'string') throw new AwsServiceError('IncompleteResponse', 'Parameter Store answered without a value');
            return { value: p.Value, type: p.Type ?? 'String' };
          },
          (e) => e instanceof AwsServiceError,
          fail,
        );
      },
    }),
  };
}
