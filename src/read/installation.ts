// Finding the Antrea installation and reading everything about its
// certificates in one parallel round (plus a follow-up only when the
// Deployment names objects the round did not read).
import type { Client } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { ForbiddenError, NotInstalledError, UsageError } from '../errors.ts';
import {
  AGENT_CONFIG_KEY,
  CERT_MANAGER_CERTIFICATE_ANNOTATION,
  APP_SELECTOR,
  CONSUMER_SELECTOR,
  CA_CONFIGMAP,
  CA_CONFIGMAP_KEY,
  CONTROLLER,
  CONTROLLER_INFO,
  DEFAULT_NAMESPACE,
  TLS_SECRET,
} from '../antrea/names.ts';
import { CA_BUNDLE_PATHS, ownersOf } from '../kube/field-owners.ts';
import {
  apiServiceConsumers,
  crdConsumers,
  webhookConsumers,
  type Consumer,
} from '../antrea/consumers.ts';
import {
  describeDeployment,
  describePod,
  describeSecret,
  type ControllerDeployment,
  type ControllerPod,
  type TlsSecret,
} from '../antrea/controller-objects.ts';
import type * as k8s from '../kube/objects.ts';
import {
  describeCertificate,
  readCertificateObject,
  type CertificateState,
} from '../kube/cert-manager.ts';

export type { Consumer, ConsumerKind } from '../antrea/consumers.ts';
export type {
  ControllerDeployment,
  ControllerPod,
  TlsSecret,
} from '../antrea/controller-objects.ts';

/**
 * Everything about an installation's certificates, read in one round: where it runs, the
 * controller, its config and TLS Secret, antrea-ca, and every CA consumer.
 */
export interface Installation {
  readonly namespace: string;
  readonly namespaceSource: 'flag' | 'found' | 'default';
  readonly deployment: ControllerDeployment;
  readonly pods: ControllerPod[];
  readonly config?: {
    readonly name: string;
    readonly text?: string;
    /** antrea-agent.conf, which the same ConfigMap carries. */
    readonly agentText?: string;
    readonly resourceVersion: string;
  };
  readonly tlsSecret?: TlsSecret;
  readonly caConfigMap?: {
    readonly resourceVersion: string;
    readonly bundle?: string;
    /** The field managers that own its ca.crt (managedFields). */
    readonly owners?: readonly string[];
  };
  readonly consumers: Consumer[];
  readonly controllerInfoVersion?: string;
  /** The cert-manager Certificate the Secret's annotation names, when it names one and may be read. */
  readonly certManager?: CertificateState;
  /** Reads that only add detail and were refused (403): said in a note, never a failure. */
  readonly refusedDetails?: readonly RefusedDetail[];
  /**
   * When the Secret may not be read in user-provided mode: the certificate the ready Pod serves
   * (a TLS handshake through a port-forward), or why it could not be seen.
   */
  readonly served?: { readonly pem: string; readonly pod: string } | { readonly unseen: string };
}

/**
 * A read status and verify can do without (a note says what stands in for it): the version, the
 * cert-manager Certificate, and for a viewer without those rights the TLS Secret and the Pods.
 */
export type RefusedDetail = 'AntreaControllerInfo' | 'Certificate' | 'Secret' | 'Pods';

/** How the installation is read: for a change every read is needed; for viewing some may be refused. */
export interface ReadOptions {
  /** status and verify: a refused Secret or Pod list becomes a note instead of an error. */
  readonly viewing?: boolean;
}

/** A refusal the caller can do without: 'refused' instead of the ForbiddenError. */
async function unlessRefused<T>(read: Promise<T>, tolerate: boolean): Promise<T | 'refused'> {
  try {
    return await read;
  } catch (error) {
    if (tolerate && error instanceof ForbiddenError) return 'refused';
    throw error;
  }
}

async function optional<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The namespace holding the controller Deployment (undefined when none is listed or listing is refused). */
export async function locateController(client: Client): Promise<k8s.Deployment | undefined> {
  let items: k8s.Deployment[];
  try {
    items = (await client.deployments().list({ labelSelector: CONTROLLER.selector })).items;
  } catch (error) {
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
  const namespaces = [...new Set(items.map((d) => d.metadata?.namespace ?? ''))];
  if (namespaces.length > 1) {
    throw new UsageError(
      `antrea-controller Deployments run in several namespaces (${namespaces.join(', ')}); ` +
        'pick one with -n.',
    );
  }
  return items.find((d) => d.metadata?.name === CONTROLLER.deployment) ?? items[0];
}

/** Everything read from the Antrea namespace. */
async function readNamespaced(client: Client, namespace: string, viewing: boolean) {
  const [deployment, pods, configMaps, secret] = await Promise.all([
    optional(client.deployments(namespace).get(CONTROLLER.deployment)),
    unlessRefused(client.pods(namespace).list({ labelSelector: CONTROLLER.selector }), viewing),
    client.configMaps(namespace).list({ labelSelector: APP_SELECTOR }),
    unlessRefused(optional(client.secrets(namespace).get(TLS_SECRET)), viewing),
  ]);
  return { deployment, pods, configMaps: configMaps.items, secret };
}

/** The cluster-scoped objects: the CA consumers and AntreaControllerInfo. */
async function readClusterScoped(client: Client) {
  const [apiServices, validating, mutating, crds, info] = await Promise.all([
    client.apiServices().list(),
    client.validatingWebhooks().list(),
    client.mutatingWebhooks().list(),
    // Only CRDs with conversion webhooks carry served-by (v1.12+; none before): this skips Antrea's large CRD schemas.
    client.crds().list({ labelSelector: CONSUMER_SELECTOR }),
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
  options: ReadOptions = {},
): Promise<Installation> {
  const viewing = options.viewing ?? false;
  const guess = namespaceFlag ?? DEFAULT_NAMESPACE;
  const settle = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const [found, guessed, cluster] = await Promise.all([
    namespaceFlag ? undefined : locateController(client),
    settle(readNamespaced(client, guess, viewing)),
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
    read = await readNamespaced(client, namespace, viewing);
  }
  if (!read.deployment) {
    throw new NotInstalledError(notFound(source, namespace));
  }
  const controller = describeDeployment(read.deployment);

  // A ConfigMap or Secret the Deployment names but the round did not read (v1.0's hashed ConfigMap, a renamed Secret).
  const [configMap, secretRead] = await Promise.all([
    read.configMaps.find((cm) => cm.metadata?.name === controller.configMapName) ??
      optional(client.configMaps(namespace).get(controller.configMapName)),
    controller.secretName === TLS_SECRET
      ? read.secret
      : unlessRefused(optional(client.secrets(namespace).get(controller.secretName)), viewing),
  ]);
  const tls = secretRead === 'refused' ? undefined : secretRead;
  const pods = read.pods === 'refused' ? [] : read.pods.items;
  const ca = read.configMaps.find((cm) => cm.metadata?.name === CA_CONFIGMAP);
  // Only a Secret cert-manager wrote names a Certificate: read it then (it adds detail, never fails the read).
  const certificateName = tls?.metadata?.annotations?.[CERT_MANAGER_CERTIFICATE_ANNOTATION];
  const certificate = certificateName
    ? await readCertificateObject(client, namespace, certificateName)
    : undefined;
  const refusedDetails: RefusedDetail[] = [
    ...(cluster.info.refused ? ['AntreaControllerInfo' as const] : []),
    ...(certificate?.refused ? ['Certificate' as const] : []),
    ...(secretRead === 'refused' ? ['Secret' as const] : []),
    ...(read.pods === 'refused' ? ['Pods' as const] : []),
  ];

  return {
    namespace,
    namespaceSource: source,
    deployment: controller,
    pods: pods.map(describePod),
    ...(configMap
      ? {
          config: {
            name: configMap.metadata?.name ?? '',
            text: configMap.data?.[CONTROLLER.configKey],
            agentText: configMap.data?.[AGENT_CONFIG_KEY],
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
            owners: ownersOf(ca.metadata, CA_BUNDLE_PATHS.configMap(CA_CONFIGMAP_KEY)),
          },
        }
      : {}),
    consumers: [
      ...apiServiceConsumers(cluster.apiServices, namespace),
      ...webhookConsumers('ValidatingWebhookConfiguration', cluster.validating, namespace),
      ...webhookConsumers('MutatingWebhookConfiguration', cluster.mutating, namespace),
      ...crdConsumers(cluster.crds, namespace),
    ],
    ...(cluster.info.version ? { controllerInfoVersion: cluster.info.version } : {}),
    ...(certificateName && certificate && !certificate.refused
      ? { certManager: describeCertificate(certificateName, certificate.object) }
      : {}),
    ...(refusedDetails.length ? { refusedDetails } : {}),
  };
}

/** Why no installation was found: in the namespace given, or anywhere visible. */
function notFound(source: Installation['namespaceSource'], namespace: string): string {
  if (source === 'flag') {
    return (
      `no antrea-controller Deployment in namespace ${namespace}; is Antrea installed there? ` +
      '(leave out -n to search every namespace)'
    );
  }
  const nor =
    source === 'default' ? ` visible to you, nor ${CONTROLLER.deployment} in ${namespace}` : '';
  return (
    `no Antrea installation found: no Deployment labelled ${CONTROLLER.selector} in any namespace` +
    `${nor}; pass -n if Antrea runs elsewhere.`
  );
}

/**
 * The Antrea version from AntreaControllerInfo (the current group first, then the legacy one). Only
 * the version comes from it, so a refused read is noted, not an error: the image tag stands in.
 */
async function readControllerInfo(client: Client): Promise<{ version?: string; refused: boolean }> {
  const infos = await Promise.all(
    CONTROLLER_INFO.groups.map((group) => {
      const kind = { group, version: CONTROLLER_INFO.version, plural: CONTROLLER_INFO.plural };
      return optional(client.custom<ControllerInfo>(kind).get(CONTROLLER_INFO.name)).catch(
        (error: unknown) => {
          if (error instanceof ForbiddenError) return 'refused' as const;
          throw error;
        },
      );
    }),
  );
  for (const info of infos) {
    if (info !== 'refused' && typeof info?.version === 'string' && info.version) {
      return { version: info.version, refused: false };
    }
  }
  return { refused: infos.includes('refused') };
}

interface ControllerInfo extends k8s.KubeObject {
  version?: unknown;
}
