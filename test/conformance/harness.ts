// Runs ESC conformance cases (format: ../shared/esc-conformance/README.md) and says what differed.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { evaluateEnvironment, type EnvironmentLoader } from '../../src/esc/eval.js';
import { projectEnvironment } from '../../src/esc/projection.js';
import { exportedToPlain, secretPaths } from '../../src/esc/value.js';
import { fakeRegistry, rot128 } from '../fakes/providers.js';

interface CaseJson {
  name: string;
  root: string;
  context?: Record<string, unknown>;
  providers?: string[];
  /** An esc-kube extension for test/fixtures: `check` evaluates as upstream's CheckEnvironment. */
  mode?: 'open' | 'check';
}

interface ExpectedJson {
  values: unknown;
  secrets: (string | number)[][];
  error: string | null;
  errorClass: string | null;
  warnings: string[];
  /** `line` and `column` (1-based, of the diagnostic's start) are an esc-kube extension: compared when given. */
  diagnostics: { severity: string; summary: string; env: string; line?: number; column?: number }[];
  projection?: Record<string, Record<string, { value: string; secret: boolean }>>;
}

/** The outcome of one case. */
export interface CaseResult {
  name: string;
  differences: string[];
}

/** Lists the case folders under a directory (folders holding a case.json), sorted. */
export function listCases(dir: string): string[] {
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'case.json')))
    .sort();
}

/** Evaluates one case folder and compares the result with its expected.json. */
export async function runCase(dir: string): Promise<CaseResult> {
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson;
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedJson;
  const providers = c.providers ?? [];
  const decrypter = providers.includes('rot128') ? rot128 : undefined;
  const loader: EnvironmentLoader = {
    load: async (name) => {
      const file = join(dir, `${name}.yaml`);
      if (!existsSync(file)) return undefined;
      return { text: readFileSync(file, 'utf8'), file: `${name}.yaml`, ...(decrypter ? { decrypter } : {}) };
    },
  };
  const result = await evaluateEnvironment({
    name: c.name,
    source: { text: readFileSync(join(dir, c.root ?? 'env.yaml'), 'utf8'), file: 'env.yaml', ...(decrypter ? { decrypter } : {}) },
    loader,
    providers: fakeRegistry(providers),
    context: c.context ?? { pulumi: { user: { id: 'USER_123' } } },
    ...(c.mode ? { mode: c.mode } : {}),
  });
  const exported = result.value?.export();
  const values = exported ? exportedToPlain(exported) : null;
  const differences: string[] = [];

  if (expected.error === null) {
    if (!isDeepStrictEqual(values, expected.values)) differences.push(`values: got ${JSON.stringify(values)}, want ${JSON.stringify(expected.values)}`);
  } else {
    for (const d of compareKnown(values, expected.values, '')) differences.push(d);
  }

  const gotSecrets = new Set((exported ? secretPaths(exported) : []).map((p) => JSON.stringify(p)));
  const wantSecrets = new Set(expected.secrets.map((p) => JSON.stringify(p)));
  for (const p of wantSecrets) if (!gotSecrets.has(p)) differences.push(`secrets: ${p} should be secret`);
  for (const p of gotSecrets) if (!wantSecrets.has(p)) differences.push(`secrets: ${p} should not be secret`);

  // Diagnostics: the same multiset of (severity, summary, env). YAML parser messages are parser-specific,
  // so those are compared by class only.
  const key = (d: { severity: string; summary: string; env: string }, yaml: boolean) => `${d.severity}|${yaml ? '<yaml>' : d.summary}|${d.env}`;
  const yamlCase = expected.errorClass === 'yaml' && /^yaml: /.test(expected.error ?? '');
  const got = result.diagnostics.map((d) => key(d, yamlCase && d.code === 'yaml'));
  const want = expected.diagnostics.map((d) => key(d, yamlCase && d.summary.startsWith('yaml: ')));
  for (const d of multisetDiff(want, got)) differences.push(`diagnostics: missing ${d}`);
  for (const d of multisetDiff(got, want)) differences.push(`diagnostics: unexpected ${d}`);
  // Positions, where the case pins them: every pinned diagnostic must have a match at that place.
  for (const want of expected.diagnostics.filter((d) => d.line !== undefined)) {
    const at = result.diagnostics.find(
      (d) => d.severity === want.severity && d.summary === want.summary && d.range?.start.line === want.line && (want.column === undefined || d.range?.start.column === want.column),
    );
    if (!at) differences.push(`diagnostics: ${JSON.stringify(want.summary)} not at ${want.line}:${want.column ?? '*'}`);
  }
  if (expected.errorClass && !result.diagnostics.some((d) => d.severity === 'error' && d.code === expected.errorClass)) {
    differences.push(`errorClass: no error of class ${expected.errorClass}`);
  }

  if (expected.projection) {
    const p = projectEnvironment(exported);
    const gotProjection: Record<string, unknown> = {};
    // Projections have no prototype (a variable may be named __proto__); compare them as plain JSON.
    for (const k of Object.keys(expected.projection)) gotProjection[k] = JSON.parse(JSON.stringify(p[k as keyof typeof p]));
    if (!isDeepStrictEqual(gotProjection, expected.projection)) {
      differences.push(`projection: got ${JSON.stringify(gotProjection)}, want ${JSON.stringify(expected.projection)}`);
    }
  }
  return { name: dir.split('/').pop()!, differences };
}

function compareKnown(got: unknown, want: unknown, path: string): string[] {
  if (want === '[unknown]') return got === '[unknown]' ? [] : [`values${path}: got ${JSON.stringify(got)}, want unknown`];
  if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object' && Array.isArray(want) === Array.isArray(got)) {
    const out: string[] = [];
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    for (const k of keys) out.push(...compareKnown((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`));
    return out;
  }
  return isDeepStrictEqual(got, want) ? [] : [`values${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

function multisetDiff(a: string[], b: string[]): string[] {
  const rest = [...b];
  const out: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else out.push(x);
  }
  return out;
}

/** Runs every case under a directory. */
export async function runCases(dir: string): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of listCases(dir)) results.push(await runCase(c));
  return results;
}
