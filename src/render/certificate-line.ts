// A certificate in one line of a change's plan: subject, fingerprint, expiry.
import type { Certificate } from '../certs/certificate.ts';

/** "CN=antrea, SHA-256 1a2b…, expires 2026-05-01": a certificate in a change's plan. */
export const certificateLine = (c: Certificate) =>
  `${c.info.subject}, SHA-256 ${c.info.sha256.slice(0, 16)}…, expires ${c.info.notAfter.slice(0, 10)}`;

/** Certificates named in full in a plan line; more are counted, not listed. */
const LISTED = 3;

/**
 * A bundle in one line of a plan: each certificate as certificateLine, or for a long bundle
 * "300 certificates: CN=a, …; CN=b, …; CN=c, … and 297 more"; "none" for none.
 */
export function certificatesLine(certs: readonly Certificate[]): string {
  if (certs.length === 0) return 'none';
  if (certs.length <= LISTED + 1) return certs.map(certificateLine).join('; ');
  const listed = certs.slice(0, LISTED).map(certificateLine).join('; ');
  return `${certs.length} certificates: ${listed} and ${certs.length - LISTED} more`;
}
