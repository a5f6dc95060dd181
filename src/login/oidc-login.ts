// Interactive OIDC login for people: the fifth token source of aws-login oidc. Authorization Code with
// PKCE over a loopback redirect on 127.0.0.1 (openid-client v6), or the device authorization grant.
// The ID token is reused until it expires; the refresh token is kept in the cache's keychain and used
// first; a per-issuer lock makes many processes that need a login open one browser tab.

import { cacheKey, CACHE_FORMAT, type CredentialCache } from '../cache/credential-cache.js';
import { decodeJwtClaims } from '../aws/jwt.js';
import { CALLBACK_HEADERS, callbackPage, callbackStatus, type CallbackOutcome } from './callback-page.js';
import { defined } from '../defined.js';

/** Where and how to log in. */
export interface LoginConfig {
  issuer: string;
  clientId: string;
  scopes?: string[];
  /** The loopback address to listen on, "127.0.0.1:PORT" or "PORT" (default: a free port). */
  listen?: string;
}

/** What a login needs from the outside world. */
export interface LoginDeps {
  cache: CredentialCache | undefined;
  now: () => Date;
  /** Messages for the person (stderr). */
  notify: (message: string) => void;
  /** The person's browser: whether one can be opened here, and opening a URL in it. */
  browser: { available(): boolean; open(url: string): Promise<void> };
  /** True when a person is at the terminal (kubectl's spec.interactive, or a TTY). */
  interactive: boolean;
  /** Use the device authorization grant instead of the browser. */
  device: boolean;
  timeoutMs: number;
  /** Environment name, for messages and `cache ls`. */
  env: string;
  /** The loopback listener for the browser's redirect. */
  listener: CallbackListener;
  /** An AbortSignal that fires after `ms` (it does not keep the process alive). */
  deadline(ms: number): AbortSignal;
}

/** A loopback HTTP listener for the login redirect (adapters/callback-server.ts). */
export interface CallbackListener {
  /**
   * Listens on host:port (port 0: any free one) and hands each request's URL to `handle` with a way to
   * answer it (resolved once the answer is sent). Rejects with the system error (EADDRINUSE, ...).
   */
  listen(
    host: string,
    port: number,
    handle: (url: URL, respond: (status: number, headers: Record<string, string>, body?: string) => Promise<void>) => void,
  ): Promise<{ port: number; close(): Promise<void>; unref(): void }>;
}

/** Resolves when the signal fires. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
}

/** What is kept per issuer and client: the ID token and the refresh token. */
interface LoginEntry {
  v: number;
  idToken: string;
  refreshToken?: string;
  expiration: string;
}

/** Thrown when a login cannot happen here or did not complete; the message says what to do. */
export class LoginError extends Error {}

/** The cache key of a login. */
export function loginKey(cfg: LoginConfig): string {
  return cacheKey('login', [cfg.issuer, cfg.clientId, [...(cfg.scopes ?? [])].sort()]);
}

/** An ID token with less than this left is not used: it could expire on its way to STS. */
const ID_TOKEN_MIN_REMAINING_MS = 30_000;
/** How long an ID token without an `exp` claim is taken to live. */
const ID_TOKEN_ASSUMED_LIFETIME_MS = 5 * 60_000;
/** The highest TCP port, for login.listen. */
const MAX_PORT = 65535;

/** Returns an ID token for the issuer: cached, refreshed, or from a new login (one per key at a time). */
export async function loginIdToken(cfg: LoginConfig, deps: LoginDeps): Promise<string> {
  const key = loginKey(cfg);
  const cached = async (): Promise<LoginEntry | undefined> => (deps.cache ? deps.cache.getLogin<LoginEntry>(key) : undefined);
  const read = async () => {
    const e = await cached();
    return e !== undefined && Date.parse(e.expiration) - deps.now().getTime() > ID_TOKEN_MIN_REMAINING_MS ? e.idToken : undefined;
  };
  const make = async () => {
    // The entry, expired or not, may still hold a refresh token.
    const entry = await cached();
    const client = await import('openid-client');
    const config = await discover(client, cfg);
    if (entry?.refreshToken) {
      try {
        const tokens = await client.refreshTokenGrant(config, entry.refreshToken);
        if (tokens.id_token) return await store(tokens, entry.refreshToken);
      } catch {
        // An expired or revoked refresh token: log in again.
      }
    }
    const useDevice = deps.device || !deps.browser.available();
    if (useDevice && !deps.interactive) {
      throw new LoginError(`no valid login for ${cfg.issuer}, and the device login needs a person at a terminal; run \`esc-kube login --env ${deps.env}\` first`);
    }
    const tokens = useDevice ? await deviceLogin(client, config, cfg, deps) : await browserLogin(client, config, cfg, deps);
    return store(tokens, undefined);
  };
  return deps.cache ? deps.cache.getOrCreate(key, { read, make }) : make();

  async function store(tokens: { id_token?: string; refresh_token?: string }, previousRefresh: string | undefined): Promise<string> {
    const idToken = tokens.id_token;
    if (!idToken) throw new LoginError(`${cfg.issuer} answered without an ID token; is the "openid" scope allowed for client ${cfg.clientId}?`);
    const exp = decodeJwtClaims(idToken).exp;
    const expiration = new Date(typeof exp === 'number' ? exp * 1000 : deps.now().getTime() + ID_TOKEN_ASSUMED_LIFETIME_MS).toISOString();
    const refreshToken = tokens.refresh_token ?? previousRefresh;
    await deps.cache?.put(key, { v: CACHE_FORMAT, idToken, expiration, ...defined({ refreshToken: refreshToken || undefined }) }, { kind: 'login', role: cfg.issuer, env: deps.env });
    return idToken;
  }
}

type Client = typeof import('openid-client');
type Config = Awaited<ReturnType<Client['discovery']>>;

async function discover(client: Client, cfg: LoginConfig): Promise<Config> {
  let issuer: URL;
  try {
    issuer = new URL(cfg.issuer);
  } catch {
    throw new LoginError(`login issuer ${JSON.stringify(cfg.issuer)} is not a URL`);
  }
  // Plain http only for an issuer on this machine (development identity providers).
  const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  try {
    return await client.discovery(issuer, cfg.clientId, undefined, client.None(), local ? { execute: [client.allowInsecureRequests] } : undefined);
  } catch (e) {
    throw new LoginError(`could not read the OpenID configuration of ${cfg.issuer}: ${(e as Error).message}`);
  }
}

function scopes(cfg: LoginConfig): string {
  const s = new Set(['openid', 'offline_access', ...(cfg.scopes ?? [])]);
  return [...s].join(' ');
}

/** How long a finished login waits for the browser to fetch its result page before going on. */
const RESULT_PAGE_GRACE_MS = 3000;

/** A promise with its resolver outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function browserLogin(client: Client, config: Config, cfg: LoginConfig, deps: LoginDeps) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const { host, port } = parseListen(cfg.listen);
  const page = { env: deps.env, issuer: cfg.issuer };
  // The callback is answered with a redirect to /done, a clean path: the code is never on a page and
  // the URL that carried it is not kept in the browser's history. /done shows the outcome once the
  // code has been exchanged; a reload (or the callback again) says the login is already complete.
  const outcome = deferred<CallbackOutcome>();
  const resultShown = deferred<void>();
  let received = false;
  let shown = false;
  let keepServing = false;
  const callback = deferred<URL>();
  const listening = deps.listener
    .listen(host, port, (url, respond) => {
      const send = (o: CallbackOutcome) => respond(callbackStatus(o), CALLBACK_HEADERS, callbackPage(o, page));
      if (url.pathname === '/done') {
        if (!received || shown) return void send({ kind: received ? 'already' : 'waiting' });
        shown = true;
        void outcome.promise.then(send).then(() => resultShown.resolve());
        return;
      }
      if (url.pathname !== '/callback') return void respond(404, CALLBACK_HEADERS);
      // Only the answer to this login's request counts: anything else (a stale tab, another
      // program, a forged link) gets a 400 and the login goes on waiting.
      if (url.searchParams.get('state') !== state) return void send({ kind: 'wrong-state' });
      if (received) return void send({ kind: 'already' });
      received = true;
      void respond(303, { ...CALLBACK_HEADERS, location: '/done' });
      callback.resolve(url);
    })
    .catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        throw new LoginError(
          `could not listen on ${host}:${port} for the login redirect: the port is in use (by another program, or another login still waiting); free it, or set login.listen to another port, or leave listen out to use a free one`,
        );
      }
      throw new LoginError(`could not listen on ${host}:${port} for the login redirect: ${e.message}`);
    });
  const server = await listening;
  try {
    const timedOut = aborted(deps.deadline(deps.timeoutMs)).then(() => {
      throw new LoginError(`the login at ${cfg.issuer} was not completed within ${Math.round(deps.timeoutMs / 1000)} s; run the command again (or \`esc-kube login --device\`)`);
    });
    // Handled where it is awaited; until then a rejection (the timeout) must not count as unhandled.
    timedOut.catch(() => undefined);
    const redirectUri = `http://${host}:${server.port}/callback`;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: scopes(cfg),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    deps.notify(`log in to ${new URL(cfg.issuer).host} in your browser; if it does not open, visit:\n  ${url.href}`);
    await deps.browser.open(url.href).catch((e: unknown) => deps.notify(`could not start a browser (${(e as Error).message}); open the link above yourself`));
    const back = await Promise.race([callback.promise, timedOut]);
    const error = back.searchParams.get('error');
    try {
      if (error) {
        const why = back.searchParams.get('error_description');
        throw new LoginError(`the login at ${cfg.issuer} was not completed: ${error}${why ? ` (${why})` : ''}`);
      }
      const tokens = await client.authorizationCodeGrant(config, new URL(`${redirectUri}${back.search}`), { pkceCodeVerifier: verifier, expectedState: state });
      outcome.resolve({ kind: 'success' });
      keepServing = true;
      return tokens;
    } catch (e) {
      const description = back.searchParams.get('error_description');
      outcome.resolve({ kind: 'failure', error: error ?? (e as Error).message, ...defined({ description: (error && description) || undefined }) });
      throw e;
    } finally {
      // Let the browser fetch the result page before this process goes on (and may exit).
      await Promise.race([resultShown.promise, aborted(deps.deadline(RESULT_PAGE_GRACE_MS))]);
    }
  } finally {
    // After a login, a reload still gets "already complete" while this process lives, and the
    // listener does not keep it alive; otherwise the port is freed whatever happened.
    if (keepServing) server.unref();
    else await server.close();
  }
}

async function deviceLogin(client: Client, config: Config, cfg: LoginConfig, deps: LoginDeps) {
  const response = await client.initiateDeviceAuthorization(config, { scope: scopes(cfg) });
  const where = response.verification_uri_complete ?? response.verification_uri;
  deps.notify(`to log in to ${new URL(cfg.issuer).host}, visit ${where} and enter the code ${response.user_code}`);
  try {
    return await client.pollDeviceAuthorizationGrant(config, response, undefined, { signal: deps.deadline(deps.timeoutMs) });
  } catch (e) {
    const err = e as { name?: string; error?: string; message?: string };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new LoginError(`the device login at ${cfg.issuer} was not completed within ${Math.round(deps.timeoutMs / 1000)} s; run the command again`);
    }
    throw new LoginError(`the device login at ${cfg.issuer} failed: ${err.error ?? err.message}`);
  }
}

function parseListen(listen: string | undefined): { host: string; port: number } {
  if (listen === undefined || listen === '') return { host: '127.0.0.1', port: 0 };
  const m = /^(?:(127\.0\.0\.1|localhost):)?(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > MAX_PORT) throw new LoginError(`login.listen ${JSON.stringify(listen)} must be a port or 127.0.0.1:PORT (the redirect is always on this machine)`);
  return { host: '127.0.0.1', port: Number(m[2]) };
}
