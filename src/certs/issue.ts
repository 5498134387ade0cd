// Making certificates here, without a CA service: a serving certificate issued
// from an admin's CA with the names and usages of the current one (rotate), a
// new CA, and a serving certificate with the names Antrea needs (generate).
// The keys stay in this process; what leaves it is PEM wrapped in Sensitive.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { Sensitive } from '../sensitive.ts';
import { EKU_NAMES, type Certificate } from './certificate.ts';
import * as der from './der.ts';
import { parseIp } from '../ip.ts';
import { toPem } from './pem.ts';

import type { KeyAlgorithm } from './key-algorithms.ts';

export { KEY_ALGORITHMS, type KeyAlgorithm } from './key-algorithms.ts';

export interface IssuedPair {
  readonly certPem: string;
  readonly keyPem: Sensitive;
}

export function newKey(algorithm: KeyAlgorithm): KeyObject {
  switch (algorithm) {
    case 'ecdsa-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ecdsa-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    default:
      return generateKeyPairSync('rsa', { modulusLength: Number(algorithm.slice(4)) }).privateKey;
  }
}

const OIDS = {
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
} as const;

const KEY_USAGE_BITS: Readonly<Record<string, number>> = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};
/** The key usages a serving certificate keeps from the one it replaces. */
const SERVING_USAGES = ['digitalSignature', 'keyEncipherment', 'keyAgreement'];
const EKU_OIDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EKU_NAMES).map(([oid, name]) => [name, oid]),
);

/** How an issuer's key signs: the AlgorithmIdentifier and the digest. */
function signerOf(key: KeyObject): { algorithm: Buffer; digest: string } {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type === 'rsa') {
    return {
      algorithm: der.sequence(der.oid(OIDS.sha256WithRsa), der.nullValue()),
      digest: 'sha256',
    };
  }
  if (type === 'ec' && curve === 'prime256v1') {
    return { algorithm: der.sequence(der.oid(OIDS.ecdsaWithSha256)), digest: 'sha256' };
  }
  if (type === 'ec' && curve === 'secp384r1') {
    return { algorithm: der.sequence(der.oid(OIDS.ecdsaWithSha384)), digest: 'sha384' };
  }
  throw new Error(
    `keys of type ${type}${curve ? ` (${curve})` : ''} are not supported for issuing; use RSA or ECDSA P-256/P-384`,
  );
}

const extension = (oid: string, critical: boolean, value: Uint8Array) =>
  der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/** RFC 5280's key identifier: the SHA-1 of the public key bits. */
function keyIdentifier(publicKeyInfo: Buffer): Buffer {
  const bits = der.child(der.parse(publicKeyInfo), 1, der.Tag.bitString).content.subarray(1);
  return createHash('sha1').update(bits).digest();
}

/** A Name of one common name. */
export const commonName = (cn: string) =>
  der.sequence(
    der.set(
      der.sequence(der.oid(OIDS.commonName), der.encode(der.Tag.utf8String, Buffer.from(cn))),
    ),
  );

export interface Template {
  /** The subject Name, as encoded. */
  readonly subject: Buffer;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly keyUsages: readonly string[];
  readonly extendedKeyUsages: readonly string[];
  readonly isCA: boolean;
}

export interface Issuer {
  /** The issuer's subject Name as encoded, and its key identifier when it has one. */
  readonly subject: Buffer;
  readonly subjectKeyId?: Buffer;
  readonly publicKeyInfo: Buffer;
  readonly key: KeyObject;
}

/** Signs a certificate for `publicKey` from the template; `issuer` absent: self-signed. */
export function signCertificate(
  template: Template,
  publicKey: KeyObject,
  validity: { readonly notBefore: Date; readonly notAfter: Date },
  issuer: Issuer,
): Buffer {
  const publicKeyInfo = publicKey.export({ type: 'spki', format: 'der' });
  const signer = signerOf(issuer.key);
  const names = [
    ...template.dnsNames.map((name) => der.implicit(2, Buffer.from(name, 'latin1'))),
    ...template.ipAddresses.map((ip) => {
      const bytes = parseIp(ip);
      if (!bytes) throw new Error(`${ip} is not an IP address`);
      return der.implicit(7, bytes);
    }),
  ];
  const usages = template.keyUsages.flatMap((name) => KEY_USAGE_BITS[name] ?? []);
  const ekus = template.extendedKeyUsages.map((name) => der.oid(EKU_OIDS[name] ?? name));
  const authorityKeyId = issuer.subjectKeyId ?? keyIdentifier(issuer.publicKeyInfo);
  const extensions = [
    extension(
      OIDS.basicConstraints,
      true,
      der.sequence(...(template.isCA ? [der.boolean(true)] : [])),
    ),
    ...(usages.length ? [extension(OIDS.keyUsage, true, der.namedBits(usages))] : []),
    ...(ekus.length ? [extension(OIDS.extKeyUsage, false, der.sequence(...ekus))] : []),
    ...(names.length ? [extension(OIDS.subjectAltName, false, der.sequence(...names))] : []),
    extension(OIDS.subjectKeyId, false, der.octetString(keyIdentifier(publicKeyInfo))),
    extension(OIDS.authorityKeyId, false, der.sequence(der.implicit(0, authorityKeyId))),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.integer(Buffer.concat([Buffer.from([1]), randomBytes(15)])),
    signer.algorithm,
    issuer.subject,
    der.sequence(der.time(validity.notBefore), der.time(validity.notAfter)),
    template.subject,
    publicKeyInfo,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(signer.digest, tbs, issuer.key);
  return der.sequence(tbs, signer.algorithm, der.bitString(signature));
}

/** The issuer a CA certificate and its key make. */
const issuerOf = (ca: Certificate, key: KeyObject): Issuer => ({
  subject: ca.raw.subject,
  publicKeyInfo: ca.raw.publicKeyInfo,
  ...(ca.raw.subjectKeyId ? { subjectKeyId: ca.raw.subjectKeyId } : {}),
  key,
});

/** Valid from a minute before `now` (clocks differ) for `validityMs`. */
const validFrom = (now: Date, validityMs: number) => ({
  notBefore: new Date(now.getTime() - 60_000),
  notAfter: new Date(now.getTime() + validityMs),
});

const exportPair = (cert: Buffer, key: KeyObject): IssuedPair => ({
  certPem: toPem('CERTIFICATE', cert),
  keyPem: new Sensitive(key.export({ type: 'pkcs8', format: 'pem' }).toString()),
});

export interface IssueRequest {
  /** The certificate being replaced: its subject, names and usages are kept. */
  readonly template: Certificate;
  readonly ca: Certificate;
  readonly caKey: KeyObject;
  /** A new key of this algorithm, or the current key to keep. */
  readonly key: { readonly generate: KeyAlgorithm } | { readonly keep: KeyObject };
  readonly validityMs: number;
  readonly now: Date;
}

/** Issues a serving certificate from the admin's CA, with the names and usages of the current one. */
export async function issueServingCertificate(request: IssueRequest): Promise<IssuedPair> {
  const { template, ca, now } = request;
  const privateKey = 'keep' in request.key ? request.key.keep : newKey(request.key.generate);
  const info = template.info;
  const usages = info.keyUsages.filter((u) => SERVING_USAGES.includes(u));
  const cert = signCertificate(
    {
      subject: template.raw.subject,
      dnsNames: info.dnsNames,
      ipAddresses: info.ipAddresses,
      keyUsages: usages.length ? usages : ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsages: info.extendedKeyUsages.length ? info.extendedKeyUsages : ['serverAuth'],
      isCA: false,
    },
    createPublicKey(privateKey),
    validFrom(now, request.validityMs),
    issuerOf(ca, request.caKey),
  );
  return exportPair(cert, privateKey);
}

/** A new self-signed CA (and its key, to issue from): the CA flag and the usages of a CA that signs. */
export function issueCa(request: {
  readonly commonName: string;
  readonly algorithm: KeyAlgorithm;
  readonly validityMs: number;
  readonly now: Date;
}): IssuedPair & { readonly key: KeyObject } {
  const key = newKey(request.algorithm);
  const publicKey = createPublicKey(key);
  const subject = commonName(request.commonName);
  const cert = signCertificate(
    {
      subject,
      dnsNames: [],
      ipAddresses: [],
      keyUsages: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      extendedKeyUsages: [],
      isCA: true,
    },
    publicKey,
    validFrom(request.now, request.validityMs),
    { subject, publicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }), key },
  );
  return { ...exportPair(cert, key), key };
}

/** A new key and a certificate for it from the CA, with exactly the given names and usages. */
export function issueLeaf(request: {
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly keyUsages: readonly string[];
  readonly extendedKeyUsages: readonly string[];
  readonly algorithm: KeyAlgorithm;
  readonly validityMs: number;
  readonly now: Date;
  readonly ca: Certificate;
  readonly caKey: KeyObject;
}): IssuedPair {
  const key = newKey(request.algorithm);
  const cert = signCertificate(
    {
      subject: commonName(request.commonName),
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses ?? [],
      keyUsages: request.keyUsages,
      extendedKeyUsages: request.extendedKeyUsages,
      isCA: false,
    },
    createPublicKey(key),
    validFrom(request.now, request.validityMs),
    issuerOf(request.ca, request.caKey),
  );
  return exportPair(cert, key);
}

/** A self-signed serving certificate (not a CA) with a new key: for a server that makes its own. */
export function issueSelfSignedServing(request: {
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly validityMs: number;
  readonly now: Date;
}): IssuedPair {
  const key = newKey('ecdsa-p256');
  const publicKey = createPublicKey(key);
  const subject = commonName(request.commonName);
  const cert = signCertificate(
    {
      subject,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      keyUsages: ['digitalSignature'],
      extendedKeyUsages: ['serverAuth'],
      isCA: false,
    },
    publicKey,
    validFrom(request.now, request.validityMs),
    { subject, publicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }), key },
  );
  return exportPair(cert, key);
}
