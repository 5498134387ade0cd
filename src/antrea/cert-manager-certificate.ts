// The cert-manager Certificate Antrea's serving pair needs: Antrea's
// documented example, in cert-manager.io/v1 (the page's v1alpha2 was removed
// in cert-manager v1.6), with the names, usages and key of generate.
import type { CertificateObject, IssuerKind } from '../kube/cert-manager.ts';
import type { KeyAlgorithm } from '../certs/issue.ts';
import { TLS_SECRET } from './names.ts';
import { SERVING_COMMON_NAME } from './serving-certificate.ts';

/** What the Certificate is made from. */
export interface CertificateRequest {
  readonly namespace: string;
  readonly dnsNames: readonly string[];
  readonly issuer: { readonly name: string; readonly kind: IssuerKind };
  readonly keyAlgorithm: KeyAlgorithm;
  readonly durationMs: number;
  readonly renewBeforeMs: number;
}

/** cert-manager's words for the serving usages (digital signature, key encipherment, server auth). */
export const CERT_MANAGER_USAGES = ['digital signature', 'key encipherment', 'server auth'];

const HOUR_MS = 3_600_000;
const DEFAULT_RENEW_BEFORE_MS = 30 * 24 * HOUR_MS;

/** A Go duration as cert-manager's fields take it: whole hours (8760h), else minutes, else seconds. */
export function goDuration(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.ceil(ms / 1000)}s`;
}

/** Renew 30 days before expiry, or at two thirds of a shorter life (cert-manager's own default ratio). */
export const defaultRenewBefore = (durationMs: number) =>
  Math.min(DEFAULT_RENEW_BEFORE_MS, Math.floor(durationMs / 3 / 60_000) * 60_000);

function privateKeyOf(algorithm: KeyAlgorithm): { algorithm: string; size: number } {
  const [family, size] = algorithm.split('-') as [string, string];
  return family === 'rsa'
    ? { algorithm: 'RSA', size: Number(size) }
    : { algorithm: 'ECDSA', size: Number(size.slice(1)) };
}

/** The Certificate: named as the Secret it writes (antrea-controller-tls), a new key at every issuance. */
export function antreaCertificate(request: CertificateRequest): CertificateObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: TLS_SECRET, namespace: request.namespace },
    spec: {
      secretName: TLS_SECRET,
      commonName: SERVING_COMMON_NAME,
      dnsNames: [...request.dnsNames],
      usages: [...CERT_MANAGER_USAGES],
      duration: goDuration(request.durationMs),
      renewBefore: goDuration(request.renewBeforeMs),
      privateKey: { ...privateKeyOf(request.keyAlgorithm), rotationPolicy: 'Always' },
      issuerRef: { name: request.issuer.name, kind: request.issuer.kind, group: 'cert-manager.io' },
    },
  };
}
