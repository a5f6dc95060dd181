// Adapter: the person's browser. $BROWSER (a command run with the URL) wins; otherwise the `open`
// package (loaded lazily). On Linux without $DISPLAY or $WAYLAND_DISPLAY there is no browser to open.

import { spawn } from 'node:child_process';

/** The browser for logins. */
export function systemBrowser(environ: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform) {
  return {
    available: () => !!environ.BROWSER || platform !== 'linux' || !!environ.DISPLAY || !!environ.WAYLAND_DISPLAY,
    open: async (url: string) => {
      if (environ.BROWSER) {
        spawn(environ.BROWSER, [url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
        return;
      }
      const { default: open } = await import('open');
      await open(url);
    },
  };
}
