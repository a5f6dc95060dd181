// What a token request names, from the flags first and then from the cluster's exec extension that
// kubectl passes in KUBERNETES_EXEC_INFO (provideClusterInfo). Shared by the warm path, the command
// and the use case, so that all three agree on the cache key.

import { parseExecInfo, UnsupportedExecVersion, type ExecInfo } from './aws/exec-credential.js';
import { quoteValue } from './errors.js';
import { defined } from './defined.js';
import { ROLE_FLAGS } from './aws/role-chain.js';

/** The token flags. */
export interface TokenFlags {
  env?: string;
  cluster?: string;
  clusterId?: string;
  region?: string;
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
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
  /** Where the cluster came from, for messages. */
  clusterFrom?: string;
  /** The role to chain to, its session name and external id (flags, else the exec extension). */
  role: { roleArn?: string; sessionName?: string; externalId?: string };
  /** Where each role field given came from, for messages. */
  roleFrom: Partial<Record<'roleArn' | 'sessionName' | 'externalId', string>>;
}

/** What EKS allows in a cluster name (and what an Outposts cluster id, a UUID, is made of). */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** A host name with an optional port, for --sts-host. */
const HOST_AND_PORT = /^(?=[^:]{1,253}(?::|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?$/;

/** An error message for a cluster name or id EKS could not have, or undefined. */
export function checkClusterName(name: string, from: string): string | undefined {
  if (CLUSTER_NAME.test(name)) return undefined;
  return `${from} is ${quoteValue(name)}, which is not an EKS cluster name: 1 to 100 letters, digits, "-" and "_", starting with a letter or digit`;
}

/** An error message for an --sts-host that is not HOST or HOST:PORT, or undefined. */
export function checkStsHost(host: string): string | undefined {
  if (HOST_AND_PORT.test(host)) return undefined;
  return `--sts-host is ${quoteValue(host)}; expected a host name, optionally with a port (such as sts.us-west-2.amazonaws.com or sts.example.com:8443), with no scheme, path or spaces`;
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
  const clusterFrom =
    flags.clusterId !== undefined ? '--cluster-id' : flags.cluster !== undefined ? '--cluster' : `"${ext('clusterId') !== undefined ? 'clusterId' : 'cluster'}" of the cluster's client.authentication.k8s.io/exec extension`;
  const region = flags.region ?? ext('region');
  const regionFrom = flags.region !== undefined ? '--region' : EXTENSION_REGION;
  const role = defined({ roleArn: flags.roleArn ?? ext('roleArn'), sessionName: flags.sessionName ?? ext('sessionName'), externalId: flags.externalId ?? ext('externalId') });
  const roleFrom: TokenRequestNames['roleFrom'] = {};
  for (const field of Object.keys(role) as (keyof typeof ROLE_FLAGS)[]) {
    roleFrom[field] = flags[field] !== undefined ? ROLE_FLAGS[field] : `"${field}" of the cluster's client.authentication.k8s.io/exec extension`;
  }
  return {
    info,
    role,
    roleFrom,
    ...defined({ refused: refused || undefined, envName: envName || undefined }),
    ...defined({ clusterId: clusterId || undefined, clusterFrom: clusterId ? clusterFrom : undefined }),
    ...defined({ region: region || undefined, regionFrom: region ? regionFrom : undefined }),
  };
}
