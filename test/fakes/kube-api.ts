// A local HTTPS Kubernetes API endpoint that authenticates bearer tokens as EKS does (the
// aws-iam-authenticator checks, then SigV4 with the secret of the credentials), enough for
// `kubectl get ns` and for client libraries.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyToken } from './token-verifier.js';

/** A running API endpoint. */
export interface KubeApi {
  url: string;
  /** The CA certificate (PEM), base64-encoded as kubeconfig certificate-authority-data wants it. */
  caData: string;
  /** Every authentication decision, in order. */
  auth: { ok: boolean; why?: string; accessKeyId?: string }[];
  /** Refuse the next N requests with 401, whatever their token (as after a credential is revoked). */
  rejectNext(n: number): void;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'esc-kube-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  try {
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the endpoint for one cluster; `secretFor` knows the secrets of the credentials it trusts. */
export async function startKubeApi(opts: { clusterId: string; secretFor: (accessKeyId: string) => string | undefined; tls?: { key: string; cert: string } }): Promise<KubeApi> {
  const tls = opts.tls ?? selfSignedCert();
  const auth: KubeApi['auth'] = [];
  let reject = 0;
  let address = '';
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const forced = reject > 0 && reject-- > 0;
    const verdict = forced ? { ok: false as const, why: 'refused on purpose' } : token ? verifyToken(token, { clusterId: opts.clusterId, now: () => new Date(), secretFor: opts.secretFor }) : { ok: false as const, why: 'no bearer token' };
    auth.push(verdict.ok ? { ok: true, accessKeyId: verdict.accessKeyId } : { ok: false, why: verdict.why });
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!verdict.ok) return send(401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const path = (req.url ?? '/').split('?')[0];
    switch (path) {
      case '/version':
        return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-eks-local', platform: 'linux/amd64' });
      case '/api':
        return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] });
      case '/apis':
        return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
      case '/api/v1':
        return send(200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] }],
        });
      case '/api/v1/namespaces':
        return send(200, {
          kind: 'NamespaceList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '1' },
          items: ['default', 'kube-system'].map((name) => ({ metadata: { name, uid: name, creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } })),
        });
      default:
        return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `https://${address}`,
    caData: Buffer.from(tls.cert).toString('base64'),
    auth,
    rejectNext: (n) => (reject = n),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
