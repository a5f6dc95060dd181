// Loaded with `node --import`: records every module the ESM loader resolves, one URL per line, in
// $RECORD_LOADS_FILE (the warm-path test checks what a cache hit loads).
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(process.env.RECORD_LOADS_FILE, `${url}\n`));
port1.unref();
register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
