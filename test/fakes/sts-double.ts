// An STS double that checks what STS checks and answers in STS's XML, recording every call:
//   - AssumeRoleWithWebIdentity: the JWT (RS256 signature from the registered issuer, audience, expiry);
//   - AssumeRole (role chaining): the request's SigV4 signature, with the secret of the base credentials
//     (static ones it is told, or sessions it issued), and the external id a role requires.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { verifySignedRequest } from './token-verifier.js';

/** Credentials the double hands out for AssumeRole instead of random ones (for byte-equal tokens). */
export interface FixedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

/** A running double. */
export interface StsDouble {
  url: string;
  calls: { action?: string; roleArn: string; sessionName: string; durationSeconds: number; ok: boolean; code?: string; externalId?: string; baseAccessKeyId?: string }[];
  /** Secrets of the sessions it issued, by access key id. */
  secrets: Map<string, string>;
  /** Answer the next N calls with Throttling. */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

/** Starts the double on 127.0.0.1. */
export async function startStsDouble(opts: {
  issuer: string;
  publicKey: KeyObject;
  audience?: string;
  sessionSeconds?: number;
  delayMs?: number;
  /** Secrets of static credentials that may sign AssumeRole, by access key id. */
  baseSecrets?: Record<string, string>;
  /** What AssumeRole answers with (random credentials otherwise). */
  roleCredentials?: FixedCredentials;
  /** External ids that roles' trust policies require, by role ARN. */
  externalIds?: Record<string, string>;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}): Promise<StsDouble> {
  const calls: StsDouble['calls'] = [];
  const secrets = new Map<string, string>();
  let throttle = 0;
  const handler = async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const raw = await body(req);
    const params = new URLSearchParams(raw);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const fail = (status: number, code: string, message: string) => {
      calls.push({ roleArn: params.get('RoleArn') ?? '', sessionName: params.get('RoleSessionName') ?? '', durationSeconds: Number(params.get('DurationSeconds')), ok: false, code });
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`);
    };
    if (params.get('Action') === 'AssumeRole') {
      const verdict = verifySignedRequest({ method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body: raw }, (k) => opts.baseSecrets?.[k] ?? secrets.get(k));
      if (!verdict.ok) return fail(403, verdict.why.split(':')[0]!, verdict.why);
      const roleArn = params.get('RoleArn') ?? '';
      const sessionName = params.get('RoleSessionName') ?? '';
      const externalId = params.get('ExternalId') ?? undefined;
      const required = opts.externalIds?.[roleArn];
      if (required !== undefined && externalId !== required) {
        return fail(403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const fixed = opts.roleCredentials;
      const accessKeyId = fixed?.accessKeyId ?? 'ASIA' + randomBytes(8).toString('hex').toUpperCase();
      const secret = fixed?.secretAccessKey ?? randomBytes(20).toString('base64');
      secrets.set(accessKeyId, secret);
      calls.push({ action: 'AssumeRole', roleArn, sessionName, durationSeconds: Number(params.get('DurationSeconds') ?? 3600), ok: true, baseAccessKeyId: verdict.accessKeyId, ...(externalId ? { externalId } : {}) });
      const expiration = fixed?.expiration ?? new Date(Date.now() + 3600_000).toISOString();
      res.writeHead(200, { 'content-type': 'text/xml' });
      return res.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
          `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey><SessionToken>${fixed?.sessionToken ?? `chained-${randomBytes(24).toString('base64')}`}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${sessionName}</Arn><AssumedRoleId>AROA:${sessionName}</AssumedRoleId></AssumedRoleUser>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>${randomBytes(8).toString('hex')}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    }
    if (params.get('Action') !== 'AssumeRoleWithWebIdentity') return fail(400, 'InvalidAction', `unsupported action ${params.get('Action')}`);
    if (throttle > 0) {
      throttle--;
      return fail(400, 'Throttling', 'Rate exceeded');
    }
    const jwt = params.get('WebIdentityToken') ?? '';
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s) return fail(400, 'InvalidIdentityToken', 'Token is not a JWT');
    // Like STS: find the registered provider by issuer, then check the signature with its keys.
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; aud?: string; exp?: number; sub?: string };
    if (claims.iss !== opts.issuer) return fail(400, 'InvalidIdentityToken', 'No OpenIDConnect provider found in your account for ' + claims.iss);
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(opts.publicKey, Buffer.from(s, 'base64url'));
    if (!ok) return fail(400, 'InvalidIdentityToken', 'Signature verification failed for the web identity token');
    if (claims.aud !== (opts.audience ?? 'sts.amazonaws.com')) return fail(400, 'InvalidIdentityToken', 'Incorrect token audience');
    if (!claims.exp || claims.exp * 1000 <= Date.now()) return fail(400, 'ExpiredTokenException', 'Token expired: current date/time must be before the expiration date/time');
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const durationSeconds = Number(params.get('DurationSeconds') ?? 3600);
    const accessKeyId = 'ASIA' + randomBytes(8).toString('hex').toUpperCase();
    const secret = randomBytes(20).toString('base64');
    secrets.set(accessKeyId, secret);
    calls.push({ roleArn, sessionName, durationSeconds, ok: true });
    const expiration = new Date(Date.now() + (opts.sessionSeconds ?? durationSeconds) * 1000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey><SessionToken>session-${randomBytes(24).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<SubjectFromWebIdentityToken>${claims.sub}</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${sessionName}</Arn><AssumedRoleId>AROA:${sessionName}</AssumedRoleId></AssumedRoleUser>` +
        `<Audience>${claims.aud}</Audience><Provider>${claims.iss}</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomBytes(8).toString('hex')}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
  };
  const server: Server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    calls,
    secrets,
    throttleNext: (n) => (throttle = n),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (b: Buffer) => (s += b.toString()));
    req.on('end', () => resolve(s));
  });
}
