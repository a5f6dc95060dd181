// Adapter: the person's browser. $BROWSER wins (a command, with %s standing for the URL, else the URL
// appended; a list separated as $PATH is gives the first one that exists); on WSL, wslview or cmd.exe's start open the
// Windows browser; otherwise the platform's opener (the `open` package, loaded lazily). On Linux
// without a display there is no browser to open, and the login falls back to the device flow.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Environ } from '../environ.js';

/** How to open a URL: a command to run, the platform's opener, or nothing that can. */
export type BrowserPlan = { command: string; args: string[] } | { opener: true } | undefined;

/** Decides how to open `url` (pure: the environment and a PATH lookup are passed in). */
export function browserPlan(url: string, environ: Environ, platform: NodeJS.Platform, onPath: (command: string) => boolean): BrowserPlan {
  const fromVariable = (environ.BROWSER ?? '')
    .split(delimiter)
    .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
    .find((argv) => argv.length > 0 && (argv[0]!.includes('/') || onPath(argv[0]!)));
  if (fromVariable) {
    const [command, ...rest] = fromVariable as [string, ...string[]];
    const args = rest.some((a) => a.includes('%s')) ? rest.map((a) => a.replaceAll('%s', url)) : [...rest, url];
    return { command, args };
  }
  if (platform === 'linux' && (environ.WSL_DISTRO_NAME || environ.WSL_INTEROP)) {
    if (onPath('wslview')) return { command: 'wslview', args: [url] };
    // cmd.exe's start: the empty title comes first, and & (query separators) must be escaped with ^.
    if (onPath('cmd.exe')) return { command: 'cmd.exe', args: ['/c', 'start', '""', url.replaceAll('&', '^&')] };
  }
  if (platform !== 'linux' || environ.DISPLAY || environ.WAYLAND_DISPLAY) return { opener: true };
  return undefined;
}

/** Whether an executable of that name is on $PATH. */
export function onPath(environ: Environ): (command: string) => boolean {
  return (command) =>
    (environ.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** The browser for logins. */
export function systemBrowser(environ: Environ, platform: NodeJS.Platform) {
  const plan = (url: string) => browserPlan(url, environ, platform, onPath(environ));
  return {
    available: () => plan('about:blank') !== undefined,
    open: async (url: string) => {
      const p = plan(url);
      if (!p) throw new Error('no browser can be started here');
      if ('opener' in p) {
        const { default: open } = await import('open');
        await open(url);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const child = spawn(p.command, p.args, { stdio: 'ignore', detached: true });
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          resolve();
        });
      });
    },
  };
}
