// Starting esc-kube: bin/esc-kube loads dist/main.cjs through here, with V8's code cache for it when the
// build made one (scripts/code-cache.mjs writes dist/main.cjs.cache after running a cache hit, so the
// cache holds the warm path's functions already compiled). A hit then runs from that bytecode instead of
// parsing and compiling main.cjs and its functions: about 1.3 ms of the 7-8 ms a hit spends above
// Node's own start-up.
//
// The cache is a build product beside main.cjs, as trusted as main.cjs itself: nothing at run time
// writes it. It is used only when its header names this V8 and the SHA-256 of main.cjs as it is now
// (V8's own check compares the source's length, not its text); otherwise main.cjs is required as usual.
// A module compiled from a code cache cannot use import() (Node loses its callback for it), so main()
// gets an importer from here for the full command's ES modules.

import { readFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';
import { hash } from 'node:crypto';
import type { ModuleImporter } from './main.js';

/** The first words of a code cache file's header line. */
const MAGIC = 'esc-kube-code-cache 1';

/** What became of the code cache: used, not there, made for another main.cjs or V8, or refused by V8. */
export type CodeCacheUse = 'used' | 'absent' | 'stale' | 'rejected';

/** main.cjs's exports. */
export interface MainModule {
  main(argv: readonly string[], deps?: undefined, importer?: ModuleImporter): Promise<number>;
}

/** The header line of a code cache made for `source` on V8 `v8`. */
export function codeCacheHeader(source: string, v8: string): string {
  return `${MAGIC} ${v8} ${hash('sha256', source, 'hex')}\n`;
}

/** Whether a code cache file's header is for this V8 (read before main.cjs is, so that a mismatch costs nothing more). */
export function madeForV8(file: Buffer, v8: string): boolean {
  const prefix = Buffer.from(`${MAGIC} ${v8} `, 'latin1');
  return file.length > prefix.length && file.subarray(0, prefix.length).equals(prefix);
}

/** The V8 data in a code cache file, when it was made for this source on this V8; else 'stale'. */
export function cachedDataFor(file: Buffer, source: string, v8: string): Buffer | 'stale' {
  const header = Buffer.from(codeCacheHeader(source, v8), 'latin1');
  if (file.length <= header.length || !file.subarray(0, header.length).equals(header)) return 'stale';
  return file.subarray(header.length);
}

/** Compiles and runs a CommonJS file's source the way require() would, with V8 cached data if given. */
export function compileCommonJs(file: string, source: string, cachedData?: Buffer): { exports: unknown; script: Script } {
  const script = new Script(wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

/** Loads `dir`/main.cjs, from its code cache when that fits. */
export function loadMain(dir: string, v8: string = process.versions.v8): { main: MainModule; codeCache: CodeCacheUse } {
  const file = join(dir, 'main.cjs');
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(`${file}.cache`);
  } catch {
    // No cache (a build without one, or removed): main.cjs is compiled as usual.
  }
  const required = (codeCache: CodeCacheUse) => ({ main: createRequire(file)(file) as MainModule, codeCache });
  if (cache === undefined) return required('absent');
  // Made by another Node (an installed package built elsewhere): not even main.cjs's hash is needed.
  if (!madeForV8(cache, v8)) return required('stale');
  const source = readFileSync(file, 'utf8');
  const data = cachedDataFor(cache, source, v8);
  if (data === 'stale') return required('stale');
  const { exports, script } = compileCommonJs(file, source, data);
  return { main: exports as MainModule, codeCache: script.cachedDataRejected ? 'rejected' : 'used' };
}

/** Imports the full command's modules (paths relative to `dir`) and Node's own. */
export function importerFor(dir: string): ModuleImporter {
  return async (specifier) => {
    if (!specifier.startsWith('.') && !isAbsolute(specifier)) return import(specifier);
    // node:url only here, on a miss: loading it costs a hit about a millisecond.
    const { pathToFileURL } = await import('node:url');
    return import(pathToFileURL(join(dir, specifier)).href);
  };
}

/** Runs esc-kube from `dir` (dist/); resolves with the exit status. */
export function boot(dir: string, argv: readonly string[]): Promise<number> {
  return loadMain(dir).main.main(argv, undefined, importerFor(dir));
}
