// Reading stack outputs from Pulumi's self-managed ("DIY") backend: file://~ or file:///dir, layout
// version 1 (.pulumi/stacks/<project>/<stack>.json) and the older one (.pulumi/stacks/<stack>.json),
// plain or gzipped checkpoints. Secret outputs are decrypted with the stack's secrets provider and kept
// secret.

import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { exportedFromPlain, type Exported } from '../esc/value.js';
import { passphraseDecryptor, readPassphrase, type Decryptor } from './passphrase.js';
import type { Environ } from '../environ.js';

/** The file-system calls state reading needs. */
export interface StateFs {
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number; isDirectory(): boolean }>;
}

/** What reading needs besides files. */
export interface StateDeps {
  fs: StateFs;
  environ: Environ;
  homedir: string;
  /** PBKDF2 keys derived during this call, by salt and passphrase. */
  keyCache: Map<string, Promise<Buffer>>;
}

/** A failure the user can act on. */
export class StateError extends Error {}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

/** Resolves the backend URL: the input, else PULUMI_BACKEND_URL, else `current` in ~/.pulumi/credentials.json. */
export async function resolveBackendUrl(input: string | undefined, deps: Pick<StateDeps, 'fs' | 'environ' | 'homedir'>): Promise<string> {
  if (input) return input;
  if (deps.environ.PULUMI_BACKEND_URL) return deps.environ.PULUMI_BACKEND_URL;
  const home = deps.environ.PULUMI_HOME || join(deps.homedir, '.pulumi');
  try {
    const creds = JSON.parse(Buffer.from(await deps.fs.readFile(join(home, 'credentials.json'))).toString('utf8')) as { current?: unknown };
    if (typeof creds.current === 'string' && creds.current) return creds.current;
  } catch {
    // No credentials file: no backend configured.
  }
  throw new StateError(`no Pulumi backend: set "backend: file://..." in the inputs, or PULUMI_BACKEND_URL, or run \`pulumi login --local\` (${join(home, 'credentials.json')} names none)`);
}

/** The directory of a file:// backend URL. */
export function backendDir(url: string, homedir: string): string {
  if (!url.startsWith('file://')) {
    throw new StateError(`backend ${url} is not a file:// URL; pulumi-stacks in esc-kube reads self-managed state (file://~ or file:///path); for Pulumi Cloud stacks, open the environment in Pulumi Cloud`);
  }
  const rest = url.slice('file://'.length).replace(/\?.*$/, '');
  if (rest === '~' || rest.startsWith('~/')) return join(homedir, rest.slice(1));
  if (!rest.startsWith('/')) throw new StateError(`backend ${url} must be file://~ or an absolute file:///path`);
  return rest;
}

/** Reads the outputs of stack `project/stack` from a backend directory. */
export async function readStackOutputs(dir: string, projectStack: string, deps: StateDeps): Promise<Exported> {
  const [project, stack] = projectStack.split('/') as [string, string];
  const root = join(dir, '.pulumi');
  try {
    if (!(await deps.fs.stat(root)).isDirectory()) throw new Error();
  } catch {
    throw new StateError(`backend directory ${dir} does not exist or has no .pulumi state`);
  }
  const layout = await layoutVersion(root, deps.fs);
  const stacksDir = layout === 1 ? join(root, 'stacks', project) : join(root, 'stacks');
  const file = await newest(stacksDir, stack, deps.fs);
  if (!file) throw new StateError(`stack ${projectStack} not found in ${dir}; stacks there: ${(await listStacks(root, layout, deps.fs)).join(', ') || 'none'}`);
  const checkpoint = parseCheckpoint(await deps.fs.readFile(file), file);
  const latest = checkpoint.checkpoint?.latest;
  if (layout !== 1) {
    const stackResource = latest?.resources?.find((r) => r.type === 'pulumi:pulumi:Stack');
    const urnProject = stackResource?.urn?.split('::')[1];
    if (urnProject !== undefined && urnProject !== project) throw new StateError(`stack ${stack} in ${dir} belongs to project ${urnProject}, not ${project}`);
  }
  const resource = latest?.resources?.find((r) => r.type === 'pulumi:pulumi:Stack' && !r.parent);
  const outputs = resource?.outputs ?? {};
  const decryptor = containsCiphertext(outputs) ? await decryptorFor(latest?.secrets_providers, deps) : undefined;
  return toExported(outputs, decryptor);
}

interface Checkpoint {
  checkpoint?: {
    latest?: {
      secrets_providers?: { type?: string; state?: { salt?: string } };
      resources?: { urn?: string; type?: string; parent?: string; outputs?: Record<string, unknown> }[];
    };
  };
}

function parseCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  try {
    const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes);
    return JSON.parse(raw.toString('utf8')) as Checkpoint;
  } catch (e) {
    throw new StateError(`${file} is not a readable Pulumi checkpoint: ${(e as Error).message}`);
  }
}

async function layoutVersion(root: string, fs: StateFs): Promise<number> {
  try {
    const meta = Buffer.from(await fs.readFile(join(root, 'meta.yaml'))).toString('utf8');
    return Number(/^version:\s*(\d+)/m.exec(meta)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The newest of <stack>.json and <stack>.json.gz, as Pulumi picks it. */
async function newest(dir: string, stack: string, fs: StateFs): Promise<string | undefined> {
  let best: { path: string; mtime: number } | undefined;
  for (const name of [`${stack}.json`, `${stack}.json.gz`]) {
    const path = join(dir, name);
    const info = await fs.stat(path).catch(() => undefined);
    if (info && !info.isDirectory() && (!best || info.mtimeMs > best.mtime)) best = { path, mtime: info.mtimeMs };
  }
  return best?.path;
}

async function listStacks(root: string, layout: number, fs: StateFs): Promise<string[]> {
  const names = (d: string) => fs.readdir(d).then((fs) => fs.filter((f) => /\.json(\.gz)?$/.test(f)).map((f) => f.replace(/\.json(\.gz)?$/, '')), () => [] as string[]);
  if (layout !== 1) return [...new Set(await names(join(root, 'stacks')))].sort();
  const out: string[] = [];
  for (const project of await fs.readdir(join(root, 'stacks')).catch(() => [] as string[])) {
    for (const s of await names(join(root, 'stacks', project))) out.push(`${project}/${s}`);
  }
  return [...new Set(out)].sort();
}

function isSecret(v: unknown): v is { ciphertext?: string; plaintext?: string } {
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

function containsCiphertext(v: unknown): boolean {
  if (isSecret(v)) return typeof v.ciphertext === 'string';
  if (Array.isArray(v)) return v.some(containsCiphertext);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsCiphertext);
  return false;
}

async function decryptorFor(provider: { type?: string; state?: { salt?: string } } | undefined, deps: StateDeps): Promise<Decryptor> {
  const type = provider?.type ?? 'none';
  if (type === 'b64') return { decrypt: (v) => Buffer.from(v, 'base64').toString('utf8') };
  if (type !== 'passphrase') {
    throw new StateError(`the stack's secrets are encrypted by the ${type} secrets provider; esc-kube can decrypt passphrase-encrypted stacks only`);
  }
  if (typeof provider?.state?.salt !== 'string') throw new StateError('the stack names the passphrase secrets provider but has no salt');
  const passphrase = await readPassphrase(deps.environ, async (p) => Buffer.from(await deps.fs.readFile(p)).toString('utf8'));
  return passphraseDecryptor(passphrase, provider.state.salt, deps.keyCache);
}

/** Converts outputs to exported data; secrets are decrypted (their text is JSON) and marked secret throughout. */
function toExported(v: unknown, decryptor: Decryptor | undefined): Exported {
  if (isSecret(v)) {
    const text = typeof v.ciphertext === 'string' ? decryptor!.decrypt(v.ciphertext) : (v.plaintext ?? 'null');
    let inner: unknown;
    try {
      inner = JSON.parse(text);
    } catch {
      throw new StateError('a decrypted secret output is not JSON');
    }
    return exportedFromPlain(inner, true);
  }
  if (Array.isArray(v)) return { value: v.map((x) => toExported(x, decryptor)), secret: false, unknown: false };
  if (v !== null && typeof v === 'object') {
    const o: Record<string, Exported> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: toExported(x, decryptor), enumerable: true });
    return { value: o, secret: false, unknown: false };
  }
  return exportedFromPlain(v);
}
