// antrea-controller's API server as the aggregation layer and webhooks see it:
// HTTPS with the current serving pair, discovery for Antrea's group-versions,
// health endpoints, and permissive admission and conversion answers.
import { createServer, type Server } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServingPair } from './selfsigned.ts';

export class ModelServer {
  private context: SecureContext | undefined;
  private readonly server: Server;

  constructor(
    private readonly address: string,
    private readonly port = 443,
  ) {
    this.server = createServer(
      {
        SNICallback: (_name, done) =>
          this.context ? done(null, this.context) : done(new Error('not serving')),
      },
      (req, res) => void handle(req, res),
    );
    this.server.on('connection', (socket) => {
      if (!this.context) socket.destroy();
    });
    this.server.on('tlsClientError', () => undefined);
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Serves the pair from now on; throws when the key does not match the certificate. */
  serve(pair: ServingPair): void {
    this.context = createSecureContext({ cert: pair.certPem, key: pair.keyPem });
    // Clients that send no server name get the default context.
    this.server.setSecureContext({ cert: pair.certPem, key: pair.keyPem });
  }

  /** Refuses connections, as when the controller is not running. */
  stopServing(): void {
    this.context = undefined;
    this.server.closeAllConnections();
  }

  get serving(): boolean {
    return this.context !== undefined;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ANTREA_GROUP = /^\/apis\/([a-z0-9.-]*antrea\.(?:io|tanzu\.vmware\.com))\/([a-z0-9]+)\/?$/;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method === 'GET' && ['/readyz', '/livez', '/healthz'].includes(path))
    return text(res, 200, 'ok');
  const discovery = req.method === 'GET' ? ANTREA_GROUP.exec(path) : null;
  if (discovery) {
    return json(res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${discovery[1]}/${discovery[2]}`,
      resources: [],
    });
  }
  if (req.method === 'POST' && /^\/(validate|mutate)\//.test(path)) {
    const review = (await body(req)) as { apiVersion?: string; request?: { uid?: string } };
    return json(res, 200, {
      apiVersion: review.apiVersion ?? 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: review.request?.uid ?? '', allowed: true },
    });
  }
  if (req.method === 'POST' && path.startsWith('/convert/')) {
    const review = (await body(req)) as {
      apiVersion?: string;
      request?: { uid?: string; desiredAPIVersion?: string; objects?: Record<string, unknown>[] };
    };
    const desired = review.request?.desiredAPIVersion;
    return json(res, 200, {
      apiVersion: review.apiVersion ?? 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: {
        uid: review.request?.uid ?? '',
        result: { status: 'Success' },
        convertedObjects: (review.request?.objects ?? []).map((o) => ({
          ...o,
          apiVersion: desired,
        })),
      },
    });
  }
  json(res, 404, {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'NotFound',
    code: 404,
    message: `${path} not found`,
  });
}

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve({});
      }
    });
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function text(res: ServerResponse, status: number, value: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(value);
}
