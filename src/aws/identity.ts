// Who a set of credentials is (STS GetCallerIdentity), and the time STS answered at: what `doctor`
// reports. The STS adapter (adapters/sts-client.ts) implements the port.

import type { AwsCredentials } from './eks-token.js';

/** What STS says about credentials. */
export interface CallerIdentity {
  arn: string;
  account: string;
  /** STS's clock: the Date header of its answer, when it sent one. */
  serverDate?: Date;
}

/** STS GetCallerIdentity with given credentials. */
export interface IdentityClient {
  getCallerIdentity(credentials: AwsCredentials): Promise<CallerIdentity>;
}

/**
 * The IAM principal an EKS access entry names for an identity: the role of an assumed-role session
 * (arn:aws:sts::1:assumed-role/R/S -> arn:aws:iam::1:role/R), else the ARN itself (a user).
 */
export function principalArn(arn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}
