// Adapter: private temporary files for `env run` (a 0700 directory, files 0600), removed on cleanup.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateFiles } from '../use-cases/run-in-environment.js';
import { describeSystemError, EscKubeError } from '../errors.js';

/** Private files under the given temporary directory. */
export function privateFiles(tmpdir: string): PrivateFiles {
  return {
    write: async (contents) => {
      const names = Object.keys(contents);
      if (names.length === 0) return { paths: {}, cleanup: async () => {} };
      // mkdtemp creates the directory with mode 0700.
      const dir = await mkdtemp(join(tmpdir, 'esc-kube-run-')).catch((e: unknown) => {
        throw new EscKubeError('env-run-files', `could not make a private directory for the environment's files in ${tmpdir} ($TMPDIR): ${describeSystemError(e)}`, { cause: e });
      });
      const paths: Record<string, string> = Object.create(null) as Record<string, string>;
      const cleanup = () => rm(dir, { recursive: true, force: true });
      try {
        for (const [i, name] of names.entries()) {
          // File names carry no part of the content or the variable (which may be sensitive).
          const file = join(dir, `file-${i}`);
          await writeFile(file, contents[name]!, { mode: 0o600, flag: 'wx' });
          paths[name] = file;
        }
      } catch (e) {
        await cleanup();
        throw e;
      }
      return { paths, cleanup };
    },
  };
}
