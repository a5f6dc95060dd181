// Writing environment files (env init, env set, env rm): atomically (a new file beside the target,
// synced, renamed over it) and keeping the file's mode; new files are 0600, since they may hold
// plaintext secrets.

import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

import type { EnvironmentFiles } from '../store/local-store.js';

async function writeAtomically(path: string, text: string, mode: number, exclusive: boolean): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fsp.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await fh.writeFile(text);
    // The umask may have narrowed the mode given to open.
    await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    if (exclusive) {
      // link() fails when the target exists: a file made meanwhile is never replaced.
      await fsp.link(temporary, path);
      await fsp.rm(temporary, { force: true });
    } else await fsp.rename(temporary, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(temporary, { force: true });
    throw e;
  }
}

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
