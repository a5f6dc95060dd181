// `npm run conformance -- DIR...`: evaluates every case folder under each DIR, prints one line per
// failing case and a summary, and exits 0 only when all pass.

import { runCases } from './harness.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run conformance -- DIR [DIR...]   (each DIR holds case folders with case.json)');
  process.exitCode = 2;
} else {
  let passed = 0;
  let failed = 0;
  for (const dir of dirs) {
    for (const r of await runCases(dir)) {
      if (r.differences.length === 0) passed++;
      else {
        failed++;
        console.log(`FAIL ${r.name}: ${r.differences.join('; ')}`);
      }
    }
  }
  console.log(`conformance: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}
