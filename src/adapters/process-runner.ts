// Adapter: runs a child process for `env run`, forwarding SIGINT/SIGTERM/SIGHUP to it and redacting
// secrets from its output unless interactive. Constructed only by the composition root.

import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { constants } from 'node:os';
import type { CommandRunner } from '../use-cases/run-in-environment.js';
import { Redactor } from '../redactor.js';
import { EscKubeError } from '../errors.js';

/** The parts of `process` the runner uses: signals and the output streams. */
export interface ProcessLike {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How long output still arriving after the command exits is passed on (from its background processes). */
const PIPE_FLUSH_MS = 500;

/** A {@link CommandRunner} over node:child_process. */
export function processRunner(proc: ProcessLike): CommandRunner {
  return {
    run: (command, args, opts) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(command, args, { env: opts.env, stdio: opts.interactive ? 'inherit' : ['inherit', 'pipe', 'pipe'] });
        const forward = FORWARDED.map((sig) => {
          const listener = () => {
            child.kill(sig);
          };
          proc.on(sig, listener);
          return [sig, listener] as const;
        });
        const pipes: Promise<void>[] = [];
        if (!opts.interactive) {
          for (const [from, to] of [
            [child.stdout!, proc.stdout],
            [child.stderr!, proc.stderr],
          ] as const) {
            const redactor = new Redactor(opts.secrets);
            const decoder = new StringDecoder('utf8');
            from.on('data', (b: Buffer) => to.write(redactor.push(decoder.write(b))));
            pipes.push(new Promise((done) => from.on('end', () => (to.write(redactor.push(decoder.end()) + redactor.end()), done()))));
          }
        }
        const stop = () => forward.forEach(([sig, l]) => proc.off(sig, l));
        child.on('error', (e: NodeJS.ErrnoException) => {
          stop();
          const why = e.code === 'ENOENT' ? 'command not found' : e.code === 'EACCES' ? 'permission denied' : e.message;
          reject(new EscKubeError('command-failed', `could not run ${JSON.stringify(command)}: ${why}`, { cause: e, exitCode: e.code === 'ENOENT' ? 127 : 126 }));
        });
        child.on('exit', async (code, signal) => {
          stop();
          // A background process the command started may hold the pipes open: flush briefly, then let
          // go of them (or this process could not exit before that background process does).
          await Promise.race([Promise.all(pipes), new Promise((r) => setTimeout(r, PIPE_FLUSH_MS).unref())]);
          child.stdout?.destroy();
          child.stderr?.destroy();
          resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
        });
      }),
  };
}
