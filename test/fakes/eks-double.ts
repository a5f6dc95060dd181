// An EKS double for DescribeCluster (the REST API the AWS SDK calls: GET /clusters/{name}).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A cluster the double knows. */
export interface DoubleCluster {
  name: string;
  endpoint: string;
  caData: string;
  status?: string;
}

/** Starts the double on 127.0.0.1. */
export async function startEksDouble(clusters: DoubleCluster[], region = 'us-west-2'): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization?.split(',')[0] ?? ''}`);
    const m = /^\/clusters\/([^/?]+)/.exec(req.url ?? '');
    const c = m ? clusters.find((x) => x.name === decodeURIComponent(m[1]!)) : undefined;
    res.setHeader('content-type', 'application/json');
    if (!c) {
      res.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      return res.end(JSON.stringify({ message: `No cluster found for name: ${m?.[1]}.` }));
    }
    res.end(
      JSON.stringify({
        cluster: {
          name: c.name,
          arn: `arn:aws:eks:${region}:123456789012:cluster/${c.name}`,
          endpoint: c.endpoint,
          certificateAuthority: { data: c.caData },
          status: c.status ?? 'ACTIVE',
          version: '1.31',
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
