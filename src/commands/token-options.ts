// The options of `esc-kube token`, declared once: the command registers them (commands/token.ts) and
// the warm path parses argv from the same table with util.parseArgs (fast-token.ts). Pure data and
// node:util only, so that the warm path loads nothing else.

import { parseArgs } from 'node:util';
import { CACHE_OPTION, GLOBAL_OPTIONS, parseArgsOptions, type OptionSpec } from './options.js';
import { tokenKey, type TokenRequest } from '../cache/token-key.js';
import type { Environ } from '../environ.js';

/** The options of `token`, in the order of its help. */
export const TOKEN_OPTIONS: readonly OptionSpec[] = [
  { name: 'env', value: 'env', help: 'environment with the AWS credentials (default: "env" of the cluster exec extension)' },
  { name: 'cluster', value: 'name', help: 'EKS cluster name (default: "cluster" of the cluster exec extension)' },
  { name: 'cluster-id', value: 'id', help: 'the cluster id of an EKS local cluster on Outposts, signed instead of the name' },
  { name: 'region', value: 'region', help: 'AWS region (default: the environment\'s AWS_REGION, AWS_DEFAULT_REGION or pulumiConfig aws:region)' },
  { name: 'credentials', value: 'path', help: 'path of a credentials object in the environment, e.g. aws.login (default: its AWS_* environmentVariables)' },
  { name: 'sts-host', value: 'host', help: 'STS host named in the token (default: the standard host of the region)' },
  { name: 'role-arn', value: 'arn', help: 'assume this IAM role (STS AssumeRole with the environment\'s credentials) and sign the token as it, like aws eks get-token --role-arn (default: "roleArn" of the cluster exec extension)' },
  { name: 'session-name', value: 'name', help: 'the role session\'s name (default: EKSGetTokenAuth, as the AWS CLI)' },
  { name: 'external-id', value: 'id', help: 'the external id the role\'s trust policy requires' },
  CACHE_OPTION,
  { name: 'refresh', help: 'skip the cache, then update it' },
];

/** `token`'s options as parsed (commander's camelCase names). */
export interface TokenOptions {
  env?: string;
  cluster?: string;
  clusterId?: string;
  region?: string;
  credentials?: string;
  stsHost?: string;
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
  cache?: string;
  refresh?: boolean;
  envDir?: string;
  verbose?: boolean;
  backend?: string;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `[global options] token [options]` argv for the warm path from the same table the command
 * registers. Undefined when it is not a token command or commander would not take it the same way (an
 * unknown flag, a missing or empty value, another positional argument, a token option before `token`,
 * a flag given twice, a --backend outside its choices): the full command then reports it properly.
 */
export function parseTokenArgv(argv: readonly string[]): TokenOptions | undefined {
  const specs = [...TOKEN_OPTIONS, ...GLOBAL_OPTIONS];
  const parse = () => parseArgs({ args: [...argv], options: parseArgsOptions(specs), strict: true, allowPositionals: true, tokens: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch {
    return undefined;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'token') return undefined;
  const command = parsed.tokens.find((t) => t.kind === 'positional')!.index;
  const globals = new Set(GLOBAL_OPTIONS.map((s) => s.name));
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind === 'option-terminator') return undefined;
    if (t.kind !== 'option') continue;
    if (t.index < command && !globals.has(t.name)) return undefined;
    // commander takes the last of a repeated value; the warm path leaves such a call to it.
    if (seen.has(t.name) || t.value === '') return undefined;
    seen.add(t.name);
  }
  const out: Record<string, string | boolean> = {};
  for (const s of specs) {
    const v = parsed.values[s.name];
    if (v === undefined) continue;
    if (s.choices && !s.choices.includes(String(v))) return undefined;
    out[camel(s.name)] = v as string | boolean;
  }
  return out as TokenOptions;
}

/** The token tier's key of a request, the same for the warm path and the command. */
export function tokenKeyFor(
  opts: TokenOptions,
  names: { envName: string; clusterId: string; region?: string | undefined; role?: TokenRequest['role'] },
  envDir: string,
  environ: Environ,
): string {
  return tokenKey({ ...names, envDir, credentialsPath: opts.credentials, stsHost: opts.stsHost, backend: opts.backend, environ });
}
