// Helpers for end-to-end tests that drive the built binary (bin/esc-kube -> dist/).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin/esc-kube');

/** The result of running a command to completion. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every directory made here, for `removeTempDirs` (the test runs remove their whole TMPDIR instead). */
const made: string[] = [];
const testCacheHome = track(mkdtempSync(join(tmpdir(), 'esc-kube-cache-home-')));

function track(dir: string): string {
  made.push(dir);
  return dir;
}

/** Removes the directories this module made (for the benchmarks, which run outside the test runner). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Variables every test run gets: no inherited AWS or Kubernetes settings, no Node warnings, and no
 * credential cache (the cache tests turn it on, in a cache directory of their own).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ESC_KUBE_CACHE: 'none',
    XDG_CACHE_HOME: testCacheHome,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs esc-kube with the given arguments and waits for it (killed after `timeoutMs`). */
export function runEscKube(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return runCommand(process.execPath, [BIN, ...args], opts);
}

/** Runs any command and collects its output. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? cleanEnv(), cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A command that exits without reading its input (a cache hit, now that one is this quick) closes
    // the pipe before the input is written: EPIPE. What the command did is in its exit and output.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts esc-kube without waiting, for tests that signal it. */
export function startEscKube(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary directory with the given files (paths relative to it). */
export function tempDir(files: Record<string, string | Uint8Array> = {}): string {
  const dir = track(mkdtempSync(join(tmpdir(), 'esc-kube-test-')));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A stack trace line, which users must never see without --verbose. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

/** True when a command is on the PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Whether a test's prerequisite (an outside tool, a shared fixture) is here, and if not, why. */
export interface Prerequisite {
  ok: boolean;
  reason: string;
}

/**
 * A prerequisite of a test. When it is missing the test is skipped, and its name says why (see
 * `named`), except under CI=true, where a missing prerequisite is a failure: CI must install everything.
 */
export function prerequisite(present: boolean, missing: string): Prerequisite {
  if (present) return { ok: true, reason: '' };
  if (process.env.CI === 'true') throw new Error(`CI=true but this test ${missing}: .ci/run must provide it`);
  console.warn(`skipping: ${missing}`);
  return { ok: false, reason: missing };
}

/** Whether a test that needs outside tools can run (see `prerequisite`). */
export function requireTools(...names: string[]): Prerequisite {
  const missing = names.filter((n) => !hasCommand(n));
  return prerequisite(missing.length === 0, `needs ${missing.join(', ')} on the PATH`);
}

/** Whether a shared fixture (a file or directory beside the checkout) is there (see `prerequisite`). */
export function requirePath(path: string): Prerequisite {
  return prerequisite(existsSync(path), `needs ${path}`);
}

/** A test or suite title that says why it is skipped, when it is. */
export function named(title: string, ...prerequisites: Prerequisite[]): string {
  const missing = prerequisites.filter((p) => !p.ok).map((p) => p.reason);
  return missing.length === 0 ? title : `${title} [skipped: ${missing.join('; ')}]`;
}

/** All prerequisites together, for `runIf`. */
export function allOk(...prerequisites: Prerequisite[]): boolean {
  return prerequisites.every((p) => p.ok);
}

/** A free TCP port on 127.0.0.1 (never one that Node's fetch refuses). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (![5060, 5061, 6000, 6665, 6666, 6667, 6668, 6669, 10080].includes(port)) return port;
  }
}

/** A running moto_server (the third-party STS and EKS emulator). */
export interface Moto {
  endpoint: string;
  /** How many AssumeRole* calls moto has answered. */
  assumedRoles(): Promise<number>;
  stop(): void;
}

/** Starts moto_server on 127.0.0.1 and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const data = async () => (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as { sts?: { AssumedRole?: unknown[] } };
  for (let i = 0; i < 150; i++) {
    if (await data().then(() => true, () => false)) {
      return { endpoint, assumedRoles: async () => (await data()).sts?.AssumedRole?.length ?? 0, stop: () => child.kill() };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('moto_server did not start within 15 s');
}

/** The versioned kubectl binaries beside the dispatcher (kubectl.1.27 ... kubectl.1.33), oldest first. */
export function kubectlBinaries(): string[] {
  if (!hasCommand('kubectl')) return [];
  const dispatcher = realpathSync(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim());
  const dir = dirname(dispatcher);
  return readdirSync(dir)
    .filter((f) => /^kubectl\.1\.\d+$/.test(f))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map((f) => join(dir, f));
}

