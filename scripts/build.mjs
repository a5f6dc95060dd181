// Builds dist/ with esbuild: one ESM module for the entry and shared code, split at the dynamic
// imports, so that a cached `esc-kube token` loads a few files instead of dozens. Dependencies stay
// in node_modules (external). Type checking is tsc's job (npm run typecheck).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  // deep-worker: the entry of the large-stack thread (src/deep-stack.ts).
  entryPoints: ['src/main.ts', 'src/deep-worker.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
