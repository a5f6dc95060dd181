// The environments key (the EnvironmentsKey port): ESC_KUBE_ENV_KEY (base64), else the file
// ESC_KUBE_ENV_KEY_FILE names (CI), else the OS keychain (item "environments-key" of service esc-kube),
// with a 0600 file in esc-kube's config directory where no keychain answers. Unlike the cache's key it
// must not be lost: it lives with the configuration, not in the cache.

import { defined } from '../defined.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EscKubeError } from '../errors.js';
import { decodeEnvironmentsKey, type EnvironmentsKey } from '../esc/local-secret.js';
import { keyFromText } from '../base64-key.js';
import { KEY_BYTES } from '../aead.js';
import { selectStore } from './select-store.js';
import { configDir } from '../env-dir.js';
import type { Environ } from '../environ.js';

/** The keychain item (and file, with .key) of the environments key. */
export const ENV_KEY_NAME = 'environments-key';

/** What finding the key needs from the process. */
export interface EnvKeySetup {
  environ: Environ;
  homedir: string;
  platform: NodeJS.Platform;
  random: (n: number) => Buffer;
  notice?: (message: string) => void;
}


/** The environments key of this process. */
export function environmentsKey(setup: EnvKeySetup): EnvironmentsKey {
  const { environ } = setup;
  const dir = configDir(environ, setup.homedir);
  const store = () =>
    selectStore({ mode: 'keychain', dir, environ, platform: setup.platform, key: { name: ENV_KEY_NAME, role: 'the key that encrypts secrets in your environments' }, ...defined({ notice: setup.notice }) });
  let known: Promise<Buffer | undefined> | undefined;
  const read = async (): Promise<Buffer | undefined> => {
    if (environ.ESC_KUBE_ENV_KEY) return decodeEnvironmentsKey(environ.ESC_KUBE_ENV_KEY, '$ESC_KUBE_ENV_KEY');
    if (environ.ESC_KUBE_ENV_KEY_FILE) {
      let text: string;
      try {
        text = await readFile(environ.ESC_KUBE_ENV_KEY_FILE, 'utf8');
      } catch (e) {
        throw new EscKubeError('usage', `could not read $ESC_KUBE_ENV_KEY_FILE (${environ.ESC_KUBE_ENV_KEY_FILE}): ${(e as Error).message}`, { cause: e });
      }
      return decodeEnvironmentsKey(text, `$ESC_KUBE_ENV_KEY_FILE (${environ.ESC_KUBE_ENV_KEY_FILE})`);
    }
    return keyFromText(await store().get(ENV_KEY_NAME));
  };
  const keep = async (key: Buffer) => {
    const s = store();
    await s.set(ENV_KEY_NAME, key.toString('base64'));
    known = Promise.resolve(key);
    return s.kind === 'keychain' ? s.label : join(dir, `${ENV_KEY_NAME}.key`);
  };
  return {
    get label() {
      return environ.ESC_KUBE_ENV_KEY ? '$ESC_KUBE_ENV_KEY' : environ.ESC_KUBE_ENV_KEY_FILE ? '$ESC_KUBE_ENV_KEY_FILE' : 'the OS keychain';
    },
    get: () => (known ??= read()),
    async getOrCreate() {
      const existing = await (known ??= read());
      if (existing) return existing;
      const made = setup.random(KEY_BYTES);
      await keep(made);
      return made;
    },
    keep,
  };
}
