// cert-manager as the plugin sees it: its Certificate (read it, create one,
// set its Issuing condition as cert-manager's own CLI, cmctl renew, does) and
// its Issuers (whether they exist, are Ready, and which kind of CA they are).
import type { Client, DryRun, ResourceKind } from './client.ts';
import { isNotFound } from './errors.ts';
import type { KubeObject, Secret } from './objects.ts';
import { CERT_MANAGER_CERTIFICATE_ANNOTATION, TLS_KEYS } from './objects.ts';

import { ForbiddenError, InputError } from '../errors.ts';
import { watchTarget, type WatchTarget } from './watch.ts';
import { isoSeconds } from '../duration.ts';

const GROUP = 'cert-manager.io';
export const CERTIFICATES: ResourceKind = { group: GROUP, version: 'v1', plural: 'certificates' };
const ISSUER_KINDS = {
  Issuer: { group: GROUP, version: 'v1', plural: 'issuers' },
  ClusterIssuer: { group: GROUP, version: 'v1', plural: 'clusterissuers' },
} as const satisfies Record<string, ResourceKind>;

/** The CRD whose presence says cert-manager is installed. */
export const CERTIFICATE_CRD = `${CERTIFICATES.plural}.${GROUP}`;
/** Where cert-manager's install documentation is. */
export const CERT_MANAGER_INSTALL_DOCS = 'https://cert-manager.io/docs/installation/';

/**
 * A condition of a Certificate's status, as cert-manager writes it and as triggerIssuance writes
 * Issuing back.
 */
export interface CertificateCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly observedGeneration?: number;
}

/**
 * A cert-manager Certificate as rotate needs it: the Secret it writes, its revision and conditions,
 * and the object read, which the status update sends back.
 */
export interface CertManagerCertificate {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly generation?: number;
  readonly secretName?: string;
  readonly revision?: number;
  readonly conditions: CertificateCondition[];
  /** The object as read, for the status update. */
  readonly object: CertificateObject;
}

/** The fields of a Certificate object the plugin reads or writes. */
export interface CertificateObject extends KubeObject {
  spec?: {
    secretName?: string;
    commonName?: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    usages?: string[];
    duration?: string;
    renewBefore?: string;
    privateKey?: { algorithm?: string; size?: number; rotationPolicy?: string };
    issuerRef?: { name?: string; kind?: string; group?: string };
  };
  status?: {
    revision?: number;
    conditions?: CertificateCondition[];
    notAfter?: string;
    renewalTime?: string;
    lastFailureTime?: string;
    failedIssuanceAttempts?: number;
  };
}

/**
 * Reads the Certificate named by the Secret's annotation; an InputError, before anything is
 * written, when there is none.
 */
export async function readCertificate(
  client: Client,
  namespace: string,
  name: string,
): Promise<CertManagerCertificate> {
  let object: CertificateObject;
  try {
    object = await client.custom<CertificateObject>(CERTIFICATES, namespace).get(name);
  } catch (error) {
    if (isNotFound(error)) {
      throw new InputError(
        `the Secret names cert-manager Certificate ${name}, but there is no such Certificate ` +
          `in namespace ${namespace} (or cert-manager's CRDs are not installed); ` +
          "fix the Secret's cert-manager.io/certificate-name annotation " +
          'or rotate without cert-manager. Nothing was written.',
      );
    }
    throw error;
  }
  return {
    name,
    namespace,
    resourceVersion: object.metadata?.resourceVersion ?? '',
    ...(object.metadata?.generation !== undefined
      ? { generation: object.metadata.generation }
      : {}),
    ...(object.spec?.secretName ? { secretName: object.spec.secretName } : {}),
    ...(object.status?.revision !== undefined ? { revision: object.status.revision } : {}),
    conditions: object.status?.conditions ?? [],
    object,
  };
}

/**
 * The Issuing condition: when it is True, cert-manager is issuing already and rotate only waits.
 */
export const issuingCondition = (certificate: CertManagerCertificate) =>
  certificate.conditions.find((c) => c.type === 'Issuing');

/**
 * Sets the Issuing condition to True with reason ManuallyTriggered on the
 * Certificate's status, with the resourceVersion read: cert-manager then
 * issues a new certificate into the Secret.
 */
export async function triggerIssuance(
  client: Client,
  certificate: CertManagerCertificate,
  dryRun: DryRun,
  now: Date,
): Promise<void> {
  const condition: CertificateCondition = {
    type: 'Issuing',
    status: 'True',
    reason: 'ManuallyTriggered',
    message: 'Certificate re-issuance manually triggered',
    lastTransitionTime: isoSeconds(now),
    ...(certificate.generation !== undefined ? { observedGeneration: certificate.generation } : {}),
  };
  const body: CertificateObject = {
    ...certificate.object,
    status: {
      ...certificate.object.status,
      conditions: [...certificate.conditions.filter((c) => c.type !== 'Issuing'), condition],
    },
  };
  await client
    .custom<CertificateObject>(CERTIFICATES, certificate.namespace)
    .updateStatus(body, dryRun);
}

/** A watch on one Certificate, so a wait sees cert-manager's progress. */
export const certificateTarget = (namespace: string, name: string): WatchTarget =>
  watchTarget(CERTIFICATES, namespace, { fieldSelector: `metadata.name=${name}` });

/** The kind of CA behind an Issuer, from the one key of its spec cert-manager's issuers are told by. */
export type IssuerType = 'ca' | 'selfSigned' | 'acme' | 'vault' | 'venafi' | 'unknown';

/** An Issuer or ClusterIssuer: its kind of CA and its Ready condition. */
export interface IssuerInfo {
  readonly kind: IssuerKind;
  readonly name: string;
  readonly type: IssuerType;
  readonly ready: boolean;
  /** Ready's reason and message when it is not True. */
  readonly why?: string;
}

export type IssuerKind = keyof typeof ISSUER_KINDS;

interface IssuerObject extends KubeObject {
  spec?: Partial<Record<Exclude<IssuerType, 'unknown'>, unknown>>;
  status?: { conditions?: CertificateCondition[] };
}

/** Whether cert-manager's Certificate CRD is there; undefined when reading CRDs is refused. */
export async function certManagerInstalled(client: Client): Promise<boolean | undefined> {
  try {
    await client.crds().get(CERTIFICATE_CRD);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
}

/** Reads an Issuer (in `namespace`) or a ClusterIssuer; undefined when there is none. */
export async function readIssuer(
  client: Client,
  kind: IssuerKind,
  name: string,
  namespace: string,
): Promise<IssuerInfo | undefined> {
  let object: IssuerObject;
  try {
    const where = kind === 'Issuer' ? namespace : undefined;
    object = await client.custom<IssuerObject>(ISSUER_KINDS[kind], where).get(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const types = ['ca', 'selfSigned', 'acme', 'vault', 'venafi'] as const;
  const type = types.find((t) => object.spec?.[t] !== undefined) ?? 'unknown';
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  const why = [ready?.reason, ready?.message].filter(Boolean).join(': ');
  return {
    kind,
    name,
    type,
    ready: ready?.status === 'True',
    ...(ready?.status === 'True' ? {} : { why: why || 'no Ready condition yet' }),
  };
}

/** The Certificates of a namespace. */
export async function listCertificates(
  client: Client,
  namespace: string,
): Promise<CertificateObject[]> {
  return (await client.custom<CertificateObject>(CERTIFICATES, namespace).list()).items;
}

/** Creates a Certificate (or only has the API server check it, with dryRun server). */
export async function createCertificate(
  client: Client,
  certificate: CertificateObject,
  dryRun: DryRun,
): Promise<CertificateObject> {
  const namespace = certificate.metadata?.namespace ?? '';
  return client.custom<CertificateObject>(CERTIFICATES, namespace).create(certificate, dryRun);
}

/** Deletes a Certificate this run created, while it still has the resourceVersion it was given. */
export async function deleteCertificate(
  client: Client,
  namespace: string,
  name: string,
  resourceVersion: string,
): Promise<void> {
  await client
    .custom<CertificateObject>(CERTIFICATES, namespace)
    .delete(name, resourceVersion, 'none');
}

/** Reads a Certificate; undefined when there is none or the read is refused (`refused` says which). */
export async function readCertificateObject(
  client: Client,
  namespace: string,
  name: string,
): Promise<{ object?: CertificateObject; refused: boolean }> {
  try {
    return {
      object: await client.custom<CertificateObject>(CERTIFICATES, namespace).get(name),
      refused: false,
    };
  } catch (error) {
    if (isNotFound(error)) return { refused: false };
    if (error instanceof ForbiddenError) return { refused: true };
    throw error;
  }
}

/** What cert-manager's Secret holds: which Certificate wrote it, and which keys it has. */
export interface IssuedSecret {
  /** The Certificate its cert-manager annotation names. */
  readonly owner?: string;
  readonly hasCert: boolean;
  readonly hasKey: boolean;
  readonly hasCa: boolean;
  readonly resourceVersion: string;
}

/** Reads the Secret a Certificate writes (never its key's value); undefined when there is none. */
export async function readIssuedSecret(
  client: Client,
  namespace: string,
  name: string,
): Promise<IssuedSecret | undefined> {
  let secret: Secret;
  try {
    secret = await client.secrets(namespace).get(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const data = secret.data ?? {};
  const owner = secret.metadata?.annotations?.[CERT_MANAGER_CERTIFICATE_ANNOTATION];
  return {
    ...(owner ? { owner } : {}),
    hasCert: Boolean(data[TLS_KEYS.cert]),
    hasKey: Boolean(data[TLS_KEYS.key]),
    hasCa: Boolean(data[TLS_KEYS.ca]),
    resourceVersion: secret.metadata?.resourceVersion ?? '',
  };
}

/**
 * cert-manager wrote the Secret on this run's behalf: journals it as this run's write (when the
 * Certificate's annotation shows cert-manager did), so a put-back restores it.
 */
export async function journalIssuedSecret(
  client: Client,
  namespace: string,
  name: string,
  certificate: string,
): Promise<void> {
  const issued = await readIssuedSecret(client, namespace, name).catch(() => undefined);
  if (issued?.owner !== certificate) return;
  client.journal.push({
    verb: 'update',
    resource: 'secrets',
    namespace,
    name,
    resourceVersion: issued.resourceVersion,
  });
}
