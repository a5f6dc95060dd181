// A generated corpus of hostile environments (doubling through references and builtins, long chains
// of references, deep nesting, backtracking patterns, thousands of misspellings, cycles, control
// characters), each opened through the built binary. Every one must end within 2 s with exit 0, 1 or
// 2, without a stack trace or an internal error. `.ci/run` runs it; `npm run fuzz` runs it by hand.
//   tsx test/fuzz/eval-corpus.ts [COUNT]   (default 320)

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/esc-kube', import.meta.url));
/** The bound each environment must finish within. */
const LIMIT_MS = 2000;
const count = Number(process.argv[2] ?? 320);

let seed = 0x9e3779b9;
function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

const PATTERNS = ['(a+)+$', '(a|aa)+$', '(.*a){12}$', '^(([a-z])+.)+[A-Z]([a-z])+$', '[', '(?i)ABC', '\\1', '(a)\\1', '(?P<n>a+)+b', 'a{1001}', '(?=a)a', '\\p{L}+', 'x**'];

/** One environment of each kind, chosen and sized by the generator. */
const kinds: Record<string, () => string> = {
  doubleArray: () => {
    let s = 'values:\n  a0: [x, y]\n';
    for (let i = 1; i <= 10 + rand(25); i++) s += `  a${i}:\n${'    - ${a' + (i - 1) + '}\n'.repeat(2 + rand(2))}`;
    return s;
  },
  doubleString: () => {
    let s = 'values:\n  a0: ' + 'x'.repeat(1 + rand(64)) + '\n';
    for (let i = 1; i <= 10 + rand(40); i++) s += `  a${i}: "\${a${i - 1}}\${a${i - 1}}"\n`;
    return s;
  },
  doubleBuiltin: () => {
    const fn = pick(['fn::toBase64: "${A}${A}"', 'fn::toJSON: ["${A}", "${A}"]', 'fn::join: [",", ["${A}", "${A}"]]', 'fn::toString: ["${A}", "${A}"]', 'fn::concat: [["${A}"], ["${A}"]]']);
    let s = 'values:\n  a0: seed\n';
    for (let i = 1; i <= 10 + rand(40); i++) s += `  a${i}: {${fn.replaceAll('${A}', '${a' + (i - 1) + '}')}}\n`;
    return s;
  },
  chain: () => {
    const n = 10 + rand(12_000);
    const backwards = rand(2) === 0;
    let s = 'values:\n';
    for (let i = 0; i < n - 1; i++) s += `  k${String(i).padStart(5, '0')}: \${k${String(backwards ? i + 1 : Math.max(0, i - 1)).padStart(5, '0')}}\n`;
    return s + `  k${String(n - 1).padStart(5, '0')}: end\n`;
  },
  nestFlow: () => {
    const n = 10 + rand(10_500);
    return `values:\n  a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  },
  nestBlock: () => {
    const n = 10 + rand(3000);
    let s = 'values:\n';
    for (let i = 0; i < n; i++) s += `${' '.repeat(2 + i)}k${i}:\n`;
    return s + `${' '.repeat(2 + n)}v: 1\n`;
  },
  pattern: () => {
    const p = pick(PATTERNS);
    return `values:\n  v:\n    fn::validate:\n      schema: {type: string, pattern: ${JSON.stringify(p)}}\n      value: "${'a'.repeat(20 + rand(40))}b"\n`;
  },
  misspellings: () => {
    const n = 100 + rand(2500);
    let s = 'values:\n';
    for (let i = 0; i < n; i++) s += `  key${i}: v\n`;
    for (let i = 0; i < n; i++) s += `  ref${i}: \${kye${i}}\n`;
    return s;
  },
  cycle: () => {
    const n = 2 + rand(300);
    let s = 'values:\n';
    for (let i = 0; i < n; i++) s += `  c${i}: \${c${(i + 1) % n}}\n`;
    return s;
  },
  controls: () => `values:\n  a: "x${String.fromCharCode(pick([0x1b, 0x07, 0x08, 0x7f, 0x9b, 0x01]))}[31mred"\n`,
  mixed: () => {
    let s = 'values:\n  base: {x: [1, 2, 3], y: {z: "${base.x}"}}\n';
    for (let i = 0; i < 50 + rand(200); i++) {
      s += `  m${i}: ${pick(['${base}', '"${base.y.z}${base.x[0]}"', '{fn::toJSON: "${base}"}', '{fn::fromJSON: "[1,2"}', '{fn::split: [",", "a,b,c"]}', '${m' + rand(300) + '}', '${nope.really}'])}\n`;
    }
    return s;
  },
};

interface Outcome {
  name: string;
  kind: string;
  code: number | null;
  ms: number;
  problem?: string;
}

function runOne(dir: string, name: string, kind: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'env', 'open', name, '--env-dir', dir], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ESC_KUBE_CACHE: 'none', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS * 2);
    child.on('close', (code) => {
      clearTimeout(killer);
      const ms = performance.now() - started;
      let problem: string | undefined;
      if (code === null || ![0, 1, 2].includes(code)) problem = `exit ${code}`;
      else if (ms > LIMIT_MS) problem = `took ${ms.toFixed(0)} ms`;
      else if (/internal error|\n\s+at .+:\d+:\d+/.test(stderr)) problem = `internal error or stack trace: ${stderr.slice(0, 200)}`;
      // eslint-disable-next-line no-control-regex
      else if (/[\u001b\u0007\u009b]/.test(stderr)) problem = 'a raw control character reached stderr';
      resolve({ name, kind, code, ms, ...(problem ? { problem } : {}) });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'esc-kube-fuzz-'));
try {
  const names = Object.keys(kinds);
  const jobs: { name: string; kind: string }[] = [];
  for (let i = 0; i < count; i++) {
    const kind = names[i % names.length]!;
    const name = `f${String(i).padStart(4, '0')}-${kind}`;
    writeFileSync(join(dir, `${name}.yaml`), kinds[kind]!());
    jobs.push({ name, kind });
  }
  // One at a time: each time is that environment's own wall time, not a share of a contended machine
  // (esc-kube itself uses a second thread for the deepest environments).
  const outcomes: Outcome[] = [];
  for (const job of jobs) outcomes.push(await runOne(dir, job.name, job.kind));
  const bad = outcomes.filter((o) => o.problem);
  const byCode = outcomes.reduce<Record<string, number>>((m, o) => ((m[String(o.code)] = (m[String(o.code)] ?? 0) + 1), m), {});
  const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a));
  console.log(`fuzz: ${outcomes.length} generated environments (${names.length} kinds), exits ${JSON.stringify(byCode)}, slowest ${slowest.ms.toFixed(0)} ms (${slowest.name})`);
  for (const b of bad) console.log(`fuzz: FAILED ${b.name}: ${b.problem}`);
  console.log(`fuzz: ${outcomes.length - bad.length} passed, ${bad.length} failed`);
  process.exitCode = bad.length === 0 && outcomes.length === count ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
