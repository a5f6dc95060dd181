// Environments in Pulumi Cloud: opened with the ESC REST API (POST .../open, then GET .../open/{id})
// through a small fetch client, keeping the secret flags of the returned values. 429 and 5xx answers
// and network errors are retried with backoff. The access token never appears in a message.

import { join } from 'node:path';
import { NumberValue, setOwn, type Exported } from '../esc/value.js';
import { EscKubeError, quoteValue } from '../errors.js';
import { errorDiag, escapeControls, type Diagnostic } from '../esc/diagnostics.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import type { Environ } from '../environ.js';

/** The default Pulumi Cloud API. */
export const DEFAULT_API = 'https://api.pulumi.com';

/** Where Pulumi Cloud is and how to authenticate to it. */
export interface CloudAccess {
  apiBase: string;
  token: string | undefined;
}

/** Finds the API base and the access token: PULUMI_ACCESS_TOKEN, else the current account in credentials.json. */
export async function cloudAccess(
  environ: Environ,
  homedir: string,
  readText: (path: string) => Promise<string | undefined>,
): Promise<CloudAccess> {
  const backend = environ.PULUMI_BACKEND_URL;
  const apiBase = (backend && /^https?:\/\//.test(backend) ? backend : DEFAULT_API).replace(/\/+$/, '');
  if (environ.PULUMI_ACCESS_TOKEN) return { apiBase, token: environ.PULUMI_ACCESS_TOKEN };
  const file = join(environ.PULUMI_HOME || join(homedir, '.pulumi'), 'credentials.json');
  try {
    const creds = JSON.parse((await readText(file)) ?? '{}') as { current?: string; accessTokens?: Record<string, string>; accounts?: Record<string, { accessToken?: string }> };
    const current = creds.current;
    if (current && /^https?:\/\//.test(current)) {
      const token = creds.accessTokens?.[current] ?? creds.accounts?.[current]?.accessToken;
      return { apiBase, token };
    }
  } catch {
    // Unreadable credentials: no token.
  }
  return { apiBase, token: undefined };
}

/** Whether a name has the shape of a Pulumi Cloud environment name: three parts, an optional @version. */
export function isCloudName(name: string): boolean {
  return /^[^/@\s]+\/[^/@\s]+\/[^/@\s]+(@[^/@\s]*)?$/.test(name);
}

/** What each part of a cloud name (and a version) may hold, as Pulumi Cloud names them. */
const NAME_PART = /^[A-Za-z0-9._-]+$/;

/** Checks a cloud name before any URL is built from it: no part may be empty, "." or "..", or hold other characters. */
export function checkCloudName(name: string): { path: [string, string, string]; version: string | undefined } {
  const [path, version, ...more] = name.split('@');
  const parts = (path ?? '').split('/');
  const bad = (p: string | undefined) => p === undefined || !NAME_PART.test(p) || p === '.' || p === '..';
  if (more.length > 0 || parts.length !== 3 || parts.some(bad) || (version !== undefined && bad(version))) {
    throw new EscKubeError('env-invalid-name', `${quoteValue(name)} is not a Pulumi Cloud environment name: expected ORG/PROJECT/ENV or ORG/PROJECT/ENV@VERSION, each part made of letters, digits, ".", "-" and "_" (and not "." or "..")`);
  }
  return { path: parts as [string, string, string], version };
}

/** The default overall deadline of a cloud open, in seconds ($ESC_KUBE_CLOUD_TIMEOUT). */
export const CLOUD_TIMEOUT_SECONDS = 30;
/** The largest answer read from Pulumi Cloud. */
export const MAX_CLOUD_BODY_BYTES = 16 * 1024 * 1024;
/** The deepest JSON nesting read from Pulumi Cloud (each level of values is two levels of JSON). */
export const MAX_CLOUD_JSON_DEPTH = 512;

/** The overall deadline: $ESC_KUBE_CLOUD_TIMEOUT seconds, else 30 s. */
export function cloudTimeoutMs(environ: Environ): number {
  const seconds = Number(environ.ESC_KUBE_CLOUD_TIMEOUT ?? CLOUD_TIMEOUT_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : CLOUD_TIMEOUT_SECONDS) * 1000;
}

/** Waits between attempts: twice as long each time from the first, up to the most. */
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 8000;
/** The longest a Retry-After is waited for. */
const MAX_RETRY_AFTER_MS = 10_000;

/** What the client needs: fetch, a way to wait between retries, a clock and the overall deadline. */
export interface CloudDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  clock: () => number;
  /** An AbortSignal that fires after `ms`. */
  deadline: (ms: number) => AbortSignal;
  /** The whole open (every attempt and wait) ends within this; default 30 s. */
  timeoutMs?: number;
}

/** An opened cloud environment: its values and any diagnostics Pulumi Cloud reported. */
export interface CloudOpened {
  exported: Exported | undefined;
  diagnostics: Diagnostic[];
}

/** Opens ORG/PROJECT/ENV[@version] in Pulumi Cloud. */
export async function openCloudEnvironment(name: string, access: CloudAccess, deps: CloudDeps): Promise<CloudOpened> {
  const { path: parts, version } = checkCloudName(name);
  if (!access.token) throw new EscKubeError('cloud-auth', `no Pulumi access token for ${name}: run \`pulumi login\` or set PULUMI_ACCESS_TOKEN`);
  const path = parts.join('/');
  const now = deps.clock;
  const deadline = now() + (deps.timeoutMs ?? CLOUD_TIMEOUT_SECONDS * 1000);
  const ctx = { access, deps, name, now, deadline };
  const envPath = `/api/esc/environments/${parts.map(encodeURIComponent).join('/')}`;
  const openPath = `${envPath}${version ? `/versions/${encodeURIComponent(version)}` : ''}/open?duration=2h0m0s`;
  // Opening is not idempotent: it is sent again only when the answer proves it was not processed.
  const opened = await call(ctx, 'POST', openPath, false);
  if (opened.status === 400) {
    const body = (await readJson(ctx, opened, 'POST', openPath).catch(() => ({}))) as { message?: string; diagnostics?: CloudDiagnostic[] };
    if (Array.isArray(body.diagnostics) && body.diagnostics.length > 0) return { exported: undefined, diagnostics: body.diagnostics.map((d) => toDiagnostic(d, path)) };
    throw new EscKubeError('env-diagnostics', `Pulumi Cloud could not open ${name}: ${escapeControls(String(body.message ?? 'bad request'))}`);
  }
  const { id } = (await readJson(ctx, opened, 'POST', openPath)) as { id?: unknown };
  if (typeof id !== 'string' || id === '') throw malformed(ctx, 'POST', openPath, 'no session id');
  const readPath = `${envPath}/open/${encodeURIComponent(id)}`;
  const read = await call(ctx, 'GET', readPath, true);
  const environment = (await readJson(ctx, read, 'GET', readPath)) as { properties?: unknown };
  const properties = environment?.properties ?? {};
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) throw malformed(ctx, 'GET', readPath, 'no properties object');
  return { exported: fromCloudValue({ value: properties }), diagnostics: [] };
}

interface CallContext {
  access: CloudAccess;
  deps: CloudDeps;
  name: string;
  now: () => number;
  deadline: number;
}

function malformed(ctx: CallContext, method: string, path: string, what: string): EscKubeError {
  return new EscKubeError('cloud-answer', `Pulumi Cloud at ${ctx.access.apiBase} answered ${method} ${path.split('?')[0]} with ${what}; is PULUMI_BACKEND_URL a Pulumi Cloud API?`);
}

/** Reads a JSON answer: at most 16 MiB, within the deadline, nested at most 512 deep, and JSON at all. */
async function readJson(ctx: CallContext, res: Response, method: string, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readCapped(res, MAX_CLOUD_BODY_BYTES);
  } catch (e) {
    if (e instanceof EscKubeError) throw e;
    if (ctx.now() >= ctx.deadline) throw deadlinePassed(ctx);
    throw new EscKubeError('cloud-answer', `Pulumi Cloud at ${ctx.access.apiBase} broke off its answer to ${method} ${path.split('?')[0]}: ${escapeControls((e as Error).message)}`, { cause: e });
  }
  if (jsonDepth(text) > MAX_CLOUD_JSON_DEPTH) throw malformed(ctx, method, path, `JSON nested more than ${MAX_CLOUD_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw malformed(ctx, method, path, 'malformed JSON');
  }
}

/** Reads a body as text, refusing one larger than `max` bytes without reading the rest. */
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new EscKubeError('cloud-answer', `Pulumi Cloud answered with ${declared} bytes; esc-kube reads at most ${max / 1024 / 1024} MiB`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw new EscKubeError('cloud-answer', `Pulumi Cloud answered with more than ${max / 1024 / 1024} MiB; esc-kube reads at most that`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

function deadlinePassed(ctx: CallContext): EscKubeError {
  return new EscKubeError('cloud-timeout', `Pulumi Cloud at ${ctx.access.apiBase} did not open ${ctx.name} in time (the limit is $ESC_KUBE_CLOUD_TIMEOUT, ${CLOUD_TIMEOUT_SECONDS} s by default)`);
}

interface CloudDiagnostic {
  summary?: string;
  path?: string;
  range?: { environment?: string; begin?: { line?: number; column?: number; byte?: number }; end?: { line?: number; column?: number; byte?: number } };
}

interface CloudValue {
  value?: unknown;
  secret?: boolean;
  unknown?: boolean;
}

function toDiagnostic(d: CloudDiagnostic, env: string): Diagnostic {
  const at = (p?: { line?: number; column?: number; byte?: number }) => ({ line: p?.line ?? 1, column: p?.column ?? 1, offset: p?.byte ?? 0 });
  const where = d.range?.environment ?? env;
  return errorDiag('syntax', d.summary ?? 'error', where, d.range ? { env: where, file: `${where} (Pulumi Cloud)`, start: at(d.range.begin), end: at(d.range.end) } : undefined, d.path);
}

/** Converts an esc.Value as the API encodes it (`{value, secret, unknown, trace}`) to exported data. */
export function fromCloudValue(v: CloudValue): Exported {
  const secret = v.secret === true;
  const unknown = v.unknown === true;
  const r = v.value;
  if (Array.isArray(r)) return { value: r.map((x) => fromCloudValue(x as CloudValue)), secret, unknown };
  if (r !== null && typeof r === 'object') {
    const o: Record<string, Exported> = {};
    for (const [k, x] of Object.entries(r as Record<string, CloudValue>)) setOwn(o, k, fromCloudValue(x));
    return { value: o, secret, unknown };
  }
  if (typeof r === 'number') return { value: NumberValue.of(r), secret, unknown };
  if (typeof r === 'string' || typeof r === 'boolean' || r === null || r === undefined) return { value: r ?? null, secret, unknown };
  return { value: String(r), secret, unknown };
}

const RETRIES = 4;

/**
 * One API call, within the deadline. An idempotent call (GET) is retried on 429, 5xx and network
 * errors; opening (POST) only on answers that prove it was not processed: 429, 503 with Retry-After,
 * and a refused connection. The final failures become clear one-line errors.
 */
async function call(ctx: CallContext, method: string, path: string, idempotent: boolean): Promise<Response> {
  const { access, deps, name } = ctx;
  let lastProblem = '';
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await waitWithin(ctx, Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt));
    const left = ctx.deadline - ctx.now();
    if (left <= 0) throw deadlinePassed(ctx);
    let res: Response;
    try {
      res = await deps.fetch(`${access.apiBase}${path}`, {
        method,
        headers: { Authorization: `token ${access.token}`, Accept: 'application/vnd.pulumi+8', 'Content-Type': 'application/json' },
        signal: deps.deadline(left),
      });
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string } };
      if (err.name === 'TimeoutError' || ctx.now() >= ctx.deadline) throw deadlinePassed(ctx);
      const refused = err.cause?.code === 'ECONNREFUSED';
      lastProblem = refused ? 'connection refused' : escapeControls((e as Error).message);
      if (!idempotent && !refused) break;
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      lastProblem = `HTTP ${res.status}`;
      const after = Number(res.headers.get('retry-after'));
      await res.body?.cancel();
      const notProcessed = res.status === 429 || (res.status === 503 && Number.isFinite(after) && after > 0);
      if (!idempotent && !notProcessed) break;
      if (Number.isFinite(after) && after > 0 && attempt < RETRIES) await waitWithin(ctx, Math.min(after * 1000, MAX_RETRY_AFTER_MS));
      continue;
    }
    if (res.status === 401) throw new EscKubeError('cloud-auth', `Pulumi Cloud at ${access.apiBase} refused the access token (401): run \`pulumi login\` or set PULUMI_ACCESS_TOKEN`);
    if (res.status === 403) throw new EscKubeError('cloud-auth', `Pulumi Cloud at ${access.apiBase} denied access to environment ${name} (403)`);
    if (res.status === 404) throw new EscKubeError('env-not-found', `environment ${name} not found in Pulumi Cloud at ${access.apiBase}`);
    if (res.ok || res.status === 400) return res;
    await res.body?.cancel();
    throw new EscKubeError('env-unreadable', `Pulumi Cloud at ${access.apiBase} answered HTTP ${res.status} for ${name}`);
  }
  throw new EscKubeError('env-unreadable', `could not open ${name} in Pulumi Cloud at ${access.apiBase}: ${lastProblem}${idempotent ? ` (after ${RETRIES + 1} attempts)` : ''}`);
}

/** Waits, but never past the deadline (which then ends the call). */
async function waitWithin(ctx: CallContext, ms: number): Promise<void> {
  const left = ctx.deadline - ctx.now();
  if (left <= 0) throw deadlinePassed(ctx);
  await ctx.deps.sleep(Math.min(ms, left));
}

/**
 * Opens ORG/PROJECT/ENV in Pulumi Cloud when that is where it is: `--backend pulumi`, or a cloud name
 * and an access token. Resolves undefined when the local store should be used.
 */
export async function openInCloudIfThere(
  name: string,
  backend: 'local' | 'pulumi' | undefined,
  deps: CloudDeps & { environ: Environ; homedir: string; readText: (path: string) => Promise<string | undefined> },
): Promise<OpenedEnvironment | undefined> {
  if (backend === 'local') return undefined;
  if (!isCloudName(name)) {
    if (backend === 'pulumi') throw new EscKubeError('usage', `with --backend pulumi, environments are named ORG/PROJECT/ENV (got ${JSON.stringify(name)})`);
    return undefined;
  }
  const access = await cloudAccess(deps.environ, deps.homedir, deps.readText);
  if (!access.token && backend !== 'pulumi') return undefined;
  const opened = await openCloudEnvironment(name, access, deps);
  return { name, ...opened, sources: new Map(), lookup: () => undefined };
}
