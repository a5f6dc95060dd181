// esc-kube token: the ExecCredential for kubectl. Its options are declared in token-options.ts, which
// the warm path parses too; this file registers them and maps them to the use case.

import type { Command } from 'commander';
import { cachingRoleChainer, cachingStsClient } from '../cache/caching-sts.js';
import { stsEndpointSettings, stsEndpointUrl } from '../aws/endpoints.js';
import { loginSource } from '../login/login-source.js';
import type { OpenedSession, StsClient } from '../providers/aws-login.js';
import { resolveTokenRequest } from '../token-request.js';
import { getToken, type GetTokenInput } from '../use-cases/get-token.js';
import type { CommandContext } from './context.js';
import { flagsOf } from './options.js';
import { TOKEN_OPTIONS, tokenKeyFor, type TokenOptions } from './token-options.js';
import { defined } from '../defined.js';

/** Maps token's options to the use case's input (empty values are left out, as if not given). */
export function tokenInput(opts: TokenOptions): GetTokenInput {
  const input: GetTokenInput = {};
  if (opts.env) input.env = opts.env;
  if (opts.cluster) input.cluster = opts.cluster;
  if (opts.clusterId) input.clusterId = opts.clusterId;
  if (opts.region) input.region = opts.region;
  if (opts.credentials) input.credentialsPath = opts.credentials;
  if (opts.stsHost) input.stsHost = opts.stsHost;
  if (opts.roleArn) input.roleArn = opts.roleArn;
  if (opts.sessionName) input.sessionName = opts.sessionName;
  if (opts.externalId) input.externalId = opts.externalId;
  return input;
}

/** Registers `token`. */
export function registerToken(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  const command = program
    .command('token')
    .description('print an ExecCredential with an EKS token, for a kubeconfig exec entry (kubectl runs this)')
    .addHelpText(
      'after',
      `\nExamples:\n  $ esc-kube token --env aws-sandbox --cluster demo --region us-west-2\n  $ esc-kube token --env aws-sandbox --cluster demo --role-arn arn:aws:iam::123456789012:role/eks-admin\n  $ KUBERNETES_EXEC_INFO='{"apiVersion":"client.authentication.k8s.io/v1"}' esc-kube token --env aws-sandbox --cluster demo\n`,
    );
  for (const o of TOKEN_OPTIONS) command.option(flagsOf(o), o.help);
  command.action(async (opts: TokenOptions) => {
    ctx.setCompact();
    const input = tokenInput(opts);
    const c = ctx.credentialCache(opts.cache);
    const refresh = opts.refresh ?? false;
    const { info, envName, clusterId, region, role } = resolveTokenRequest(opts, deps.environ.KUBERNETES_EXEC_INFO);
    const backend = (program.opts() as { backend?: string }).backend;
    // Global options (--backend) are the program's, not the command's.
    const key = c && envName && clusterId ? tokenKeyFor({ ...opts, ...defined({ backend }) }, { envName, clusterId, region, role }, ctx.envDir(), deps.environ) : undefined;
    const wrapSts = c && envName ? (sts: StsClient, endpoint: string) => cachingStsClient(sts, c, { endpoint, refresh, env: envName }) : null;
    // kubectl says whether a person is there; run by hand, a terminal on stdin does.
    const interactive = deps.environ.KUBERNETES_EXEC_INFO ? (info?.interactive ?? false) : deps.stdinIsTTY;
    const login = { source: loginSource(ctx.loginDeps, { cache: c, interactive, device: false, env: envName ?? '' }) };
    const result = await getToken(input, {
      environ: deps.environ,
      now: deps.now,
      warn: (m) => deps.stderr.write(`esc-kube: warning: ${m}\n`),
      chain: (stsRegion) => {
        const settings = stsEndpointSettings(deps.environ);
        const sts = deps.sts(stsRegion, settings);
        return c && envName ? cachingRoleChainer(sts, c, { endpoint: stsEndpointUrl(stsRegion, settings), refresh, env: envName }) : sts;
      },
      open: async (name) => {
        const sessions: OpenedSession[] = [];
        const env = await ctx.open(name, { sessions, wrapSts, login, ...defined({ region }) });
        return { env, sessions };
      },
      ...defined({ tokenCache: c && key ? { cache: c, key, refresh, knownMiss: deps.tokenTierMissed ?? false } : undefined }),
    });
    deps.stdout.write(result.json + '\n');
  });
}
