// The kubeconfig file on disk, written as safely as kubectl writes it and a little safer: under
// client-go's lock (`<file>.lock`, created exclusively), read-modify-write so that no concurrent update
// is lost, replaced atomically (a new 0600 file renamed over it) or, where a rename cannot replace it
// (a file bind-mounted into a container, another file system), written in place under the lock.
// A symbolic link is followed, as kubectl follows it (a kubeconfig kept in a dotfiles repository).

import { constants } from 'node:fs';
import { chmod, mkdir, open, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeSystemError, EscKubeError } from '../errors.js';
import { acquireLock, DEFAULT_LOCK_OPTIONS, type Held } from './file-lock.js';
import { writePrivateFile } from './file-store.js';
import { readTextIfExists } from './read-text.js';
import type { KubeconfigFile } from '../use-cases/generate-kubeconfig.js';

/** How long to wait for another writer's lock before giving up with a message that names it. */
export const KUBECONFIG_LOCK_WAIT_MS = 10_000;
/** The mode esc-kube gives a kubeconfig it writes: it names clusters and how to get credentials. */
export const KUBECONFIG_MODE = 0o600;

/** What the adapter needs from the process. */
export interface KubeconfigFileDeps {
  isAlive: (pid: number) => boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  waitMs?: number;
}

/** The kubeconfig file adapter. */
export function kubeconfigFile(deps: KubeconfigFileDeps): KubeconfigFile {
  return {
    read: (path) => readTextIfExists(path, 'kubeconfig'),
    async update(path, change) {
      const lock = `${path}.lock`;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        throw new EscKubeError('kubeconfig', `could not create the directory of ${path}: ${describeSystemError(e)}`, { cause: e });
      });
      const held = await takeLock(lock, path, deps);
      try {
        const real = await realpath(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? path : Promise.reject(e)));
        const existing = await readTextIfExists(real, 'kubeconfig');
        const before = existing === undefined ? undefined : (await stat(real)).mode & 0o777;
        const text = change(existing);
        await replace(real, text, path);
        return { modeBefore: before, modeAfter: KUBECONFIG_MODE };
      } finally {
        await held.release();
      }
    },
  };
}

/**
 * Takes client-go's lock with the cache's lock (create-exclusive, a bounded wait, an esc-kube holder
 * that is gone taken over). An empty lock file is kubectl's: it is never taken over, and one that stays
 * is named, for the person to remove.
 */
async function takeLock(lock: string, path: string, deps: KubeconfigFileDeps): Promise<Held> {
  const waitMs = deps.waitMs ?? KUBECONFIG_LOCK_WAIT_MS;
  let held: Held;
  try {
    held = await acquireLock(lock, { ...DEFAULT_LOCK_OPTIONS, waitMs, now: deps.now, sleep: deps.sleep, isAlive: deps.isAlive, unreadableStaleMs: Infinity });
  } catch (e) {
    throw new EscKubeError('kubeconfig', `could not lock ${path} for writing (${lock}): ${describeSystemError(e)}`, { cause: e });
  }
  if (!held.acquired) {
    throw new EscKubeError(
      'kubeconfig',
      `could not lock ${path}: ${lock} has existed for ${Math.round(waitMs / 1000)} s (kubectl or esc-kube is writing the file, or one was killed while writing); if none is running, remove ${lock}`,
    );
  }
  return held;
}

/**
 * Replaces the file's content: a new file beside it renamed over it, or, where that cannot work (the
 * file is a mount point, or lives on another file system than a new file would), a write in place.
 */
async function replace(real: string, text: string, shown: string): Promise<void> {
  try {
    await writePrivateFile(real, text);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // EBUSY: a bind-mounted file; EXDEV: another file system; EACCES/EROFS on a new file: a directory
    // that is not writable, though the file itself may be. All of these can still be written in place.
    if (!['EBUSY', 'EXDEV', 'EACCES', 'EPERM', 'EROFS'].includes(code ?? '')) {
      throw new EscKubeError('kubeconfig', `could not write ${shown}: ${describeSystemError(e)}`, { cause: e });
    }
  }
  try {
    const fh = await open(real, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, KUBECONFIG_MODE);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(real, KUBECONFIG_MODE).catch(() => undefined);
  } catch (e) {
    throw new EscKubeError('kubeconfig', `could not write ${shown}: ${describeSystemError(e)}`, { cause: e });
  }
}
