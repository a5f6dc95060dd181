// esc-kube env key export | import: the environments key, handed over once for CI or a second machine
// (export prints it, with a warning), and taken in from stdin (import).

import type { Command } from 'commander';
import { EscKubeError } from '../errors.js';
import { decodeEnvironmentsKey } from '../esc/local-secret.js';
import type { CommandContext } from './context.js';

/** Registers `env key export` and `env key import`. */
export function registerEnvKey(env: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  const key = env.command('key').description('the key that encrypts secrets in your environments (export it for CI or a second machine)');
  key
    .command('export')
    .description('print the environments key (base64) on stdout, to set as ESC_KUBE_ENV_KEY elsewhere')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env key export | gh secret set ESC_KUBE_ENV_KEY\n`)
    .action(async () => {
      const k = await deps.envKey.get();
      if (!k) throw new EscKubeError('usage', 'there is no environments key on this machine yet: the first esc-kube env set --secret makes one (or import one with esc-kube env key import)');
      deps.stderr.write('esc-kube: warning: this key opens every secret in your environments; keep it where you keep passwords (as ESC_KUBE_ENV_KEY in CI)\n');
      deps.stdout.write(k.toString('base64') + '\n');
    });
  key
    .command('import')
    .description('read an environments key (base64, as env key export prints it) from stdin and keep it in the OS keychain')
    .option('--force', 'replace a different key that this machine already has (secrets it encrypted can no longer be opened)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env key import < key.txt\n`)
    .action(async (opts: { force?: boolean }) => {
      const given = decodeEnvironmentsKey(await deps.readStdin(), 'stdin');
      const current = await deps.envKey.get().catch(() => undefined);
      if (current && !current.equals(given) && !opts.force) {
        throw new EscKubeError('usage', 'this machine already has a different environments key; secrets it encrypted could not be opened after an import: add --force to replace it anyway');
      }
      const where = await deps.envKey.keep(given);
      deps.stderr.write(`esc-kube: environments key kept in ${where}\n`);
    });
}
