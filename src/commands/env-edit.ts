// esc-kube env edit ENV: the environment's file in $VISUAL, else $EDITOR, else vi, on a private 0600
// copy with its secrets decrypted in place (fn::secret: plaintext). Before saving, the edit is checked
// (offline, as env check): with errors, they are shown and the person chooses to edit again or discard;
// nothing broken is saved. Saved secrets are encrypted again (an unchanged one keeps its ciphertext), and
// the copy is removed on every way out, an interrupt included.

import type { Command } from 'commander';
import { decodeEnvelope } from '../esc/crypt.js';
import { renderDiagnostics } from '../esc/diagnostics.js';
import { decryptSecret, encryptSecret } from '../esc/local-secret.js';
import { NONCE_BYTES } from '../aead.js';
import { EscKubeError } from '../errors.js';
import { LocalEnvironmentStore } from '../store/local-store.js';
import { editableText, resealedText } from '../use-cases/edit-environment.js';
import { openEnvironment, type EnvironmentStore } from '../use-cases/open-environment.js';
import type { CommandContext } from './context.js';
import { environmentFile } from './shared.js';
import type { Environ } from '../environ.js';

/** The editor to run: $VISUAL, else $EDITOR, else vi (as git and kubectl edit choose). */
export function editorOf(environ: Environ): string {
  return environ.VISUAL?.trim() || environ.EDITOR?.trim() || 'vi';
}

/** Registers `env edit`. */
export function registerEnvEdit(env: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  env
    .command('edit')
    .description('edit an environment in $VISUAL or $EDITOR, its secrets decrypted on a private copy; checked before it is saved')
    .argument('<env>', 'environment name')
    .addHelpText('after', `\nExamples:\n  $ esc-kube env edit local-static\n  $ EDITOR="code --wait" esc-kube env edit team\n`)
    .action(async (name: string) => {
      const store = new LocalEnvironmentStore(ctx.envDir(), deps.fs);
      const source = await environmentFile(store, name);
      const file = source.file;
      const decrypt = async (ciphertext: string) => {
        try {
          return decryptSecret(await deps.envKey.get(), decodeEnvelope(ciphertext));
        } catch (e) {
          throw new EscKubeError('env-diagnostics', `cannot edit ${file}: ${(e as Error).message}`, { cause: e });
        }
      };
      const editable = await editableText(source.text, file, decrypt);
      const copy = await deps.files.write({ [name]: editable.text });
      const path = copy.paths[name]!;
      try {
        const editor = editorOf(deps.environ);
        for (;;) {
          // Through sh, so that an editor with arguments ("code --wait") works as it does for git; exec,
          // so that the editor itself is the child an interrupt is passed on to.
          const code = await deps.runner.run('/bin/sh', ['-c', `exec ${editor} "$1"`, 'esc-kube-edit', path], { env: deps.environ as Record<string, string>, interactive: true, secrets: [] });
          if (code !== 0) throw new EscKubeError('command-failed', `the editor (${editor}) exited with ${code}; ${file} is unchanged`, { exitCode: code > 128 ? code : 1 });
          const edited = (await deps.readText(path)) ?? '';
          if (edited === editable.text) {
            deps.stderr.write(`esc-kube: no changes; ${file} is unchanged\n`);
            return;
          }
          const problems = await check(ctx, store, name, file, edited);
          if (problems) {
            deps.stderr.write(problems);
            const answer = (await deps.prompt('esc-kube: edit again (e) or discard the changes (d)? ')) ?? '';
            if (/^\s*e/i.test(answer)) continue;
            deps.stderr.write(`esc-kube: discarded; ${file} is unchanged\n`);
            ctx.setExitCode(1);
            return;
          }
          const sealed = await resealedText(edited, file, editable, async (plaintext) => encryptSecret(await deps.envKey.getOrCreate(), plaintext, deps.random(NONCE_BYTES)));
          await deps.environmentFiles.replace(file, sealed);
          deps.stderr.write(`esc-kube: saved ${file}\n`);
          return;
        }
      } finally {
        await copy.cleanup();
      }
    });
}

/** The errors of an edited text, rendered, or undefined when it checks clean (warnings are shown, not blocking). */
async function check(ctx: CommandContext, store: LocalEnvironmentStore, name: string, file: string, edited: string): Promise<string | undefined> {
  const overlay: EnvironmentStore = {
    dir: store.dir,
    list: () => store.list(),
    load: async (n) => (n === name ? { text: edited, file } : store.load(n)),
  };
  const checked = await openEnvironment(name, { ...ctx.openDeps(), store: overlay, mode: 'check', showSecrets: true });
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) {
    if (checked.diagnostics.length > 0) ctx.deps.stderr.write(renderDiagnostics(checked.diagnostics, checked.lookup));
    return undefined;
  }
  return `esc-kube: the edit has ${errors.length} error${errors.length === 1 ? '' : 's'}; ${file} is not saved yet\n${renderDiagnostics(checked.diagnostics, checked.lookup)}`;
}
