// The aws-login provider (`fn::open::aws-login`): static credentials, or STS AssumeRoleWithWebIdentity
// with an OIDC token that esc-kube finds locally (in Pulumi Cloud, Pulumi mints it).

import { parseGoDuration } from '../aws/duration.js';
import { decodeJwtClaims, identityDigest, type JwtClaims, type OidcIdentity } from '../aws/jwt.js';
import { ProviderError, type Provider } from '../esc/eval.js';
import type { LoginConfig } from '../login/oidc-login.js';
import type { JsonSchema } from '../esc/schema.js';
import { exportedToPlain, secretPaths, type Exported } from '../esc/value.js';
import { CodedError, describeSystemError, quoteValue } from '../errors.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';
import { oneLine } from '../text.js';
import { ROLE_ARN, SESSION_NAME } from '../aws/role-chain.js';

/** A request to STS AssumeRoleWithWebIdentity. */
export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  policyArns: string[];
  webIdentityToken: string;
}

/** Temporary credentials from STS. */
export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** A failure reported by STS (or on the way to it), with the STS error code when there is one. */
export class StsError extends CodedError {
  constructor(
    code: string,
    message: string,
    readonly options: { cause?: unknown; endpoint?: string } = {},
  ) {
    super(code, message, options);
  }
}

/** The STS operation aws-login needs. */
export interface StsClient {
  assumeRoleWithWebIdentity(req: AssumeRoleRequest): Promise<StsSession>;
}

/** An STS session a provider opened, and the OIDC token it was made from (when it came from one). */
export interface OpenedSession {
  expiration: Date;
  identity?: OidcIdentity;
  /** Where the OIDC token came from, for messages (a file, a variable, GitHub Actions, a login): never the token. */
  from?: string;
}

/** Receives every STS session a provider opens (the token's expiry and the token tier use it). */
export interface SessionLog {
  record(session: OpenedSession): void;
}

/** An OIDC token, where it came from for messages (`source`, never the token itself) and for the cache (`origin`). */
export interface FoundToken {
  jwt: string;
  source: string;
  origin?: { source: 'file' | 'env'; at: string };
}

/** What the provider needs from the outside world. */
export interface AwsLoginDeps {
  sts: StsClient;
  environ: Environ;
  readFile(path: string): Promise<string>;
  fetch: typeof fetch;
  /** An AbortSignal that fires after `ms`, for HTTP calls. */
  deadline(ms: number): AbortSignal;
  now(): Date;
  sessions?: SessionLog;
  /**
   * The fifth token source: an interactive login. Given the environment's `oidc.login` (or undefined to
   * use the login in esc-kube's config file), resolves an ID token, or undefined when none is configured.
   */
  login?: (config: LoginConfig | undefined) => Promise<string | undefined>;
  /** For `esc-kube login`: use only the login source and skip STS. */
  loginOnly?: boolean;
}

const stringProp = { type: 'string' };

/** The inputs Pulumi ESC's aws-login takes, plus esc-kube's token-source extensions under `oidc`. */
export const AWS_LOGIN_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    static: {
      type: 'object',
      additionalProperties: false,
      required: ['accessKeyId', 'secretAccessKey'],
      properties: { accessKeyId: stringProp, secretAccessKey: stringProp, sessionToken: stringProp },
    },
    oidc: {
      type: 'object',
      additionalProperties: false,
      required: ['roleArn', 'sessionName'],
      properties: {
        roleArn: stringProp,
        sessionName: stringProp,
        duration: stringProp,
        policyArns: { type: 'array', items: stringProp },
        webIdentityToken: stringProp,
        webIdentityTokenFile: stringProp,
        webIdentityTokenEnv: stringProp,
        login: {
          type: 'object',
          additionalProperties: false,
          required: ['issuer', 'clientId'],
          properties: { issuer: stringProp, clientId: stringProp, scopes: { type: 'array', items: stringProp }, listen: stringProp },
        },
      },
    },
  },
};

/** What aws-login returns (Pulumi ESC's outputs): the secret key and the session token are secret. */
export const AWS_LOGIN_OUTPUT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    accessKeyId: stringProp,
    secretAccessKey: { type: 'string', secret: true },
    sessionToken: { type: 'string', secret: true },
  },
  required: ['accessKeyId', 'secretAccessKey'],
};

interface OidcInputs {
  roleArn: string;
  sessionName: string;
  duration?: string;
  policyArns?: string[];
  webIdentityToken?: string;
  webIdentityTokenFile?: string;
  webIdentityTokenEnv?: string;
  login?: LoginConfig;
}

const str = (value: string, secret = false): Exported => ({ value, secret, unknown: false });

/** The output for static credentials: the keys, the secret ones secret. */
export function staticCredentials(keys: Record<string, string>): Exported {
  const out: Record<string, Exported> = { accessKeyId: str(keys.accessKeyId!), secretAccessKey: str(keys.secretAccessKey!, true) };
  if (keys.sessionToken !== undefined) out.sessionToken = str(keys.sessionToken, true);
  return { value: out, secret: false, unknown: false };
}

/** Creates the aws-login provider. */
export function awsLoginProvider(deps: AwsLoginDeps): Provider {
  return {
    inputSchema: AWS_LOGIN_INPUT_SCHEMA,
    outputSchema: AWS_LOGIN_OUTPUT_SCHEMA,
    open: async (inputs) => {
      const plain = exportedToPlain(inputs) as { static?: Record<string, string>; oidc?: OidcInputs };
      if (!!plain.static === !!plain.oidc) throw new ProviderError('aws-login.inputs', 'aws-login needs exactly one of "static" or "oidc"');
      if (plain.static) return staticCredentials(plain.static);
      // An input is secret when it, or oidc, or the whole input is (a secret path is a prefix of its path).
      const secret = secretPaths(inputs);
      const isSecret = (key: string) => secret.some((p) => p.length <= 2 && p.every((k, i) => k === ['oidc', key][i]));
      const { session, identity, from } = await assumeRole(plain.oidc!, deps, isSecret);
      deps.sessions?.record({ expiration: session.expiration, ...defined({ identity, from }) });
      return {
        value: {
          accessKeyId: str(session.accessKeyId),
          secretAccessKey: str(session.secretAccessKey, true),
          sessionToken: str(session.sessionToken, true),
        },
        secret: false,
        unknown: false,
      };
    },
  };
}

/** Session durations STS accepts for AssumeRoleWithWebIdentity. */
const MIN_DURATION = 900;
const MAX_DURATION = 43200;

async function assumeRole(oidc: OidcInputs, deps: AwsLoginDeps, isSecret: (key: keyof OidcInputs) => boolean): Promise<{ session: StsSession; identity?: OidcIdentity; from?: string }> {
  const role = oidc.roleArn;
  // Messages name the role, unless it is secret (then they say so): kubectl shows them and CI logs keep them.
  const roleName = isSecret('roleArn') ? 'the role of oidc.roleArn (a secret value)' : role;
  if (!ROLE_ARN.test(role)) {
    throw new ProviderError('aws-login.role-arn', `aws-login: roleArn ${quoteValue(role, isSecret('roleArn'))} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)`);
  }
  if (!SESSION_NAME.test(oidc.sessionName)) {
    throw new ProviderError('aws-login.session-name', `aws-login: sessionName ${quoteValue(oidc.sessionName, isSecret('sessionName'))} must be 2-64 characters of letters, digits and +=,.@_-`);
  }
  const durationSeconds = oidc.duration === undefined ? 3600 : parseGoDuration(oidc.duration);
  if (durationSeconds === undefined || !Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION || durationSeconds > MAX_DURATION) {
    throw new ProviderError('aws-login.duration', `aws-login: duration ${quoteValue(oidc.duration ?? '', isSecret('duration'))} must be a whole number of seconds between 15m and 12h, written like 1h, 45m or 1h30m`);
  }
  if (deps.loginOnly) {
    const jwt = await deps.login?.(oidc.login);
    if (!jwt) throw new ProviderError('aws-login.no-login', 'aws-login: there is no login to perform: set oidc.login {issuer, clientId} in the environment, or login in ~/.config/esc-kube/config.yaml');
    checkJwt({ jwt, source: 'the login' }, deps.now());
    return { session: { accessKeyId: '', secretAccessKey: '', sessionToken: '', expiration: deps.now() } };
  }
  const found = await findOidcToken(oidc, deps);
  const claims = checkJwt(found, deps.now());
  const identity: OidcIdentity = {
    source: found.origin?.source ?? 'other',
    ...defined({ at: found.origin?.at }),
    digest: identityDigest(claims),
    ...defined({ exp: typeof claims.exp === 'number' ? claims.exp : undefined }),
  };
  try {
    const session = await deps.sts.assumeRoleWithWebIdentity({
      roleArn: role,
      sessionName: oidc.sessionName,
      durationSeconds,
      policyArns: oidc.policyArns ?? [],
      webIdentityToken: found.jwt,
    });
    return { session, identity, from: found.source };
  } catch (e) {
    throw new ProviderError(`aws-login.sts.${e instanceof StsError ? e.code : 'unknown'}`, describeStsFailure(roleName, found, e, isSecret('roleArn') ? [role] : []), { cause: e });
  }
}

/** Finds an OIDC token: the inputs first, then the token file, a named variable, GitHub Actions. */
export async function findOidcToken(oidc: OidcInputs, deps: Pick<AwsLoginDeps, 'environ' | 'readFile' | 'fetch' | 'deadline' | 'login'>): Promise<FoundToken> {
  if (oidc.webIdentityToken !== undefined && oidc.webIdentityToken.trim() !== '') {
    return { jwt: oidc.webIdentityToken.trim(), source: 'oidc.webIdentityToken' };
  }
  const file = oidc.webIdentityTokenFile ?? deps.environ.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (file) {
    const source = oidc.webIdentityTokenFile ? `oidc.webIdentityTokenFile (${file})` : `$AWS_WEB_IDENTITY_TOKEN_FILE (${file})`;
    let jwt: string;
    try {
      // Re-read on every call: projected service-account and CI tokens are rotated in place.
      jwt = (await deps.readFile(file)).trim();
    } catch (e) {
      throw new ProviderError('aws-login.token-file', `aws-login: could not read the OIDC token from ${source}: ${describeSystemError(e)}`);
    }
    if (jwt === '') throw new ProviderError('aws-login.token-file-empty', `aws-login: the OIDC token file from ${source} is empty`);
    return { jwt, source, origin: { source: 'file', at: file } };
  }
  if (oidc.webIdentityTokenEnv) {
    const jwt = deps.environ[oidc.webIdentityTokenEnv]?.trim();
    if (!jwt) throw new ProviderError('aws-login.token-env', `aws-login: oidc.webIdentityTokenEnv names $${oidc.webIdentityTokenEnv}, which is not set`);
    return { jwt, source: `$${oidc.webIdentityTokenEnv}`, origin: { source: 'env', at: oidc.webIdentityTokenEnv } };
  }
  const ghUrl = deps.environ.ACTIONS_ID_TOKEN_REQUEST_URL;
  const ghToken = deps.environ.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (ghUrl && ghToken) return { jwt: await fetchGitHubToken(ghUrl, ghToken, deps.fetch, deps.deadline), source: 'GitHub Actions' };
  const jwt = await deps.login?.(oidc.login);
  if (jwt) return { jwt, source: oidc.login ? `the login at ${oidc.login.issuer}` : 'the login of ~/.config/esc-kube/config.yaml' };
  throw new ProviderError('aws-login.no-oidc-token', 
    'aws-login: no OIDC token found for oidc login; tried oidc.webIdentityToken, oidc.webIdentityTokenFile, $AWS_WEB_IDENTITY_TOKEN_FILE, ' +
      'oidc.webIdentityTokenEnv, GitHub Actions ($ACTIONS_ID_TOKEN_REQUEST_URL with $ACTIONS_ID_TOKEN_REQUEST_TOKEN) and an interactive login ' +
      '(oidc.login, or login in ~/.config/esc-kube/config.yaml); set one of them',
  );
}

/** How long the GitHub Actions OIDC token request may take. */
const GITHUB_TOKEN_TIMEOUT_MS = 10_000;

async function fetchGitHubToken(requestUrl: string, requestToken: string, fetchImpl: typeof fetch, deadline: (ms: number) => AbortSignal): Promise<string> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new ProviderError('aws-login.github-actions', 'aws-login: $ACTIONS_ID_TOKEN_REQUEST_URL is not a URL');
  }
  url.searchParams.set('audience', 'sts.amazonaws.com');
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { Authorization: `bearer ${requestToken}`, Accept: 'application/json' }, signal: deadline(GITHUB_TOKEN_TIMEOUT_MS) });
  } catch (e) {
    throw new ProviderError('aws-login.github-actions', `aws-login: could not get an OIDC token from GitHub Actions at ${url.host}: ${(e as Error).message}`);
  }
  if (!res.ok) {
    throw new ProviderError('aws-login.github-actions', `aws-login: GitHub Actions refused the OIDC token request (HTTP ${res.status}); does the workflow have "permissions: id-token: write"?`);
  }
  const body = (await res.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (typeof body?.value !== 'string' || body.value === '') throw new ProviderError('aws-login.github-actions', 'aws-login: GitHub Actions answered without a token ("value")');
  return body.value;
}

/** Refuses a token that is not a JWT or has expired, before asking STS; returns its claims. */
function checkJwt(found: FoundToken, now: Date): JwtClaims {
  let claims;
  try {
    claims = decodeJwtClaims(found.jwt);
  } catch (e) {
    throw new ProviderError('aws-login.invalid-token', `aws-login: the OIDC token from ${found.source} is not usable: ${(e as Error).message}`);
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime()) {
    throw new ProviderError('aws-login.expired-token', `aws-login: the OIDC token from ${found.source} expired at ${new Date(claims.exp * 1000).toISOString()}; get a fresh one`);
  }
  return claims;
}

const HINTS: Record<string, string> = {
  InvalidIdentityToken: "check that the token's issuer is registered as an IAM OIDC identity provider and that its signing keys are reachable",
  ExpiredTokenException: 'the OIDC token has expired; get a fresh one',
  AccessDenied: "check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for this token's issuer, audience (aud) and subject (sub)",
  AccessDeniedException: "check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for this token's issuer, audience (aud) and subject (sub)",
  IDPRejectedClaim: "the identity provider's claims were rejected; check the trust policy conditions on aud and sub",
  IDPCommunicationError: 'STS could not reach the identity provider to verify the token; try again',
  Throttling: 'STS is throttling requests; try again in a moment',
  ThrottlingException: 'STS is throttling requests; try again in a moment',
  RegionDisabledException: 'STS is not activated in this region for the account; activate it in IAM or use another region',
  PackedPolicyTooLarge: 'the session policies are too large; use fewer policyArns',
  MalformedPolicyDocument: 'check policyArns',
  ValidationError: 'check roleArn, sessionName, duration and policyArns',
};

function describeStsFailure(role: string, found: FoundToken, e: unknown, alsoSecret: string[]): string {
  if (e instanceof StsError) {
    if (e.code === 'NetworkingError') return `aws-login: could not reach STS${e.options.endpoint ? ` at ${e.options.endpoint}` : ''} to assume role ${role}: ${e.message}`;
    const hint = HINTS[e.code] ?? 'check roleArn and the token';
    // Never echo the token (or a secret role), even if STS (or a double of it) quotes it back.
    let message = clause(e.message).split(found.jwt).join('[token]');
    for (const s of alsoSecret) message = message.split(s).join('[secret]');
    return `aws-login: STS refused to assume role ${role} with the OIDC token from ${found.source}: ${e.code}: ${message}; ${hint}`;
  }
  return `aws-login: could not assume role ${role}: ${clause((e as Error)?.message ?? String(e))}`;
}

/** One line, without the closing punctuation (a hint follows it). */
function clause(s: string): string {
  return oneLine(s).replace(/[.;:]$/, '');
}
