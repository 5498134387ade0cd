// Fills a snapshot from one-shot reads, in as few parallel rounds as the
// installation allows: the namespace search runs beside the reads of the
// namespace given with -n or, without it, the usual one (kube-system), with
// whatever else the command asked for; only when Antrea lives elsewhere, or
// its Deployment names other objects, does a second round follow. The steps
// that talk to the controller itself (what it serves, the discovery probes)
// come last, since the installation says where to look.
import type { Client } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { attempt } from '../kube/attempt.ts';
import { refusedOutcome, type Outcome } from '../kube/outcome.ts';
import { probeGroupVersions } from '../kube/probe.ts';
import { CHANGE_LEASE } from '../antrea/change-lease.ts';
import type * as k8s from '../kube/objects.ts';
import { ForbiddenError, UsageError, messageOf } from '../errors.ts';
import { toPem } from '../certs/pem.ts';
import {
  AGENT_INFO,
  APP_SELECTOR,
  CONSUMER_SELECTOR,
  CONTROLLER,
  CONTROLLER_INFO,
  DEFAULT_NAMESPACE,
  TLS_SECRET,
  CA_CONFIGMAP,
} from '../antrea/names.ts';
import {
  aggregatedGroupVersions,
  certificateNameOf,
  installationOf,
  type Installation,
} from '../antrea/installation.ts';
import { describeDeployment } from '../antrea/controller-objects.ts';
import { servedWanted } from '../antrea/serving.ts';
import { modeOf } from '../antrea/mode.ts';
import { selectsIpsec } from '../antrea/ipsec.ts';
import type { ControllerInfoObject, ServedCertificate, Snapshot } from '../antrea/snapshot.ts';
import type { CertificateObject } from '../kube/cert-manager.ts';
import { GATEKEEPER_KINDS } from '../antrea/host-files.ts';

// The readers only some commands or installations need (IPsec, key material, security objects,
// what the controller serves, the cert-manager Certificate) are imported where they read: the
// bundle evaluates a module at its first import, so status never evaluates audit's readers.
const readIpsecObjects = async (client: Client, namespace: string) =>
  (await import('./ipsec.ts')).readIpsecObjects(client, namespace);

/** What a command wants in its snapshot besides the installation. */
export interface Wanted {
  /** status, verify and audit: a refused Secret or Pod list becomes a note, not an error. */
  readonly viewing?: boolean;
  /**
   * What the controller serves (servedWanted): in user-provided mode, status only when the Secret
   * is refused (it stands in for the Secret), verify always (it must be the Secret's pair once
   * reloaded); in self-signed mode, when nothing else shows the serving certificate.
   */
  readonly served?: 'when-secret-refused' | 'user-provided';
  /** verify: the discovery probe of each APIService. */
  readonly probes?: boolean;
  /** The IPsec objects: always (audit, status --all), or only when antrea-agent.conf selects IPsec (status). */
  readonly ipsec?: 'always' | 'when-selected';
  /** audit: every Pod, ReplicaSet and Namespace, the admission policies, the agents, the version. */
  readonly security?: boolean;
  /** status --all: the rest of Antrea's key material and the agents' API certificates. */
  readonly keyMaterial?: boolean;
  /** verify: the change Lease, to see a change in progress or one that did not finish. */
  readonly lease?: boolean;
  /** A change: the kube-system Namespace, whose UID a backup records as the cluster's. */
  readonly clusterIdentity?: boolean;
}

/** The namespace every cluster has, whose UID names the cluster. */
const CLUSTER_ID_NAMESPACE = 'kube-system';

/** What each viewing command reads. */
export const STATUS_READS: Wanted = {
  viewing: true,
  served: 'when-secret-refused',
  ipsec: 'when-selected',
};
export const VERIFY_READS: Wanted = {
  viewing: true,
  served: 'user-provided',
  probes: true,
  lease: true,
};
/** A fleet's cluster gives both status and verify. */
export const FLEET_READS: Wanted = { ...STATUS_READS, ...VERIFY_READS };
/** What a change plans on: the installation and the cluster's identity, for its backup. */
export const CHANGE_READS: Wanted = { clusterIdentity: true };
export const AUDIT_READS = { viewing: true, ipsec: 'always', security: true } as const;
export const INVENTORY_READS = {
  viewing: true,
  served: 'when-secret-refused',
  ipsec: 'always',
  keyMaterial: true,
} as const;

/** A snapshot with the parts a command asked for. */
export type SnapshotFor<W extends Wanted> = Snapshot &
  (W extends { readonly security: true } ? Required<Pick<Snapshot, 'security'>> : unknown) &
  (W extends { readonly ipsec: 'always' } ? Required<Pick<Snapshot, 'ipsec'>> : unknown) &
  (W extends { readonly keyMaterial: true }
    ? Required<Pick<Snapshot, 'keyMaterial' | 'agentInfos'>>
    : unknown);

/** Reads the snapshot of the installation in the namespace given (or found) with what is wanted. */
export async function readSnapshot<W extends Wanted>(
  client: Client,
  namespaceFlag: string | undefined,
  wanted: W,
): Promise<SnapshotFor<W>> {
  // The parts asked for are read in the first round, whatever the installation holds.
  return (await readParts(client, namespaceFlag, wanted)) as SnapshotFor<W>;
}

async function readParts(
  client: Client,
  namespaceFlag: string | undefined,
  wanted: Wanted,
): Promise<Snapshot> {
  const viewing = wanted.viewing ?? false;
  const guess = namespaceFlag ?? DEFAULT_NAMESPACE;
  const [found, guessed, cluster, around, wide] = await Promise.all([
    namespaceFlag ? undefined : locateController(client),
    settle(readNamespaced(client, guess, viewing)),
    readClusterScoped(client),
    // The namespace's other objects are read in the same round; again only if Antrea is elsewhere.
    readAround(client, guess, wanted),
    readClusterWide(client, wanted),
  ]);
  const namespace = found?.metadata?.namespace ?? guess;
  const namespaceSource = namespaceFlag ? 'flag' : found ? 'found' : 'default';
  let read: Namespaced;
  let aroundRead = around;
  if (namespace === guess) {
    if ('error' in guessed) throw guessed.error;
    read = guessed.value;
  } else {
    [read, aroundRead] = await Promise.all([
      readNamespaced(client, namespace, viewing),
      readAround(client, namespace, wanted),
    ]);
  }
  const core: Snapshot = {
    namespace,
    namespaceSource,
    ...(read.deployment ? { deployment: read.deployment } : {}),
    pods: read.pods,
    configMaps: read.configMaps,
    tlsSecret: read.secret,
    ...cluster,
    ...aroundRead,
    ...wide,
  };
  if (!read.deployment) return core;
  const named = await readNamedObjects(client, core, read.deployment, viewing);
  const certificate = await readCertificate(client, named);
  const snapshot = { ...named, ...certificate };
  return { ...snapshot, ...(await readSteps(client, snapshot, wanted)) };
}

/** The installation alone, for a change: every read is needed, none may be refused. */
export async function readInstallation(
  client: Client,
  namespaceFlag?: string,
  wanted: Wanted = {},
): Promise<Installation> {
  return installationOf(await readSnapshot(client, namespaceFlag, wanted));
}

/** The group-versions of the installation's APIServices, each probed through the API server. */
export const probeAggregatedApis = (client: Client, inst: Installation) =>
  probeGroupVersions(client, aggregatedGroupVersions(inst));

/** The namespace holding the controller Deployment (undefined when none is listed or listing is refused). */
export async function locateController(client: Client): Promise<k8s.Deployment | undefined> {
  let items: k8s.Deployment[];
  try {
    items = (await client.deployments().list({ labelSelector: CONTROLLER.selector })).items;
  } catch (error) {
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
  controllerNamespaceOf(items);
  return items.find((d) => d.metadata?.name === CONTROLLER.deployment) ?? items[0];
}

/** The namespace the controller Deployments run in (undefined: none); several is a UsageError. */
export function controllerNamespaceOf(deployments: readonly k8s.Deployment[]): string | undefined {
  const namespaces = [...new Set(deployments.map((d) => d.metadata?.namespace ?? ''))];
  if (namespaces.length > 1) {
    throw new UsageError(
      `antrea-controller Deployments run in several namespaces (${namespaces.join(', ')}); ` +
        'pick one with -n.',
    );
  }
  return namespaces[0];
}

type Namespaced = Awaited<ReturnType<typeof readNamespaced>>;

/** The controller's objects in one namespace. */
async function readNamespaced(client: Client, namespace: string, viewing: boolean) {
  const [deployment, pods, configMaps, secret] = await Promise.all([
    optional(client.deployments(namespace).get(CONTROLLER.deployment)),
    tolerated(client.pods(namespace).list({ labelSelector: CONTROLLER.selector }), viewing),
    client.configMaps(namespace).list({ labelSelector: APP_SELECTOR }),
    secretOutcome(client, namespace, TLS_SECRET, viewing),
  ]);
  return {
    deployment,
    pods: 'value' in pods ? { value: pods.value.items } : pods,
    configMaps: configMaps.items,
    secret,
  };
}

/** The CA consumers and AntreaControllerInfo. */
async function readClusterScoped(client: Client) {
  const [apiServices, validating, mutating, crds, ...controllerInfos] = await Promise.all([
    client.apiServices().list(),
    client.validatingWebhooks().list(),
    client.mutatingWebhooks().list(),
    // Only CRDs with conversion webhooks carry served-by (v1.12+; none before): this skips Antrea's large CRD schemas.
    client.crds().list({ labelSelector: CONSUMER_SELECTOR }),
    ...CONTROLLER_INFO.groups.map((group) => {
      const kind = { group, version: CONTROLLER_INFO.version, plural: CONTROLLER_INFO.plural };
      return attempt(client.custom<ControllerInfoObject>(kind).get(CONTROLLER_INFO.name));
    }),
  ]);
  return {
    apiServices: apiServices.items,
    validatingWebhooks: validating.items,
    mutatingWebhooks: mutating.items,
    crds: crds.items,
    controllerInfos,
  };
}

/** What the command wants of the Antrea namespace besides the controller's objects. */
async function readAround(client: Client, namespace: string, wanted: Wanted) {
  const [ipsec, keyMaterial, changeLease] = await Promise.all([
    wanted.ipsec === 'always' ? readIpsecObjects(client, namespace) : undefined,
    wanted.keyMaterial
      ? import('./key-material.ts').then((m) => m.readKeyMaterial(client, namespace))
      : undefined,
    wanted.lease ? attempt(client.leases(namespace).get(CHANGE_LEASE)) : undefined,
  ]);
  return {
    ...(ipsec ? { ipsec } : {}),
    ...(keyMaterial ? { keyMaterial } : {}),
    ...(changeLease
      ? { changeLease: 'notServed' in changeLease ? { value: undefined } : changeLease }
      : {}),
  };
}

/** What the command wants of the whole cluster. */
async function readClusterWide(client: Client, wanted: Wanted) {
  const [security, agentInfos, kubeSystem] = await Promise.all([
    wanted.security
      ? import('./security.ts').then((m) => m.readSecurityObjects(client, GATEKEEPER_KINDS))
      : undefined,
    wanted.keyMaterial ? attempt(client.custom<k8s.AntreaAgentInfo>(AGENT_INFO).list()) : undefined,
    wanted.clusterIdentity ? attempt(client.namespaces().get(CLUSTER_ID_NAMESPACE)) : undefined,
  ]);
  return {
    ...(security ? { security } : {}),
    ...(agentInfos ? { agentInfos: items(agentInfos) } : {}),
    ...(kubeSystem
      ? { kubeSystem: 'notServed' in kubeSystem ? { value: undefined } : kubeSystem }
      : {}),
  };
}

/**
 * A ConfigMap or Secret the Deployment names but the first round did not read (v1.0's hashed
 * ConfigMap, a renamed Secret), and antrea-ca when it lost the label the first round lists by (the
 * controller only replaces its data, so a ConfigMap re-created without labels stays so).
 */
async function readNamedObjects(
  client: Client,
  snapshot: Snapshot,
  deployment: k8s.Deployment,
  viewing: boolean,
): Promise<Snapshot> {
  const { configMapName, secretName } = describeDeployment(deployment);
  const { namespace } = snapshot;
  const listed = (name: string) => snapshot.configMaps.some((cm) => cm.metadata?.name === name);
  const byName = (name: string) =>
    listed(name) ? undefined : optional(client.configMaps(namespace).get(name));
  const [configMap, caConfigMap, tlsSecret] = await Promise.all([
    byName(configMapName),
    configMapName === CA_CONFIGMAP ? undefined : byName(CA_CONFIGMAP),
    secretName === TLS_SECRET
      ? snapshot.tlsSecret
      : secretOutcome(client, namespace, secretName, viewing),
  ]);
  const found = [configMap, caConfigMap].filter((cm) => cm !== undefined);
  return { ...snapshot, configMaps: [...snapshot.configMaps, ...found], tlsSecret };
}

/** Only a Secret cert-manager wrote names a Certificate: read it then (it adds detail, never fails the read). */
export async function readCertificate(client: Client, snapshot: Snapshot) {
  const name = certificateNameOf(snapshot);
  if (!name) return {};
  const { CERTIFICATES } = await import('../kube/cert-manager.ts');
  const object = await attempt(
    client.custom<CertificateObject>(CERTIFICATES, snapshot.namespace).get(name),
  );
  return { certificate: { name, object } };
}

/** The steps that need the installation first; they run in parallel. */
async function readSteps(client: Client, snapshot: Snapshot, wanted: Wanted) {
  const inst = installationOf(snapshot);
  const serve =
    wanted.served !== undefined &&
    servedWanted(
      inst,
      modeOf(inst),
      wanted.served === 'user-provided' ? 'always' : 'when-secret-refused',
    );
  const [served, probes, ipsec] = await Promise.all([
    serve ? readServed(client, inst) : undefined,
    wanted.probes ? probeAggregatedApis(client, inst) : undefined,
    wanted.ipsec === 'when-selected' && selectsIpsec(inst.config?.agentText)
      ? readIpsecObjects(client, inst.namespace)
      : undefined,
  ]);
  return {
    ...(served ? { served } : {}),
    ...(probes ? { probes } : {}),
    ...(ipsec ? { ipsec } : {}),
  };
}

/** What the ready controller Pod serves, through a port-forward; or why it cannot be seen. */
export async function readServed(client: Client, inst: Installation): Promise<ServedCertificate> {
  try {
    const { controllerServes } = await import('./controller-serves.ts');
    const served = await controllerServes(client, inst);
    if (served) return { pem: toPem('CERTIFICATE', served.der), pod: served.pod };
    return {
      unseen: inst.refusedDetails?.includes('Pods')
        ? 'the Pods may not be listed, so there is no Pod to port-forward to'
        : 'no controller Pod is ready',
    };
  } catch (error) {
    return { unseen: messageOf(error).replace(/\.$/, '') };
  }
}

/** A Secret by name: undefined when there is none; refused only when viewing, else the refusal is thrown. */
async function secretOutcome(
  client: Client,
  namespace: string,
  name: string,
  viewing: boolean,
): Promise<Outcome<k8s.Secret | undefined>> {
  return tolerated(optional(client.secrets(namespace).get(name)), viewing);
}

/** A read a viewer may be refused: its value, or the refusal when tolerated; anything else is thrown. */
async function tolerated<T>(read: Promise<T>, tolerate: boolean): Promise<Outcome<T>> {
  try {
    return { value: await read };
  } catch (error) {
    if (tolerate && error instanceof ForbiddenError) return refusedOutcome(error);
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

function settle<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

const items = <T>(outcome: Outcome<k8s.List<T>>): Outcome<T[]> =>
  'value' in outcome ? { value: outcome.value.items } : outcome;
