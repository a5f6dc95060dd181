// The composition root, with main.ts: the only code that builds the process's parts into the CLI's
// dependencies. main.ts gives the warm path its narrow view (environment, places, the credential
// cache); this module builds the rest, once per run, when the warm path did not answer.

import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import type { Deps, Environ } from './deps.js';
import { systemBrowser } from './adapters/browser.js';
import { httpCallbackListener } from './adapters/callback-server.js';
import { chooseCredentialCache } from './adapters/cache-setup.js';
import { sdkEksClient } from './adapters/eks-client.js';
import { lockOptionsForLogin, processIsAlive } from './adapters/file-lock.js';
import { kubeconfigFile } from './adapters/kubeconfig-file.js';
import { privateFiles } from './adapters/private-files.js';
import { processRunner } from './adapters/process-runner.js';
import { readTextIfExists } from './adapters/read-text.js';
import { sdkStsClient } from './adapters/sts-client.js';
import { environmentsKey } from './adapters/env-key.js';
import { localEnvironmentFiles } from './adapters/environment-files.js';
import { randomBytes } from 'node:crypto';
import { sdkAwsServices } from './adapters/aws-services.js';
import { loginTimeoutMs } from './login/login-source.js';
import { providerRegistry, type ProviderIo } from './providers/registry.js';
import { VERSION } from './version.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


/**
 * Builds the real dependencies from the running process. `choose` opens the credential cache: main.ts
 * passes the warm path's own copy (dist/main.cjs bundles one), so that the keychain the warm path
 * chose, or found hung, is the one the full command uses, not found hung a second time.
 */
export function processDeps(environ: Environ, choose: typeof chooseCredentialCache = chooseCredentialCache): Deps {
  const home = homedir();
  const now = () => new Date();
  const io: ProviderIo = {
    fs: { readFile: (p) => readFile(p), readdir: (p) => readdir(p), stat: (p) => stat(p) },
    readFile: (p) => readFile(p, 'utf8'),
    homedir: home,
    fetch: globalThis.fetch,
    sts: sdkStsClient,
    deadline: (ms) => AbortSignal.timeout(ms),
    aws: sdkAwsServices(environ),
  };
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    environ,
    cwd: process.cwd(),
    homedir: home,
    fs: { stat, readFile, readdir: (p) => readdir(p, { withFileTypes: true }) },
    runner: processRunner(process),
    files: privateFiles(tmpdir()),
    now,
    providers: (setup) => providerRegistry(io, setup),
    cache: (flag) =>
      choose(flag, {
        environ,
        homedir: home,
        platform: process.platform,
        now,
        lockOptions: lockOptionsForLogin(loginTimeoutMs(environ)),
        notice: (m) => process.stderr.write(`esc-kube: ${m}\n`),
      }),
    version: VERSION,
    platform: process.platform,
    sts: sdkStsClient,
    envKey: environmentsKey({ environ, homedir: home, platform: process.platform, random: randomBytes, notice: (m) => process.stderr.write(`esc-kube: ${m}\n`) }),
    random: randomBytes,
    environmentFiles: localEnvironmentFiles,
    readStdin: () => readAll(process.stdin),
    prompt: (question) => promptLine(question),
    eks: sdkEksClient,
    readText: readTextIfExists,
    browser: systemBrowser(environ, process.platform),
    loginListener: httpCallbackListener,
    stdinIsTTY: process.stdin.isTTY === true,
    fetch: globalThis.fetch,
    sleep,
    deadline: (ms) => AbortSignal.timeout(ms),
    kubeconfig: kubeconfigFile({ isAlive: processIsAlive, sleep, now: () => Date.now() }),
  };
}

/** All of a stream, as UTF-8 text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line of stdin after a question on stderr; undefined at the end of stdin or on Ctrl-C. */
async function promptLine(question: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    const interrupted = () => rl.close();
    // An interrupt while waiting for an answer means "no": the caller cleans up and discards.
    process.once('SIGINT', interrupted);
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      process.off('SIGINT', interrupted);
      if (!answered) resolve(undefined);
    });
    process.stderr.write(question);
  });
}
