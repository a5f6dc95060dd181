// The login's loopback listener (the CallbackListener port) over node:http.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackListener } from '../login/oidc-login.js';

/** A CallbackListener that serves on 127.0.0.1 (or the configured loopback host). */
export const httpCallbackListener: CallbackListener = {
  listen(host, port, handle) {
    const server: Server = createServer((req, res) => {
      handle(new URL(req.url ?? '/', `http://${host}`), (status, headers, body) => {
        res.writeHead(status, headers);
        return new Promise<void>((done) => {
          res.once('finish', () => done());
          res.end(body);
        });
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () =>
        resolve({
          port: (server.address() as AddressInfo).port,
          unref: () => void server.unref(),
          close: () =>
            new Promise<void>((r) => {
              if (!server.listening) return r();
              server.close(() => r());
              // A browser's keep-alive connection must not hold the port.
              server.closeAllConnections();
            }),
        }),
      );
      server.listen(port, host);
    });
  },
};
