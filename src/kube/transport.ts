// How a request reaches the API server: over one HTTP/2 connection when the
// server speaks it (as kubectl does: one TLS handshake for every request), else
// HTTP/1.1 on a keep-alive pool (through a proxy, plain http, or a server
// without HTTP/2). The TLS material comes from the kubeconfig, request by request.
import type { Readable } from 'node:stream';
import type { RequestOptions } from 'node:https';

/** The methods the plugin uses (updates are PUTs). */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request as the transports take it; `options` is what the kubeconfig gave for it. */
export interface Outgoing {
  readonly method: Method;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload?: string;
  readonly options: RequestOptions;
  /** 0: none. When it passes without a byte, the request fails with a RequestTimeoutError. */
  readonly timeoutMs: number;
  /** A watch: it lasts until stopped, so it is ended when its connection is told to go away. */
  readonly longRunning?: boolean;
}

/** An answer whose headers arrived; its body streams. */
export interface Incoming {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
  /** Ends the exchange (a watch being stopped). */
  stop(): void;
  /**
   * HTTP/2: whether the stream was reset (its connection died) rather than ended; its body then
   * ends early without an error, so only this tells a cut answer from a whole one.
   */
  cut?(): boolean;
}

/** One way of reaching the API server, HTTP/2 or HTTP/1.1; Http picks one at its first request. */
export interface Transport {
  exchange(request: Outgoing): Promise<Incoming>;
  /** Ends every connection and the requests on them (a cluster given up on). */
  close(): void;
}

/** The request did not finish within --request-timeout. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * How long a new connection may take to be secured, whatever the request's timeout (a watch has
 * none): client-go's TLSHandshakeTimeout. A server that accepts the connection and never answers
 * (a frozen process, a load balancer in front of a dead one) is given up, and tried again.
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** The bound of a new connection's handshake for a request: the shorter of the two. */
export const handshakeBound = (requestTimeoutMs: number) =>
  requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, HANDSHAKE_TIMEOUT_MS) : HANDSHAKE_TIMEOUT_MS;

/** A new connection was not secured within its bound. */
export class HandshakeTimeoutError extends Error {
  readonly code = 'ECONNCLOSED';
  constructor(ms: number) {
    super(`the connection was given up: no TLS handshake within ${ms / 1000}s`);
  }
}

/**
 * The connection ended before the API server answered, or in the middle of its answer (a stream
 * closed without a response, a GOAWAY, a session that died): the request's own error, so that no
 * request is left pending.
 */
export class ConnectionClosedError extends Error {
  readonly code = 'ECONNCLOSED';
  constructor(what: string) {
    super(`the connection closed ${what}`);
  }
}
