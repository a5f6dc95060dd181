// Builds dist/ with esbuild, in three parts:
//   - dist/main.cjs: the entry, with the warm path of `esc-kube token` (fast-token.ts and the credential
//     cache) in one CommonJS file, so that a cache hit loads one file and no ES module loader: the ESM
//     loader and a fan-out of chunks cost a hit several milliseconds of start-up. With it,
//     dist/main.cjs.cache: V8's code cache for it, made by running a hit (scripts/code-cache.mjs).
//   - dist/boot.cjs: what bin/esc-kube requires; it loads main.cjs with that cache (boot.ts).
//   - dist/cli.js, dist/root.js, dist/deep-worker.js, dist/adapters/deep-stack.js: the full command, as
//     ES modules sharing chunks, imported by main.cjs on a miss.
// Dependencies stay in node_modules (external), but for jose in the warm path. Type checking
// is tsc's job (npm run typecheck).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
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

/** Everything in node_modules stays external, but jose's JWT decoder (small: bundled, it costs no module resolution). */
const externals = {
  name: 'externals-but-jose',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^jose(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  format: 'cjs',
  plugins: [externals],
  // import.meta.url, for createRequire in the keychain adapter: createRequire takes a path as well as a
  // file URL, so __filename does (node:url costs a hit about a millisecond).
  banner: { js: 'const __importMeta = { url: __filename };' },
  define: { 'import.meta': '__importMeta' },
  // Less to parse on every hit; the source map keeps stack traces readable.
  minify: true,
  keepNames: true,
});

await build({ ...common, entryPoints: ['src/boot.ts'], outfile: 'dist/boot.cjs', format: 'cjs', packages: 'external' });

// The code cache, from a hit run in a child process (its token goes to stdout, which is dropped).
const trained = spawnSync(process.execPath, ['scripts/code-cache.mjs', 'dist'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (trained.status !== 0) throw new Error(`making dist/main.cjs.cache failed (exit ${trained.status ?? trained.signal})`);
