// How a login opens the browser, decided from the environment: a table, argv and environment in, plan out.

import { describe, expect, it } from 'vitest';
import { browserPlan } from '../../src/adapters/browser.js';

const URL_ = 'http://127.0.0.1:8250/auth?a=1&b=2';

describe('browserPlan', () => {
  it.each([
    ['$BROWSER, the URL appended', { BROWSER: 'firefox --new-window' }, 'linux', ['firefox'], { command: 'firefox', args: ['--new-window', URL_] }],
    ['$BROWSER with %s', { BROWSER: 'chromium --app=%s' }, 'linux', ['chromium'], { command: 'chromium', args: [`--app=${URL_}`] }],
    ['$BROWSER as a list: the first one there', { BROWSER: 'nothere:firefox' }, 'linux', ['firefox'], { command: 'firefox', args: [URL_] }],
    ['$BROWSER as a path', { BROWSER: '/opt/b/browser' }, 'linux', [], { command: '/opt/b/browser', args: [URL_] }],
    ['WSL with wslview', { WSL_DISTRO_NAME: 'Ubuntu' }, 'linux', ['wslview', 'cmd.exe'], { command: 'wslview', args: [URL_] }],
    ['WSL with only cmd.exe: start, & escaped', { WSL_INTEROP: '/run/WSL/1_interop' }, 'linux', ['cmd.exe'], { command: 'cmd.exe', args: ['/c', 'start', '""', 'http://127.0.0.1:8250/auth?a=1^&b=2'] }],
    ['Linux with a display: the platform opener', { DISPLAY: ':0' }, 'linux', [], { opener: true }],
    ['Linux without a display or $BROWSER: none (the device flow then)', {}, 'linux', [], undefined],
    ['WSL with neither opener and no display: none', { WSL_DISTRO_NAME: 'Ubuntu' }, 'linux', [], undefined],
    ['macOS: the platform opener', {}, 'darwin', [], { opener: true }],
    ['Windows: the platform opener', {}, 'win32', [], { opener: true }],
  ] as const)('%s', (_n, environ, platform, present, want) => {
    expect(browserPlan(URL_, environ, platform, (c) => (present as readonly string[]).includes(c))).toEqual(want);
  });
});
