// esc-kube env open ENV [PATH] [-f FORMAT]: the values, secrets included (like `esc env open`).

import { Option, type Command } from 'commander';
import { projectEnvironment } from '../esc/projection.js';
import type { Exported } from '../esc/value.js';
import { formatDotenv, formatJson, formatShell, formatString, formatYaml } from '../format.js';
import type { CommandContext } from './context.js';
import { fail, select } from './shared.js';
import { defined } from '../defined.js';

/** The output formats of env open. */
export const FORMATS = ['json', 'yaml', 'dotenv', 'shell', 'string'] as const;
export type Format = (typeof FORMATS)[number];

/** What env open was asked. */
export interface EnvOpenInput {
  name: string;
  path: string | undefined;
  format: Format;
}

/** Maps argv to the input; dotenv and shell print the whole environment, so they take no PATH. */
export function envOpenInput(name: string, path: string | undefined, opts: { format: Format }): EnvOpenInput {
  if (path !== undefined && (opts.format === 'dotenv' || opts.format === 'shell')) fail('--format dotenv and shell print the whole environment; drop PATH');
  return { name, path, format: opts.format };
}

/** The text env open prints for a value, and a note for stderr when `files` are not written. */
export function renderOpened(selected: Exported | undefined, format: Format): { text: string; note?: string } {
  switch (format) {
    case 'json':
      return { text: formatJson(selected) + '\n' };
    case 'yaml':
      return { text: formatYaml(selected) };
    case 'string':
      return { text: formatString(selected) + '\n' };
    default: {
      const projection = projectEnvironment(selected);
      const note = Object.keys(projection.files).length > 0 ? '`files` entries are only written by `esc-kube env run`' : undefined;
      return { text: format === 'dotenv' ? formatDotenv(projection) : formatShell(projection), ...defined({ note }) };
    }
  }
}

/** Registers `env open`. */
export function registerEnvOpen(env: Command, ctx: CommandContext): void {
  env
    .command('open')
    .description('evaluate an environment and print its values, secrets included (like `esc env open`)')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env open local-static --env-dir examples\n  $ esc-kube env open aws-sandbox aws.login.accessKeyId -f string\n  $ eval "$(esc-kube env open aws-sandbox -f shell)"\n`)
    .argument('<env>', 'environment name (NAME or PROJECT/NAME)')
    .argument('[path]', 'a property path within the values, e.g. aws.login.accessKeyId')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('json'))
    .action(async (name: string, path: string | undefined, opts: { format: Format }) => {
      const input = envOpenInput(name, path, opts);
      const opened = await ctx.open(input.name);
      const { text, note } = renderOpened(input.path === undefined ? opened.exported : select(opened, input.path), input.format);
      if (note) ctx.deps.stderr.write(`esc-kube: note: ${note}\n`);
      ctx.deps.stdout.write(text);
    });
}
