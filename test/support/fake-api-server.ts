// An HTTPS server with a certificate for 127.0.0.1 from its own CA, which
// answers as a test says: for the client layer's tests of the HTTP protocol
// (failures, watches), where a real API server cannot be made to misbehave.
import type { TestContext } from 'node:test';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issue, usage, extendedUsage } from '../testbed/pki.ts';

const caUsages = usage.keyCertSign | usage.digitalSignature;
export const ca = await issue({ commonName: 'API server CA', isCA: true, usages: caUsages });
export const serving = await issue({
  commonName: 'kube-apiserver',
  issuer: ca,
  usages: usage.digitalSignature | usage.keyEncipherment,
  extendedUsages: [extendedUsage.serverAuth],
  dnsNames: ['localhost'],
  ipAddresses: ['127.0.0.1'],
});

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface ApiServer {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** The requests that reached it, in order. */
  readonly seen: Seen[];
}

/** An HTTPS server with a certificate from `ca` for 127.0.0.1, closed when the test ends. */
export async function apiServer(t: TestContext, handler: Handler): Promise<ApiServer> {
  const seen: Seen[] = [];
  const server: Server = createServer(
    { key: serving.keyPem, cert: serving.certPem },
    (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        });
        handler(request, response);
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

export function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** A Status object as the API server sends with a failure. */
export const failure = (code: number, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  code,
});
