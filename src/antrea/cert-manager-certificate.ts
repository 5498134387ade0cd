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
  readonly ipAddresses?: readonly string[];
  readonly issuer: { readonly name: string; readonly kind: IssuerKind };
  readonly keyAlgorithm: KeyAlgorithm;
  readonly durationMs: number;
  readonly renewBeforeMs: number;
}

/** cert-manager's words for the serving usages (digital signature, key encipherment, server auth). */
export const CERT_MANAGER_USAGES = ['digital signature', 'key encipherment', 'server auth'];

const HOUR_MS = 3_600_000;
const DEFAULT_RENEW_BEFORE_MS = 30 * 24 * HOUR_MS;

/** A duration as Go prints it and cert-manager writes it back (8760h0m0s, 5m0s, 45s), in whole seconds. */
export function goDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h) return `${h}h${m}m${s}s`;
  return m ? `${m}m${s}s` : `${s}s`;
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
      ...(request.ipAddresses?.length ? { ipAddresses: [...request.ipAddresses] } : {}),
      usages: [...CERT_MANAGER_USAGES],
      duration: goDuration(request.durationMs),
      renewBefore: goDuration(request.renewBeforeMs),
      privateKey: { ...privateKeyOf(request.keyAlgorithm), rotationPolicy: 'Always' },
      issuerRef: { name: request.issuer.name, kind: request.issuer.kind, group: 'cert-manager.io' },
    },
  };
}

/** A cert-manager Certificate as status and verify show it. */
export interface CertificateState {
  readonly name: string;
  /** False when the Secret names a Certificate that does not exist. */
  readonly found: boolean;
  readonly ready?: { readonly status: string; readonly reason?: string; readonly message?: string };
  readonly issuer?: { readonly name: string; readonly kind: string };
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly renewalTime?: string;
  readonly notAfter?: string;
  /** The last issuance failed (Issuing=False, Failed): when, how many times in a row, and why. */
  readonly lastFailure?: {
    readonly at: string;
    readonly attempts: number;
    readonly message?: string;
  };
}

/** The Certificate's state from its object (undefined: there is none). */
export function describeCertificate(name: string, object?: CertificateObject): CertificateState {
  if (!object) return { name, found: false };
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  const spec = object.spec;
  return {
    name,
    found: true,
    ...(ready
      ? {
          ready: {
            status: ready.status,
            ...(ready.reason ? { reason: ready.reason } : {}),
            ...(ready.message ? { message: ready.message } : {}),
          },
        }
      : {}),
    ...(spec?.issuerRef?.name
      ? { issuer: { name: spec.issuerRef.name, kind: spec.issuerRef.kind ?? 'Issuer' } }
      : {}),
    ...(spec?.duration ? { duration: spec.duration } : {}),
    ...(spec?.renewBefore ? { renewBefore: spec.renewBefore } : {}),
    ...(object.status?.renewalTime ? { renewalTime: object.status.renewalTime } : {}),
    ...(object.status?.notAfter ? { notAfter: object.status.notAfter } : {}),
    ...lastFailureOf(object),
  };
}

/** cert-manager sets lastFailureTime when an issuance fails and clears it on the next success. */
function lastFailureOf(object: CertificateObject): Pick<CertificateState, 'lastFailure'> {
  const at = object.status?.lastFailureTime;
  if (!at) return {};
  const issuing = object.status?.conditions?.find((c) => c.type === 'Issuing');
  const message = issuing?.status === 'False' ? issuing.message : undefined;
  return {
    lastFailure: {
      at,
      attempts: object.status?.failedIssuanceAttempts ?? 1,
      ...(message ? { message } : {}),
    },
  };
}
