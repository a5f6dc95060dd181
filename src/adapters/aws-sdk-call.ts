// One AWS SDK call, as the STS and EKS adapters make it: the client and the HTTP handler loaded
// lazily (a cache hit never pays for them), bounded timeouts and retries, the client destroyed after,
// and a failure sorted into a modeled service error (with its code) or a networking error.

import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { defined } from '../defined.js';

/** How long a connection may take to open, and a request to answer. */
export const CONNECTION_TIMEOUT_MS = 3000;
export const REQUEST_TIMEOUT_MS = 8000;

/** A failure of an AWS call, sorted. */
export type AwsFailure = { kind: 'service'; code: string; message: string } | { kind: 'network'; message: string };

/** An HTTP handler with esc-kube's timeouts. */
export async function httpHandler(): Promise<NodeHttpHandler> {
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  return new NodeHttpHandler({ connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS });
}

/** An SDK client's settings: the region, the retries, esc-kube's HTTP handler, and an endpoint and credentials when given. */
export async function clientConfig<C>(c: { region: string; maxAttempts: number; endpoint?: string | undefined; credentials?: C | undefined }) {
  const { region, maxAttempts, endpoint, credentials } = c;
  return { region, maxAttempts, requestHandler: await httpHandler(), ...defined({ endpoint, credentials }) };
}

/**
 * Runs `call` with a client from `make` and destroys the client after; an error that is not one of
 * the adapter's own (`own`) is sorted and handed to `fail`, which throws the adapter's error.
 */
export async function awsCall<C extends { destroy(): void }, T>(
  make: () => Promise<C>,
  call: (client: C) => Promise<T>,
  own: (e: unknown) => boolean,
  fail: (failure: AwsFailure, cause: unknown) => never,
): Promise<T> {
  const client = await make();
  try {
    return await call(client);
  } catch (e) {
    if (own(e)) throw e;
    const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    if (err.$metadata?.httpStatusCode !== undefined && err.name && err.name !== 'Error' && err.name !== 'TimeoutError') {
      fail({ kind: 'service', code: err.name, message: err.message ?? err.name }, e);
    }
    const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : (err.message ?? String(e));
    fail({ kind: 'network', message: why }, e);
  } finally {
    client.destroy();
  }
}
