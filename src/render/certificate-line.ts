// A certificate in one line of a change's plan: subject, fingerprint, expiry.
import type { Certificate } from '../certs/certificate.ts';

export const certificateLine = (c: Certificate) =>
  `${c.info.subject}, SHA-256 ${c.info.sha256.slice(0, 16)}…, expires ${c.info.notAfter.slice(0, 10)}`;
