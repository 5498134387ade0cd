// cert-manager's Certificate, as far as a forced renewal needs it: read it,
// and set its Issuing condition as cert-manager's own CLI (cmctl renew) does.
import type { Client, DryRun, ResourceKind } from './client.ts';
import { isNotFound } from './errors.ts';
import type { KubeObject } from './objects.ts';
import { InputError } from '../errors.ts';
import { watchTarget, type WatchTarget } from './watch.ts';

const CERTIFICATES: ResourceKind = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};

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
  spec?: { secretName?: string };
  status?: { revision?: number; conditions?: CertificateCondition[] };
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
    lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
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
