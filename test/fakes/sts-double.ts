// An STS double for AssumeRoleWithWebIdentity that checks JWTs the way STS does (RS256 signature from
// the registered issuer, audience, expiry) and answers in STS's XML. It records every call.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** A running double. */
export interface StsDouble {
  url: string;
  calls: { roleArn: string; sessionName: string; durationSeconds: number; ok: boolean; code?: string }[];
  /** Secrets of the sessions it issued, by access key id. */
  secrets: Map<string, string>;
  /** Answer the next N calls with Throttling. */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

/** Starts the double on 127.0.0.1. */
export async function startStsDouble(opts: { issuer: string; publicKey: KeyObject; audience?: string; sessionSeconds?: number; delayMs?: number }): Promise<StsDouble> {
  const calls: StsDouble['calls'] = [];
  const secrets = new Map<string, string>();
  let throttle = 0;
  const server: Server = createServer(async (req, res) => {
    const params = new URLSearchParams(await body(req));
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const fail = (status: number, code: string, message: string) => {
      calls.push({ roleArn: params.get('RoleArn') ?? '', sessionName: params.get('RoleSessionName') ?? '', durationSeconds: Number(params.get('DurationSeconds')), ok: false, code });
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`);
    };
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
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
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
