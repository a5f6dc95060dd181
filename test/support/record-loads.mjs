// Loaded with `node --import`: records every module the ESM loader resolves and every file CommonJS
// require() loads, one URL or path per line, in $RECORD_LOADS_FILE (the warm-path test checks what a
// cache hit loads).
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(process.env.RECORD_LOADS_FILE, `${url}\n`));
port1.unref();
register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });

// CommonJS: the warm path (dist/main.cjs) requires rather than imports.
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try {
    appendFileSync(process.env.RECORD_LOADS_FILE, `${Module._resolveFilename(request, parent, isMain)}\n`);
  } catch {
    // A request that does not resolve fails in the real load below.
  }
  return load.apply(this, arguments);
};
