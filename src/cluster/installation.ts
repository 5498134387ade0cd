// Finding the Antrea installation and reading everything about its
// certificates in one parallel round (plus a follow-up only when the
// Deployment names objects the round did not read).
import type * as k8s from '@kubernetes/client-node';
import type { Client } from './client.ts';
import { isNotFound } from './errors.ts';
import { ForbiddenError, NotInstalledError, UsageError } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';
import {
  APP_SELECTOR,
  CONSUMER_SELECTOR,
  CA_CONFIGMAP,
  CA_CONFIGMAP_KEY,
  CONTROLLER,
  CONTROLLER_INFO,
  DEFAULT_NAMESPACE,
  SERVED_BY_LABEL,
  SERVICE,
  TLS_KEYS,
  TLS_SECRET,
} from '../antrea/names.ts';

export type ConsumerKind =
  | 'APIService'
  | 'ValidatingWebhookConfiguration'
  | 'MutatingWebhookConfiguration'
  | 'CustomResourceDefinition';

export interface Consumer {
  readonly kind: ConsumerKind;
  readonly name: string;
  /** The webhook entry, for webhook configurations. */
  readonly webhook?: string;
  /** The caBundle as PEM text; empty when unset. */
  readonly caBundle: string;
  /** Labelled app=antrea,served-by=antrea-controller (how v1.12+ find them). */
  readonly servedByLabel: boolean;
  /** APIServices: the group-version and the Available condition. */
  readonly groupVersion?: string;
  readonly available?: {
    readonly status: string;
    readonly reason?: string;
    readonly message?: string;
  };
}

export interface ControllerPod {
  readonly name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly deleting: boolean;
  /** Why it is not ready: a waiting reason, a termination message. */
  readonly reason?: string;
  readonly message?: string;
}

export interface ControllerDeployment {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly image?: string;
  readonly configMapName: string;
  readonly secretName: string;
  /** The container port the controller serves its API on (named api; 10349 in every release). */
  readonly apiPort: number;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** The rollout is complete: the controller observed the latest spec and every replica is updated and ready. */
  readonly rolledOut: boolean;
}

export interface TlsSecret {
  readonly name: string;
  readonly type: string;
  readonly resourceVersion: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: Sensitive;
}

export interface Installation {
  readonly namespace: string;
  readonly namespaceSource: 'flag' | 'found' | 'default';
  readonly deployment: ControllerDeployment;
  readonly pods: ControllerPod[];
  readonly config?: {
    readonly name: string;
    readonly text?: string;
    readonly resourceVersion: string;
  };
  readonly tlsSecret?: TlsSecret;
  readonly caConfigMap?: { readonly resourceVersion: string; readonly bundle?: string };
  readonly consumers: Consumer[];
  readonly controllerInfoVersion?: string;
}

const decode = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);

async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The namespace holding the controller Deployment (undefined when none is listed or listing is refused). */
async function locate(client: Client): Promise<k8s.V1Deployment | undefined> {
  let items: k8s.V1Deployment[];
  try {
    items = (
      await client.call({ verb: 'list', resource: 'deployments.apps' }, () =>
        client.apps.listDeploymentForAllNamespaces({ labelSelector: CONTROLLER.selector }),
      )
    ).items;
  } catch (error) {
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
  const namespaces = [...new Set(items.map((d) => d.metadata?.namespace ?? ''))];
  if (namespaces.length > 1)
    throw new UsageError(
      `antrea-controller Deployments run in several namespaces (${namespaces.join(', ')}); pick one with -n.`,
    );
  return items.find((d) => d.metadata?.name === CONTROLLER.deployment) ?? items[0];
}

/** Everything read from the Antrea namespace. */
async function readNamespaced(client: Client, namespace: string) {
  const c = client;
  const [deployment, pods, configMaps, secret] = await Promise.all([
    optional(
      c.call(
        { verb: 'get', resource: 'deployments.apps', name: CONTROLLER.deployment, namespace },
        () => c.apps.readNamespacedDeployment({ name: CONTROLLER.deployment, namespace }),
      ),
    ),
    c.call({ verb: 'list', resource: 'pods', namespace }, () =>
      c.core.listNamespacedPod({ namespace, labelSelector: CONTROLLER.selector }),
    ),
    c.call({ verb: 'list', resource: 'configmaps', namespace }, () =>
      c.core.listNamespacedConfigMap({ namespace, labelSelector: APP_SELECTOR }),
    ),
    optional(
      c.call({ verb: 'get', resource: 'secrets', name: TLS_SECRET, namespace }, () =>
        c.core.readNamespacedSecret({ name: TLS_SECRET, namespace }),
      ),
    ),
  ]);
  return { deployment, pods: pods.items, configMaps: configMaps.items, secret };
}

/** The cluster-scoped objects: the CA consumers and AntreaControllerInfo. */
async function readClusterScoped(client: Client) {
  const c = client;
  const [apiServices, validating, mutating, crds, info] = await Promise.all([
    c.call({ verb: 'list', resource: 'apiservices.apiregistration.k8s.io' }, () =>
      c.registration.listAPIService(),
    ),
    c.call(
      { verb: 'list', resource: 'validatingwebhookconfigurations.admissionregistration.k8s.io' },
      () => c.admission.listValidatingWebhookConfiguration(),
    ),
    c.call(
      { verb: 'list', resource: 'mutatingwebhookconfigurations.admissionregistration.k8s.io' },
      () => c.admission.listMutatingWebhookConfiguration(),
    ),
    // Only CRDs with conversion webhooks carry served-by (v1.12+; none before): this skips Antrea's large CRD schemas.
    c.call({ verb: 'list', resource: 'customresourcedefinitions.apiextensions.k8s.io' }, () =>
      c.extensions.listCustomResourceDefinition({ labelSelector: CONSUMER_SELECTOR }),
    ),
    readControllerInfo(client),
  ]);
  return {
    apiServices: apiServices.items,
    validating: validating.items,
    mutating: mutating.items,
    crds: crds.items,
    info,
  };
}

/**
 * Reads the installation in one parallel round: the namespace search runs
 * beside the reads of the namespace given with -n or, without it, the usual
 * one (kube-system); only when Antrea turns out to live elsewhere, or its
 * Deployment names other objects, does a second round follow.
 */
export async function readInstallation(
  client: Client,
  namespaceFlag?: string,
): Promise<Installation> {
  const guess = namespaceFlag ?? DEFAULT_NAMESPACE;
  const settle = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const [found, guessed, cluster] = await Promise.all([
    namespaceFlag ? undefined : locate(client),
    settle(readNamespaced(client, guess)),
    readClusterScoped(client),
  ]);
  const namespace = found?.metadata?.namespace ?? guess;
  const source: Installation['namespaceSource'] = namespaceFlag
    ? 'flag'
    : found
      ? 'found'
      : 'default';
  let read: Awaited<ReturnType<typeof readNamespaced>>;
  if (namespace === guess) {
    if ('error' in guessed) throw guessed.error;
    read = guessed.value;
  } else {
    read = await readNamespaced(client, namespace);
  }
  if (!read.deployment) {
    throw new NotInstalledError(
      source === 'flag'
        ? `no antrea-controller Deployment in namespace ${namespace}; is Antrea installed there? (leave out -n to search every namespace)`
        : `no Antrea installation found: no Deployment labelled ${CONTROLLER.selector} in any namespace${source === 'default' ? ` visible to you, nor ${CONTROLLER.deployment} in ${namespace}` : ''}; pass -n if Antrea runs elsewhere.`,
    );
  }
  const controller = describeDeployment(read.deployment);

  // A ConfigMap or Secret the Deployment names but the round did not read (v1.0's hashed ConfigMap, a renamed Secret).
  const c = client;
  const [configMap, tls] = await Promise.all([
    read.configMaps.find((cm) => cm.metadata?.name === controller.configMapName) ??
      optional(
        c.call(
          { verb: 'get', resource: 'configmaps', name: controller.configMapName, namespace },
          () => c.core.readNamespacedConfigMap({ name: controller.configMapName, namespace }),
        ),
      ),
    controller.secretName === TLS_SECRET
      ? read.secret
      : optional(
          c.call({ verb: 'get', resource: 'secrets', name: controller.secretName, namespace }, () =>
            c.core.readNamespacedSecret({ name: controller.secretName, namespace }),
          ),
        ),
  ]);
  const ca = read.configMaps.find((cm) => cm.metadata?.name === CA_CONFIGMAP);

  return {
    namespace,
    namespaceSource: source,
    deployment: controller,
    pods: read.pods.map(describePod),
    ...(configMap
      ? {
          config: {
            name: configMap.metadata?.name ?? '',
            text: configMap.data?.[CONTROLLER.configKey],
            resourceVersion: configMap.metadata?.resourceVersion ?? '',
          },
        }
      : {}),
    ...(tls ? { tlsSecret: describeSecret(tls) } : {}),
    ...(ca
      ? {
          caConfigMap: {
            resourceVersion: ca.metadata?.resourceVersion ?? '',
            bundle: ca.data?.[CA_CONFIGMAP_KEY],
          },
        }
      : {}),
    consumers: [
      ...apiServiceConsumers(cluster.apiServices, namespace),
      ...webhookConsumers('ValidatingWebhookConfiguration', cluster.validating, namespace),
      ...webhookConsumers('MutatingWebhookConfiguration', cluster.mutating, namespace),
      ...crdConsumers(cluster.crds, namespace),
    ],
    ...(cluster.info ? { controllerInfoVersion: cluster.info } : {}),
  };
}

async function readControllerInfo(client: Client): Promise<string | undefined> {
  const versions = await Promise.all(
    CONTROLLER_INFO.groups.map((group) =>
      optional(
        client.call(
          {
            verb: 'get',
            resource: `${CONTROLLER_INFO.plural}.${group}`,
            name: CONTROLLER_INFO.name,
          },
          () =>
            client.custom.getClusterCustomObject({
              group,
              version: CONTROLLER_INFO.version,
              plural: CONTROLLER_INFO.plural,
              name: CONTROLLER_INFO.name,
            }),
        ),
      ),
    ),
  );
  for (const object of versions) {
    const version = (object as { version?: unknown } | undefined)?.version;
    if (typeof version === 'string' && version) return version;
  }
  return undefined;
}

function describeDeployment(d: k8s.V1Deployment): ControllerDeployment {
  const spec = d.spec?.template.spec;
  const container =
    spec?.containers.find((c) => c.name === CONTROLLER.container) ?? spec?.containers[0];
  const volume = (name: string) => spec?.volumes?.find((v) => v.name === name);
  return {
    name: d.metadata?.name ?? CONTROLLER.deployment,
    labels: d.metadata?.labels ?? {},
    annotations: d.metadata?.annotations ?? {},
    ...(container?.image ? { image: container.image } : {}),
    configMapName: volume(CONTROLLER.configVolume)?.configMap?.name ?? 'antrea-config',
    secretName: volume(CONTROLLER.tlsVolume)?.secret?.secretName ?? TLS_SECRET,
    apiPort: container?.ports?.find((p) => p.name === 'api')?.containerPort ?? CONTROLLER.apiPort,
    replicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    rolledOut:
      (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
      (d.status?.updatedReplicas ?? 0) === (d.spec?.replicas ?? 1) &&
      (d.status?.readyReplicas ?? 0) === (d.spec?.replicas ?? 1) &&
      (d.status?.replicas ?? 0) === (d.spec?.replicas ?? 1),
  };
}

function describePod(p: k8s.V1Pod): ControllerPod {
  const status =
    p.status?.containerStatuses?.find((s) => s.name === CONTROLLER.container) ??
    p.status?.containerStatuses?.[0];
  const ready =
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waiting = status?.state?.waiting;
  const terminated = status?.lastState?.terminated;
  const reason = waiting?.reason ?? (ready ? undefined : 'NotReady');
  const message = terminated?.message ?? waiting?.message;
  return {
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready,
    restarts: status?.restartCount ?? 0,
    deleting: Boolean(p.metadata?.deletionTimestamp),
    ...(reason ? { reason } : {}),
    ...(message && !ready ? { message: message.trim().split('\n').slice(-1)[0] } : {}),
  };
}

function describeSecret(s: k8s.V1Secret): TlsSecret {
  const data = s.data ?? {};
  const key = decode(data[TLS_KEYS.key]);
  return {
    name: s.metadata?.name ?? TLS_SECRET,
    type: s.type ?? 'Opaque',
    resourceVersion: s.metadata?.resourceVersion ?? '',
    labels: s.metadata?.labels ?? {},
    annotations: s.metadata?.annotations ?? {},
    ...(data[TLS_KEYS.ca] ? { ca: decode(data[TLS_KEYS.ca]) } : {}),
    ...(data[TLS_KEYS.cert] ? { cert: decode(data[TLS_KEYS.cert]) } : {}),
    ...(key ? { key: new Sensitive(key) } : {}),
  };
}

const pointsAtAntrea = (namespace: string, service?: { name?: string; namespace?: string }) =>
  service?.name === SERVICE && service.namespace === namespace;
const servedBy = (labels?: Record<string, string>) =>
  labels?.app === 'antrea' && labels[SERVED_BY_LABEL] === 'antrea-controller';

function apiServiceConsumers(items: k8s.V1APIService[], namespace: string): Consumer[] {
  return items
    .filter((a) => pointsAtAntrea(namespace, a.spec?.service))
    .map((a) => {
      const available = a.status?.conditions?.find((c) => c.type === 'Available');
      return {
        kind: 'APIService' as const,
        name: a.metadata?.name ?? '',
        caBundle: decode(a.spec?.caBundle) ?? '',
        servedByLabel: servedBy(a.metadata?.labels),
        groupVersion: `${a.spec?.group}/${a.spec?.version}`,
        ...(available
          ? {
              available: {
                status: available.status,
                ...(available.reason ? { reason: available.reason } : {}),
                ...(available.message ? { message: available.message } : {}),
              },
            }
          : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function webhookConsumers(
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration',
  items: (k8s.V1ValidatingWebhookConfiguration | k8s.V1MutatingWebhookConfiguration)[],
  namespace: string,
): Consumer[] {
  return items
    .flatMap((config) =>
      (config.webhooks ?? [])
        .filter((w) => pointsAtAntrea(namespace, w.clientConfig.service))
        .map((w) => ({
          kind,
          name: config.metadata?.name ?? '',
          webhook: w.name,
          caBundle: decode(w.clientConfig.caBundle) ?? '',
          servedByLabel: servedBy(config.metadata?.labels),
        })),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

function crdConsumers(items: k8s.V1CustomResourceDefinition[], namespace: string): Consumer[] {
  return items
    .filter(
      (crd) =>
        crd.spec.conversion?.strategy === 'Webhook' &&
        pointsAtAntrea(namespace, crd.spec.conversion.webhook?.clientConfig?.service),
    )
    .map((crd) => ({
      kind: 'CustomResourceDefinition' as const,
      name: crd.metadata?.name ?? '',
      caBundle: decode(crd.spec.conversion?.webhook?.clientConfig?.caBundle) ?? '',
      servedByLabel: servedBy(crd.metadata?.labels),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
