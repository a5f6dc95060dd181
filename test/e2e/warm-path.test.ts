// A token-tier hit loads only what it needs: not the CLI framework, the YAML parser, the AWS SDK or the
// signer (they are imported lazily on a miss).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, cleanEnv, runCommand, tempDir, ROOT } from './helpers.js';
import { staticEnvironment } from './environments.js';

it('a cache hit does not load commander, yaml, the AWS SDK or @smithy/signature-v4; a miss does', async () => {
  const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAWARMPATH', 'warm-path-secret', undefined, 'us-west-2') });
  const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
  const loads = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const run = async (record: string) => {
    const r = await runCommand(process.execPath, ['--import', join(ROOT, 'test/support/record-loads.mjs'), BIN, 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir], {
      env: { ...env, RECORD_LOADS_FILE: record },
    });
    expect(r.code).toBe(0);
    return loads(record);
  };
  const miss = await run(join(tempDir(), 'miss.txt'));
  const hit = await run(join(tempDir(), 'hit.txt'));
  const heavy = /node_modules\/(commander|yaml|@aws-sdk|@smithy\/signature-v4)\//;
  expect(miss.some((u) => heavy.test(u))).toBe(true);
  expect(hit.filter((u) => heavy.test(u))).toEqual([]);
  expect(hit.some((u) => u.includes('fast-token'))).toBe(true);
});

it('--verbose does not bypass the cache: two calls a second apart print the same token', async () => {
  const dir = tempDir({ 'team.yaml': staticEnvironment('AKIAVERBOSE', 'verbose-secret', undefined, 'us-west-2') });
  const env = cleanEnv({ ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: tempDir() });
  const token = async () => {
    const r = await runCommand(process.execPath, [BIN, 'token', '--env', 'team', '--cluster', 'demo', '--env-dir', dir, '--verbose'], { env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).status.token as string;
  };
  const first = await token();
  // A new token would differ: it is signed with the second (X-Amz-Date) it is made in.
  await new Promise((r) => setTimeout(r, 1100));
  expect(await token()).toBe(first);
});
