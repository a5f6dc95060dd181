// Role chaining for tokens, as `aws eks get-token --role-arn` and aws-iam-authenticator (`--role`,
// `--external-id`) do it: STS AssumeRole with the environment's credentials, then the token is signed
// with the role's. The AWS CLI names the session EKSGetTokenAuth and asks for STS's default duration.

import type { AwsCredentials } from './eks-token.js';
import { quoteValue } from '../errors.js';
import { defined } from '../defined.js';

/** The session name the AWS CLI gives the role session it signs tokens with. */
export const DEFAULT_ROLE_SESSION_NAME = 'EKSGetTokenAuth';

/** The flags that name a role to chain to, by field (messages say where a bad value came from). */
export const ROLE_FLAGS = { roleArn: '--role-arn', sessionName: '--session-name', externalId: '--external-id' } as const;

/** Which role to chain to. */
export interface RoleRequest {
  roleArn: string;
  sessionName: string;
  externalId?: string;
}

/** Temporary credentials of the role, and when they end. */
export interface ChainedSession extends Required<AwsCredentials> {
  expiration: Date;
}

/** STS AssumeRole with given credentials (the port the STS adapter implements). */
export interface RoleChainer {
  /** `base.expiration`: when the base credentials end, if they do (the chained session is kept no longer). */
  assumeRole(base: AwsCredentials & { expiration?: Date | undefined }, role: RoleRequest): Promise<ChainedSession>;
}

// STS's own patterns (the AssumeRole* API references): an IAM role ARN, a session name, an external id.
/** An IAM role ARN, as STS accepts it (aws-login's roleArn too). */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
/** A role session name, as STS accepts it (aws-login's sessionName too). */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;

/**
 * The role request of a token call from its flags (or the cluster's exec extension), or an error
 * message that says what was expected; undefined when no role is asked for.
 */
export function roleRequest(
  given: { roleArn?: string; sessionName?: string; externalId?: string },
  fromWhere: Partial<Record<'roleArn' | 'sessionName' | 'externalId', string>> = {},
): RoleRequest | { error: string } | undefined {
  const { roleArn, sessionName, externalId } = given;
  const from = (field: keyof typeof ROLE_FLAGS) => fromWhere[field] ?? ROLE_FLAGS[field];
  if (roleArn === undefined) {
    const orphan = sessionName !== undefined ? 'sessionName' : externalId !== undefined ? 'externalId' : undefined;
    return orphan ? { error: `${from(orphan)} is only used with a role to assume; add --role-arn ARN` } : undefined;
  }
  if (!ROLE_ARN.test(roleArn)) return { error: `${from('roleArn')} is ${quoteValue(roleArn)}; expected an IAM role ARN such as arn:aws:iam::123456789012:role/eks-admin` };
  if (sessionName !== undefined && !SESSION_NAME.test(sessionName)) {
    return { error: `${from('sessionName')} is ${quoteValue(sessionName)}; expected 2 to 64 letters, digits and the characters _+=,.@-` };
  }
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    return { error: `${from('externalId')} is not an external id STS accepts: 2 to 1224 letters, digits and the characters _+=,.@:/-` };
  }
  return { roleArn, sessionName: sessionName ?? DEFAULT_ROLE_SESSION_NAME, ...defined({ externalId }) };
}
