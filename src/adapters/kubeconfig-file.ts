// The kubeconfig file on disk, written as safely as kubectl writes it and a little safer: under
// client-go's lock (`<file>.lock`, created exclusively), read-modify-write so that no concurrent update
// is lost, replaced atomically (a new 0600 file renamed over it) or, where a rename cannot replace it
// (a file bind-mounted into a container, another file system), written in place under the lock.
// A symbolic link is followed, as kubectl follows it (a kubeconfig kept in a dotfiles repository).

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeSystemError, EscKubeError } from '../errors.js';
import type { KubeconfigFile } from '../use-cases/generate-kubeconfig.js';

/** How long to wait for another writer's lock before giving up with a message that names it. */
export const KUBECONFIG_LOCK_WAIT_MS = 10_000;
/** The mode esc-kube gives a kubeconfig it writes: it names clusters and how to get credentials. */
export const KUBECONFIG_MODE = 0o600;

/** What the adapter needs from the process. */
export interface KubeconfigFileDeps {
  pid: number;
  isAlive: (pid: number) => boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  waitMs?: number;
}

/** The kubeconfig file adapter. */
export function kubeconfigFile(deps: KubeconfigFileDeps): KubeconfigFile {
  return {
    read: (path) => readText(path),
    async update(path, change) {
      const lock = `${path}.lock`;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        throw new EscKubeError('kubeconfig', `could not create the directory of ${path}: ${describeSystemError(e)}`, { cause: e });
      });
      await takeLock(lock, path, deps);
      try {
        const real = await realpath(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? path : Promise.reject(e)));
        const existing = await readText(real);
        const before = existing === undefined ? undefined : (await stat(real)).mode & 0o777;
        const text = change(existing);
        await replace(real, text, path);
        return { modeBefore: before, modeAfter: KUBECONFIG_MODE };
      } finally {
        await rm(lock, { force: true });
      }
    },
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EscKubeError('kubeconfig', `could not read ${path}: ${describeSystemError(e)}`, { cause: e });
  }
}

/** Takes client-go's lock; a lock whose writer (an esc-kube that wrote its pid) is gone is taken over. */
async function takeLock(lock: string, path: string, deps: KubeconfigFileDeps): Promise<void> {
  const started = deps.now();
  let delay = 10;
  for (;;) {
    try {
      const fh = await open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      await fh.writeFile(String(deps.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EscKubeError('kubeconfig', `could not lock ${path} for writing (${lock}): ${describeSystemError(e)}`, { cause: e });
      }
    }
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && !deps.isAlive(holder)) {
      await rm(lock, { force: true });
      continue;
    }
    if (deps.now() - started >= (deps.waitMs ?? KUBECONFIG_LOCK_WAIT_MS)) {
      throw new EscKubeError(
        'kubeconfig',
        `could not lock ${path}: ${lock} has existed for ${Math.round((deps.now() - started) / 1000)} s (kubectl or esc-kube is writing the file, or one was killed while writing); if none is running, remove ${lock}`,
      );
    }
    await deps.sleep(delay);
    delay = Math.min(100, Math.round(delay * 1.5));
  }
}

/**
 * Replaces the file's content: a new file beside it renamed over it, or, where that cannot work (the
 * file is a mount point, or lives on another file system than a new file would), a write in place.
 */
async function replace(real: string, text: string, shown: string): Promise<void> {
  const temporary = `${real}.${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    const fh = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, KUBECONFIG_MODE);
    created = true;
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temporary, real);
    return;
  } catch (e) {
    if (created) await rm(temporary, { force: true });
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
