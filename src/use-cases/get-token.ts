// Use case: an EKS token for kubectl. Opens the environment, takes its AWS credentials and region,
// presigns the token and answers with an ExecCredential in the version KUBERNETES_EXEC_INFO asks for.

import { isValidRegion, stsHost } from '../aws/endpoints.js';
import { MAX_TOKEN_BYTES, presignEksToken, TOKEN_LIFETIME_MS, type AwsCredentials } from '../aws/eks-token.js';
import { execCredentialJson, type ExecApiVersion } from '../aws/exec-credential.js';
import { checkClusterName, checkStsHost, resolveTokenRequest, type TokenRequestNames } from '../token-request.js';
import { scalarText, projectEnvironment } from '../esc/projection.js';
import { NumberValue, type Exported } from '../esc/value.js';
import { EscKubeError, quoteValue } from '../errors.js';
import { parsePath, selectPath } from '../format.js';
import type { OpenedEnvironment } from './open-environment.js';
import { CACHE_FORMAT, type CredentialCache } from '../cache/credential-cache.js';
import type { OidcIdentity } from '../aws/jwt.js';
import type { OpenedSession } from '../providers/aws-login.js';

/** What `esc-kube token` was asked for (flags win over the cluster's exec extension). */
export interface GetTokenInput {
  env?: string;
  cluster?: string;
  clusterId?: string;
  region?: string;
  credentialsPath?: string;
  stsHost?: string;
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
  environ: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  /** Opens an environment (already checked for errors) and reports the STS sessions it opened. */
  open: (name: string) => Promise<{ env: OpenedEnvironment; sessions: OpenedSession[] }>;
  /** Receives warnings for stderr. */
  warn: (message: string) => void;
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

  const { env, sessions } = await deps.open(envName);
  const exported = env.exported!;
  const credentials = credentialsFromEnvironment(env, input.credentialsPath);
  const region = resolveRegion(regionAsked, exported, deps.environ, env.name, request.regionFrom);
  const host = input.stsHost ?? stsHost(region, { legacy: deps.environ.AWS_STS_REGIONAL_ENDPOINTS?.toLowerCase() === 'legacy' });

  const now = deps.now();
  const { token } = await presignEksToken({ credentials, region, clusterId, host, now });
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) {
    throw new EscKubeError('token', `the token is ${Buffer.byteLength(token)} bytes; EKS accepts at most ${MAX_TOKEN_BYTES} (is the session token unusually long?)`);
  }
  let expiration = new Date(now.getTime() + TOKEN_LIFETIME_MS);
  for (const session of sessions) {
    const bound = new Date(session.expiration.getTime() - 60_000);
    if (bound < expiration) expiration = bound;
  }
  if (expiration < now) expiration = now;
  const files = [...env.sources.values()].filter((s) => s.file && s.digest).map((s) => ({ path: s.file!, sha256: s.digest! }));
  const identities = sessions.flatMap((s) => (s.identity ? [s.identity] : []));
  return { json: execCredentialJson(apiVersion, token, expiration), apiVersion, token, expiration, region, clusterId, files, identities, env: env.name };
}

function text(e: Exported | undefined): string | undefined {
  if (!e || e.unknown) return undefined;
  const t = scalarText(e);
  return t === undefined || t === '' ? undefined : t;
}

/** The signing credentials: the object at `path`, else the AWS_* environmentVariables. */
export function credentialsFromEnvironment(env: OpenedEnvironment, path?: string): AwsCredentials {
  return path ? credentialsAt(env, path) : credentialsFromVariables(env);
}

function credentialsFromVariables(env: OpenedEnvironment): AwsCredentials {
  const vars = projectEnvironment(env.exported).environmentVariables;
  const accessKeyId = vars.AWS_ACCESS_KEY_ID?.value;
  const secretAccessKey = vars.AWS_SECRET_ACCESS_KEY?.value;
  if (!accessKeyId || !secretAccessKey) {
    throw new EscKubeError(
      'credentials',
      `environment ${JSON.stringify(env.name)} provides no AWS credentials: expected environmentVariables.AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (as from fn::open::aws-login), or pass --credentials PATH to an object such as aws.login`,
    );
  }
  const sessionToken = vars.AWS_SESSION_TOKEN?.value;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function credentialsAt(env: OpenedEnvironment, path: string): AwsCredentials {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
  const v = selectPath(env.exported, parsed.accessors);
  const r = v?.value;
  if (!v || r === null || typeof r !== 'object' || Array.isArray(r) || r instanceof NumberValue) {
    throw new EscKubeError('credentials', `environment ${JSON.stringify(env.name)} has no credentials object at ${JSON.stringify(path)}: expected {accessKeyId, secretAccessKey, sessionToken?}`);
  }
  const get = (k: string) => (Object.hasOwn(r, k) ? text(r[k]) : undefined);
  const accessKeyId = get('accessKeyId');
  const secretAccessKey = get('secretAccessKey');
  if (!accessKeyId || !secretAccessKey) {
    throw new EscKubeError('credentials', `the object at ${JSON.stringify(path)} in environment ${JSON.stringify(env.name)} lacks accessKeyId or secretAccessKey`);
  }
  const sessionToken = get('sessionToken');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The region: the flag, then the environment's AWS_REGION, AWS_DEFAULT_REGION, pulumiConfig aws:region, then the process's. */
export function resolveRegion(
  flag: string | undefined,
  exported: Exported,
  environ: Readonly<Record<string, string | undefined>>,
  envName: string,
  flagSource = '--region',
): string {
  const vars = projectEnvironment(exported).environmentVariables;
  const root = exported.value as Record<string, Exported> | null;
  const config = root && typeof root === 'object' && Object.hasOwn(root, 'pulumiConfig') ? root.pulumiConfig : undefined;
  const configEntry = config && config.value && typeof config.value === 'object' && !Array.isArray(config.value) && !(config.value instanceof NumberValue) && Object.hasOwn(config.value, 'aws:region') ? config.value['aws:region'] : undefined;
  const configRegion = text(configEntry);
  const configSecret = (config?.secret || configEntry?.secret) ?? false;
  const candidates: [string | undefined, string, boolean][] = [
    [flag, flagSource, false],
    [vars.AWS_REGION?.value || undefined, 'environmentVariables.AWS_REGION', vars.AWS_REGION?.secret ?? false],
    [vars.AWS_DEFAULT_REGION?.value || undefined, 'environmentVariables.AWS_DEFAULT_REGION', vars.AWS_DEFAULT_REGION?.secret ?? false],
    [configRegion, 'pulumiConfig["aws:region"]', configSecret],
    [environ.AWS_REGION || undefined, '$AWS_REGION', false],
    [environ.AWS_DEFAULT_REGION || undefined, '$AWS_DEFAULT_REGION', false],
  ];
  const found = candidates.find(([v]) => v !== undefined);
  if (!found) {
    throw new EscKubeError(
      'region',
      `no AWS region for environment ${JSON.stringify(envName)}: pass --region, or set environmentVariables.AWS_REGION or pulumiConfig["aws:region"] in the environment, or $AWS_REGION`,
    );
  }
  const [region, from, secret] = found as [string, string, boolean];
  if (!isValidRegion(region)) throw new EscKubeError('region', `${from} is ${quoteValue(region, secret)}, which is not an AWS region name (such as us-west-2)`);
  return region;
}
