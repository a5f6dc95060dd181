// `npm run bench:eval`: opens, in-process, an environment of 2,000+ values with 30 imports (a diamond
// among them) and 1,000 interpolations, and prints the median time next to bare `node -e 0` start-up
// measured in the same run. Target: at most 100 ms.

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { evaluateEnvironment, type EnvironmentSource } from '../src/esc/eval.js';
import { fakeRegistry } from '../test/fakes/providers.js';

const IMPORTS = 30;
const VALUES_PER_IMPORT = 50;
const ROOT_VALUES = 500;
const INTERPOLATIONS = 1000;

function buildEnvironments(): { root: string; envs: Map<string, string> } {
  const envs = new Map<string, string>();
  // lib-0 is imported by every other library and by the root: a diamond, evaluated once.
  for (let i = 0; i < IMPORTS; i++) {
    const lines = [i === 0 ? 'values:' : 'imports: [lib-0]\nvalues:'];
    lines.push(`  lib${i}:`);
    for (let j = 0; j < VALUES_PER_IMPORT; j++) lines.push(`    v${j}: "value ${i}-${j}"`);
    if (i > 0) lines.push(`  shared:\n    from${i}: \${lib0.v${i % VALUES_PER_IMPORT}}`);
    envs.set(`lib-${i}`, lines.join('\n') + '\n');
  }
  const root = ['imports:', ...Array.from({ length: IMPORTS }, (_, i) => `  - lib-${i}`), 'values:', '  own:'];
  for (let j = 0; j < ROOT_VALUES; j++) root.push(`    k${j}: ${j % 3 === 0 ? j : `"text ${j}"`}`);
  root.push('  refs:');
  for (let j = 0; j < INTERPOLATIONS; j++) {
    root.push(`    r${j}: "\${lib${j % IMPORTS}.v${j % VALUES_PER_IMPORT}}/\${own.k${j % ROOT_VALUES}}"`);
  }
  root.push('  secret: { fn::secret: s3cr3t }', '  joined: { fn::join: [",", ["${secret}", "${refs.r1}"]] }');
  return { root: root.join('\n') + '\n', envs };
}

async function openOnce(root: string, envs: Map<string, string>): Promise<number> {
  const started = performance.now();
  const result = await evaluateEnvironment({
    name: 'bench',
    source: { text: root },
    loader: { load: async (name): Promise<EnvironmentSource | undefined> => (envs.has(name) ? { text: envs.get(name)! } : undefined) },
    providers: fakeRegistry([]),
  });
  const exported = result.value?.export();
  const elapsed = performance.now() - started;
  if (result.diagnostics.length > 0 || !exported) throw new Error(`benchmark environment has diagnostics: ${result.diagnostics[0]?.summary}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { root, envs } = buildEnvironments();
const valueCount = IMPORTS * VALUES_PER_IMPORT + (IMPORTS - 1) + ROOT_VALUES + INTERPOLATIONS + 2;
for (let i = 0; i < 3; i++) await openOnce(root, envs);
const runs: number[] = [];
for (let i = 0; i < 20; i++) runs.push(await openOnce(root, envs));

const nodeRuns: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  nodeRuns.push(performance.now() - t);
}

const evalMs = median(runs);
const nodeMs = median(nodeRuns);
console.log(`environment: ${valueCount} values, ${IMPORTS} imports (lib-0 imported by all others: a diamond), ${INTERPOLATIONS} interpolations`);
console.log(`open (in-process, median of ${runs.length}): ${evalMs.toFixed(1)} ms`);
console.log(`bare node -e 0 start-up (median of ${nodeRuns.length}): ${nodeMs.toFixed(1)} ms`);
console.log(`ratio open / node start-up: ${(evalMs / nodeMs).toFixed(2)}`);
console.log(`target: open <= 100 ms: ${evalMs <= 100 ? 'met' : 'NOT MET'}`);
process.exitCode = evalMs <= 100 ? 0 : 1;
