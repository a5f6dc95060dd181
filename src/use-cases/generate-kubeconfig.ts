// Use case: write kubeconfig entries whose user runs `esc-kube token`, for clusters found with EKS
// DescribeCluster (or taken from a kubeconfig stored in the environment), merged into the kubeconfig
// kubectl would use. No secret ever goes into the kubeconfig: only the command that fetches one.

import { parse as parseYaml } from 'yaml';
import { EksError, type EksClient, type EksCluster } from '../aws/eks.js';

export { EksError, type EksClient, type EksCluster };
import { EscKubeError } from '../errors.js';
import { parsePath, valueAt } from '../esc/path.js';
import { entriesOf, mergeKubeconfig, NotAKubeconfig, type KubeconfigEntries, type NamedEntry } from '../kubeconfig/merge.js';
import { exportedToPlain } from '../esc/value.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import { credentialsFromEnvironment, resolveRegion } from '../aws/environment-credentials.js';
import { checkClusterName } from '../token-request.js';
import { roleRequest } from '../aws/role-chain.js';
import { HOMEPAGE } from '../version.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** What kubeconfig-gen was asked for. */
export interface KubeconfigInput {
  env: string;
  clusters: string[];
  region?: string;
  credentialsPath?: string;
  /** A role the token chains to (`token --role-arn`), as `aws eks update-kubeconfig --role-arn`. */
  roleArn?: string;
  /** A path in the environment holding a kubeconfig (text or object) to rewrite, instead of DescribeCluster. */
  from?: string;
  alias?: string;
  apiVersion: 'v1' | 'v1beta1';
  sharedUser: boolean;
  dryRun: boolean;
  /** `--env-dir DIR` to put into the exec args, when the store is not the default one. */
  envDirArg?: string;
  /** The kubeconfig file to merge into. */
  target: string;
}

/** The kubeconfig file: read, and changed under client-go's lock so that no concurrent update is lost. */
export interface KubeconfigFile {
  /** The file's text; undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Reads the file, applies `change` to its text (undefined when it does not exist) and writes the result, all under the lock. */
  update(path: string, change: (existing: string | undefined) => string): Promise<{ modeBefore: number | undefined; modeAfter: number }>;
}

/** What the use case needs from the outside world. */
export interface KubeconfigDeps {
  open: (name: string) => Promise<OpenedEnvironment>;
  eks: EksClient;
  environ: Environ;
  file: KubeconfigFile;
}

/** The outcome: the merged text, the context made current, and a mode the file was changed from. */
export interface KubeconfigResult {
  text: string;
  currentContext: string;
  written: boolean;
  /** The file's mode before, when writing changed it (esc-kube writes kubeconfigs 0600). */
  modeChangedFrom?: number;
}

const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';
const INSTALL_HINT = `esc-kube fetches credentials for this cluster from a Pulumi ESC environment. Install it (${HOMEPAGE}), then run kubectl again.`;

/** Builds the entries, merges them into the target kubeconfig and writes it (unless dry-run). */
export async function generateKubeconfig(input: KubeconfigInput, deps: KubeconfigDeps): Promise<KubeconfigResult> {
  if (input.alias !== undefined && input.clusters.length > 1) throw new EscKubeError('usage', '--alias names one context; give one --cluster with it');
  if (input.from === undefined && input.clusters.length === 0) throw new EscKubeError('usage', 'kubeconfig-gen needs --cluster NAME (repeatable) or --from PATH');
  for (const name of input.clusters) {
    const bad = checkClusterName(name, '--cluster');
    if (bad) throw new EscKubeError('usage', bad);
  }
  const role = roleRequest(defined({ roleArn: input.roleArn }));
  if (role && 'error' in role) throw new EscKubeError('usage', role.error);
  const merge = (existing: string | undefined, entries: KubeconfigEntries) => {
    try {
      return mergeKubeconfig(existing ?? '', entries);
    } catch (e) {
      if (e instanceof NotAKubeconfig) throw new EscKubeError('kubeconfig', `refusing to write ${input.target}: ${e.message}; it is left unchanged`);
      throw e;
    }
  };
  // Refuse a file that is not a kubeconfig before asking EKS anything; it is checked again under the lock.
  merge(await deps.file.read(input.target), { clusters: [], users: [], contexts: [] });
  const env = await deps.open(input.env);
  const region = resolveRegion(input.region, env.exported!, deps.environ, env.name);
  const targets = input.from !== undefined ? fromStoredKubeconfig(env, input.from, region, input.roleArn) : await describe(input, env, region, deps.eks);
  const entries = buildEntries(input, targets);
  if (input.dryRun) return { text: merge(await deps.file.read(input.target), entries), currentContext: entries.currentContext!, written: false };
  let text = '';
  const { modeBefore, modeAfter } = await deps.file.update(input.target, (existing) => (text = merge(existing, entries)));
  return { text, currentContext: entries.currentContext!, written: true, ...defined({ modeChangedFrom: modeBefore !== modeAfter ? modeBefore : undefined }) };
}

/** One cluster to write: its kubeconfig names, the cluster entry and what the token needs. */
interface Target {
  clusterName: string;
  contextName: string;
  userName: string;
  cluster: Record<string, unknown>;
  eksName: string;
  region: string;
  /** The role the token chains to, if any. */
  roleArn?: string | undefined;
}

async function describe(input: KubeconfigInput, env: OpenedEnvironment, region: string, eks: EksClient): Promise<Target[]> {
  const credentials = credentialsFromEnvironment(env, input.credentialsPath);
  const out: Target[] = [];
  for (const name of input.clusters) {
    let c: EksCluster;
    try {
      c = await eks.describeCluster(name, region, credentials);
    } catch (e) {
      if (e instanceof EksError && e.code === 'ResourceNotFoundException') {
        throw new EscKubeError('eks', `EKS cluster ${JSON.stringify(name)} not found in ${region} (with the credentials of environment ${JSON.stringify(env.name)}); check the name and --region`);
      }
      throw new EscKubeError('eks', `could not describe EKS cluster ${JSON.stringify(name)} in ${region}: ${e instanceof EksError && e.code !== 'NetworkingError' ? `${e.code}: ` : ''}${(e as Error).message}`, { cause: e });
    }
    if (c.status !== 'ACTIVE') throw new EscKubeError('eks', `EKS cluster ${JSON.stringify(name)} is ${c.status}, not ACTIVE; try again when it is`);
    out.push({
      clusterName: c.arn,
      contextName: input.alias ?? c.arn,
      userName: input.sharedUser ? `esc-kube-${input.env}` : c.arn,
      cluster: { server: c.endpoint.replace(/\/$/, ''), 'certificate-authority-data': c.certificateAuthorityData },
      eksName: name,
      region,
      roleArn: input.roleArn,
    });
  }
  return out;
}

/** Reads a kubeconfig stored in the environment (e.g. a pulumi-eks stack output) and targets its contexts. */
function fromStoredKubeconfig(env: OpenedEnvironment, path: string, region: string, roleArn: string | undefined): Target[] {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
  const selected = valueAt(env.exported, parsed.accessors);
  if (!selected) throw new EscKubeError('path-not-found', `environment ${JSON.stringify(env.name)} has no value at ${JSON.stringify(path)}`);
  let config = exportedToPlain(selected);
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config);
    } catch {
      try {
        config = parseYaml(config as string);
      } catch (e) {
        throw new EscKubeError('kubeconfig', `the value at ${JSON.stringify(path)} is not a kubeconfig: ${(e as Error).message}`);
      }
    }
  }
  const clusters = new Map(entriesOf(config, 'clusters').map((c) => [c.name, c.cluster as Record<string, unknown>]));
  const users = new Map(entriesOf(config, 'users').map((u) => [u.name, u.user as Record<string, unknown> | undefined]));
  const contexts = entriesOf(config, 'contexts');
  if (contexts.length === 0) throw new EscKubeError('kubeconfig', `the kubeconfig at ${JSON.stringify(path)} has no contexts`);
  return contexts.map((ctx) => {
    const c = (ctx.context ?? {}) as { cluster?: string; user?: string };
    const cluster = c.cluster !== undefined ? clusters.get(c.cluster) : undefined;
    if (!c.cluster || !cluster) throw new EscKubeError('kubeconfig', `context ${JSON.stringify(ctx.name)} of the kubeconfig at ${JSON.stringify(path)} names no known cluster`);
    const fromUser = eksNameFromUser(users.get(c.user ?? ''));
    return {
      clusterName: c.cluster,
      contextName: ctx.name,
      userName: c.user ?? `esc-kube-${ctx.name}`,
      cluster,
      eksName: fromUser.name ?? c.cluster,
      region: fromUser.region ?? region,
      roleArn: roleArn ?? fromUser.roleArn,
    };
  });
}

/** The EKS cluster name, region and role in an existing exec user (aws eks get-token, aws-iam-authenticator). */
function eksNameFromUser(user: Record<string, unknown> | undefined): { name?: string; region?: string; roleArn?: string } {
  const exec = user?.exec as { args?: unknown; env?: unknown } | undefined;
  const args = Array.isArray(exec?.args) ? exec.args.map(String) : [];
  const after = (...flags: string[]) => {
    const i = args.findIndex((a) => flags.includes(a));
    return i >= 0 ? args[i + 1] : undefined;
  };
  const envRegion = Array.isArray(exec?.env) ? (exec.env as { name?: string; value?: string }[]).find((e) => e.name === 'AWS_REGION' || e.name === 'AWS_DEFAULT_REGION')?.value : undefined;
  const name = after('--cluster-name', '-i', '--cluster-id', '--cluster');
  const region = after('--region') ?? envRegion;
  const roleArn = after('--role-arn', '-r', '--role');
  return defined({ name: name || undefined, region: region || undefined, roleArn: roleArn || undefined });
}

function buildEntries(input: KubeconfigInput, targets: Target[]): KubeconfigEntries {
  const apiVersion = `client.authentication.k8s.io/${input.apiVersion}`;
  const envDirArgs = input.envDirArg ? ['--env-dir', input.envDirArg] : [];
  const exec = (args: string[], provideClusterInfo: boolean) => ({
    exec: { apiVersion, command: 'esc-kube', args, env: null, interactiveMode: 'IfAvailable', provideClusterInfo, installHint: INSTALL_HINT },
  });
  const clusters: NamedEntry[] = [];
  const users: NamedEntry[] = [];
  const contexts: NamedEntry[] = [];
  for (const t of targets) {
    const cluster = { ...t.cluster };
    if (input.sharedUser) {
      // One user for all clusters: each cluster says which environment, cluster and region its token needs.
      const others = Array.isArray(cluster.extensions) ? (cluster.extensions as NamedEntry[]).filter((e) => e.name !== EXEC_EXTENSION) : [];
      cluster.extensions = [...others, { name: EXEC_EXTENSION, extension: { env: input.env, cluster: t.eksName, region: t.region, ...defined({ roleArn: t.roleArn }) } }];
    }
    clusters.push({ name: t.clusterName, cluster });
    const userName = input.sharedUser ? `esc-kube-${input.env}` : t.userName;
    contexts.push({ name: t.contextName, context: { cluster: t.clusterName, user: userName } });
    if (!input.sharedUser) {
      const roleArgs = t.roleArn ? ['--role-arn', t.roleArn] : [];
      users.push({ name: userName, user: exec(['token', '--env', input.env, '--cluster', t.eksName, '--region', t.region, ...roleArgs, ...envDirArgs], false) });
    }
  }
  if (input.sharedUser) users.push({ name: `esc-kube-${input.env}`, user: exec(['token', ...envDirArgs], true) });
  return { clusters, users, contexts, currentContext: targets[targets.length - 1]!.contextName };
}
