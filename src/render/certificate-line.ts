// A certificate in one line of a change's plan: subject, fingerprint, expiry.
import type { Certificate } from '../certs/certificate.ts';

/** "CN=antrea, SHA-256 1a2b…, expires 2026-05-01": a certificate in a change's plan. */
export const certificateLine = (c: Certificate) =>
  `${c.info.subject}, SHA-256 ${c.info.sha256.slice(0, 16)}…, expires ${c.info.notAfter.slice(0, 10)}`;
