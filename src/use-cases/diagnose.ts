// Use case: `esc-kube doctor`. One finding per check, ok, warn or fail, each failure with what to do:
// the environment store and the environment, the credentials and where they come from, who STS says
// they are and how far this machine's clock is from STS's, the cache and the keychain, the kubeconfig
// entries that run esc-kube, and with a cluster: a token made and checked, the role chained to, the
// cluster as EKS describes it, and whether its access entries let the identity in. Nothing secret is
// ever part of a finding.

import { defined } from '../defined.js';
import { presignEksToken, MAX_TOKEN_BYTES, type AwsCredentials } from '../aws/eks-token.js';
import { stsHost } from '../aws/endpoints.js';
import { credentialsFromEnvironment, resolveRegion } from '../aws/environment-credentials.js';
import { EksError, type EksClient } from '../aws/eks.js';
import { principalArn, type IdentityClient } from '../aws/identity.js';
import { roleRequest, type RoleChainer } from '../aws/role-chain.js';
import type { CacheMeta } from '../cache/credential-cache.js';
import type { Environ } from '../environ.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import type { OpenedSession } from '../providers/aws-login.js';
import { StsError } from '../providers/aws-login.js';
import { checkClusterName } from '../token-request.js';
import { oneLine, plural } from '../text.js';

/** How a check came out. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One finding: what was checked, how it came out, what was seen, and (for warn and fail) what to do. */
export interface Check {
  check: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** What doctor was asked about. */
export interface DoctorInput {
  env?: string;
  cluster?: string;
  region?: string;
  roleArn?: string;
  /** The kubeconfig files to look through (--kubeconfig, else $KUBECONFIG's, else ~/.kube/config). */
  kubeconfigs: string[];
}

/** What the cache looks like from here. */
export type CacheView =
  | { kind: 'off'; why: string }
  | { kind: 'problem'; problem: string }
  | { kind: 'cache'; label: string; entries: CacheMeta[]; keychain: KeychainView };

/** The keychain that keeps the cache's key: not used, reachable, or failing with a reason. */
export type KeychainView = { kind: 'unused'; why: string } | { kind: 'reachable'; label: string; hasKey: boolean } | { kind: 'unreachable'; why: string };

/** A kubeconfig user whose exec runs esc-kube. */
export interface KubeconfigUser {
  file: string;
  name: string;
  apiVersion: string;
  args: string[];
  /** The environments the clusters using this user name in their exec extension (provideClusterInfo). */
  extensionEnvs: string[];
}

/** What the checks need from the outside world. */
export interface DoctorDeps {
  environ: Environ;
  now: () => Date;
  /** The environment store's directory, and its environments (undefined: the directory does not exist). */
  envDir: string;
  listEnvironments(dir: string): Promise<string[] | undefined>;
  /** Opens an environment, recording the STS sessions it opened; rejects when it cannot be read at all. */
  open(name: string): Promise<{ env: OpenedEnvironment; sessions: OpenedSession[] }>;
  /** Checks an environment of another store offline (a kubeconfig entry's --env-dir). */
  checkIn(dir: string, name: string): Promise<OpenedEnvironment>;
  identity(region: string): IdentityClient;
  chain(region: string): RoleChainer;
  eks: EksClient;
  cache(): Promise<CacheView>;
  kubeconfigUsers(files: string[]): Promise<{ users: KubeconfigUser[]; unreadable: { file: string; why: string }[] }>;
  dirExists(path: string): Promise<boolean>;
}

/** Clock skew beyond which signed requests start to fail (STS allows 15 minutes for a token, 5 for a call). */
const SKEW_WARN_MS = 60_000;

/** Runs every check that applies and returns the findings in order. */
export async function diagnose(input: DoctorInput, deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: string, status: CheckStatus, detail: string, fix?: string) => checks.push({ check, status, detail, ...defined({ fix }) });

  const names = await deps.listEnvironments(deps.envDir);
  if (names === undefined) add('environments', input.env ? 'fail' : 'warn', `${deps.envDir} does not exist`, 'create it and put ENV.yaml files in it, or point --env-dir or $ESC_KUBE_ENV_DIR at your environments');
  else add('environments', 'ok', `${deps.envDir} (${plural(names.length, 'environment')})`);

  let credentials: AwsCredentials | undefined;
  let region: string | undefined;
  if (input.env) {
    const opened = await openChecked(input.env, deps, add);
    if (opened) {
      ({ credentials, region } = credentialChecks(input, opened, deps, add));
    }
  }
  const who = credentials && region ? await identityChecks(credentials, region, deps, add) : undefined;

  await cacheChecks(input.env, deps, add);
  await kubeconfigChecks(input.kubeconfigs, deps, add);

  if (input.cluster) {
    if (!input.env) add('cluster', 'fail', `--cluster ${input.cluster} needs --env ENV: the environment whose credentials reach the cluster`, 'add --env ENV');
    else if (credentials && region) await clusterChecks(input, credentials, region, who, deps, add);
    else add('cluster', 'fail', `not checked: no usable credentials from environment ${JSON.stringify(input.env)}`, 'fix the failures above first');
  }
  return checks;
}

type Add = (check: string, status: CheckStatus, detail: string, fix?: string) => void;

async function openChecked(name: string, deps: DoctorDeps, add: Add): Promise<{ env: OpenedEnvironment; sessions: OpenedSession[] } | undefined> {
  let opened: { env: OpenedEnvironment; sessions: OpenedSession[] };
  try {
    opened = await deps.open(name);
  } catch (e) {
    add('environment', 'fail', `${name}: ${(e as Error).message}`, 'check the name with esc-kube env ls');
    return undefined;
  }
  const errors = opened.env.diagnostics.filter((d) => d.severity === 'error');
  const warnings = opened.env.diagnostics.length - errors.length;
  const counts = `${plural(errors.length, 'error')}, ${plural(warnings, 'warning')}`;
  if (errors.length > 0) {
    const first = errors[0]!;
    const at = first.range ? ` (${first.range.file ?? first.range.env}:${first.range.start.line}:${first.range.start.column})` : '';
    add('environment', 'fail', `${name}: ${counts}; the first: ${first.summary}${at}`, `see them all with esc-kube env check ${name}`);
  } else add('environment', warnings > 0 ? 'warn' : 'ok', `${name}: ${counts}`, warnings > 0 ? `see them with esc-kube env check ${name}` : undefined);
  return opened;
}

function credentialChecks(input: DoctorInput, { env, sessions }: { env: OpenedEnvironment; sessions: OpenedSession[] }, deps: DoctorDeps, add: Add): { credentials?: AwsCredentials; region?: string } {
  let credentials: AwsCredentials;
  try {
    credentials = credentialsFromEnvironment(env);
  } catch (e) {
    const failed = env.diagnostics.some((d) => d.severity === 'error');
    add(
      'credentials',
      'fail',
      failed ? `none: environment ${JSON.stringify(env.name)} has errors (above), so its credentials are unknown` : (e as Error).message,
      failed ? 'fix the environment first' : 'export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) under environmentVariables, e.g. from an fn::open::aws-login',
    );
    return {};
  }
  const source = sessions.length > 0 ? `oidc: STS AssumeRoleWithWebIdentity with the OIDC token from ${sessions.map((s) => s.from ?? 'an OIDC source').join(', ')}` : 'static';
  add('credentials', 'ok', `${source}; access key ${maskKey(credentials.accessKeyId)}`);
  try {
    return { credentials, region: resolveRegion(input.region, env.exported!, deps.environ, env.name) };
  } catch (e) {
    add('region', 'fail', (e as Error).message, 'pass --region');
    return { credentials };
  }
}

/** The identity and clock checks; the ARN STS answered with, when it did. */
async function identityChecks(credentials: AwsCredentials, region: string, deps: DoctorDeps, add: Add): Promise<string | undefined> {
  const sentAt = deps.now();
  try {
    const who = await deps.identity(region).getCallerIdentity(credentials);
    add('identity', 'ok', `${who.arn} (STS GetCallerIdentity in ${region})`);
    if (!who.serverDate) add('clock', 'warn', 'STS sent no Date header; the clock was not compared', 'compare the clock with a time server (timedatectl status)');
    else {
      const skew = sentAt.getTime() - who.serverDate.getTime();
      if (Math.abs(skew) > SKEW_WARN_MS) {
        add(
          'clock',
          'warn',
          `this machine's clock is ${duration(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} STS's: EKS refuses tokens signed more than 15 minutes from its time, and STS calls 5 minutes off`,
          'synchronise the clock (timedatectl set-ntp true, or the OS time settings)',
        );
      } else add('clock', 'ok', `within ${duration(Math.abs(skew))} of STS's`);
    }
    return who.arn;
  } catch (e) {
    const code = e instanceof StsError ? `${e.code}: ` : '';
    const fix = e instanceof StsError && /ExpiredToken/.test(e.code) ? 'the session has expired: get fresh credentials (esc-kube token --refresh)' : 'check that the credentials are current and that STS is reachable';
    add('identity', 'fail', `STS GetCallerIdentity in ${region} failed: ${code}${oneLine((e as Error).message)}`, fix);
    return undefined;
  }
}

async function cacheChecks(env: string | undefined, deps: DoctorDeps, add: Add): Promise<void> {
  const view = await deps.cache();
  if (view.kind === 'off') {
    add('cache', 'ok', `off (${view.why})`);
    add('keychain', 'ok', `not used (${view.why})`);
    return;
  }
  if (view.kind === 'problem') {
    add('cache', 'fail', `not used: ${view.problem}`, 'fix the directory as said, or use --cache none');
    return;
  }
  const mine = env === undefined ? view.entries : view.entries.filter((m) => m.env === env);
  const listed = mine.map((m) => `${m.kind} until ${m.expires}`).join(', ');
  add('cache', 'ok', `${view.label}: ${plural(mine.length, 'entry', 'entries')}${env ? ` for ${env}` : ''}${listed ? ` (${listed})` : ''}`);
  const k = view.keychain;
  if (k.kind === 'unused') add('keychain', 'ok', `not used (${k.why})`);
  else if (k.kind === 'reachable') add('keychain', 'ok', `reachable: ${k.label}; ${k.hasKey ? 'it holds the cache key' : 'no cache key yet (made on the first write)'}`);
  else add('keychain', 'warn', `not reachable: ${k.why}; the cache key is kept in a 0600 file instead`, 'start a Secret Service (gnome-keyring) on the session bus, or choose --cache file');
}

async function kubeconfigChecks(files: string[], deps: DoctorDeps, add: Add): Promise<void> {
  const { users, unreadable } = await deps.kubeconfigUsers(files);
  for (const u of unreadable) add('kubeconfig', 'fail', `${u.file}: ${u.why}`, 'fix the file, or point --kubeconfig elsewhere');
  if (users.length === 0) {
    if (unreadable.length === 0) add('kubeconfig', 'ok', `no user runs esc-kube in ${files.join(', ')}`);
    return;
  }
  for (const u of users) {
    const where = `user ${JSON.stringify(u.name)} in ${u.file}`;
    const flag = (name: string) => {
      const i = u.args.indexOf(name);
      return i >= 0 ? u.args[i + 1] : u.args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    };
    if (!/^client\.authentication\.k8s\.io\/(v1|v1beta1)$/.test(u.apiVersion)) {
      add('kubeconfig', 'fail', `${where}: apiVersion ${u.apiVersion || '(none)'}, which kubectl 1.24 and later refuse`, 'run esc-kube kubeconfig-gen again (it writes v1beta1, or v1 with --api-version v1)');
      continue;
    }
    const dir = flag('--env-dir') ?? deps.envDir;
    if (!(await deps.dirExists(dir))) {
      add('kubeconfig', 'fail', `${where}: --env-dir ${dir} does not exist`, `run esc-kube kubeconfig-gen again, or fix the path in ${u.file}`);
      continue;
    }
    const envs = [flag('--env'), ...u.extensionEnvs].filter((e): e is string => !!e);
    if (envs.length === 0) {
      add('kubeconfig', 'warn', `${where}: names no environment (no --env, and no cluster extension with one)`, 'run esc-kube kubeconfig-gen again');
      continue;
    }
    const bad: string[] = [];
    for (const name of new Set(envs)) {
      try {
        const env = await deps.checkIn(dir, name);
        const errors = env.diagnostics.filter((d) => d.severity === 'error').length;
        if (errors > 0) bad.push(`environment ${name} has ${plural(errors, 'error')}`);
      } catch (e) {
        bad.push((e as Error).message);
      }
    }
    if (bad.length > 0) add('kubeconfig', 'fail', `${where}: ${bad.join('; ')}`, `check with esc-kube --env-dir ${dir} env check ENV`);
    else add('kubeconfig', 'ok', `${where}: ${u.apiVersion}, ${[...new Set(envs)].join(', ')} in ${dir}`);
  }
}

async function clusterChecks(input: DoctorInput, base: AwsCredentials, region: string, baseArn: string | undefined, deps: DoctorDeps, add: Add): Promise<void> {
  const cluster = input.cluster!;
  const badName = checkClusterName(cluster, '--cluster');
  if (badName) {
    add('cluster', 'fail', badName, 'pass the cluster name as EKS shows it');
    return;
  }
  let signing = base;
  let who = baseArn;
  const role = roleRequest(defined({ roleArn: input.roleArn }));
  if (role && 'error' in role) {
    add('role', 'fail', role.error, 'pass the role ARN');
    return;
  }
  if (role) {
    try {
      signing = await deps.chain(region).assumeRole(base, role);
      who = (await deps.identity(region).getCallerIdentity(signing)).arn;
      add('role', 'ok', `${role.roleArn} assumed as ${who}`);
    } catch (e) {
      add('role', 'fail', `could not assume ${role.roleArn}: ${e instanceof StsError ? `${e.code}: ` : ''}${oneLine((e as Error).message)}`, "the role's trust policy must allow sts:AssumeRole for the environment's identity");
      return;
    }
  }

  const now = deps.now();
  const { token } = await presignEksToken({ credentials: signing, region, clusterId: cluster, host: stsHost(region), now });
  const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
  const signed = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
  const shapeOk = token.startsWith('k8s-aws-v1.') && !token.includes('=') && Buffer.byteLength(token) <= MAX_TOKEN_BYTES && signed.includes('x-k8s-aws-id') && url.searchParams.get('Action') === 'GetCallerIdentity';
  add(
    'token',
    shapeOk ? 'ok' : 'fail',
    `${Buffer.byteLength(token)} bytes, for ${cluster} at ${url.host}, signed ${shapeOk ? 'with x-k8s-aws-id' : 'WITHOUT the expected shape'}, valid 15 minutes from ${now.toISOString()}`,
    shapeOk ? undefined : 'please report this as a bug',
  );

  let mode: string | undefined;
  try {
    const c = await deps.eks.describeCluster(cluster, region, base);
    mode = c.authenticationMode;
    const active = c.status === 'ACTIVE';
    add('cluster', active ? 'ok' : 'fail', `${cluster} in ${region}: ${c.status}${c.version ? `, Kubernetes ${c.version}` : ''}, authentication mode ${mode ?? '(not reported)'}`, active ? undefined : 'wait until it is ACTIVE');
  } catch (e) {
    const notFound = e instanceof EksError && e.code === 'ResourceNotFoundException';
    add('cluster', 'fail', notFound ? `${cluster} not found in ${region}` : `EKS DescribeCluster failed: ${e instanceof EksError ? `${e.code}: ` : ''}${oneLine((e as Error).message)}`, notFound ? 'check the name and --region' : 'check that the identity may call eks:DescribeCluster');
    return;
  }
  if (!who) return;
  const principal = principalArn(who);
  if (mode === 'CONFIG_MAP') {
    add('access', 'warn', `authentication mode CONFIG_MAP: the aws-auth ConfigMap decides, and it cannot be read from outside the cluster; it must map ${principal}`, 'ask a cluster admin to check aws-auth, or move the cluster to API_AND_CONFIG_MAP and add an access entry');
    return;
  }
  try {
    const entries = await deps.eks.listAccessEntries(cluster, region, base);
    if (entries.includes(principal)) add('access', 'ok', `${principal} has an EKS access entry`);
    else {
      add(
        'access',
        'fail',
        `${principal} has no EKS access entry (${plural(entries.length, 'entry', 'entries')} checked): kubectl will say "You must be logged in to the server (Unauthorized)"`,
        `aws eks create-access-entry --cluster-name ${cluster} --principal-arn ${principal}, then aws eks associate-access-policy for it`,
      );
    }
  } catch (e) {
    add('access', 'warn', `could not list the access entries: ${e instanceof EksError ? `${e.code}: ` : ''}${oneLine((e as Error).message)}`, 'check that the identity may call eks:ListAccessEntries, or ask a cluster admin');
  }
}

/** An access key id with its middle hidden (it is not secret, but it need not be shown whole). */
function maskKey(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…';
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
