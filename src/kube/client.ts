// The client every command shares: typed accessors for the objects the plugin
// reads and writes (client.secrets(ns).get(name)), each of which describes its
// own request, so a failure becomes a typed error that names what was refused.
// Requests go through one HTTP layer (http.ts); watches and port-forwards too.
import type { Duplex } from 'node:stream';
import { Http, StatusError, type HttpOptions } from './http.ts';
import { translate, type RequestDescription, type Target } from './errors.ts';
import { WithheldError } from '../errors.ts';
import type { LoadedConfig } from './kubeconfig.ts';
import { PLUGIN_FIELD_MANAGER } from './field-owners.ts';
import { clientCertificateOf, type Validity } from './tls-peer.ts';
import type * as k8s from './objects.ts';

/**
 * none; server: the API server checks the write and keeps nothing; client: nothing is sent, and
 * the object that would have been sent is kept in the client's `intended` list.
 */
export type DryRun = 'none' | 'server' | 'client';

/** A kind of object: where the API server serves it. */
export interface ResourceKind {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** Which objects a list or a watch selects, in the API server's label and field selector syntax. */
export interface Selector {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

const kind = (group: string, version: string, plural: string): ResourceKind => ({
  group,
  version,
  plural,
});

/**
 * The built-in kinds the plugin reads or writes; a new one goes here and gets an accessor on
 * Client.
 */
export const KINDS = {
  secrets: kind('', 'v1', 'secrets'),
  configMaps: kind('', 'v1', 'configmaps'),
  pods: kind('', 'v1', 'pods'),
  namespaces: kind('', 'v1', 'namespaces'),
  deployments: kind('apps', 'v1', 'deployments'),
  apiServices: kind('apiregistration.k8s.io', 'v1', 'apiservices'),
  validatingWebhooks: kind('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations'),
  mutatingWebhooks: kind('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations'),
  crds: kind('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
  leases: kind('coordination.k8s.io', 'v1', 'leases'),
  events: kind('', 'v1', 'events'),
  replicaSets: kind('apps', 'v1', 'replicasets'),
  certificateSigningRequests: kind('certificates.k8s.io', 'v1', 'certificatesigningrequests'),
  podSecurityPolicies: kind('policy', 'v1beta1', 'podsecuritypolicies'),
} as const;

/** "secrets", or "deployments.apps": how kubectl and RBAC name a resource. */
export const resourceName = (k: ResourceKind) => (k.group ? `${k.plural}.${k.group}` : k.plural);

/** The path of a collection, in a namespace or across all of them. */
export function collectionPath(k: ResourceKind, namespace?: string): string {
  const root = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return `${root}${namespace ? `/namespaces/${namespace}` : ''}/${k.plural}`;
}

const dryRunQuery = (dryRun: DryRun) => (dryRun === 'server' ? '?dryRun=All' : '');
/** A create or update names its field manager, as kubectl's do. */
const writeQuery = (dryRun: DryRun) =>
  `?fieldManager=${PLUGIN_FIELD_MANAGER}${dryRun === 'server' ? '&dryRun=All' : ''}`;

/** A write that took effect: what it did to which object, and the resourceVersion it left. */
export interface Written {
  readonly verb: 'create' | 'update' | 'delete';
  readonly resource: string;
  readonly namespace?: string;
  readonly name: string;
  /** The object's resourceVersion after the write (none after a delete). */
  readonly resourceVersion?: string;
}

/** A write not sent (--dry-run=client): the object as it would have been sent. */
export interface Intended {
  readonly verb: 'create' | 'update' | 'delete';
  readonly resource: string;
  readonly namespace?: string;
  readonly name: string;
  /** The status subresource was written. */
  readonly status?: boolean;
  /** What a create or update would send (none for a delete). */
  readonly body?: k8s.KubeObject;
}

/** One event of a watch; a BOOKMARK's object carries only its resourceVersion. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: k8s.KubeObject;
}

/** The objects of one kind, in one namespace (or cluster-scoped, or all namespaces). */
export class Resource<T extends k8s.KubeObject> {
  private readonly resource: string;
  private readonly path: string;

  constructor(
    private readonly client: Client,
    kindOf: ResourceKind,
    private readonly namespace?: string,
  ) {
    this.resource = resourceName(kindOf);
    this.path = collectionPath(kindOf, namespace);
  }

  get(name: string): Promise<T> {
    return this.call('get', name, () => this.client.http.json<T>('GET', this.at(name)));
  }

  list(selector: Selector = {}): Promise<k8s.List<T>> {
    const query = new URLSearchParams(Object.entries(selector)).toString();
    const path = `${this.path}${query ? `?${query}` : ''}`;
    return this.call('list', undefined, () => this.client.http.json<k8s.List<T>>('GET', path));
  }

  create(body: T, dryRun: DryRun): Promise<T> {
    if (dryRun === 'client') return this.intend('create', body.metadata?.name ?? '', body);
    const path = `${this.path}${writeQuery(dryRun)}`;
    return this.recorded('create', body.metadata?.name ?? '', dryRun, () =>
      this.call('create', undefined, () => this.client.http.json<T>('POST', path, body)),
    );
  }

  /** A replace with the resourceVersion the body carries: a concurrent change is a 409. */
  update(body: T, dryRun: DryRun): Promise<T> {
    const name = body.metadata?.name ?? '';
    if (dryRun === 'client') return this.intend('update', name, body);
    const path = `${this.at(name)}${writeQuery(dryRun)}`;
    return this.recorded('update', name, dryRun, () =>
      this.call('update', name, () => this.client.http.json<T>('PUT', path, body)),
    );
  }

  /** The same, on the status subresource. */
  updateStatus(body: T, dryRun: DryRun): Promise<T> {
    const name = body.metadata?.name ?? '';
    if (dryRun === 'client') return this.intend('update', name, body, true);
    const path = `${this.at(name)}/status${writeQuery(dryRun)}`;
    const what = this.describe('update', name, `${this.resource}/status`);
    return this.client.call(what, () => this.client.http.json<T>('PUT', path, body));
  }

  /** A delete that only happens while the object still has this resourceVersion. */
  delete(name: string, resourceVersion: string, dryRun: DryRun): Promise<void> {
    if (dryRun === 'client') return this.intend('delete', name).then(() => undefined);
    // With a body, the API server takes the options from it alone: ?dryRun=All would be ignored.
    const body: k8s.DeleteOptions = {
      preconditions: { resourceVersion },
      ...(dryRun === 'server' ? { dryRun: ['All'] } : {}),
    };
    const path = `${this.at(name)}${dryRunQuery(dryRun)}`;
    return this.recorded('delete', name, dryRun, () =>
      this.call('delete', name, async () => {
        await this.client.http.json('DELETE', path, body);
      }),
    );
  }

  /** A write not sent: kept in the client's `intended` list, the body given back as sent. */
  private intend<B extends k8s.KubeObject | undefined>(
    verb: Intended['verb'],
    name: string,
    body?: B,
    status = false,
  ): Promise<B> {
    this.client.intended.push({
      verb,
      resource: this.resource,
      ...(this.namespace ? { namespace: this.namespace } : {}),
      name,
      ...(status ? { status } : {}),
      ...(body ? { body: structuredClone(body) } : {}),
    });
    return Promise.resolve(body as B);
  }

  /** Runs a write and, when it took effect, notes it in the client's journal. */
  private async recorded<R>(
    verb: Written['verb'],
    name: string,
    dryRun: DryRun,
    write: () => Promise<R>,
  ): Promise<R> {
    const result = await write();
    if (dryRun === 'none') {
      const after = (result as k8s.KubeObject | undefined)?.metadata?.resourceVersion;
      this.client.journal.push({
        verb,
        resource: this.resource,
        ...(this.namespace ? { namespace: this.namespace } : {}),
        name,
        ...(after ? { resourceVersion: after } : {}),
      });
    }
    return result;
  }

  private at(name: string): string {
    return `${this.path}/${encodeURIComponent(name)}`;
  }

  private describe(
    verb: RequestDescription['verb'],
    name?: string,
    resource = this.resource,
  ): RequestDescription {
    return {
      verb,
      resource,
      ...(name ? { name } : {}),
      ...(this.namespace ? { namespace: this.namespace } : {}),
    };
  }

  private call<R>(
    verb: RequestDescription['verb'],
    name: string | undefined,
    run: () => Promise<R>,
  ) {
    return this.client.call(this.describe(verb, name), run);
  }
}

/** How the client makes requests, and which it never makes. */
export interface ClientOptions extends HttpOptions {
  /**
   * Resources never requested (e.g. "secrets"): a read of one fails with WithheldError at once,
   * which readers take as a refusal by design.
   */
  readonly withheld?: readonly string[];
}

/**
 * The API client every command shares: typed accessors that describe their own requests, so a
 * refusal names the verb, resource and namespace.
 */
export class Client implements Target {
  /** Every write that took effect, in order: a put-back restores only what this run wrote. */
  readonly journal: Written[] = [];
  /** Every write --dry-run=client kept instead of sending, in order. */
  readonly intended: Intended[] = [];
  readonly server: string;
  readonly contextName: string;
  readonly http: Http;

  /** The resources (as resourceName gives them) this client never sends a request for. */
  private readonly withheld: ReadonlySet<string>;

  constructor(
    private readonly loaded: LoadedConfig,
    options: ClientOptions,
  ) {
    this.withheld = new Set(options.withheld);
    this.server = loaded.server;
    this.contextName = loaded.contextName;
    this.http = new Http(loaded, options);
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  /** The client certificate the context's user authenticates with, if that is how it does. */
  clientCertificate(): Validity | undefined {
    return clientCertificateOf(this.loaded.config.getCurrentUser());
  }

  /** Ends the client's connection to the API server (what is in flight fails). */
  close(): void {
    this.http.close();
  }

  secrets = (namespace: string) => new Resource<k8s.Secret>(this, KINDS.secrets, namespace);
  /** Without a namespace: the ConfigMaps of every namespace (list only). */
  configMaps = (namespace?: string) =>
    new Resource<k8s.ConfigMap>(this, KINDS.configMaps, namespace);
  /** Without a namespace: the Pods of every namespace (list only). */
  pods = (namespace?: string) => new Resource<k8s.Pod>(this, KINDS.pods, namespace);
  namespaces = () => new Resource<k8s.Namespace>(this, KINDS.namespaces);
  /** Without a namespace: the Deployments of every namespace (list only). */
  deployments = (namespace?: string) =>
    new Resource<k8s.Deployment>(this, KINDS.deployments, namespace);
  apiServices = () => new Resource<k8s.ApiService>(this, KINDS.apiServices);
  validatingWebhooks = () => new Resource<k8s.WebhookConfiguration>(this, KINDS.validatingWebhooks);
  mutatingWebhooks = () => new Resource<k8s.WebhookConfiguration>(this, KINDS.mutatingWebhooks);
  crds = () => new Resource<k8s.CustomResourceDefinition>(this, KINDS.crds);
  leases = (namespace: string) => new Resource<k8s.Lease>(this, KINDS.leases, namespace);
  events = (namespace: string) => new Resource<k8s.Event>(this, KINDS.events, namespace);
  /** Without a namespace: the ReplicaSets of every namespace (list only). */
  replicaSets = (namespace?: string) =>
    new Resource<k8s.ReplicaSet>(this, KINDS.replicaSets, namespace);
  certificateSigningRequests = () =>
    new Resource<k8s.CertificateSigningRequest>(this, KINDS.certificateSigningRequests);
  podSecurityPolicies = () => new Resource<k8s.PodSecurityPolicy>(this, KINDS.podSecurityPolicies);
  /** Objects of a custom resource (AntreaControllerInfo, cert-manager's Certificate). */
  custom = <T extends k8s.KubeObject>(kindOf: ResourceKind, namespace?: string) =>
    new Resource<T>(this, kindOf, namespace);

  /** GET a path of the API server; returns the status and body, throws only when there is no answer. */
  getRaw(path: string): Promise<{ status: number; body: string }> {
    return this.call({ verb: 'get', resource: path }, () => this.http.send('GET', path));
  }

  /**
   * Watches a collection: onEvent for each event, onEnd once when the watch
   * closes (with why, if it failed: a 410 is a GoneError). Resolves, with a function that stops
   * it, once the watch is open; rejects when it is not (a 403, a 410, no connection).
   */
  async watch(
    what: RequestDescription,
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    onEnd: (error?: Error) => void,
  ): Promise<() => void> {
    const { body, stop } = await this.call(what, () => this.http.watch(path, query));
    let stopped = false;
    const end = (error?: Error) => {
      if (stopped) return;
      stopped = true;
      if (error) this.http.log(`WATCH ${path} ended: ${error.message}`);
      onEnd(error ? translate(error, what, this) : undefined);
    };
    let pending = '';
    body.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        const event = JSON.parse(line) as WatchEvent & { object?: { code?: number } };
        if (event.type === 'ERROR') {
          stop();
          end(new StatusError(event.object?.code ?? 500, JSON.stringify(event.object ?? {})));
          return;
        }
        onEvent(event);
      }
    });
    body.on('error', (error) => end(error));
    body.on('close', () => end());
    return () => {
      stopped = true;
      stop();
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
    const { openPortForward } = await import('./port-forward.ts');
    return openPortForward(this, this.loaded, { namespace, pod, port });
  }

  /** Runs an API call; a failure becomes a typed error that names what was refused. */
  async call<T>(what: RequestDescription, run: () => Promise<T>): Promise<T> {
    if (this.withheld.has(what.resource)) {
      const { verb, resource, namespace } = what;
      throw new WithheldError(
        `${verb} ${resource} was not asked: this run does not read ${resource}`,
        verb,
        resource,
        namespace,
      );
    }
    try {
      return await run();
    } catch (error) {
      throw translate(error, what, this);
    }
  }
}
