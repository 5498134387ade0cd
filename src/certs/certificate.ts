// A parsed certificate and the facts about it that the plugin reports.
// Pure: no Kubernetes here.
import 'reflect-metadata';
import { createHash, createPublicKey, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pemBlocks, toPem } from './pem.ts';
import { InputError } from '../errors.ts';

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
  /** RSA, ECDSA, Ed25519, … */
  readonly keyAlgorithm: string;
  readonly keySize?: number;
  readonly curve?: string;
  readonly keyUsages: string[];
  readonly extendedKeyUsages: string[];
  readonly isCA: boolean;
  /** Lowercase hex of the SHA-256 of the DER, no colons. */
  readonly sha256: string;
  readonly signatureAlgorithm: string;
}

const KEY_USAGE_NAMES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

export const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'ocspSigning',
  '2.5.29.37.0': 'any',
};

const KEY_TYPE_NAMES: Record<string, string> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  ec: 'ECDSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
};

const SIGNATURE_NAMES: Record<string, string> = {
  'RSASSA-PKCS1-v1_5': 'RSA',
  'RSA-PSS': 'RSA-PSS',
  ECDSA: 'ECDSA',
  Ed25519: 'Ed25519',
  EdDSA: 'Ed25519',
};

export class Certificate {
  readonly info: CertificateInfo;
  readonly pem: string;
  private readonly node: NodeX509;

  constructor(readonly der: Buffer) {
    const parsed = new x509.X509Certificate(der);
    this.node = new NodeX509(der);
    this.pem = toPem('CERTIFICATE', der);
    this.info = describe(parsed, der);
  }

  get notBefore(): Date {
    return new Date(this.info.notBefore);
  }

  get notAfter(): Date {
    return new Date(this.info.notAfter);
  }

  /** True when `issuer` names this certificate's issuer and its key verifies the signature. */
  isIssuedBy(issuer: Certificate): boolean {
    if (issuer.info.subject !== this.info.issuer) return false;
    try {
      return this.node.verify(issuer.node.publicKey);
    } catch {
      return false;
    }
  }

  get isSelfIssued(): boolean {
    return this.isIssuedBy(this);
  }

  /** The SubjectPublicKeyInfo, to compare with a private key's public half. */
  publicKeyDer(): Buffer {
    return this.node.publicKey.export({ type: 'spki', format: 'der' });
  }
}

function describe(cert: x509.X509Certificate, der: Buffer): CertificateInfo {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const key = createPublicKey({
    key: Buffer.from(cert.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const sig = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    keyAlgorithm: KEY_TYPE_NAMES[keyType] ?? keyType.toUpperCase(),
    ...(details.modulusLength ? { keySize: details.modulusLength } : {}),
    ...(details.namedCurve ? { curve: curveName(details.namedCurve) } : {}),
    keyUsages: keyUsage
      ? KEY_USAGE_NAMES.filter(([flag]) => (keyUsage.usages & flag) !== 0).map(([, name]) => name)
      : [],
    extendedKeyUsages: eku ? Array.from(eku.usages, (u) => EKU_NAMES[String(u)] ?? String(u)) : [],
    isCA: basic?.ca ?? false,
    sha256: createHash('sha256').update(der).digest('hex'),
    signatureAlgorithm: [sig.hash?.name.replace('-', ''), SIGNATURE_NAMES[sig.name] ?? sig.name]
      .filter(Boolean)
      .join('-'),
  };
}

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const curveName = (curve: string) => CURVE_NAMES[curve] ?? curve;

/** Parses every certificate of a PEM bundle; `source` names it in messages. */
export function parseCertificates(input: string | Buffer, source: string): Certificate[] {
  const blocks = pemBlocks(input, source);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other) {
    const what = /PRIVATE KEY/.test(other.label) ? 'a private key' : `a "${other.label}" block`;
    throw new InputError(`${source} holds ${what} where certificates were expected.`);
  }
  return blocks.map((block, i) => {
    try {
      return new Certificate(block.der);
    } catch {
      throw new InputError(
        `${source}: certificate ${i + 1} of ${blocks.length} cannot be parsed; the PEM data may be corrupt or truncated.`,
      );
    }
  });
}

/** Two bundles hold the same certificates, whatever their order, whitespace or duplicates. */
export function sameCertificates(a: readonly Certificate[], b: readonly Certificate[]): boolean {
  const fingerprints = (list: readonly Certificate[]) =>
    [...new Set(list.map((c) => c.info.sha256))].sort().join();
  return fingerprints(a) === fingerprints(b);
}
