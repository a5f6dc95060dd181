// The ExecCredential that kubectl and every client-go program read from a credential plugin, and the
// KUBERNETES_EXEC_INFO they pass in (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).

import { quoteValue } from '../errors.js';
import { defined } from '../defined.js';

/** The API versions esc-kube answers in. */
export type ExecApiVersion = 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';

/** What KUBERNETES_EXEC_INFO says, as far as esc-kube uses it. */
export interface ExecInfo {
  apiVersion: ExecApiVersion;
  interactive: boolean;
  /** `spec.cluster.config`: the kubeconfig cluster extension `client.authentication.k8s.io/exec`. */
  clusterConfig: Record<string, unknown> | undefined;
  /** A warning to print (malformed input is answered in v1beta1, as kubectl 1.2x expects). */
  warning?: string;
}

/** Thrown for an ExecCredential version esc-kube cannot answer. */
export class UnsupportedExecVersion extends Error {}

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

/** Parses KUBERNETES_EXEC_INFO; unset (as from @kubernetes/client-node) means v1beta1. */
export function parseExecInfo(raw: string | undefined): ExecInfo {
  const fallback = (warning?: string): ExecInfo => ({ apiVersion: V1BETA1, interactive: false, clusterConfig: undefined, ...defined({ warning }) });
  if (raw === undefined || raw.trim() === '') return fallback();
  let info: unknown;
  try {
    info = JSON.parse(raw);
  } catch {
    return fallback('KUBERNETES_EXEC_INFO is not valid JSON; answering in client.authentication.k8s.io/v1beta1');
  }
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    return fallback('KUBERNETES_EXEC_INFO is not a JSON object; answering in client.authentication.k8s.io/v1beta1');
  }
  const o = info as { apiVersion?: unknown; spec?: { interactive?: unknown; cluster?: { config?: unknown } } };
  if (o.apiVersion === 'client.authentication.k8s.io/v1alpha1') {
    throw new UnsupportedExecVersion(
      'KUBERNETES_EXEC_INFO asks for client.authentication.k8s.io/v1alpha1, which Kubernetes removed in 1.24; set apiVersion: client.authentication.k8s.io/v1beta1 (or v1) in the kubeconfig exec entry',
    );
  }
  if (o.apiVersion !== V1 && o.apiVersion !== V1BETA1) {
    return fallback(`KUBERNETES_EXEC_INFO has unknown apiVersion ${typeof o.apiVersion === 'string' ? quoteValue(o.apiVersion) : JSON.stringify(o.apiVersion)}; answering in client.authentication.k8s.io/v1beta1`);
  }
  const config = o.spec?.cluster?.config;
  return {
    apiVersion: o.apiVersion,
    interactive: o.spec?.interactive === true,
    clusterConfig: config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : undefined,
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * RFC 3339 in UTC with whole seconds, as client-go parses it: toISOString() without its milliseconds,
 * for the years a token can expire in. Written out from the UTC fields because a process's first
 * toISOString() costs about 0.15 ms, a tenth of what a cache hit spends above Node's own start-up.
 */
export function rfc3339(d: Date): string {
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}Z`;
}

/** The ExecCredential JSON (one line) for a token. */
export function execCredentialJson(apiVersion: ExecApiVersion, token: string, expiration: Date): string {
  return JSON.stringify({
    kind: 'ExecCredential',
    apiVersion,
    spec: {},
    status: { expirationTimestamp: rfc3339(expiration), token },
  });
}
