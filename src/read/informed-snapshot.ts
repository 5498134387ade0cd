// The snapshot kept current by watches: one informer for each collection the
// one-shot reader reads, with the same selectors, so that the reports computed
// from it are those of status and verify. The namespace follows the controller's
// Deployment: when it moves (or its Secret is renamed), the namespaced informers
// are replaced. Reading the snapshot makes no request.
import type { Client, ResourceKind, Selector } from '../kube/client.ts';
import { KINDS, resourceName } from '../kube/client.ts';
import { Informer, type InformerTiming, type RestartReason } from '../kube/informer.ts';
import { CHANGE_LEASE } from '../antrea/change-lease.ts';
import type * as k8s from '../kube/objects.ts';
import type { Outcome } from '../kube/outcome.ts';
import { UnavailableError } from '../errors.ts';
import {
  APP_SELECTOR,
  CA_CONFIGMAP,
  CONSUMER_SELECTOR,
  CONTROLLER,
  CONTROLLER_INFO,
  DEFAULT_NAMESPACE,
  TLS_SECRET,
} from '../antrea/names.ts';
import { describeDeployment } from '../antrea/controller-objects.ts';
import type { ControllerInfoObject, NamespaceSource, Snapshot } from '../antrea/snapshot.ts';
import { controllerNamespaceOf } from './snapshot.ts';

/** What the owner of an informed snapshot hears: changes, and each failure and restart by resource. */
export interface InformerEvents {
  readonly onChange: () => void;
  readonly onError?: (resource: string, error: Error) => void;
  readonly onRestart?: (resource: string, reason: RestartReason) => void;
}

/** The parts of a snapshot that come from requests of their own (the handshake, the probes). */
export type SnapshotExtras = Pick<Snapshot, 'served' | 'probes' | 'ipsec' | 'certificate'>;

/** The watches have not all had their first answer: there is no snapshot yet, and nothing is wrong. */
export class NotSyncedError extends UnavailableError {}

const byName = (name: string): Selector => ({ fieldSelector: `metadata.name=${name}` });

/** The informers of the Antrea namespace, for one namespace and Secret name. */
interface Scoped {
  readonly namespace: string;
  readonly secretName: string;
  readonly pods: Informer<k8s.Pod>;
  readonly configMaps: Informer<k8s.ConfigMap>;
  /** antrea-ca by name: a ConfigMap re-created without the label is still read. */
  readonly caConfigMap: Informer<k8s.ConfigMap>;
  readonly secret: Informer<k8s.Secret>;
  readonly lease: Informer<k8s.Lease>;
}

/** An Antrea installation kept current by LIST+WATCH. */
export class InformedSnapshot {
  private readonly cluster;
  private readonly locator: Informer<k8s.Deployment>;
  /** With -n not given and deployments not listable across namespaces: the default namespace's. */
  private fallbackLocator: Informer<k8s.Deployment> | undefined;
  private scoped: Scoped | undefined;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly namespaceFlag: string | undefined,
    private readonly events: InformerEvents,
    private readonly timing?: InformerTiming,
  ) {
    this.locator = namespaceFlag
      ? this.informer(KINDS.deployments, namespaceFlag, byName(CONTROLLER.deployment))
      : this.informer(KINDS.deployments, undefined, { labelSelector: CONTROLLER.selector });
    this.cluster = {
      apiServices: this.informer<k8s.ApiService>(KINDS.apiServices),
      validating: this.informer<k8s.WebhookConfiguration>(KINDS.validatingWebhooks),
      mutating: this.informer<k8s.WebhookConfiguration>(KINDS.mutatingWebhooks),
      crds: this.informer<k8s.CustomResourceDefinition>(KINDS.crds, undefined, {
        labelSelector: CONSUMER_SELECTOR,
      }),
      infos: CONTROLLER_INFO.groups.map((group) =>
        this.informer<ControllerInfoObject>(
          { group, version: CONTROLLER_INFO.version, plural: CONTROLLER_INFO.plural },
          undefined,
          byName(CONTROLLER_INFO.name),
        ),
      ),
    };
  }

  start(): void {
    for (const informer of this.all()) informer.start();
  }

  stop(): void {
    this.stopped = true;
    for (const informer of this.all()) informer.stop();
  }

  /** Every informer has its first answer: the snapshot is the cluster's, not a partial one. */
  get synced(): boolean {
    return this.scoped !== undefined && this.all().every((i) => i.hasSynced);
  }

  /** Since when the oldest data may be out of date (undefined: every watch is open). */
  staleSince(): number | undefined {
    const since = this.all()
      .map((i) => i.staleSince())
      .filter((t) => t !== undefined);
    return since.length ? Math.min(...since) : undefined;
  }

  /**
   * The snapshot from what the informers hold; throws what a one-shot read would (a refused list
   * the reports cannot do without, several controller namespaces, or no answer yet).
   */
  snapshot(extras: SnapshotExtras = {}): Snapshot {
    const scoped = this.scoped;
    if (!scoped) throw new NotSyncedError(this.notYet());
    const { namespace } = scoped;
    const deployment = this.deploymentIn(namespace);
    const labelled = required(scoped.configMaps);
    const ca = valueOr(scoped.caConfigMap, []).filter(
      (cm) => !labelled.some((l) => l.metadata?.name === cm.metadata?.name),
    );
    const infos = this.cluster.infos.map((i) => firstOf(i));
    return {
      namespace,
      namespaceSource: this.namespaceSource(),
      ...(deployment ? { deployment } : {}),
      pods: outcomeOf(scoped.pods),
      configMaps: [...labelled, ...ca],
      tlsSecret: firstOf(scoped.secret),
      apiServices: required(this.cluster.apiServices),
      validatingWebhooks: required(this.cluster.validating),
      mutatingWebhooks: required(this.cluster.mutating),
      crds: required(this.cluster.crds),
      controllerInfos: infos,
      changeLease: leaseOf(scoped.lease),
      ...extras,
    };
  }

  private namespaceSource(): NamespaceSource {
    if (this.namespaceFlag) return 'flag';
    const found = this.locator.outcome();
    return found && 'value' in found && found.value.length > 0 ? 'found' : 'default';
  }

  private deploymentIn(namespace: string): k8s.Deployment | undefined {
    const locator = this.fallbackLocator ?? this.locator;
    const items = valueOr(locator, []).filter((d) => d.metadata?.namespace === namespace);
    return items.find((d) => d.metadata?.name === CONTROLLER.deployment) ?? items[0];
  }

  /** Where the controller is: -n, the namespace of the Deployment found, or the default. */
  private locate(): { namespace: string; secretName: string } | undefined {
    if (this.namespaceFlag) {
      if (!this.locator.hasSynced) return undefined;
      return this.placeIn(this.namespaceFlag);
    }
    const found = this.locator.outcome();
    if (found && 'refused' in found) {
      this.fallbackLocator ??= this.started(
        this.informer(KINDS.deployments, DEFAULT_NAMESPACE, byName(CONTROLLER.deployment)),
      );
      return this.fallbackLocator.hasSynced ? this.placeIn(DEFAULT_NAMESPACE) : undefined;
    }
    if (!found || !('value' in found)) return undefined;
    try {
      return this.placeIn(controllerNamespaceOf(found.value) ?? DEFAULT_NAMESPACE);
    } catch {
      return undefined; // several namespaces: snapshot() says so
    }
  }

  private placeIn(namespace: string) {
    const deployment = this.deploymentIn(namespace);
    const secretName = deployment ? describeDeployment(deployment).secretName : TLS_SECRET;
    return { namespace, secretName };
  }

  /** Replaces the namespaced informers when the controller's namespace or Secret changed. */
  private follow(): void {
    if (this.stopped) return;
    const place = this.locate();
    if (!place) return;
    const current = this.scoped;
    if (current?.namespace === place.namespace && current.secretName === place.secretName) return;
    if (current) for (const informer of scopedInformers(current)) informer.stop();
    const { namespace, secretName } = place;
    const next: Scoped = {
      namespace,
      secretName,
      pods: this.informer(KINDS.pods, namespace, { labelSelector: CONTROLLER.selector }),
      configMaps: this.informer(KINDS.configMaps, namespace, { labelSelector: APP_SELECTOR }),
      caConfigMap: this.informer(KINDS.configMaps, namespace, byName(CA_CONFIGMAP)),
      secret: this.informer(KINDS.secrets, namespace, byName(secretName)),
      lease: this.informer(KINDS.leases, namespace, byName(CHANGE_LEASE)),
    };
    this.scoped = next;
    for (const informer of scopedInformers(next)) informer.start();
  }

  private notYet(): string {
    const found = this.locator.outcome();
    if (found && 'value' in found) controllerNamespaceOf(found.value);
    if (found && 'error' in found) throw found.error;
    return 'the watches have not had their first answer yet.';
  }

  private all(): Informer<k8s.KubeObject>[] {
    const { infos, ...lists } = this.cluster;
    return [
      this.locator,
      ...(this.fallbackLocator ? [this.fallbackLocator] : []),
      ...Object.values(lists),
      ...infos,
      ...(this.scoped ? scopedInformers(this.scoped) : []),
    ] as Informer<k8s.KubeObject>[];
  }

  private started<T extends k8s.KubeObject>(informer: Informer<T>): Informer<T> {
    if (!this.stopped) informer.start();
    return informer;
  }

  private informer<T extends k8s.KubeObject>(
    kind: ResourceKind,
    namespace?: string,
    selector: Selector = {},
  ): Informer<T> {
    const resource = resourceName(kind);
    return new Informer<T>(
      this.client,
      kind,
      namespace,
      selector,
      {
        onChange: () => {
          this.follow();
          this.events.onChange();
        },
        onError: (error) => this.events.onError?.(resource, error),
        onRestart: (reason) => this.events.onRestart?.(resource, reason),
        // One list through again: the others need not wait out their backoff.
        onRecovered: () => {
          for (const other of this.all()) other.retryNow();
        },
      },
      this.timing,
    );
  }
}

const scopedInformers = (s: Scoped): Informer<k8s.KubeObject>[] =>
  [s.pods, s.configMaps, s.caConfigMap, s.secret, s.lease] as Informer<k8s.KubeObject>[];

/** A list the reports cannot do without: its items, or the refusal or failure thrown. */
function required<T extends k8s.KubeObject>(informer: Informer<T>): T[] {
  const outcome = informer.outcome();
  if (outcome && 'value' in outcome) return outcome.value;
  const refusal = informer.refusal();
  if (refusal) throw refusal;
  if (outcome && 'error' in outcome) throw outcome.error;
  throw new NotSyncedError(`${informer.what.resource} have not been listed yet.`);
}

function valueOr<T extends k8s.KubeObject>(informer: Informer<T>, fallback: T[]): T[] {
  const outcome = informer.outcome();
  return outcome && 'value' in outcome ? outcome.value : fallback;
}

/** A list a viewer may be refused: its items or the refusal; not served counts as empty. */
function outcomeOf<T extends k8s.KubeObject>(informer: Informer<T>): Outcome<T[]> {
  const outcome = informer.outcome();
  if (outcome && 'refused' in outcome) return outcome;
  return { value: required(informer) };
}

/** One object selected by name: it, undefined when there is none, or the refusal / not served. */
function firstOf<T extends k8s.KubeObject>(informer: Informer<T>): Outcome<T | undefined> {
  const outcome = informer.outcome();
  if (outcome && ('refused' in outcome || 'notServed' in outcome)) return outcome;
  return { value: required(informer)[0] };
}

/** The change Lease as the one-shot reader gives it: a Lease API not served is no Lease. */
function leaseOf(informer: Informer<k8s.Lease>): Outcome<k8s.Lease | undefined> {
  const outcome = firstOf(informer);
  return 'notServed' in outcome ? { value: undefined } : outcome;
}
