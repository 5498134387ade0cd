// What antrea-controller's serving certificate must carry, as Antrea's
// "Securing Control Plane" page lists it: the names its clients dial and the
// usages Go's TLS server and the API server's aggregator check.
import { SERVICE, serviceDnsName, fqdnServiceName } from './names.ts';

/** The common name Antrea's own certificates and its documented example use. */
export const SERVING_COMMON_NAME = SERVICE;
/** Key usages: digital signature (ECDHE) and key encipherment (RSA key exchange). */
export const SERVING_KEY_USAGES = ['digitalSignature', 'keyEncipherment'] as const;
/** Extended key usage: a TLS server. */
export const SERVING_EXTENDED_KEY_USAGES = ['serverAuth'] as const;

/**
 * The DNS names, in the order Antrea's own self-signed certificate lists them, then `extra`:
 * antrea, antrea.<ns>, antrea.<ns>.svc and antrea.<ns>.svc.<cluster domain>.
 */
export function servingDnsNames(
  namespace: string,
  clusterDomain: string,
  extra: readonly string[] = [],
): string[] {
  const names = [
    SERVICE,
    `${SERVICE}.${namespace}`,
    serviceDnsName(namespace),
    fqdnServiceName(namespace, clusterDomain),
    ...extra,
  ];
  return [...new Set(names)];
}
