// esc-kube env get ENV [PATH] [--show-secrets]: the checked value and its definition (like `esc env get`).

import type { Command } from 'commander';
import { redactDefinition } from '../esc/redact-source.js';
import { decodeYaml, type ObjectEntry, type SyntaxNode } from '../esc/syntax.js';
import { formatJson } from '../format.js';
import { parsePath } from '../esc/path.js';
import type { CommandContext } from './context.js';
import { select } from './shared.js';

/** What env get was asked. */
export interface EnvGetInput {
  name: string;
  path: string | undefined;
  showSecrets: boolean;
}

/** Maps argv to the input. */
export function envGetInput(name: string, path: string | undefined, opts: { showSecrets?: boolean }): EnvGetInput {
  return { name, path, showSecrets: opts.showSecrets ?? false };
}

/** The YAML lines that define the document, or the value at a path (a note when an import defines it). */
export function definitionOf(text: string, path: string | undefined): string {
  const whole = text.endsWith('\n') ? text : text + '\n';
  if (path === undefined) return whole;
  const parsed = parsePath(path);
  const doc = decodeYaml(text, '<get>').node;
  let node: SyntaxNode | undefined = doc?.kind === 'object' ? doc.entries.find((e) => e.key.value === 'values')?.value : undefined;
  let keyLine: number | undefined;
  const lines = (from: number, to: SyntaxNode) => text.split('\n').slice(from - 1, Math.max(from, to.range.end.line - (to.range.end.column === 1 ? 1 : 0))).join('\n') + '\n';
  for (const a of 'accessors' in parsed ? parsed.accessors : []) {
    // A path into what a builtin returns (a provider's outputs): its definition is the call.
    const call = node?.kind === 'object' && node.entries.length === 1 && node.entries[0]!.key.value.startsWith('fn::') ? node.entries[0]!.key.value : undefined;
    if (call && keyLine !== undefined) return `(${path} is part of what ${call} returns)\n${lines(keyLine, node!)}`;
    if (node?.kind === 'object') {
      const entry: ObjectEntry | undefined = node.entries.find((e) => e.key.value === (a.kind === 'name' ? a.name : String(a.index)));
      keyLine = entry?.key.range.start.line;
      node = entry?.value;
    } else if (node?.kind === 'array' && a.kind === 'subscript' && typeof a.index === 'number') {
      node = node.elements[a.index];
      keyLine = node?.range.start.line;
    } else node = undefined;
  }
  if (!node || keyLine === undefined) return `(${path} is not defined here: it comes from an imported environment)\n`;
  return lines(keyLine, node);
}

/** Registers `env get`. */
export function registerEnvGet(env: Command, ctx: CommandContext): void {
  env
    .command('get')
    .description('print the definition and the checked value of an environment or one of its paths (providers are not opened: their outputs are [unknown]); secrets are hidden')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env get aws-sandbox\n  $ esc-kube env get aws-sandbox environmentVariables.AWS_REGION\n`)
    .argument('<env>', 'environment name')
    .argument('[path]', 'a property path within the values')
    .option('--show-secrets', 'show secret values in plaintext')
    .action(async (name: string, path: string | undefined, opts: { showSecrets?: boolean }) => {
      const input = envGetInput(name, path, opts);
      // As esc env get: the value is checked, not opened (provider outputs are [unknown]).
      const opened = ctx.usable(await ctx.check(input.name, input.showSecrets));
      const selected = input.path === undefined ? opened.exported : select(opened, input.path);
      const source = opened.sources.get(input.name);
      const definition = source ? definitionOf(input.showSecrets ? source.text : redactDefinition(source.text), input.path) : '(the definition is in Pulumi Cloud: esc env get shows it)\n';
      ctx.deps.stdout.write(`# Value\n${formatJson(selected, !input.showSecrets)}\n\n# Definition (${source?.file ?? input.name})\n${definition}`);
    });
}
