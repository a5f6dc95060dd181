// Runs the shared ESC conformance cases (when ../shared/esc-conformance/cases exists) and the
// project's own cases in test/fixtures, one test per case.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listCases, runCase } from '../conformance/harness.js';
import { named, requirePath } from '../e2e/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shared = `${root}/../shared/esc-conformance/cases`;
const own = `${root}/test/fixtures`;

const sharedCases = requirePath(shared);
describe.runIf(sharedCases.ok)(named('shared ESC conformance cases', sharedCases), () => {
  const cases = listCases(shared);
  it('finds all 90 cases', () => expect(cases.length).toBe(90));
  it.each(cases.map((c) => [c.split('/').pop()!, c]))('%s', async (_name, dir) => {
    const r = await runCase(dir);
    expect(r.differences).toEqual([]);
  });
});

describe("esc-kube's own conformance cases", () => {
  const cases = listCases(own);
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(37));
  it.each(cases.map((c) => [c.split('/').pop()!, c]))('%s', async (_name, dir) => {
    const r = await runCase(dir);
    expect(r.differences).toEqual([]);
  });
});
