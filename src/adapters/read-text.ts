// Reading a text file that may not exist (a kubeconfig, Pulumi Cloud's credentials file).

import { readFile } from 'node:fs/promises';
import { describeSystemError, EscKubeError, type ErrorCode } from '../errors.js';

/** A file's text, or undefined when it does not exist; any other failure is one line naming the file. */
export async function readTextIfExists(path: string, code: ErrorCode = 'read'): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EscKubeError(code, `could not read ${path}: ${describeSystemError(e)}`, { cause: e });
  }
}
