// Where environments are stored; shared by the full CLI and the cached-token fast path.

import type { Environ } from './environ.js';

/** Resolves the environment store directory: --env-dir, $ESC_KUBE_ENV_DIR, $XDG_CONFIG_HOME/esc-kube/environments. */
export function resolveEnvDir(flag: string | undefined, environ: Environ, cwd: string, homedir: string): string {
  const raw = flag ?? environ.ESC_KUBE_ENV_DIR ?? `${environ.XDG_CONFIG_HOME || `${homedir}/.config`}/esc-kube/environments`;
  const abs = raw.startsWith('/') ? raw : `${cwd}/${raw}`;
  return abs.replace(/\/+$/, '').replace(/\/\.(?=\/|$)/g, '') || '/';
}
