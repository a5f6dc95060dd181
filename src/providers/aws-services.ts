// The AWS services that esc-kube's secret providers read (ports: their adapters are
// adapters/secrets-manager-client.ts and adapters/ssm-client.ts), with the error those adapters raise.

import type { AwsCredentials } from '../aws/eks-token.js';
import { CodedError } from '../errors.js';

/** A failure reported by an AWS service, with its error code (ResourceNotFoundException, ...). */
export class AwsServiceError extends CodedError {}

/** Secrets Manager GetSecretValue: the secret's string. */
export interface SecretsManagerClient {
  getSecretValue(req: { secretId: string; versionId?: string; versionStage?: string }): Promise<string>;
}

/** Systems Manager GetParameter: the value and its type (String, StringList, SecureString). */
export interface ParameterStoreClient {
  getParameter(req: { name: string; decrypt: boolean }): Promise<{ value: string; type: string }>;
}

/** Makes the clients of a region, signed with the given credentials. */
export interface AwsServices {
  secretsManager(region: string, credentials: AwsCredentials): SecretsManagerClient;
  parameterStore(region: string, credentials: AwsCredentials): ParameterStoreClient;
}
