// The EKS port: what kubeconfig-gen needs of EKS, and the error its adapter (adapters/eks-client.ts)
// raises.

import type { AwsCredentials } from './eks-token.js';
import { CodedError } from '../errors.js';

/** A cluster as EKS describes it. */
export interface EksCluster {
  name: string;
  arn: string;
  endpoint: string;
  certificateAuthorityData: string;
  status: string;
  version: string;
}

/** A failure reported by EKS, with its error code. */
export class EksError extends CodedError {}

/** The EKS operation kubeconfig-gen needs. */
export interface EksClient {
  describeCluster(name: string, region: string, credentials: AwsCredentials): Promise<EksCluster>;
}
