// The CA consumers: the APIServices, admission webhooks and CRD conversion
// webhooks that point at Service antrea and carry a copy of its CA.
import { SERVED_BY_LABEL, SERVICE } from './names.ts';
import { decodeBase64 } from '../base64.ts';
import { CA_BUNDLE_PATHS, ownersOf } from '../kube/field-owners.ts';
import type * as k8s from '../kube/objects.ts';

/** The kinds of object that hold a copy of the controller's CA. */
export type ConsumerKind =
  | 'APIService'
  | 'ValidatingWebhookConfiguration'
  | 'MutatingWebhookConfiguration'
  | 'CustomResourceDefinition';

/**
 * One CA consumer, one entry per webhook: where the copy of the CA is, what it holds, and whether
 * the controller updates it by label.
 */
export interface Consumer {
  readonly kind: ConsumerKind;
  readonly name: string;
  /** The webhook entry, for webhook configurations. */
  readonly webhook?: string;
  /** The caBundle as PEM text; empty when unset. */
  readonly caBundle: string;
  /** Labelled app=antrea,served-by=antrea-controller (how v1.12+ find them). */
  readonly servedByLabel: boolean;
  /** The field managers that own the caBundle (managedFields). */
  readonly caBundleOwners: readonly string[];
  /** APIServices: the group-version and the Available condition. */
  readonly groupVersion?: string;
  readonly available?: {
    readonly status: string;
    readonly reason?: string;
    readonly message?: string;
  };
}

const pointsAtAntrea = (namespace: string, service?: { name?: string; namespace?: string }) =>
  service?.name === SERVICE && service.namespace === namespace;
const servedBy = (labels?: Record<string, string>) =>
  labels?.app === 'antrea' && labels[SERVED_BY_LABEL] === 'antrea-controller';

/**
 * The APIServices served by Service antrea in this namespace, with their Available condition,
 * sorted by name.
 */
export function apiServiceConsumers(
  items: readonly k8s.ApiService[],
  namespace: string,
): Consumer[] {
  return items
    .filter((a) => pointsAtAntrea(namespace, a.spec?.service))
    .map((a) => {
      const available = a.status?.conditions?.find((c) => c.type === 'Available');
      return {
        kind: 'APIService' as const,
        name: a.metadata?.name ?? '',
        caBundle: decodeBase64(a.spec?.caBundle) ?? '',
        servedByLabel: servedBy(a.metadata?.labels),
        caBundleOwners: ownersOf(a.metadata, CA_BUNDLE_PATHS.apiService),
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

/**
 * One consumer for each webhook of these configurations that calls Service antrea in this
 * namespace, sorted by configuration name.
 */
export function webhookConsumers(
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration',
  items: readonly k8s.WebhookConfiguration[],
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
          caBundle: decodeBase64(w.clientConfig.caBundle) ?? '',
          servedByLabel: servedBy(config.metadata?.labels),
          caBundleOwners: ownersOf(config.metadata, CA_BUNDLE_PATHS.webhook(w.name)),
        })),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The CRDs whose conversion webhook is Service antrea in this namespace, sorted by name. */
export function crdConsumers(
  items: readonly k8s.CustomResourceDefinition[],
  namespace: string,
): Consumer[] {
  return items
    .filter(
      (crd) =>
        crd.spec.conversion?.strategy === 'Webhook' &&
        pointsAtAntrea(namespace, crd.spec.conversion.webhook?.clientConfig?.service),
    )
    .map((crd) => ({
      kind: 'CustomResourceDefinition' as const,
      name: crd.metadata?.name ?? '',
      caBundle: decodeBase64(crd.spec.conversion?.webhook?.clientConfig?.caBundle) ?? '',
      servedByLabel: servedBy(crd.metadata?.labels),
      caBundleOwners: ownersOf(crd.metadata, CA_BUNDLE_PATHS.crd),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
