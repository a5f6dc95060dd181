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
  /** How the cluster authenticates IAM principals: API, API_AND_CONFIG_MAP or CONFIG_MAP (when EKS says). */
  authenticationMode?: string;
}

/** A failure reported by EKS, with its error code. */
export class EksError extends CodedError {}

/** The EKS operations kubeconfig-gen and doctor need. */
export interface EksClient {
  describeCluster(name: string, region: string, credentials: AwsCredentials): Promise<EksCluster>;
  /** The principal ARNs of a cluster's access entries (all pages). */
  listAccessEntries(name: string, region: string, credentials: AwsCredentials): Promise<string[]>;
}
