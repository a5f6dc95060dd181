// The entry of the large-stack worker (see deep-stack.ts): the same command, with the limits of a large stack.

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './cli.js';
import { processDeps } from './process-deps.js';

const { argv } = workerData as { argv: string[] };
const exitCode = await runCli(argv, { ...processDeps(), deepStack: true });
parentPort!.postMessage({ exitCode });
