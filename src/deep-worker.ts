// The entry of the large-stack worker (see deep-stack.ts): the same command, with the limits of a large stack.

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './cli.js';
import { processDeps } from './process-deps.js';

const { argv, environ } = workerData as { argv: string[]; environ: Record<string, string | undefined> };
const exitCode = await runCli(argv, { ...processDeps(environ), deepStack: true });
parentPort!.postMessage({ exitCode });
