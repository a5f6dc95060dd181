// The entry of the large-stack worker (see adapters/deep-stack.ts): the same command, with the limits of
// a large stack. Like main.ts, an entry of the process and so a part of the composition root.

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './cli.js';
import { processDeps } from './root.js';

const { argv, environ } = workerData as { argv: string[]; environ: Record<string, string | undefined> };
const exitCode = await runCli(argv, { ...processDeps(environ), deepStack: true });
parentPort!.postMessage({ exitCode });
