// Certificate generation for the testbed: the control plane's PKI and the
// pairs the Antrea model generates. Independent of the plugin's own code, so
// that the testbed does not share the plugin's mistakes.
import 'reflect-metadata';
import { webcrypto, createPrivateKey, randomBytes } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyKind = 'ecdsa-p256' | 'rsa-2048' | 'rsa-1024' | 'rsa-2048-sha1';

export interface KeyPair {
  readonly keys: CryptoKeyPair;
  readonly kind: KeyKind;
}

export interface Issued {
  readonly cert: x509.X509Certificate;
  readonly key: KeyPair;
  readonly certPem: string;
  /** PKCS#8 PEM, or PKCS#1 PEM for RSA keys when asked for. */
  readonly keyPem: string;
}

const algorithms = {
  'ecdsa-p256': {
    generate: { name: 'ECDSA', namedCurve: 'P-256' } as webcrypto.EcKeyGenParams,
    sign: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
  },
  'rsa-2048': rsa(2048, 'SHA-256'),
  // Weak keys and signatures, for tests of the warnings about them.
  'rsa-1024': rsa(1024, 'SHA-256'),
  'rsa-2048-sha1': rsa(2048, 'SHA-1'),
} as const;

function rsa(modulusLength: number, hash: string) {
  return {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash,
    } as webcrypto.RsaHashedKeyGenParams,
    sign: { name: 'RSASSA-PKCS1-v1_5' } as webcrypto.Algorithm,
  };
}

export async function generateKey(kind: KeyKind): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(algorithms[kind].generate, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return { keys, kind };
}

export async function privateKeyPem(
  key: KeyPair,
  format: 'pkcs8' | 'pkcs1' = 'pkcs8',
): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key.keys.privateKey));
  if (format === 'pkcs8') return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs1', format: 'pem' })
    .toString();
}

export async function publicKeyPem(key: KeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('spki', key.keys.publicKey);
  return x509.PemConverter.encode(der, 'PUBLIC KEY') + '\n';
}

export interface IssueOptions {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  readonly isCA?: boolean;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usages: x509.KeyUsageFlags;
  readonly extendedUsages?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Issuer; a self-signed certificate when absent. */
  readonly issuer?: Issued;
  readonly keyKind?: KeyKind;
  readonly keyFormat?: 'pkcs8' | 'pkcs1';
}

const DAY = 24 * 3600 * 1000;

/** As JSON, not a string to parse: a CN may hold any character, control characters included. */
function distinguishedName(
  commonName: string,
  organizations: readonly string[] = [],
): x509.JsonName {
  return [{ CN: [commonName] }, ...organizations.map((o) => ({ O: [o] }))];
}

export async function issue(options: IssueOptions): Promise<Issued> {
  const key = await generateKey(options.keyKind ?? 'ecdsa-p256');
  const now = Date.now();
  const subject = distinguishedName(options.commonName, options.organizations);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.isCA ?? false, undefined, true),
    new x509.KeyUsagesExtension(options.usages, true),
    await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
  ];
  if (options.extendedUsages?.length)
    extensions.push(new x509.ExtendedKeyUsageExtension([...options.extendedUsages]));
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  if (options.issuer)
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.cert));

  const signer = options.issuer?.key ?? key;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    subject,
    issuer: options.issuer ? options.issuer.cert.subjectName : subject,
    notBefore: options.notBefore ?? new Date(now - 60_000),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY),
    publicKey: key.keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: algorithms[signer.kind].sign,
    extensions,
  });
  return {
    cert,
    key,
    certPem: cert.toString('pem') + '\n',
    keyPem: await privateKeyPem(key, options.keyFormat),
  };
}

export const usage = x509.KeyUsageFlags;
export const extendedUsage = x509.ExtendedKeyUsage;
export { x509 };

/** Parses every certificate of a PEM bundle; throws on anything else. */
export function parseBundle(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no certificate in PEM data');
  return blocks.map((block) => new x509.X509Certificate(block));
}
