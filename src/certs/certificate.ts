// A parsed certificate and the facts about it that the plugin reports.
// Pure: no Kubernetes here. The fields come from the DER (der.ts); the key
// and the signature check from Node's crypto.
import { createHash, createPublicKey, X509Certificate as NodeX509 } from 'node:crypto';
import { pemBlocks, toPem } from './pem.ts';
import { InputError } from '../errors.ts';
import { Tag, child, children, parse, readOid, readTime, type Element } from './der.ts';
import { formatName } from './distinguished-name.ts';
import { formatIp } from '../ip.ts';
import { signatureAlgorithmName } from './algorithms.ts';

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** RSA, ECDSA, Ed25519, … */
  readonly keyAlgorithm: string;
  readonly keySize?: number;
  readonly curve?: string;
  readonly keyUsages: readonly string[];
  readonly extendedKeyUsages: readonly string[];
  readonly isCA: boolean;
  /** Lowercase hex of the SHA-256 of the DER, no colons. */
  readonly sha256: string;
  readonly signatureAlgorithm: string;
}

/** The key usage bits, in the order of the extension (bit 0 first). */
const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

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

export class Certificate {
  readonly info: CertificateInfo;
  readonly pem: string;
  /** Node's view, made only to check a signature or export the key: OpenSSL's parse is slow. */
  private nodeCertificate: NodeX509 | undefined;

  /** The TBSCertificate's parts an issuer needs: subject, public key, key identifier. */
  readonly raw: RawParts;

  constructor(readonly der: Buffer) {
    const read = readCertificate(der);
    this.pem = toPem('CERTIFICATE', der);
    this.info = read.info;
    this.raw = read.raw;
  }

  private get node(): NodeX509 {
    this.nodeCertificate ??= new NodeX509(this.der);
    return this.nodeCertificate;
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

export interface RawParts {
  /** The subject Name, as encoded. */
  readonly subject: Buffer;
  /** The SubjectPublicKeyInfo, as encoded. */
  readonly publicKeyInfo: Buffer;
  /** The subject key identifier extension's value, when there is one. */
  readonly subjectKeyId?: Buffer;
}

const OID = {
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
} as const;

/** The extensions of a TBSCertificate by OID: each one's value (the content of its OCTET STRING). */
function extensionsOf(tbs: Element): Map<string, Element> {
  const wrapper = children(tbs).find((e) => e.tag === 0xa3);
  const found = new Map<string, Element>();
  if (!wrapper) return found;
  for (const extension of children(child(wrapper, 0, Tag.sequence))) {
    const parts = children(extension);
    const value = parts[parts.length - 1];
    if (!value || value.tag !== Tag.octetString) continue;
    found.set(readOid(child(extension, 0)), parse(value.content));
  }
  return found;
}

function subjectAltNames(san: Element | undefined): { dns: string[]; ip: string[] } {
  const names = san ? children(san) : [];
  return {
    dns: names.filter((n) => n.tag === 0x82).map((n) => n.content.toString('latin1')),
    ip: names.filter((n) => n.tag === 0x87).map((n) => formatIp(n.content)),
  };
}

function keyUsages(usage: Element | undefined): string[] {
  if (!usage || usage.tag !== Tag.bitString) return [];
  const bits = usage.content.subarray(1);
  return KEY_USAGE_NAMES.filter((_, bit) => ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

function isCA(constraints: Element | undefined): boolean {
  const first = constraints ? children(constraints)[0] : undefined;
  return first?.tag === Tag.boolean && (first.content[0] ?? 0) !== 0;
}

function readCertificate(der: Buffer): { info: CertificateInfo; raw: RawParts } {
  const certificate = parse(der);
  const tbs = child(certificate, 0, Tag.sequence);
  const fields = children(tbs);
  // The version is an explicit [0]; v1 certificates leave it out.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const field = (i: number) => {
    const found = fields[at + i];
    if (!found) throw new Error('truncated certificate');
    return found;
  };
  const validity = children(field(3));
  const spki = field(5);
  const extensions = extensionsOf(tbs);
  const san = subjectAltNames(extensions.get(OID.subjectAltName));
  const eku = extensions.get(OID.extKeyUsage);
  const key = createPublicKey({ key: spki.encoded, format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const subjectKeyId = extensions.get(OID.subjectKeyId);
  const info: CertificateInfo = {
    subject: formatName(field(4)),
    issuer: formatName(field(2)),
    serialNumber: serialHex(field(0).content),
    notBefore: readTime(validity[0] ?? field(3)).toISOString(),
    notAfter: readTime(validity[1] ?? field(3)).toISOString(),
    dnsNames: san.dns,
    ipAddresses: san.ip,
    keyAlgorithm: KEY_TYPE_NAMES[keyType] ?? keyType.toUpperCase(),
    ...(details.modulusLength ? { keySize: details.modulusLength } : {}),
    ...(details.namedCurve ? { curve: curveName(details.namedCurve) } : {}),
    keyUsages: keyUsages(extensions.get(OID.keyUsage)),
    extendedKeyUsages: eku ? children(eku).map((u) => EKU_NAMES[readOid(u)] ?? readOid(u)) : [],
    isCA: isCA(extensions.get(OID.basicConstraints)),
    sha256: createHash('sha256').update(der).digest('hex'),
    signatureAlgorithm: signatureAlgorithmName(child(certificate, 1, Tag.sequence)),
  };
  const raw: RawParts = {
    subject: field(4).encoded,
    publicKeyInfo: spki.encoded,
    ...(subjectKeyId?.tag === Tag.octetString ? { subjectKeyId: subjectKeyId.content } : {}),
  };
  return { info, raw };
}

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const curveName = (curve: string) => CURVE_NAMES[curve] ?? curve;

/**
 * Certificates already parsed in this process, by their DER: one installation repeats its CA in
 * antrea-ca, the Secret and every caBundle, and a fleet run reads many installations.
 */
const parsed = new Map<string, Certificate>();

function parsedOnce(der: Buffer): Certificate {
  const key = der.toString('base64');
  let certificate = parsed.get(key);
  if (!certificate) {
    certificate = new Certificate(der);
    parsed.set(key, certificate);
  }
  return certificate;
}

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
      return parsedOnce(block.der);
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

/** The serial in hex without the sign byte DER adds before a high bit (as openssl prints it). */
function serialHex(content: Buffer): string {
  return (content.length > 1 && content[0] === 0 ? content.subarray(1) : content).toString('hex');
}
