// Where environments are stored; shared by the full CLI and the cached-token fast path.

import type { Environ } from './environ.js';

/** esc-kube's config directory: $XDG_CONFIG_HOME/esc-kube, else ~/.config/esc-kube. */
export function configDir(environ: Environ, homedir: string): string {
  return `${environ.XDG_CONFIG_HOME || `${homedir}/.config`}/esc-kube`;
}

/** Resolves the environment store directory: --env-dir, $ESC_KUBE_ENV_DIR, $XDG_CONFIG_HOME/esc-kube/environments. */
export function resolveEnvDir(flag: string | undefined, environ: Environ, cwd: string, homedir: string): string {
  const raw = flag ?? environ.ESC_KUBE_ENV_DIR ?? `${configDir(environ, homedir)}/environments`;
  const abs = raw.startsWith('/') ? raw : `${cwd}/${raw}`;
  return abs.replace(/\/+$/, '').replace(/\/\.(?=\/|$)/g, '') || '/';
}
