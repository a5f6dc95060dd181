// Environments in Pulumi Cloud: opened with the ESC REST API (POST .../open, then GET .../open/{id})
// through a small fetch client, keeping the secret flags of the returned values. 429 and 5xx answers
// and network errors are retried with backoff. The access token never appears in a message.

import { join } from 'node:path';
import { errorDiag, type Diagnostic } from '../esc/diagnostics.js';
import { NumberValue, setOwn, type Exported } from '../esc/value.js';
import { EscKubeError } from '../errors.js';
import type { OpenedEnvironment } from '../use-cases/open-environment.js';

/** The default Pulumi Cloud API. */
export const DEFAULT_API = 'https://api.pulumi.com';

/** Where Pulumi Cloud is and how to authenticate to it. */
export interface CloudAccess {
  apiBase: string;
  token: string | undefined;
}

/** Finds the API base and the access token: PULUMI_ACCESS_TOKEN, else the current account in credentials.json. */
export async function cloudAccess(
  environ: Readonly<Record<string, string | undefined>>,
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

/** Whether a name is a Pulumi Cloud environment name: ORG/PROJECT/ENV, with an optional @version. */
export function isCloudName(name: string): boolean {
  return /^[^/@\s]+\/[^/@\s]+\/[^/@\s]+(@[^/@\s]+)?$/.test(name);
}

/** What the client needs: fetch and a way to wait between retries. */
export interface CloudDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

/** An opened cloud environment: its values and any diagnostics Pulumi Cloud reported. */
export interface CloudOpened {
  exported: Exported | undefined;
  diagnostics: Diagnostic[];
}

/** Opens ORG/PROJECT/ENV[@version] in Pulumi Cloud. */
export async function openCloudEnvironment(name: string, access: CloudAccess, deps: CloudDeps): Promise<CloudOpened> {
  if (!access.token) throw new EscKubeError('env-not-found', `no Pulumi access token for ${name}: run \`pulumi login\` or set PULUMI_ACCESS_TOKEN`);
  const [path, version] = name.split('@') as [string, string | undefined];
  const [org, project, env] = path.split('/').map(encodeURIComponent) as [string, string, string];
  const envPath = `/api/esc/environments/${org}/${project}/${env}`;
  const openPath = `${envPath}${version ? `/versions/${encodeURIComponent(version)}` : ''}/open?duration=2h0m0s`;
  const opened = await call(access, deps, 'POST', openPath, name);
  if (opened.status === 400) {
    const body = (await opened.json().catch(() => ({}))) as { message?: string; diagnostics?: CloudDiagnostic[] };
    if (Array.isArray(body.diagnostics) && body.diagnostics.length > 0) return { exported: undefined, diagnostics: body.diagnostics.map((d) => toDiagnostic(d, path)) };
    throw new EscKubeError('env-diagnostics', `Pulumi Cloud could not open ${name}: ${body.message ?? 'bad request'}`);
  }
  const { id } = (await opened.json()) as { id?: string };
  if (!id) throw new EscKubeError('internal', `internal error: Pulumi Cloud opened ${name} without an id`);
  const read = await call(access, deps, 'GET', `${envPath}/open/${encodeURIComponent(id)}`, name);
  const environment = (await read.json()) as { properties?: Record<string, CloudValue> };
  return { exported: fromCloudValue({ value: environment.properties ?? {} }), diagnostics: [] };
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

/** One API call with retries on 429, 5xx and network errors; maps the final failures to clear errors. */
async function call(access: CloudAccess, deps: CloudDeps, method: string, path: string, name: string): Promise<Response> {
  let lastProblem = '';
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await deps.sleep(Math.min(8000, 250 * 2 ** attempt));
    let res: Response;
    try {
      res = await deps.fetch(`${access.apiBase}${path}`, {
        method,
        headers: { Authorization: `token ${access.token}`, Accept: 'application/vnd.pulumi+8', 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause;
      lastProblem = cause?.code === 'ECONNREFUSED' ? 'connection refused' : (e as Error).message;
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      lastProblem = `HTTP ${res.status}`;
      const after = Number(res.headers.get('retry-after'));
      await res.body?.cancel();
      if (Number.isFinite(after) && after > 0 && attempt < RETRIES) await deps.sleep(Math.min(after, 10) * 1000);
      continue;
    }
    if (res.status === 401) throw new EscKubeError('env-not-found', `Pulumi Cloud at ${access.apiBase} refused the access token (401): run \`pulumi login\` or set PULUMI_ACCESS_TOKEN`);
    if (res.status === 403) throw new EscKubeError('env-not-found', `Pulumi Cloud at ${access.apiBase} denied access to environment ${name} (403)`);
    if (res.status === 404) throw new EscKubeError('env-not-found', `environment ${name} not found in Pulumi Cloud at ${access.apiBase}`);
    if (res.ok || res.status === 400) return res;
    throw new EscKubeError('env-unreadable', `Pulumi Cloud at ${access.apiBase} answered HTTP ${res.status} for ${name}`);
  }
  throw new EscKubeError('env-unreadable', `could not open ${name} in Pulumi Cloud at ${access.apiBase}: ${lastProblem} (after ${RETRIES + 1} attempts)`);
}

/**
 * Opens ORG/PROJECT/ENV in Pulumi Cloud when that is where it is: `--backend pulumi`, or a cloud name
 * and an access token. Resolves undefined when the local store should be used.
 */
export async function openInCloudIfThere(
  name: string,
  backend: 'local' | 'pulumi' | undefined,
  deps: CloudDeps & { environ: Readonly<Record<string, string | undefined>>; homedir: string; readText: (path: string) => Promise<string | undefined> },
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
