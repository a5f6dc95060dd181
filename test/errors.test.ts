// The warm path (dist/main.cjs) and the full command bundle separate copies of errors.ts; an
// EscKubeError from either copy must be reported as one line, not as an internal error.

import { expect, it } from 'vitest';
import { EscKubeError } from '../src/errors.js';
import { reportError } from '../src/commands/report-error.js';

it('an EscKubeError from another copy of the module is an EscKubeError', async () => {
  // A query string makes the module loader load a second, separate copy of the module.
  const copy = '../src/errors.js?another-copy';
  const other = (await import(/* @vite-ignore */ copy)) as typeof import('../src/errors.js');
  expect(other.EscKubeError).not.toBe(EscKubeError);
  const foreign = new other.EscKubeError('usage', 'keytar is not installed');
  expect(foreign instanceof EscKubeError).toBe(true);
  let out = '';
  expect(reportError(foreign, { write: (s: string) => (out += s) }, false)).toBe(2);
  expect(out).toBe('esc-kube: keytar is not installed\n');
  expect(new Error('x') instanceof EscKubeError).toBe(false);
});
