// esc-kube env set ENV PATH VALUE [--secret] [--string]: a value under values: at PATH, written into
// the environment's file with its comments and order kept. --secret encrypts it with the user's
// environments key (fn::secret: {ciphertext: ...}); VALUE "-" reads stdin, out of the shell's history
// and ps. The value is never echoed.

import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parsePath } from '../esc/path.js';
import { encryptSecret } from '../esc/local-secret.js';
import { NONCE_BYTES } from '../aead.js';
import { EscKubeError } from '../errors.js';
import { LocalEnvironmentStore } from '../store/local-store.js';
import { setValueText } from '../use-cases/edit-environment.js';
import type { CommandContext } from './context.js';
import { environmentFile } from './shared.js';

/** What env set was asked. */
export interface EnvSetInput {
  name: string;
  path: string;
  /** The value as given, or undefined for stdin ("-"). */
  value: string | undefined;
  secret: boolean;
  string: boolean;
}

/** Maps argv to the input. */
export function envSetInput(name: string, path: string, value: string, opts: { secret?: boolean; string?: boolean }): EnvSetInput {
  return { name, path, value: value === '-' ? undefined : value, secret: opts.secret ?? false, string: opts.string ?? false };
}

/** The value to write: a secret is the text as given; otherwise YAML (as esc env set reads it) unless --string. */
export function valueToWrite(text: string, input: Pick<EnvSetInput, 'secret' | 'string'>): unknown {
  if (input.secret || input.string) return text;
  try {
    return parseYaml(text) ?? null;
  } catch {
    return text;
  }
}

/** Registers `env set`. */
export function registerEnvSet(env: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  env
    .command('set')
    .description('set a value under values: at PATH in an environment file, keeping its comments; --secret encrypts it with your environments key')
    .argument('<env>', 'environment name')
    .argument('<path>', 'property path under values:, e.g. aws.region or app["key"][0]')
    .argument('<value>', 'the value, read as YAML unless --string; - reads it from stdin')
    .option('--secret', 'encrypt the value (fn::secret: {ciphertext}) with your environments key')
    .option('--string', 'take the value as a string, not YAML')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env set local-static aws.region us-west-2\n  $ printf %s "$TOKEN" | esc-kube env set local-static app.token - --secret\n`)
    .action(async (name: string, path: string, value: string, opts: { secret?: boolean; string?: boolean }) => {
      const input = envSetInput(name, path, value, opts);
      const parsed = parsePath(input.path);
      if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
      const source = await environmentFile(new LocalEnvironmentStore(ctx.envDir(), deps.fs), input.name);
      let text = input.value;
      if (text === undefined) text = (await deps.readStdin()).replace(/\r?\n$/, '');
      const written = input.secret ? { 'fn::secret': { ciphertext: encryptSecret(await deps.envKey.getOrCreate(), text, deps.random(NONCE_BYTES)) } } : valueToWrite(text, input);
      await deps.environmentFiles.replace(source.file, setValueText(source.text, source.file, parsed.accessors, written));
      deps.stderr.write(`esc-kube: set ${input.path}${input.secret ? ' (encrypted)' : ''} in ${source.file}\n`);
    });
}
