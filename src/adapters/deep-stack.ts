// Evaluating on a larger stack. The ESC pipeline recurses once per level of nesting or of references
// (as pulumi/esc's does, and the yaml package's composer too); Node's main thread stops at a few hundred
// levels, where yaml.v3 and Go allow 10,000. An environment that goes deeper than the main thread can
// follow is evaluated again, by the same command, on a worker thread whose stack is large enough.

import { Worker } from 'node:worker_threads';
import type { Environ } from '../environ.js';

/** The worker's stack: 10,000 levels take about 15 MB; the rest is margin. */
export const DEEP_STACK_MB = 256;

/** The worker's entry: dist/deep-worker.js, beside this module's directory in dist/ (an entry of its own). */
const DEEP_WORKER = new URL('../deep-worker.js', import.meta.url);

/** Runs esc-kube with `argv` on a worker thread with a large stack (its output goes to this process's); resolves its exit status. */
export function runOnDeepStack(argv: readonly string[], environ: Environ, worker: URL = DEEP_WORKER): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(worker, { workerData: { argv: [...argv], environ: { ...environ } }, resourceLimits: { stackSizeMb: DEEP_STACK_MB } });
    let exitCode = 1;
    w.on('message', (m: { exitCode?: unknown }) => {
      if (typeof m?.exitCode === 'number') exitCode = m.exitCode;
    });
    w.on('error', reject);
    w.on('exit', () => resolve(exitCode));
  });
}
