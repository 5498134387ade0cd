// The exporter's HTTP endpoints: /metrics (the reports rendered at their last
// change, and the exporter's own metrics), /healthz and /readyz; over HTTPS
// when given a certificate, and /metrics only to authorised scrapers when
// given a ScrapeAuth (the probes stay open: the kubelet sends no token). Only
// the scrape reviews make API requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Listen } from './listen.ts';
import type { ScrapeAuth } from './scrape-auth.ts';
import type { ServingPair, ServingTls } from './serving-tls.ts';
import { UsageError, errorCode } from '../../errors.ts';

/** What the endpoints read. */
export interface Endpoints {
  /** The metrics text: the reports' families, then the exporter's own. */
  metrics(): Promise<string>;
  /**
   * The clusters without an answer yet: neither their reports (after the first full sync and the
   * first probes) nor why they cannot be read. Empty: ready, and /metrics has every cluster.
   */
  unanswered(): readonly string[];
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * How long a client may take to send its headers, and its whole request: a scraper sends them at
 * once, and a client that trickles them (a byte a second) does not hold a socket for minutes.
 * Node checks for them every connectionsCheckingInterval.
 */
export const HEADERS_TIMEOUT_MS = 5_000;
const LIMITS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 500,
} as const;
/** An idle kept-alive connection is closed after this (Prometheus scrapes every 15 s or more). */
export const IDLE_TIMEOUT_MS = 10_000;

/** HTTPS and who may scrape; neither: plain HTTP, open to all. */
export interface Security {
  readonly tls?: ServingTls;
  readonly auth?: ScrapeAuth;
}

/** Serves the endpoints; resolves once listening, with the address actually bound. */
export async function serve(
  listen: Listen,
  endpoints: Endpoints,
  security: Security = {},
): Promise<{ server: Server; port: number }> {
  const handle = (request: IncomingMessage, response: ServerResponse) =>
    answerRequest(request, response, endpoints, security.auth);
  const { tls } = security;
  let server: Server;
  if (tls) {
    const secure = createHttpsServer({ ...LIMITS, ...tlsOptions(tls.pair) }, handle);
    tls.onChange = (pair) => secure.setSecureContext(tlsOptions(pair));
    server = secure;
  } else server = createServer(LIMITS, handle);
  server.keepAliveTimeout = IDLE_TIMEOUT_MS;
  await listenOn(server, listen);
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : listen.port };
}

const tlsOptions = (pair: ServingPair) => ({
  cert: pair.cert,
  key: pair.key.reveal(),
  minVersion: 'TLSv1.2' as const,
});

function answerRequest(
  request: IncomingMessage,
  response: ServerResponse,
  endpoints: Endpoints,
  auth: ScrapeAuth | undefined,
): void {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const answer = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
    response.writeHead(status, { 'Content-Type': type });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    answer(405, 'only GET and HEAD\n');
    return;
  }
  if (path === '/metrics') {
    const metrics = () =>
      endpoints.metrics().then(
        (text) => answer(200, text, CONTENT_TYPE),
        (error: unknown) => answer(500, `${String(error)}\n`),
      );
    if (!auth) {
      void metrics();
      return;
    }
    void auth.check(request.headers.authorization, path).then((verdict) => {
      if (verdict.allowed) return metrics();
      if (verdict.status === 401)
        response.setHeader('WWW-Authenticate', 'Bearer realm="antrea-certs-exporter"');
      answer(verdict.status, `${verdict.message}\n`);
      return undefined;
    });
  } else if (path === '/healthz') {
    answer(200, 'ok\n');
  } else if (path === '/readyz') {
    const waiting = endpoints.unanswered();
    if (waiting.length === 0) answer(200, 'ok\n');
    // The clusters' names only to whom may scrape them: the probes are open.
    else if (auth) answer(503, `waiting for the first full read of ${waiting.length} cluster(s)\n`);
    else answer(503, `waiting for the first full read of: ${waiting.join(', ')}\n`);
  } else {
    answer(404, 'not found: /metrics, /healthz and /readyz are served\n');
  }
}

function listenOn(server: Server, listen: Listen): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      const where = `${listen.host ?? '*'}:${listen.port}`;
      const code = errorCode(error);
      reject(
        code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
          ? new UsageError(
              `cannot listen on ${where} (${code}); pick another address with --listen.`,
            )
          : error,
      );
    });
    server.listen(listen.port, listen.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
}
