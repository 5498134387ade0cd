// cert-manager's Certificate, as far as a forced renewal needs it: read it,
// and set its Issuing condition as cert-manager's own CLI (cmctl renew) does.
import type { Client } from './client.ts';
import { isNotFound } from './errors.ts';
import { InputError } from '../errors.ts';
import type { DryRun } from './writes.ts';
import type { WatchTarget } from './watch.ts';

const GROUP = 'cert-manager.io';
const VERSION = 'v1';
const PLURAL = 'certificates';
const RESOURCE = `${PLURAL}.${GROUP}`;

export interface CertificateCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly observedGeneration?: number;
}

export interface CertManagerCertificate {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly generation?: number;
  readonly secretName?: string;
  readonly revision?: number;
  readonly conditions: CertificateCondition[];
  /** The object as read, for the status update. */
  readonly object: Record<string, unknown>;
}

interface CertificateObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; generation?: number };
  spec?: { secretName?: string };
  status?: { revision?: number; conditions?: CertificateCondition[] };
}

export async function readCertificate(
  client: Client,
  namespace: string,
  name: string,
): Promise<CertManagerCertificate> {
  let object: CertificateObject & Record<string, unknown>;
  try {
    object = (await client.call({ verb: 'get', resource: RESOURCE, name, namespace }, () =>
      client.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
      }),
    )) as CertificateObject & Record<string, unknown>;
  } catch (error) {
    if (isNotFound(error)) {
      throw new InputError(
        `the Secret names cert-manager Certificate ${name}, but there is no such Certificate in namespace ${namespace} (or cert-manager's CRDs are not installed); fix the Secret's cert-manager.io/certificate-name annotation or rotate without cert-manager. Nothing was written.`,
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
  const status = (certificate.object.status ?? {}) as Record<string, unknown>;
  const body = {
    ...certificate.object,
    status: {
      ...status,
      conditions: [...certificate.conditions.filter((c) => c.type !== 'Issuing'), condition],
    },
  };
  const { namespace, name } = certificate;
  await client.call({ verb: 'update', resource: `${RESOURCE}/status`, name, namespace }, () =>
    client.custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
      body,
      ...(dryRun === 'server' ? { dryRun: 'All' } : {}),
    }),
  );
}

/** A watch on one Certificate, so a wait sees cert-manager's progress. */
export function certificateTarget(namespace: string, name: string): WatchTarget {
  return {
    what: { verb: 'watch', resource: RESOURCE, namespace },
    path: `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
    query: { fieldSelector: `metadata.name=${name}` },
  };
}
