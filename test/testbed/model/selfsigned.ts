// The pair antrea-controller generates: client-go's GenerateSelfSignedCertKey for host "antrea".
import { issue, usage, extendedUsage, parseBundle } from '../pki.ts';

export interface ServingPair {
  /** Serving certificate PEM, then its chain. */
  readonly certPem: string;
  readonly keyPem: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

export async function generateSelfSignedPair(
  namespace: string,
  now = new Date(),
): Promise<ServingPair> {
  const seconds = Math.floor(now.getTime() / 1000);
  const validFrom = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(validFrom.getTime() + YEAR_MS);
  const ca = await issue({
    commonName: `antrea-ca@${seconds}`,
    isCA: true,
    usages: usage.keyEncipherment | usage.digitalSignature | usage.keyCertSign,
    notBefore: validFrom,
    notAfter,
    keyKind: 'rsa-2048',
    keyFormat: 'pkcs1',
  });
  const serving = await issue({
    commonName: `antrea@${seconds}`,
    issuer: ca,
    usages: usage.keyEncipherment | usage.digitalSignature,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: ['antrea', `antrea.${namespace}.svc`],
    ipAddresses: ['127.0.0.1', '::1'],
    notBefore: validFrom,
    notAfter,
    keyKind: 'rsa-2048',
    keyFormat: 'pkcs1',
  });
  return { certPem: serving.certPem + ca.certPem, keyPem: serving.keyPem };
}

/** When the first certificate of a PEM chain expires, or undefined when it does not parse. */
export function firstCertificateExpiry(certPem: string): Date | undefined {
  try {
    return parseBundle(certPem)[0]?.notAfter;
  } catch {
    return undefined;
  }
}
