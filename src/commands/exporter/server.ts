// The exporter's HTTP endpoints: /metrics (the reports rendered at their last
// change, and the exporter's own metrics), /healthz and /readyz. Nothing here
// makes an API request.
import { createServer, type Server } from 'node:http';
import type { Listen } from './listen.ts';
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

/** Serves the endpoints; resolves once listening, with the address actually bound. */
export async function serve(
  listen: Listen,
  endpoints: Endpoints,
): Promise<{ server: Server; port: number }> {
  const server = createServer(LIMITS, (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
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
      endpoints.metrics().then(
        (text) => answer(200, text, CONTENT_TYPE),
        (error: unknown) => answer(500, `${String(error)}\n`),
      );
    } else if (path === '/healthz') {
      answer(200, 'ok\n');
    } else if (path === '/readyz') {
      const waiting = endpoints.unanswered();
      if (waiting.length === 0) answer(200, 'ok\n');
      else answer(503, `waiting for the first full read of: ${waiting.join(', ')}\n`);
    } else {
      answer(404, 'not found: /metrics, /healthz and /readyz are served\n');
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
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
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : listen.port };
}
