// Makes dist/main.cjs.cache, the V8 code cache that boot.ts loads main.cjs with (see there): against a
// throwaway static-credentials environment and file cache (offline), it runs `esc-kube token` once to
// fill the cache, then compiles main.cjs the way boot.ts does, runs a cache hit, and saves the code V8
// compiled for it, behind a header naming this V8 and main.cjs's SHA-256. Run by scripts/build.mjs, in
// a child process whose output is discarded (the token goes to stdout).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const file = join(dist, 'main.cjs');
const { codeCacheHeader, compileCommonJs } = createRequire(import.meta.url)(join(dist, 'boot.cjs'));

const work = mkdtempSync(join(tmpdir(), 'esc-kube-code-cache-'));
try {
  // AWS's documented example key: nothing is sent anywhere, a static-credentials token is only signed.
  writeFileSync(
    join(work, 'train.yaml'),
    [
      'values:',
      '  aws:',
      '    login:',
      '      fn::open::aws-login:',
      '        static:',
      '          accessKeyId: AKIAIOSFODNN7EXAMPLE',
      '          secretAccessKey: {fn::secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}',
      '  environmentVariables:',
      '    AWS_ACCESS_KEY_ID: ${aws.login.accessKeyId}',
      '    AWS_SECRET_ACCESS_KEY: ${aws.login.secretAccessKey}',
      '    AWS_REGION: us-west-2',
      '',
    ].join('\n'),
  );
  for (const name of Object.keys(process.env)) if (/^(AWS_|ESC_KUBE_|KUBERNETES_|PULUMI_|DBUS_)/.test(name)) delete process.env[name];
  Object.assign(process.env, { ESC_KUBE_CACHE: 'file', XDG_CACHE_HOME: join(work, 'cache'), XDG_CONFIG_HOME: join(work, 'config'), HOME: work });
  const argv = ['token', '--env', 'train', '--cluster', 'train', '--env-dir', work];
  // The miss, in a process of its own: the cache then holds what a hit compiles, and not the rest of
  // main.cjs (less for V8 to read back on every hit).
  const miss = spawnSync(process.execPath, [join(dist, '..', 'bin', 'esc-kube'), ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (miss.status !== 0) throw new Error(`code cache: esc-kube token (a miss) exited with ${miss.status ?? miss.signal}`);
  const source = readFileSync(file, 'utf8');
  const { exports, script } = compileCommonJs(file, source);
  // A hit imports nothing: an import means the warm path did not answer, and the cache would be wrong.
  const code = await exports.main(argv, undefined, async (specifier) => {
    throw new Error(`code cache: the second esc-kube token was not a cache hit (it imported ${specifier})`);
  });
  if (code !== 0) throw new Error(`code cache: esc-kube token (a hit) exited with ${code}`);
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(codeCacheHeader(source, process.versions.v8), 'latin1'), script.createCachedData()]));
} finally {
  rmSync(work, { recursive: true, force: true });
}
