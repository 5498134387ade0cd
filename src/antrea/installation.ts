// The installation as the reports see it, made from a snapshot by pure
// functions: the controller, its config and TLS Secret, antrea-ca, every CA
// consumer, and what a viewer could not read.
import { NotInstalledError } from '../errors.ts';
import {
  AGENT_CONFIG_KEY,
  CA_CONFIGMAP,
  CA_CONFIGMAP_KEY,
  CERT_MANAGER_CERTIFICATE_ANNOTATION,
  CONTROLLER,
} from './names.ts';
import { CA_BUNDLE_PATHS, ownersOf, writesOf } from '../kube/field-owners.ts';
import { apiServiceConsumers, crdConsumers, webhookConsumers, type Consumer } from './consumers.ts';
import {
  describeDeployment,
  describePod,
  describeSecret,
  type ControllerDeployment,
  type ControllerPod,
  type TlsSecret,
} from './controller-objects.ts';
import { describeCertificate, type CertificateState } from './cert-manager-certificate.ts';
import type { NamespaceSource, ServedCertificate, Snapshot } from './snapshot.ts';
import type * as k8s from '../kube/objects.ts';

export type { Consumer, ConsumerKind } from './consumers.ts';
export type { ControllerDeployment, ControllerPod, TlsSecret } from './controller-objects.ts';

/**
 * Everything about an installation's certificates: where it runs, the controller, its config and
 * TLS Secret, antrea-ca, and every CA consumer.
 */
export interface Installation {
  readonly namespace: string;
  readonly namespaceSource: NamespaceSource;
  readonly deployment: ControllerDeployment;
  readonly pods: ControllerPod[];
  readonly config?: {
    readonly name: string;
    readonly text?: string;
    /** antrea-agent.conf, which the same ConfigMap carries. */
    readonly agentText?: string;
    readonly resourceVersion: string;
    /** Who last wrote antrea-controller.conf, and when (managedFields). */
    readonly writes?: readonly { readonly manager: string; readonly time?: string }[];
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
  /** Of the refused details, those never asked for (the exporter's --read-secrets=false). */
  readonly withheldDetails?: readonly RefusedDetail[];
  /** The change Lease, when it was read (verify): a change in progress, or one that did not finish. */
  readonly changeLease?: k8s.Lease;
  /** A change: the UID of the kube-system Namespace, which names the cluster (when it may be read). */
  readonly clusterUid?: string;
  /**
   * When the Secret may not be read in user-provided mode: the certificate the ready Pod serves
   * (a TLS handshake through a port-forward), or why it could not be seen.
   */
  readonly served?: ServedCertificate;
}

/**
 * A read status and verify can do without (a note says what stands in for it): the version, the
 * cert-manager Certificate, and for a viewer without those rights the TLS Secret and the Pods.
 */
export type RefusedDetail = 'AntreaControllerInfo' | 'Certificate' | 'Secret' | 'Pods';

/** The installation a snapshot holds; a NotInstalledError when it has no controller Deployment. */
export function installationOf(snapshot: Snapshot): Installation {
  const { namespace, namespaceSource } = snapshot;
  if (!snapshot.deployment) throw new NotInstalledError(notFound(namespaceSource, namespace));
  const controller = describeDeployment(snapshot.deployment);
  const configMap = snapshot.configMaps.find(
    (cm) => cm.metadata?.name === controller.configMapName,
  );
  const ca = snapshot.configMaps.find((cm) => cm.metadata?.name === CA_CONFIGMAP);
  const tls = 'value' in snapshot.tlsSecret ? snapshot.tlsSecret.value : undefined;
  const pods = 'value' in snapshot.pods ? snapshot.pods.value : [];
  const certificate = snapshot.certificate;
  const certificateRefused = certificate !== undefined && 'refused' in certificate.object;
  const info = controllerInfo(snapshot);
  const refusedDetails: RefusedDetail[] = [
    ...(info.refused ? ['AntreaControllerInfo' as const] : []),
    ...(certificateRefused ? ['Certificate' as const] : []),
    ...('refused' in snapshot.tlsSecret ? ['Secret' as const] : []),
    ...('refused' in snapshot.pods ? ['Pods' as const] : []),
  ];
  const withheldDetails: RefusedDetail[] = [
    ...('withheld' in snapshot.tlsSecret ? ['Secret' as const] : []),
    ...('withheld' in snapshot.pods ? ['Pods' as const] : []),
  ];
  return {
    namespace,
    namespaceSource,
    deployment: controller,
    pods: pods.map(describePod),
    ...(configMap
      ? {
          config: {
            name: configMap.metadata?.name ?? '',
            text: configMap.data?.[CONTROLLER.configKey],
            agentText: configMap.data?.[AGENT_CONFIG_KEY],
            resourceVersion: configMap.metadata?.resourceVersion ?? '',
            writes: writesOf(configMap.metadata, CA_BUNDLE_PATHS.configMap(CONTROLLER.configKey)),
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
      ...apiServiceConsumers(snapshot.apiServices, namespace),
      ...webhookConsumers('ValidatingWebhookConfiguration', snapshot.validatingWebhooks, namespace),
      ...webhookConsumers('MutatingWebhookConfiguration', snapshot.mutatingWebhooks, namespace),
      ...crdConsumers(snapshot.crds, namespace),
    ],
    ...(info.version ? { controllerInfoVersion: info.version } : {}),
    ...(certificate && !certificateRefused
      ? {
          certManager: describeCertificate(
            certificate.name,
            'value' in certificate.object ? certificate.object.value : undefined,
          ),
        }
      : {}),
    ...(refusedDetails.length ? { refusedDetails } : {}),
    ...(withheldDetails.length ? { withheldDetails } : {}),
    ...(snapshot.served ? { served: snapshot.served } : {}),
    ...(snapshot.changeLease && 'value' in snapshot.changeLease && snapshot.changeLease.value
      ? { changeLease: snapshot.changeLease.value }
      : {}),
    ...(snapshot.kubeSystem &&
    'value' in snapshot.kubeSystem &&
    snapshot.kubeSystem.value?.metadata?.uid
      ? { clusterUid: snapshot.kubeSystem.value.metadata.uid }
      : {}),
  };
}

/** The name of the Certificate a cert-manager-issued TLS Secret names, if it names one. */
export const certificateNameOf = (snapshot: Pick<Snapshot, 'tlsSecret'>): string | undefined =>
  'value' in snapshot.tlsSecret
    ? snapshot.tlsSecret.value?.metadata?.annotations?.[CERT_MANAGER_CERTIFICATE_ANNOTATION]
    : undefined;

/**
 * The Antrea version from AntreaControllerInfo (the current group first, then the legacy one). Only
 * the version comes from it, so a refused read is noted, not an error: the image tag stands in.
 */
function controllerInfo(snapshot: Snapshot): { version?: string; refused: boolean } {
  for (const read of snapshot.controllerInfos) {
    const version = 'value' in read ? read.value?.version : undefined;
    if (typeof version === 'string' && version) return { version, refused: false };
  }
  return { refused: snapshot.controllerInfos.some((read) => 'refused' in read) };
}

/** Why no installation was found: in the namespace given, or anywhere visible. */
function notFound(source: NamespaceSource, namespace: string): string {
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

/** The group-versions of the installation's APIServices, which verify probes. */
export const aggregatedGroupVersions = (inst: Installation): string[] =>
  inst.consumers.flatMap((c) => (c.groupVersion ? [c.groupVersion] : []));

/** The ready controller Pod, if one is ready. */
export const readyControllerPod = (inst: Installation) =>
  inst.pods.find((p) => p.ready && !p.deleting);
