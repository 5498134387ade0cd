// What makes a certificate too weak for today's TLS clients. The callers word
// the finding for where they report it.
import type { Certificate } from './certificate.ts';

export const MIN_RSA_BITS = 2048;

export const hasWeakRsaKey = (cert: Certificate) =>
  cert.info.keyAlgorithm === 'RSA' && (cert.info.keySize ?? 0) < MIN_RSA_BITS;

export const isSha1Signed = (cert: Certificate) => /SHA1/.test(cert.info.signatureAlgorithm);
