// The shared client factory: typed API clients and raw GETs over one HTTP
// layer that adds impersonation, the request timeout and -v request logging,
// and counts requests.
import { Agent } from 'node:https';
import { Duplex, PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { LoadedConfig } from './kubeconfig.ts';
import { translate, type RequestDescription } from './errors.ts';

export interface ClientOptions {
  readonly timeoutMs: number;
  /** 0 quiet, 1 one line per request, 2 also response headers of note. */
  readonly verbosity: number;
  readonly log: (line: string) => void;
}

type ApiConstructor<T> = new (configuration: k8s.Configuration) => T;

export class Client {
  readonly server: string;
  readonly contextName: string;
  requestCount = 0;
  private readonly configuration: k8s.Configuration;
  private readonly http: k8s.HttpLibrary;
  private readonly apis = new Map<unknown, unknown>();
  private agent: Agent | undefined;

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly options: ClientOptions,
  ) {
    this.server = loaded.server;
    this.contextName = loaded.contextName;
    const inner = new k8s.IsomorphicFetchHttpLibrary();
    this.http = k8s.wrapHttpLibrary({ send: (request) => this.send(inner, request) });
    this.configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(loaded.server, {}),
      authMethods: { default: loaded.config },
      httpApi: this.http,
    });
  }

  api<T>(type: ApiConstructor<T>): T {
    let api = this.apis.get(type) as T | undefined;
    if (!api) {
      api = new type(this.configuration);
      this.apis.set(type, api);
    }
    return api;
  }

  get core() {
    return this.api(k8s.CoreV1Api);
  }
  get apps() {
    return this.api(k8s.AppsV1Api);
  }
  get registration() {
    return this.api(k8s.ApiregistrationV1Api);
  }
  get admission() {
    return this.api(k8s.AdmissionregistrationV1Api);
  }
  get extensions() {
    return this.api(k8s.ApiextensionsV1Api);
  }
  get custom() {
    return this.api(k8s.CustomObjectsApi);
  }

  /** GET a path of the API server; returns the status and body, throws only when there is no answer. */
  async getRaw(path: string): Promise<{ status: number; body: string }> {
    const request = new k8s.RequestContext(
      `${this.server.replace(/\/$/, '')}${path}`,
      k8s.HttpMethod.GET,
    );
    request.setHeaderParam('Accept', 'application/json');
    await this.loaded.config.applySecurityAuthentication(request);
    const response = await this.http.send(request).toPromise();
    return { status: response.httpStatusCode, body: await response.body.text() };
  }

  /**
   * Watches a collection: onEvent for each event, onEnd once when the watch
   * closes (with why, if it failed). Returns a function that stops it.
   */
  async watch(
    what: RequestDescription,
    path: string,
    query: Record<string, string>,
    onEvent: (type: string) => void,
    onEnd: (error?: Error) => void,
  ): Promise<() => void> {
    const watchConfig = this.impersonatingConfig();
    this.requestCount++;
    const search = new URLSearchParams(query).toString();
    if (this.options.verbosity > 0)
      this.options.log(`WATCH ${this.server}${path}${search ? `?${search}` : ''}`);
    let stopped = false;
    const controller = await new k8s.Watch(watchConfig).watch(
      path,
      query,
      (type: string) => onEvent(type),
      (error: unknown) => {
        if (stopped) return;
        if (this.options.verbosity > 0 && error)
          this.options.log(`WATCH ${path} ended: ${(error as Error).message}`);
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        const failure =
          typeof status === 'number'
            ? new k8s.ApiException(status, (error as Error).message, undefined, {})
            : error;
        onEnd(failure ? translate(failure, what, this) : undefined);
      },
    );
    return () => {
      stopped = true;
      controller.abort();
    };
  }

  /**
   * A port-forward to a Pod through the API server (pods/portforward, over a
   * WebSocket), as a duplex stream to that port.
   */
  async portForward(
    namespace: string,
    pod: string,
    port: number,
  ): Promise<{ stream: Duplex; close(): void }> {
    const what: RequestDescription = {
      verb: 'create',
      resource: 'pods/portforward',
      name: pod,
      namespace,
    };
    const fromPod = new PassThrough();
    const toPod = new PassThrough();
    const errors = new PassThrough();
    this.requestCount++;
    if (this.options.verbosity > 0)
      this.options.log(
        `PORT-FORWARD ${this.server}/api/v1/namespaces/${namespace}/pods/${pod}/portforward?ports=${port}`,
      );
    let socket: { close(): void };
    try {
      socket = (await new k8s.PortForward(this.impersonatingConfig(), true).portForward(
        namespace,
        pod,
        [port],
        fromPod,
        errors,
        toPod,
      )) as { close(): void };
    } catch (error) {
      // The WebSocket handshake reports a refused upgrade as "Unexpected server response: 403".
      const status = /Unexpected server response: (\d+)/.exec(
        (error as { message?: string }).message ?? '',
      )?.[1];
      throw translate(
        status
          ? new k8s.ApiException(Number(status), 'port-forward refused', undefined, {})
          : error,
        what,
        this,
      );
    }
    errors.on('data', (chunk: Buffer) => fromPod.destroy(new Error(chunk.toString().trim())));
    return {
      stream: Duplex.from({ readable: fromPod, writable: toPod }),
      close: () => socket.close(),
    };
  }

  /** The kubeconfig as client-node's Watch and WebSocket clients read it, plus the impersonation the other requests get. */
  private impersonatingConfig(): k8s.KubeConfig {
    const config = this.loaded.config;
    const headers = this.impersonation();
    const adapted = Object.create(config) as k8s.KubeConfig;
    adapted.applyToFetchOptions = async (options) => {
      const applied = await config.applyToFetchOptions(options);
      return {
        ...applied,
        headers: {
          ...Object.fromEntries(new Headers(applied.headers as Record<string, string> | undefined)),
          ...headers,
        },
      };
    };
    adapted.applyToHTTPSOptions = async (options) => {
      await config.applyToHTTPSOptions(options);
      Object.assign(options, {
        headers: { ...(options as { headers?: Record<string, string> }).headers, ...headers },
      });
    };
    return adapted;
  }

  /** The headers that make every request act as --as and --as-group. */
  private impersonation(): Record<string, string> {
    const { user, group } = this.loaded.impersonate;
    return {
      ...(user ? { 'Impersonate-User': user } : {}),
      ...(group ? { 'Impersonate-Group': group } : {}),
    };
  }

  /** Runs an API call; a failure becomes a typed error that names what was refused. */
  async call<T>(what: RequestDescription, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translate(error, what, this);
    }
  }

  private async send(
    inner: k8s.HttpLibrary,
    request: k8s.RequestContext,
  ): Promise<k8s.ResponseContext> {
    for (const [name, value] of Object.entries(this.impersonation()))
      request.setHeaderParam(name, value);
    if (this.options.timeoutMs > 0) request.setSignal(AbortSignal.timeout(this.options.timeoutMs));
    // client-node makes a new agent per request; one keep-alive agent saves a TLS handshake per request.
    const perRequest = request.getAgent() as (Agent & { options?: object }) | undefined;
    if (perRequest?.options) {
      this.agent ??= new Agent({ ...perRequest.options, keepAlive: true });
      request.setAgent(this.agent);
    }
    this.requestCount++;
    const started = performance.now();
    const line = `${request.getHttpMethod()} ${request.getUrl()}`;
    try {
      const response = await inner.send(request).toPromise();
      if (this.options.verbosity > 0) {
        const ms = (performance.now() - started).toFixed(0);
        const extra =
          this.options.verbosity > 1
            ? ` (${response.headers['content-type'] ?? 'no content type'}, ${response.headers['content-length'] ?? '?'} bytes)`
            : '';
        this.options.log(`${line} ${response.httpStatusCode} in ${ms} ms${extra}`);
      }
      return response;
    } catch (error) {
      if (this.options.verbosity > 0)
        this.options.log(
          `${line} failed after ${(performance.now() - started).toFixed(0)} ms: ${(error as Error).name}`,
        );
      throw error;
    }
  }
}
