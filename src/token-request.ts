// What a token request names, from the flags first and then from the cluster's exec extension that
// kubectl passes in KUBERNETES_EXEC_INFO (provideClusterInfo). Shared by the warm path, the command
// and the use case, so that all three agree on the cache key.

import { parseExecInfo, UnsupportedExecVersion, type ExecInfo } from './aws/exec-credential.js';

/** The token flags. */
export interface TokenFlags {
  env?: string;
  cluster?: string;
  clusterId?: string;
  region?: string;
}

/** The resolved request; `info` is undefined when KUBERNETES_EXEC_INFO asks for a version esc-kube refuses. */
export interface TokenRequestNames {
  info: ExecInfo | undefined;
  /** Why KUBERNETES_EXEC_INFO is refused, when it is. */
  refused?: string;
  envName?: string;
  /** What x-k8s-aws-id carries: the Outposts cluster id, else the cluster name. */
  clusterId?: string;
  region?: string;
  /** Where the region came from, for messages. */
  regionFrom?: string;
}

/** Where a region from the cluster's exec extension is said to come from. */
export const EXTENSION_REGION = '"region" of the cluster\'s client.authentication.k8s.io/exec extension';

/** Resolves the environment, cluster and region of a token request. */
export function resolveTokenRequest(flags: TokenFlags, execInfo: string | undefined): TokenRequestNames {
  let info: ExecInfo | undefined;
  let refused: string | undefined;
  try {
    info = parseExecInfo(execInfo);
  } catch (e) {
    if (!(e instanceof UnsupportedExecVersion)) throw e;
    refused = e.message;
  }
  const ext = (k: string) => {
    const v = info?.clusterConfig?.[k];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const envName = flags.env ?? ext('env');
  const clusterId = flags.clusterId ?? flags.cluster ?? ext('clusterId') ?? ext('cluster');
  const region = flags.region ?? ext('region');
  const regionFrom = flags.region !== undefined ? '--region' : EXTENSION_REGION;
  return { info, ...(refused ? { refused } : {}), ...(envName ? { envName } : {}), ...(clusterId ? { clusterId } : {}), ...(region ? { region, regionFrom } : {}) };
}
