// The one place that speaks HTTP to the API server: requests with the TLS
// material and credentials the kubeconfig gives (client-node's KubeConfig
// applies them: certificates, tokens, exec plugins, OIDC, proxies), over one
// connection (transport.ts), with impersonation, the request timeout and -v
// request logging. Bodies are JSON; failures are thrown as they happened and
// translated by the caller (errors.ts in this folder).
import type { RequestOptions } from 'node:https';
import type { Readable } from 'node:stream';
import type { LoadedConfig } from './kubeconfig.ts';
import * as builtins from '../io/builtins.ts';
import { OUT_OF_VALIDITY, peerValidity } from './tls-peer.ts';
import { ConnectionClosedError, type Incoming, type Method, type Transport } from './transport.ts';
import { BoundedExecAuth } from './exec-credential.ts';
import { replaceAuthenticators } from './client-node.ts';
import { TokenFileAuth } from './token-file.ts';
import { pluginVersion } from '../version.ts';

/** As kubectl names itself to the API server (its audit log shows it): name/version (os/arch). */
const USER_AGENT = `kubectl-antrea_certs/${pluginVersion} (${process.platform}/${process.arch})`;

/** Milliseconds from an arbitrary origin; `performance` would load perf_hooks at the first request. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

export { RequestTimeoutError, type Method } from './transport.ts';

/** How requests are made: the --request-timeout and what -v logs, and where. */
export interface HttpOptions {
  readonly timeoutMs: number;
  /** 0 quiet, 1 one line per request, 2 also response headers of note. */
  readonly verbosity: number;
  readonly log: (line: string) => void;
}

/** The API server answered with a status other than 2xx. */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the API server answered ${status}`);
    this.name = 'StatusError';
  }

  /** The message of the Status object the API server sent, if it sent one. */
  get serverMessage(): string {
    try {
      const message = (JSON.parse(this.body) as { message?: unknown }).message;
      return typeof message === 'string' ? message : '';
    } catch {
      return '';
    }
  }
}

/** An answer read whole: its status and its body as text. */
export interface Response {
  readonly status: number;
  readonly body: string;
}

/** A watch's answer: its status, the event stream, and how to end it. */
export interface WatchStream {
  readonly status: number;
  readonly body: Readable;
  stop(): void;
}

/**
 * Requests to the API server with the kubeconfig's credentials, over one transport picked at the
 * first request; -v reports how many were made.
 */
export class Http {
  requestCount = 0;
  /** Made once, at the first request: the parallel first round shares its connection. */
  private transport: Promise<Transport> | undefined;

  /** The exec credential plugin, bounded by the request timeout and stopped by close(). */
  private readonly credentials: BoundedExecAuth;

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly options: HttpOptions,
  ) {
    const cluster = loaded.config.getCurrentCluster();
    this.credentials = new BoundedExecAuth({
      contextName: loaded.contextName,
      timeoutMs: options.timeoutMs,
      stdinIsTerminal: Boolean(process.stdin.isTTY),
      ...(cluster
        ? {
            cluster: {
              server: cluster.server,
              ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
              ...(cluster.skipTLSVerify ? { skipTLSVerify: true } : {}),
              ...(cluster.caData ? { caData: cluster.caData } : {}),
              ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
              ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
            },
          }
        : {}),
    });
    replaceAuthenticators(loaded.config, {
      exec: this.credentials,
      tokenFile: new TokenFileAuth(loaded.contextName),
    });
  }

  get server(): string {
    return this.loaded.server;
  }

  get verbose(): boolean {
    return this.options.verbosity > 0;
  }

  /** A -v line on stderr. */
  log(line: string): void {
    if (this.verbose) this.options.log(line);
  }

  /** The headers that make every request act as --as, --as-group and the kubeconfig's as*. */
  impersonation(): Record<string, string | string[]> {
    const { user, groups, extra } = this.loaded.impersonate;
    return {
      ...(user ? { 'Impersonate-User': user } : {}),
      ...(groups.length ? { 'Impersonate-Group': [...groups] } : {}),
      // As client-go sends them: the key escaped into the header's name, one value a header line.
      ...Object.fromEntries(
        Object.entries(extra).map(([key, values]) => [
          `Impersonate-Extra-${encodeURIComponent(key)}`,
          [...values],
        ]),
      ),
    };
  }

  url(path: string): string {
    return `${this.loaded.server.replace(/\/$/, '')}${path}`;
  }

  /** A request whose answer is read whole; throws StatusError for anything but 2xx. */
  async json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status < 200 || response.status > 299) {
      throw new StatusError(response.status, response.body);
    }
    return JSON.parse(response.body) as T;
  }

  /**
   * A request whose status is the caller's to judge; throws only when there is no answer. A read
   * whose connection closed under it (a GOAWAY, a restart) is sent once more on a new connection;
   * a write is not: it may have been applied.
   */
  async send(method: Method, path: string, body?: unknown): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const line = `${method} ${this.url(path)}`;
    for (let attempt = 1; ; attempt++) {
      const started = now();
      this.requestCount++;
      try {
        const incoming = await this.exchange(method, path, payload, this.options.timeoutMs);
        const text = await readAll(incoming);
        this.logAnswer(line, incoming, started);
        return { status: incoming.status, body: text };
      } catch (error) {
        const ms = (now() - started).toFixed(0);
        // A refused stream was never processed: sent again while the server keeps refusing (each
        // time on a new connection), up to a bound. A cut-off read is sent again once.
        const retry =
          (refusedStream(error) && attempt < REFUSED_ATTEMPTS) ||
          (method === 'GET' && attempt === 1 && cutOff(error));
        const then = retry ? '; sending it again on a new connection' : '';
        this.log(
          `${line} failed after ${ms} ms: ${error instanceof Error ? error.name : 'error'}${then}`,
        );
        if (!retry) throw await this.withPeerValidity(error);
      }
    }
  }

  /**
   * A watch of a collection, streaming once the headers arrived; throws StatusError for anything
   * but 200, so that a watch that resolves is open. No --request-timeout: a watch lasts until it
   * is stopped.
   */
  async watch(path: string, query: Record<string, string>): Promise<WatchStream> {
    this.requestCount++;
    const search = new URLSearchParams(query).toString();
    this.log(`WATCH ${this.url(path)}${search ? `?${search}` : ''}`);
    const watching = new URLSearchParams({ ...query, watch: 'true' }).toString();
    const incoming = await this.exchange('GET', `${path}?${watching}`, undefined, 0, true);
    if (incoming.status !== 200) throw new StatusError(incoming.status, await readAll(incoming));
    return incoming;
  }

  /** A server certificate out of its validity: its dates, for the message (Node's names none). */
  private async withPeerValidity(error: unknown): Promise<unknown> {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (!code || !OUT_OF_VALIDITY.has(code) || !this.url('/').startsWith('https:')) return error;
    const validity = await peerValidity(
      this.url('/'),
      this.loaded.config.getCurrentCluster()?.tlsServerName,
    );
    if (validity) Object.assign(error as object, { validity });
    return error;
  }

  /** The exec credential plugin a request waits on now, if any. */
  runningCredentialPlugin(): string | undefined {
    return this.credentials.runningPlugin();
  }

  /** Ends the connection and any credential plugin still running: what is in flight fails. */
  close(): void {
    this.credentials.stop();
    void this.transport?.then(
      (transport) => transport.close(),
      () => undefined,
    );
  }

  private async exchange(
    method: Method,
    path: string,
    payload: string | undefined,
    timeoutMs: number,
    longRunning = false,
  ): Promise<Incoming> {
    const options: RequestOptions = { headers: {} };
    await this.loaded.config.applyToHTTPSOptions(options);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[name] = String(value);
    }
    Object.assign(
      headers,
      { Accept: 'application/json', 'User-Agent': USER_AGENT },
      this.impersonation(),
    );
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const transport = await this.transportFor(options);
    const request = { method, url: this.url(path), headers, options, timeoutMs, longRunning };
    return transport.exchange(payload === undefined ? request : { ...request, payload });
  }

  /** HTTP/2 straight to an https server; HTTP/1.1 through a proxy or to plain http. */
  private transportFor(options: RequestOptions): Promise<Transport> {
    this.transport ??= this.newTransport(options);
    return this.transport;
  }

  private async newTransport(options: RequestOptions): Promise<Transport> {
    const { Agent } = builtins.https();
    const [{ Http1Transport }, { Http2Transport }] = await Promise.all([
      import('./transport-h1.ts'),
      import('./transport-h2.ts'),
    ]);
    const h1 = new Http1Transport();
    const direct = options.agent instanceof Agent && options.agent.constructor === Agent;
    return direct && this.url('/').startsWith('https:') ? new Http2Transport(h1) : h1;
  }

  private logAnswer(line: string, incoming: Incoming, started: number): void {
    if (!this.verbose) return;
    const ms = (now() - started).toFixed(0);
    const headers = incoming.headers;
    const extra =
      this.options.verbosity > 1
        ? ` (${String(headers['content-type'] ?? 'no content type')}, ${String(headers['content-length'] ?? '?')} bytes)`
        : '';
    this.options.log(`${line} ${incoming.status} in ${ms} ms${extra}`);
  }
}

/** How many times a request whose stream the server refused is sent in all. */
const REFUSED_ATTEMPTS = 5;

/** HTTP/2 errors of a connection going away (a GOAWAY, a session that ended) under a request. */
const SESSION_ENDED = new Set([
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

/** The connection closed under the request: a read may be sent again. */
const cutOff = (error: unknown) =>
  error instanceof ConnectionClosedError ||
  SESSION_ENDED.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');

/** A stream the server refused (after its GOAWAY): it did not process it, so even a write is sent again. */
const refusedStream = (error: unknown) =>
  error instanceof Error && /NGHTTP2_REFUSED_STREAM/.test(error.message);

/**
 * The whole body. A body that closes before its end, or whose HTTP/2 stream was reset after it
 * (a connection that died), fails: the request never stays pending, nor returns half an answer.
 */
function readAll({ body, cut }: Incoming): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    const text = () => Buffer.concat(chunks).toString('utf8');
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.on('end', () => {
      ended = true;
      // Over HTTP/2 the stream's close says whether the end was real.
      if (!cut) resolve(text());
    });
    body.on('error', reject);
    body.on('close', () => {
      if (ended && !cut?.()) resolve(text());
      else reject(new ConnectionClosedError('in the middle of the answer'));
    });
  });
}
