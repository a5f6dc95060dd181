// esc-kube env ls: the environments in the store.

import type { Command } from 'commander';
import { LocalEnvironmentStore } from '../store/local-store.js';
import type { CommandContext } from './context.js';

/** The lines env ls prints for the names found. */
export function envLsLines(names: readonly string[]): string {
  return names.map((n) => n + '\n').join('');
}

/** Registers `env ls`. */
export function registerEnvLs(env: Command, ctx: CommandContext): void {
  env
    .command('ls')
    .description('list the environments in the store')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env ls\n  $ esc-kube env ls --env-dir examples\n`)
    .action(async () => {
      const store = new LocalEnvironmentStore(ctx.envDir(), ctx.deps.fs);
      const names = await store.list();
      ctx.deps.stdout.write(envLsLines(names));
      if (names.length === 0) ctx.deps.stderr.write(`esc-kube: no environments in ${store.dir}\n`);
    });
}
