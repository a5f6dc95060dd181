// esc-kube env init ENV [--file F]: a new environment file, empty or with F's definition (checked to be
// YAML first); an environment that exists is never overwritten.

import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { EscKubeError } from '../errors.js';
import { checkEnvironmentName, LocalEnvironmentStore } from '../store/local-store.js';
import { newEnvironmentText } from '../use-cases/edit-environment.js';
import type { CommandContext } from './context.js';

/** Registers `env init`. */
export function registerEnvInit(env: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  env
    .command('init')
    .description('create an environment file in the store, empty or from a YAML file')
    .argument('<env>', 'environment name (NAME or PROJECT/NAME)')
    .option('--file <file>', 'the definition to start from (- reads stdin)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env init team\n  $ esc-kube env init team --file team.yaml\n`)
    .action(async (name: string, opts: { file?: string }) => {
      const invalid = checkEnvironmentName(name);
      if (invalid) throw new EscKubeError('env-invalid-name', invalid);
      const store = new LocalEnvironmentStore(ctx.envDir(), deps.fs);
      const existing = await store.load(name);
      if (existing) throw new EscKubeError('usage', `environment ${JSON.stringify(name)} already exists (${existing.file}); change it with esc-kube env set or env edit`);
      let text = newEnvironmentText(name);
      if (opts.file !== undefined) {
        const given = opts.file === '-' ? await deps.readStdin() : await deps.readText(opts.file);
        if (given === undefined) throw new EscKubeError('read', `${opts.file} does not exist`);
        const doc = parseDocument(given);
        if (doc.errors.length > 0) throw new EscKubeError('env-diagnostics', `${opts.file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
        text = given;
      }
      const file = `${store.dir}/${name}.yaml`;
      await deps.environmentFiles.create(file, text);
      deps.stderr.write(`esc-kube: created ${file}\n`);
    });
}
