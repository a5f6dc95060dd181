// esc-kube kubeconfig-gen: kubeconfig entries whose user runs `esc-kube token`, merged into a kubeconfig.

import { isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { resolveEnvDir } from '../env-dir.js';
import { generateKubeconfig, type KubeconfigInput } from '../use-cases/generate-kubeconfig.js';
import type { CommandContext } from './context.js';
import { defined } from '../defined.js';
import type { Environ } from '../environ.js';

/** kubeconfig-gen's options, as commander parses them. */
export interface KubeconfigGenOptions {
  env: string;
  cluster?: string[];
  from?: string;
  region?: string;
  credentials?: string;
  roleArn?: string;
  kubeconfig?: string;
  alias?: string;
  apiVersion: 'v1' | 'v1beta1';
  sharedUser?: boolean;
  dryRun?: boolean;
}

/** Where the command stands: the environment store in effect and the default one, the process's place. */
export interface KubeconfigGenSetting {
  envDir: string;
  defaultEnvDir: string;
  environ: Environ;
  cwd: string;
  homedir: string;
}

/**
 * Maps the options to the use case's input. The target is --kubeconfig, else the first file of
 * $KUBECONFIG, else ~/.kube/config (as kubectl picks the file it writes); `--env-dir` goes into the
 * exec args only when the store is not the default one.
 */
export function kubeconfigGenInput(opts: KubeconfigGenOptions, at: KubeconfigGenSetting): KubeconfigInput {
  const fromVar = (at.environ.KUBECONFIG ?? '').split(':').find((p) => p !== '');
  const rawTarget = opts.kubeconfig ?? fromVar ?? `${at.homedir}/.kube/config`;
  const input: KubeconfigInput = {
    env: opts.env,
    clusters: opts.cluster ?? [],
    apiVersion: opts.apiVersion,
    sharedUser: opts.sharedUser ?? false,
    dryRun: opts.dryRun ?? false,
    target: isAbsolute(rawTarget) ? rawTarget : resolve(at.cwd, rawTarget),
  };
  if (opts.from !== undefined) input.from = opts.from;
  if (opts.region) input.region = opts.region;
  if (opts.credentials) input.credentialsPath = opts.credentials;
  if (opts.roleArn) input.roleArn = opts.roleArn;
  if (opts.alias !== undefined) input.alias = opts.alias;
  if (at.envDir !== at.defaultEnvDir) input.envDirArg = at.envDir;
  return input;
}

/** Registers `kubeconfig-gen`. */
export function registerKubeconfigGen(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  program
    .command('kubeconfig-gen')
    .description('write kubeconfig entries whose user runs `esc-kube token`, merged into your kubeconfig')
    .addHelpText('after', `\nExamples:\n  $ esc-kube kubeconfig-gen --env aws-sandbox --cluster demo --region us-west-2\n  $ esc-kube kubeconfig-gen --env aws-sandbox --cluster demo --cluster staging --shared-user\n  $ esc-kube kubeconfig-gen --env aws-sandbox --cluster demo --role-arn arn:aws:iam::123456789012:role/eks-admin\n`)
    .requiredOption('--env <env>', 'environment with the AWS credentials and region')
    .option('--cluster <name>', 'EKS cluster name (repeat for several); found with EKS DescribeCluster', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from <path>', 'instead of DescribeCluster, rewrite the kubeconfig stored at this path of the environment (e.g. kubeconfig)')
    .option('--region <region>', 'AWS region (default: the environment\'s)')
    .option('--credentials <path>', 'path of a credentials object in the environment (default: its AWS_* environmentVariables)')
    .option('--role-arn <arn>', 'the IAM role the token assumes (written into the exec args as token --role-arn, as aws eks update-kubeconfig --role-arn); DescribeCluster uses the environment\'s own credentials')
    .option('--kubeconfig <file>', 'kubeconfig to merge into (default: the first file of $KUBECONFIG, else ~/.kube/config)')
    .option('--alias <name>', 'context name (default: the cluster ARN, as aws eks update-kubeconfig)')
    .addOption(new Option('--api-version <version>', 'ExecCredential version of the exec entry').choices(['v1', 'v1beta1']).default('v1beta1'))
    .option('--shared-user', 'one user entry for all clusters; each cluster carries its parameters in the client.authentication.k8s.io/exec extension')
    .option('--dry-run', 'print the merged kubeconfig instead of writing it')
    .action(async (opts: KubeconfigGenOptions) => {
      const input = kubeconfigGenInput(opts, {
        envDir: ctx.envDir(),
        defaultEnvDir: resolveEnvDir(undefined, { XDG_CONFIG_HOME: deps.environ.XDG_CONFIG_HOME }, deps.cwd, deps.homedir),
        environ: deps.environ,
        cwd: deps.cwd,
        homedir: deps.homedir,
      });
      const result = await generateKubeconfig(input, { open: (name) => ctx.open(name, defined({ region: input.region })), eks: deps.eks(deps.environ), environ: deps.environ, file: deps.kubeconfig });
      if (result.modeChangedFrom !== undefined) {
        deps.stderr.write(`esc-kube: note: ${input.target} was mode ${result.modeChangedFrom.toString(8).padStart(4, '0')}; it is now 0600 (only you can read it)\n`);
      }
      if (result.written) deps.stderr.write(`esc-kube: updated ${input.target}; current context: ${result.currentContext}\n`);
      else deps.stdout.write(result.text);
    });
}
