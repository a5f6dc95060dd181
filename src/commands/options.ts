// Options declared once, as data: the full CLI registers them with commander (cli.ts) and the warm path
// of `token` parses argv with util.parseArgs from the same declarations (fast-token.ts), so that the
// two can never disagree about what a flag means. No commander here: the warm path imports this file.

import type { ParseArgsConfig } from 'node:util';
import { defined } from '../defined.js';

/** One option: `--name <value>` when it takes a value, else a switch. */
export interface OptionSpec {
  /** The long name, without dashes. */
  name: string;
  /** The value's placeholder (`<env>`), for options that take one. */
  value?: string;
  /** A one-letter alias. */
  short?: string;
  help: string;
  /** The values allowed, when there is a fixed set. */
  choices?: readonly string[];
}

/** Help for --cache, on every command that reads or writes the credential cache. */
export const CACHE_HELP = 'where the cache key lives: keychain or file, or none to cache nothing (default: $ESC_KUBE_CACHE, else keychain)';

/** --cache, as every cache-using command declares it. */
export const CACHE_OPTION: OptionSpec = { name: 'cache', value: 'mode', help: CACHE_HELP };

/** The program's options, accepted before or after any command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'env-dir', value: 'dir', help: 'directory of environment definitions (default: $ESC_KUBE_ENV_DIR, else $XDG_CONFIG_HOME/esc-kube/environments)' },
  { name: 'verbose', help: 'print stack traces of internal errors' },
  {
    name: 'backend',
    value: 'backend',
    help: 'where ORG/PROJECT/ENV environments are: pulumi (Pulumi Cloud) or local (default: Pulumi Cloud when an access token is available)',
    choices: ['local', 'pulumi'],
  },
];

/** util.parseArgs options for a list of declarations (strict: any other flag is an error). */
export function parseArgsOptions(specs: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const s of specs) out[s.name] = { type: s.value ? 'string' : 'boolean', ...defined({ short: s.short }) };
  return out;
}

/** The flag as written on the command line (`--env <env>`), for commander. */
export function flagsOf(s: OptionSpec): string {
  return `${s.short ? `-${s.short}, ` : ''}--${s.name}${s.value ? ` <${s.value}>` : ''}`;
}
