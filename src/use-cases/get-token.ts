// Use case: an EKS token for kubectl. Opens the environment, takes its AWS credentials and region,
// presigns the token and answers with an ExecCredential in the version KUBERNETES_EXEC_INFO asks for.

import { stsHost } from '../aws/endpoints.js';
import { MAX_TOKEN_BYTES, presignEksToken, TOKEN_LIFETIME_MS } from '../aws/eks-token.js';
import { execCredentialJson, type ExecApiVersion } from '../aws/exec-credential.js';
import { checkClusterName, checkStsHost, resolveTokenRequest, type TokenRequestNames } from '../token-request.js';
import { EscKubeError } from '../errors.js';
import { credentialsFromEnvironment, resolveRegion } from '../aws/environment-credentials.js';

export { credentialsFromEnvironment, resolveRegion };
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import { CACHE_FORMAT, type CredentialCache } from '../cache/credential-cache.js';
import type { OidcIdentity } from '../aws/jwt.js';
import type { OpenedSession } from '../providers/aws-login.js';
import type { Environ } from '../environ.js';
import { roleRequest, type ChainedSession, type RoleChainer, type RoleRequest } from '../aws/role-chain.js';
import type { AwsCredentials } from '../aws/eks-token.js';
import { StsError } from '../providers/aws-login.js';
import { oneLine } from '../text.js';

/** What `esc-kube token` was asked for (flags win over the cluster's exec extension). */
export interface GetTokenInput {
  env?: string;
  cluster?: string;
  clusterId?: string;
  region?: string;
  credentialsPath?: string;
  stsHost?: string;
  /** A role to chain to (STS AssumeRole), its session name and external id. */
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
}

/** The token tier for this request: where to look and store, under which key. */
export interface TokenCacheAccess {
  cache: CredentialCache;
  key: string;
  /** Skip reading (the entry is still replaced). */
  refresh: boolean;
  /** The caller has just looked and missed: read again only after waiting for the lock. */
  knownMiss?: boolean;
}

/** What the use case needs from the outside world. */
export interface GetTokenDeps {
  /** The token tier, when caching is on. */
  tokenCache?: TokenCacheAccess;
  environ: Environ;
  now: () => Date;
  /** Opens an environment (already checked for errors) and reports the STS sessions it opened. */
  open: (name: string) => Promise<{ env: OpenedEnvironment; sessions: OpenedSession[] }>;
  /** Receives warnings for stderr. */
  warn: (message: string) => void;
  /** STS AssumeRole in a region (with the session tier, when caching is on), for --role-arn. */
  chain: (region: string) => RoleChainer;
}

/** The token and what it was made from. */
export interface TokenResult {
  json: string;
  apiVersion: ExecApiVersion;
  token: string;
  expiration: Date;
  region: string;
  clusterId: string;
}

/** Builds the ExecCredential: from the token tier when it has a fresh entry, else anew (one process at a time per key). */
export async function getToken(input: GetTokenInput, deps: GetTokenDeps): Promise<TokenResult> {
  const request = resolveTokenRequest(input, deps.environ.KUBERNETES_EXEC_INFO);
  const { info } = request;
  if (!info) throw new EscKubeError('exec-info', request.refused ?? 'KUBERNETES_EXEC_INFO is not supported');
  if (info.warning) deps.warn(info.warning);
  const tc = deps.tokenCache;
  if (!tc) return makeToken(input, request, info.apiVersion, deps);
  const fromCache = async () => {
    const e = await tc.cache.getToken(tc.key, deps.environ);
    if (!e) return undefined;
    const apiVersion = info.apiVersion;
    const expiration = new Date(e.expiration);
    return { json: execCredentialJson(apiVersion, e.token, expiration), apiVersion, token: e.token, expiration, region: '', clusterId: '' };
  };
  return tc.cache.getOrCreate<TokenResult>(tc.key, {
    read: fromCache,
    refresh: tc.refresh,
    knownMiss: tc.knownMiss,
    make: async () => {
      const result = await makeToken(input, request, info.apiVersion, deps);
      await tc.cache.put(
        tc.key,
        { v: CACHE_FORMAT, token: result.token, expiration: result.expiration.toISOString(), files: result.files, identities: result.identities },
        { kind: 'token', env: result.env, cluster: result.clusterId, region: result.region },
      );
      return result;
    },
  });
}

async function makeToken(
  input: GetTokenInput,
  request: TokenRequestNames,
  apiVersion: ExecApiVersion,
  deps: GetTokenDeps,
): Promise<TokenResult & { files: { path: string; sha256: string }[]; identities: OidcIdentity[]; env: string }> {
  const { envName, clusterId, region: regionAsked } = request;
  if (!envName) throw new EscKubeError('usage', 'token needs --env ENV (or "env" in the cluster\'s client.authentication.k8s.io/exec extension)');
  if (!clusterId) throw new EscKubeError('usage', 'token needs --cluster NAME (or "cluster" in the cluster\'s client.authentication.k8s.io/exec extension)');
  const badCluster = checkClusterName(clusterId, request.clusterFrom ?? '--cluster');
  if (badCluster) throw new EscKubeError('cluster', badCluster);
  const badHost = input.stsHost === undefined ? undefined : checkStsHost(input.stsHost);
  if (badHost) throw new EscKubeError('usage', badHost);
  const role = roleRequest(request.role, request.roleFrom);
  if (role && 'error' in role) throw new EscKubeError('usage', role.error);

  const { env, sessions } = await deps.open(envName);
  const exported = env.exported!;
  const credentials = credentialsFromEnvironment(env, input.credentialsPath);
  const region = resolveRegion(regionAsked, exported, deps.environ, env.name, request.regionFrom);
  const host = input.stsHost ?? stsHost(region, { legacy: deps.environ.AWS_STS_REGIONAL_ENDPOINTS?.toLowerCase() === 'legacy' });

  const ends = sessions.map((s) => s.expiration);
  let signing = credentials;
  if (role) {
    const chained = await assumeRole(deps.chain(region), { ...credentials, expiration: earliest(ends) }, role);
    signing = chained;
    ends.push(chained.expiration);
  }

  const now = deps.now();
  const { token } = await presignEksToken({ credentials: signing, region, clusterId, host, now });
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) {
    throw new EscKubeError('token', `the token is ${Buffer.byteLength(token)} bytes; EKS accepts at most ${MAX_TOKEN_BYTES} (is the session token unusually long?)`);
  }
  // A token is no use once a session it was signed with (or chained from) has ended.
  let expiration = new Date(now.getTime() + TOKEN_LIFETIME_MS);
  for (const end of ends) {
    const bound = new Date(end.getTime() - 60_000);
    if (bound < expiration) expiration = bound;
  }
  if (expiration < now) expiration = now;
  const files = [...env.sources.values()].filter((s) => s.file && s.digest).map((s) => ({ path: s.file!, sha256: s.digest! }));
  const identities = sessions.flatMap((s) => (s.identity ? [s.identity] : []));
  return { json: execCredentialJson(apiVersion, token, expiration), apiVersion, token, expiration, region, clusterId, files, identities, env: env.name };
}

function earliest(dates: readonly Date[]): Date | undefined {
  return dates.reduce<Date | undefined>((a, d) => (a === undefined || d < a ? d : a), undefined);
}

/** AssumeRole for the token, its failure said in one line with what to check. */
async function assumeRole(chainer: RoleChainer, base: AwsCredentials & { expiration?: Date | undefined }, role: RoleRequest): Promise<ChainedSession> {
  try {
    return await chainer.assumeRole(base, role);
  } catch (e) {
    if (!(e instanceof StsError)) throw e;
    const where = e.options.endpoint ? ` at ${e.options.endpoint}` : '';
    if (e.code === 'NetworkingError') throw new EscKubeError('assume-role', `could not reach STS${where} to assume role ${role.roleArn}: ${e.message}`, { cause: e });
    const hint = e.code.startsWith('AccessDenied')
      ? `the role's trust policy must allow sts:AssumeRole for ${base.accessKeyId.startsWith('ASIA') ? 'the environment\'s role session' : 'the environment\'s user'}${role.externalId !== undefined ? ' with this external id' : ''}`
      : 'check --role-arn, --session-name and --external-id';
    throw new EscKubeError('assume-role', `STS refused to assume role ${role.roleArn}${where}: ${e.code}: ${oneLine(e.message)}; ${hint}`, { cause: e });
  }
}
