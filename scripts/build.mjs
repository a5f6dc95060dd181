// Builds dist/ with esbuild, in two parts:
//   - dist/main.cjs: the entry, with the warm path of `esc-kube token` (fast-token.ts and the credential
//     cache) in one CommonJS file, so that a cache hit loads one file and no ES module loader: the ESM
//     loader and a fan-out of chunks cost a hit several milliseconds of start-up.
//   - dist/cli.js, dist/root.js, dist/deep-worker.js, dist/adapters/deep-stack.js: the full command, as
//     ES modules sharing chunks, loaded by main.cjs on a miss.
// Dependencies stay in node_modules (external), but for jose in the warm path. Type checking
// is tsc's job (npm run typecheck).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts', root: 'src/root.ts', 'deep-worker': 'src/deep-worker.ts', 'adapters/deep-stack': 'src/adapters/deep-stack.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
});

/** The full command's modules stay separate files, imported on a miss. */
const fullCommand = {
  name: 'full-command-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/(cli|root|adapters\/deep-stack)\.js$/ }, (args) => ({ path: args.path, external: true }));
    // Everything in node_modules stays external, but jose's JWT decoder (small, and in the warm path:
    // bundled, it costs no module resolution).
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^jose(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  format: 'cjs',
  plugins: [fullCommand],
  // import.meta.url, for createRequire in the keychain adapter: createRequire takes a path as well as a
  // file URL, so __filename does (node:url costs a hit about a millisecond).
  banner: { js: 'const __importMeta = { url: __filename };' },
  define: { 'import.meta': '__importMeta' },
  // Less to parse on every hit; the source map keeps stack traces readable.
  minify: true,
  keepNames: true,
});
