// Makes dist/main.cjs.cache, the V8 code cache that boot.ts loads main.cjs with (see there): it compiles
// main.cjs the way boot.ts does, runs `esc-kube token` twice against a throwaway static-credentials
// environment and file cache (a miss, then a cache hit, offline), and saves the code V8 compiled for
// them, behind a header naming this V8 and main.cjs's SHA-256. Run by scripts/build.mjs, in a child
// process whose output is discarded (the token goes to stdout).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const file = join(dist, 'main.cjs');
const { codeCacheHeader, compileCommonJs, importerFor } = createRequire(import.meta.url)(join(dist, 'boot.cjs'));

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
  const source = readFileSync(file, 'utf8');
  const { exports, script } = compileCommonJs(file, source);
  const argv = ['token', '--env', 'train', '--cluster', 'train', '--env-dir', work];
  for (const run of ['a miss', 'a hit']) {
    const code = await exports.main(argv, undefined, importerFor(dist));
    if (code !== 0) throw new Error(`code cache: esc-kube token (${run}) exited with ${code}`);
  }
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(codeCacheHeader(source, process.versions.v8), 'latin1'), script.createCachedData()]));
} finally {
  rmSync(work, { recursive: true, force: true });
}
