// Writing environment files (env init, env set, env rm): atomically (a new file beside the target,
// synced, renamed over it) and keeping the file's mode; new files are 0600, since they may hold
// plaintext secrets.

import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

import type { EnvironmentFiles } from '../store/local-store.js';
import { writeAtomically } from './file-store.js';

/** Environment files on the local disk. */
export const localEnvironmentFiles: EnvironmentFiles = {
  async replace(path, text) {
    const info = await fsp.stat(path);
    await writeAtomically(path, text, info.mode & 0o7777, false);
  },
  async create(path, text) {
    await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeAtomically(path, text, 0o600, true);
  },
  remove: (path) => fsp.rm(path),
};
