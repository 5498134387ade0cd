// What makes a certificate too weak for today's TLS clients. The callers word
// the finding for where they report it.
import type { Certificate } from './certificate.ts';

/** The smallest RSA key current TLS clients accept. */
export const MIN_RSA_BITS = 2048;

/**
 * An RSA key shorter than MIN_RSA_BITS: preflight refuses it, status and verify's strength checks
 * warn about it.
 */
export const hasWeakRsaKey = (cert: Certificate) =>
  cert.info.keyAlgorithm === 'RSA' && (cert.info.keySize ?? 0) < MIN_RSA_BITS;

/** Signed with a SHA-1 algorithm, which current TLS clients reject. */
export const isSha1Signed = (cert: Certificate) => /SHA1/.test(cert.info.signatureAlgorithm);
