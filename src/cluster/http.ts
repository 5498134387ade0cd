// The one place that speaks HTTP to the API server: plain HTTPS requests with
// the TLS material and credentials the kubeconfig gives (client-node's
// KubeConfig applies them: certificates, tokens, exec plugins, OIDC, proxies),
// one keep-alive connection pool, impersonation, the request timeout, and -v
// request logging. Bodies are JSON; failures are thrown as they happened and
// translated by the caller (cluster/errors.ts).
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { LoadedConfig } from './kubeconfig.ts';

export interface HttpOptions {
  readonly timeoutMs: number;
  /** 0 quiet, 1 one line per request, 2 also response headers of note. */
  readonly verbosity: number;
  readonly log: (line: string) => void;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

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

/** The request did not finish within --request-timeout. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export interface Response {
  readonly status: number;
  readonly body: string;
}

export class Http {
  requestCount = 0;
  private agent: HttpAgent | undefined;

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly options: HttpOptions,
  ) {}

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

  /** The headers that make every request act as --as and --as-group. */
  impersonation(): Record<string, string> {
    const { user, group } = this.loaded.impersonate;
    return {
      ...(user ? { 'Impersonate-User': user } : {}),
      ...(group ? { 'Impersonate-Group': group } : {}),
    };
  }

  /** A request whose answer is read whole; throws StatusError for anything but 2xx. */
  async json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status < 200 || response.status > 299) {
      throw new StatusError(response.status, response.body);
    }
    return JSON.parse(response.body) as T;
  }

  /** A request whose status is the caller's to judge; throws only when there is no answer. */
  async send(method: Method, path: string, body?: unknown): Promise<Response> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    const line = `${method} ${this.url(path)}`;
    this.requestCount++;
    try {
      const response = await this.exchange(method, path, payload);
      const text = await readAll(response);
      this.logAnswer(line, response, started);
      return { status: response.statusCode ?? 0, body: text };
    } catch (error) {
      if (this.options.verbosity > 0) {
        const ms = (performance.now() - started).toFixed(0);
        this.options.log(`${line} failed after ${ms} ms: ${(error as Error).name}`);
      }
      throw error;
    }
  }

  /**
   * A watch of a collection: the response, streaming once its headers
   * arrived, and a function that ends it. No --request-timeout: a watch
   * lasts until it is stopped.
   */
  async watch(
    path: string,
    query: Record<string, string>,
  ): Promise<{ response: IncomingMessage; stop(): void }> {
    this.requestCount++;
    const search = new URLSearchParams(query).toString();
    if (this.options.verbosity > 0) {
      this.options.log(`WATCH ${this.url(path)}${search ? `?${search}` : ''}`);
    }
    const options = await this.requestOptions('GET');
    const watchPath = `${path}?${new URLSearchParams({ ...query, watch: 'true' }).toString()}`;
    return new Promise((resolve, reject) => {
      const req = this.request(watchPath, options, (response) =>
        resolve({ response, stop: () => req.destroy() }),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** kubectl allows plain http only with insecure-skip-tls-verify; client-node checks that. */
  private request(path: string, options: RequestOptions, onResponse: (r: IncomingMessage) => void) {
    const url = this.url(path);
    return (url.startsWith('http:') ? httpRequest : httpsRequest)(url, options, onResponse);
  }

  url(path: string): string {
    return `${this.loaded.server.replace(/\/$/, '')}${path}`;
  }

  private async exchange(method: Method, path: string, payload?: string): Promise<IncomingMessage> {
    const options = await this.requestOptions(method, payload);
    return new Promise((resolve, reject) => {
      const req = this.request(path, options, resolve);
      if (this.options.timeoutMs > 0) {
        req.setTimeout(this.options.timeoutMs, () => req.destroy(new RequestTimeoutError()));
      }
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** What the kubeconfig says for this request, on the client's one keep-alive pool. */
  private async requestOptions(method: Method, payload?: string): Promise<RequestOptions> {
    const options: RequestOptions = { method, headers: {} };
    await this.loaded.config.applyToHTTPSOptions(options);
    options.agent = this.pool(options.agent);
    options.headers = {
      ...options.headers,
      Accept: 'application/json',
      ...(payload === undefined
        ? {}
        : {
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(payload)),
          }),
      ...this.impersonation(),
    };
    return options;
  }

  /**
   * client-node makes a new agent for every request; one keep-alive agent
   * saves a TLS handshake per request. A proxy agent is kept as it is.
   */
  private pool(given: RequestOptions['agent']): HttpAgent | undefined {
    if (this.agent) return this.agent;
    if (given instanceof Agent && given.constructor === Agent) {
      this.agent = new Agent({ ...given.options, keepAlive: true });
    } else if (given instanceof HttpAgent) {
      this.agent = given;
    }
    return this.agent;
  }

  private logAnswer(line: string, response: IncomingMessage, started: number): void {
    if (this.options.verbosity === 0) return;
    const ms = (performance.now() - started).toFixed(0);
    const headers = response.headers;
    const extra =
      this.options.verbosity > 1
        ? ` (${headers['content-type'] ?? 'no content type'}, ${headers['content-length'] ?? '?'} bytes)`
        : '';
    this.options.log(`${line} ${response.statusCode} in ${ms} ms${extra}`);
  }
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}
