// Issuing a serving certificate from an admin's CA, with the names and usages
// of the current one. The CA key stays in this process.
import 'reflect-metadata';
import {
  webcrypto,
  generateKeyPairSync,
  createPublicKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { EKU_NAMES, type Certificate } from './certificate.ts';
import { Sensitive } from '../sensitive.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyAlgorithm = 'rsa-2048' | 'rsa-4096' | 'ecdsa-p256';

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

export interface IssuedPair {
  readonly certPem: string;
  readonly keyPem: Sensitive;
}

function newKey(algorithm: KeyAlgorithm): KeyObject {
  if (algorithm === 'ecdsa-p256')
    return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return generateKeyPairSync('rsa', { modulusLength: algorithm === 'rsa-4096' ? 4096 : 2048 })
    .privateKey;
}

/** The Web Crypto view of a Node key, for signing with @peculiar/x509. */
async function toWebKey(
  key: KeyObject,
  usage: 'sign' | 'verify',
): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm | webcrypto.EcdsaParams }> {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const format = usage === 'sign' ? 'pkcs8' : 'spki';
  const der = key.export({ type: format, format: 'der' });
  if (type === 'rsa') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return {
      key: await webcrypto.subtle.importKey(format, der, params, true, [usage]),
      algorithm: { name: 'RSASSA-PKCS1-v1_5' },
    };
  }
  if (type === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1')) {
    const namedCurve = curve === 'prime256v1' ? 'P-256' : 'P-384';
    const hash = curve === 'prime256v1' ? 'SHA-256' : 'SHA-384';
    return {
      key: await webcrypto.subtle.importKey(format, der, { name: 'ECDSA', namedCurve }, true, [
        usage,
      ]),
      algorithm: { name: 'ECDSA', hash } as webcrypto.EcdsaParams,
    };
  }
  throw new Error(
    `keys of type ${type}${curve ? ` (${curve})` : ''} are not supported for issuing; use RSA or ECDSA P-256/P-384`,
  );
}

const KEY_USAGE_FLAGS: Record<string, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
};
const EKU_OIDS: Record<string, string> = Object.fromEntries(
  Object.entries(EKU_NAMES).map(([oid, name]) => [name, oid]),
);

export async function issueServingCertificate(request: IssueRequest): Promise<IssuedPair> {
  const { template, ca } = request;
  const privateKey = 'keep' in request.key ? request.key.keep : newKey(request.key.generate);
  const [signer, subjectKey] = await Promise.all([
    toWebKey(request.caKey, 'sign'),
    toWebKey(createPublicKey(privateKey), 'verify'),
  ]);
  const usages =
    template.info.keyUsages.reduce((flags, name) => flags | (KEY_USAGE_FLAGS[name] ?? 0), 0) ||
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  const ekus = template.info.extendedKeyUsages.map((name) => EKU_OIDS[name] ?? name);
  const names: x509.JsonGeneralName[] = [
    ...template.info.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...template.info.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const caCert = new x509.X509Certificate(ca.der);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    subject: template.info.subject,
    issuer: caCert.subject,
    notBefore: new Date(request.now.getTime() - 60_000),
    notAfter: new Date(request.now.getTime() + request.validityMs),
    publicKey: subjectKey.key,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension(ekus.length ? ekus : [x509.ExtendedKeyUsage.serverAuth]),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.SubjectKeyIdentifierExtension.create(subjectKey.key),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return {
    certPem: `${cert.toString('pem')}\n`,
    keyPem: new Sensitive(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
  };
}
