// esc-kube env rm ENV [PATH] [--yes]: removes the value at PATH from the environment's file (comments
// and order kept), or, with --yes and no PATH, the environment itself.

import type { Command } from 'commander';
import { parsePath } from '../esc/path.js';
import { EscKubeError } from '../errors.js';
import { LocalEnvironmentStore } from '../store/local-store.js';
import { removeValueText } from '../use-cases/edit-environment.js';
import type { CommandContext } from './context.js';
import { environmentFile } from './shared.js';

/** Registers `env rm`. */
export function registerEnvRm(env: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  env
    .command('rm')
    .description('remove the value at PATH from an environment file, or (with --yes and no PATH) the environment')
    .argument('<env>', 'environment name')
    .argument('[path]', 'property path under values:, e.g. aws.region')
    .option('--yes', 'remove the whole environment when no PATH is given')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env rm local-static aws.region\n  $ esc-kube env rm old-env --yes\n`)
    .action(async (name: string, path: string | undefined, opts: { yes?: boolean }) => {
      const source = await environmentFile(new LocalEnvironmentStore(ctx.envDir(), deps.fs), name);
      if (path === undefined) {
        if (!opts.yes) throw new EscKubeError('usage', `env rm ${name} without a PATH removes the whole environment (${source.file}); add --yes to do that`);
        await deps.environmentFiles.remove(source.file);
        deps.stderr.write(`esc-kube: removed ${source.file}\n`);
        return;
      }
      const parsed = parsePath(path);
      if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
      await deps.environmentFiles.replace(source.file, removeValueText(source.text, source.file, parsed.accessors));
      deps.stderr.write(`esc-kube: removed ${path} from ${source.file}\n`);
    });
}
