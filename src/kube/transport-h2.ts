// HTTP/2 requests on one connection, as kubectl makes them: one TLS handshake
// for a whole read round instead of one per parallel request. The connection
// keeps the process alive only while a request is open on it, and a new one
// is made after it closed (an API server restart).
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import * as builtins from '../io/builtins.ts';
import {
  ConnectionClosedError,
  HandshakeTimeoutError,
  RequestTimeoutError,
  handshakeBound,
  type Incoming,
  type Outgoing,
  type Transport,
} from './transport.ts';

/** How often a connection with open requests is pinged. */
const PING_EVERY_MS = 10_000;
/** How long a ping may go unanswered before the connection is given up. */
const PING_TIMEOUT_MS = 5_000;

/** Whether the server negotiated HTTP/2; undefined until the first connection says. */
export type Negotiated = ClientHttp2Session | 'http/1.1';

/**
 * HTTP/2 on one connection, negotiated at the first request; falls back to HTTP/1.1 when the server
 * does not offer h2.
 */
export class Http2Transport implements Transport {
  private session: Promise<Negotiated> | undefined;
  /** The connection new requests go on, once made: the one `session` resolves to. */
  private latest: ClientHttp2Session | undefined;
  private readonly open = new Map<ClientHttp2Session, number>();
  /** The requests in flight, to cancel one by one when the transport is closed. */
  private readonly streams = new Set<ClientHttp2Stream>();
  /** The watches among them. */
  private readonly watches = new WeakSet<ClientHttp2Stream>();
  /** The TLS connection while it is being made, to give it up when the transport is closed. */
  private connecting: TLSSocket | undefined;

  constructor(private readonly fallback: Transport) {}

  async exchange(request: Outgoing): Promise<Incoming> {
    const session = await this.connect(request);
    if (session === 'http/1.1') return this.fallback.exchange(request);
    const { constants } = builtins.http2();
    const headers: Record<string, string | string[]> = {
      ':method': request.method,
      ':path': new URL(request.url).pathname + new URL(request.url).search,
    };
    for (const [name, value] of Object.entries(request.headers))
      headers[name.toLowerCase()] = value;
    if (request.options.auth) {
      headers.authorization = `Basic ${Buffer.from(request.options.auth).toString('base64')}`;
    }
    this.hold(session);
    const stream = session.request(headers, { endStream: request.payload === undefined });
    this.streams.add(stream);
    if (request.longRunning) this.watches.add(stream);
    stream.once('close', () => {
      this.streams.delete(stream);
      this.release(session);
    });
    if (request.timeoutMs > 0) {
      stream.setTimeout(request.timeoutMs, () => stream.destroy(new RequestTimeoutError()));
    }
    if (request.payload !== undefined) stream.end(request.payload);
    return new Promise((resolve, reject) => {
      stream.once('error', reject);
      // A stream that closes with neither an answer nor an error (the session went away, a
      // GOAWAY refused it) still settles: a pending request would let the process end silently.
      stream.once('close', () =>
        reject(new ConnectionClosedError('before the API server answered')),
      );
      stream.once('response', (answer) =>
        resolve({
          status: Number(answer[':status'] ?? 0),
          headers: answer,
          body: stream,
          stop: () => stream.close(constants.NGHTTP2_CANCEL),
          cut: () => stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR,
        }),
      );
    });
  }

  close(): void {
    // The requests still open are cancelled one by one, then the connection ends gracefully.
    // Destroying the session while answers still arrive on it crashes Node 20's HTTP/2 (a
    // freed stream object is used again): a refused read among parallel ones did that.
    this.connecting?.destroy();
    const { constants } = builtins.http2();
    for (const stream of this.streams) stream.close(constants.NGHTTP2_CANCEL);
    void this.session?.then(
      (session) => (session === 'http/1.1' || session.closed ? undefined : session.close()),
      () => undefined,
    );
    this.fallback.close();
  }

  /** The connection, made at the first request; HTTP/1.1 when the server does not offer HTTP/2. */
  private connect(request: Outgoing): Promise<Negotiated> {
    this.session ??= this.negotiate(request).catch((error: unknown) => {
      this.session = undefined;
      throw error;
    });
    return this.session;
  }

  private async negotiate(request: Outgoing): Promise<Negotiated> {
    const [tls, http2] = [builtins.tls(), builtins.http2()];
    const url = new URL(request.url);
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = request.options;
    const socket = tls.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      ...(servername ? { servername } : {}),
      ca,
      cert,
      key,
      pfx,
      passphrase,
      ...(rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    this.connecting = socket;
    try {
      await secured(socket, request.timeoutMs);
    } finally {
      this.connecting = undefined;
    }
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      return 'http/1.1';
    }
    const session = http2.connect(url.origin, { createConnection: () => socket });
    session.unref();
    this.latest = session;
    const health = this.watchHealth(session);
    session.once('goaway', () => this.goneAway(session));
    session.on('error', () => this.forget(session));
    session.once('close', () => {
      clearInterval(health);
      this.open.delete(session);
      this.forget(session);
    });
    return session;
  }

  /**
   * After a GOAWAY, requests go on a new connection, and the watches on this one are ended so that
   * they reopen there. kube-apiserver would let them run on (a graceful shutdown, --goaway-chance),
   * but Node cannot ping a connection that went away: one that then went silent (a shutdown that
   * never finished, a load balancer that dropped it) would hold its watches open, and their data
   * stale, until the watches time out, minutes later. The reads in flight finish on it.
   */
  private goneAway(session: ClientHttp2Session): void {
    this.forget(session);
    const { constants } = builtins.http2();
    for (const stream of this.streams)
      if (stream.session === session && this.watches.has(stream))
        stream.close(constants.NGHTTP2_CANCEL);
  }

  /** New requests go on a new connection; a later one is kept when an older one goes away. */
  private forget(session: ClientHttp2Session): void {
    if (this.latest !== session) return;
    this.latest = undefined;
    this.session = undefined;
  }

  /**
   * As client-go's HTTP/2 health check: while requests are open (watches), the connection is
   * pinged every PING_EVERY_MS, and one that does not answer within PING_TIMEOUT_MS (an API server
   * frozen, a peer gone without a FIN) is given up: its requests fail and the watches open again
   * on a new connection, instead of waiting out their timeout.
   */
  private watchHealth(session: ClientHttp2Session): NodeJS.Timeout {
    let pinging = false;
    return setInterval(() => {
      if (pinging || session.destroyed || (this.open.get(session) ?? 0) === 0) return;
      const dead = setTimeout(() => this.giveUp(session), PING_TIMEOUT_MS);
      try {
        pinging = session.ping(() => {
          clearTimeout(dead);
          pinging = false;
        });
      } catch {
        pinging = false; // the session is closing: its own close ends the requests
      }
      if (!pinging) clearTimeout(dead);
    }, PING_EVERY_MS).unref();
  }

  /** Cancels the connection's requests, then ends it: nothing answers on it any more. */
  private giveUp(session: ClientHttp2Session): void {
    const { constants } = builtins.http2();
    this.forget(session);
    for (const stream of this.streams)
      if (stream.session === session) stream.close(constants.NGHTTP2_CANCEL);
    session.destroy(
      new ConnectionClosedError(
        `after the API server left a ping unanswered for ${PING_TIMEOUT_MS / 1000}s`,
      ),
    );
  }

  /** An open request keeps the process alive; an idle connection does not. */
  private hold(session: ClientHttp2Session): void {
    const open = this.open.get(session) ?? 0;
    if (open === 0) session.ref();
    this.open.set(session, open + 1);
  }

  private release(session: ClientHttp2Session): void {
    const open = (this.open.get(session) ?? 1) - 1;
    if (session.destroyed) {
      this.open.delete(session); // a closed connection is not kept in the count
      return;
    }
    this.open.set(session, open);
    if (open === 0) session.unref();
  }
}

/** Resolves once the socket is secured; a handshake past its bound destroys it. */
function secured(socket: TLSSocket, requestTimeoutMs: number): Promise<void> {
  const bound = handshakeBound(requestTimeoutMs);
  return new Promise((resolve, reject) => {
    const late = setTimeout(() => socket.destroy(new HandshakeTimeoutError(bound)), bound);
    socket.once('secureConnect', () => {
      clearTimeout(late);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(late);
      reject(error);
    });
  });
}
