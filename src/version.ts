/** esc-kube's version (kept in step with package.json by test/cli.test.ts). */
export const VERSION = '0.1.0';

/** Where esc-kube lives (package.json's homepage; kept in step by the same test). */
export const HOMEPAGE = 'https://github.com/esc-kube/esc-kube';
