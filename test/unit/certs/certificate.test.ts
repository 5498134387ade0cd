// The certificate parser (src/certs/der.ts, distinguished-name.ts, ip.ts,
// algorithms.ts) against @peculiar/x509, which the plugin used before and the
// testbed still uses: every field of CertificateInfo must be the same, for
// certificates openssl makes with every shape an admin may bring.
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { Certificate, EKU_NAMES, parseCertificates } from '../../../src/certs/certificate.ts';
import { InputError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-parser-'));

// The plugin's former description of a certificate, on @peculiar/x509: the oracle.
const USAGES: [x509.KeyUsageFlags, string][] = [
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
const KEY_TYPES: Record<string, string> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  ec: 'ECDSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
};
const SIGNATURES: Record<string, string> = {
  'RSASSA-PKCS1-v1_5': 'RSA',
  'RSA-PSS': 'RSA-PSS',
  ECDSA: 'ECDSA',
  Ed25519: 'Ed25519',
};
const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

function oracle(der: Buffer) {
  const cert = new x509.X509Certificate(der);
  const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const keyUsage = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
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
    keyAlgorithm: KEY_TYPES[keyType] ?? keyType.toUpperCase(),
    ...(details.modulusLength ? { keySize: details.modulusLength } : {}),
    ...(details.namedCurve ? { curve: CURVES[details.namedCurve] ?? details.namedCurve } : {}),
    keyUsages: keyUsage
      ? USAGES.filter(([flag]) => (keyUsage.usages & flag) !== 0).map(([, n]) => n)
      : [],
    extendedKeyUsages: eku ? Array.from(eku.usages, (u) => EKU_NAMES[String(u)] ?? String(u)) : [],
    isCA: cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    sha256: createHash('sha256').update(der).digest('hex'),
    signatureAlgorithm: [sig.hash?.name.replace('-', ''), SIGNATURES[sig.name] ?? sig.name]
      .filter(Boolean)
      .join('-'),
  };
}

let serial = 0;

/** A certificate made by openssl req -x509 with these options. */
function openssl(options: {
  key: string[];
  subject: string;
  days?: string;
  digest?: string;
  extensions?: string[];
  sigopts?: string[];
  serial?: string;
}): Buffer {
  const n = ++serial;
  const keyFile = join(dir, `${n}.key`);
  const certFile = join(dir, `${n}.crt`);
  execFileSync('openssl', ['genpkey', ...options.key, '-out', keyFile], { stdio: 'ignore' });
  const config = join(dir, `${n}.cnf`);
  writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ext]',
      ...(options.extensions ?? ['basicConstraints = CA:FALSE']),
    ].join('\n'),
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-out',
      certFile,
      '-subj',
      options.subject,
      '-config',
      config,
      '-extensions',
      'ext',
      '-days',
      options.days ?? '365',
      ...(options.digest ? [`-${options.digest}`] : []),
      ...(options.sigopts ?? []).flatMap((o) => ['-sigopt', o]),
      ...(options.serial ? ['-set_serial', options.serial] : []),
      '-utf8',
      '-multivalue-rdn',
    ],
    { stdio: 'ignore' },
  );
  return parseCertificates(readFileSync(certFile), certFile)[0]?.der ?? Buffer.alloc(0);
}

const rsa = (bits: number) => ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`];
const ec = (curve: string) => ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`];

const cases: Record<string, Parameters<typeof openssl>[0]> = {
  'RSA 2048, SHA-256, a serving certificate': {
    key: rsa(2048),
    subject: '/CN=antrea',
    extensions: [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = DNS:antrea, DNS:antrea.kube-system.svc, IP:127.0.0.1, IP:::1, IP:2001:db8:0:0:1:0:0:1, IP:fe80::1:2:3:4, email:a@example.org, URI:https://example.org',
    ],
  },
  'RSA 1024, SHA-1, every key usage': {
    key: rsa(1024),
    subject: '/C=DE/ST=Berlin/L=Berlin/O=Example, Inc./OU=Platform+OU=Network/CN=weak "one"',
    digest: 'sha1',
    extensions: [
      'keyUsage = digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly, decipherOnly',
    ],
  },
  'RSA 4096, SHA-512, a CA': {
    key: rsa(4096),
    subject: '/O=Example/CN=Example Root CA',
    digest: 'sha512',
    extensions: [
      'basicConstraints = critical, CA:TRUE, pathlen:1',
      'keyUsage = keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
    ],
  },
  'RSA-PSS with SHA-256': {
    key: rsa(2048),
    subject: '/CN=pss',
    digest: 'sha256',
    sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'],
  },
  'ECDSA P-256, SHA-256, unknown EKUs': {
    key: ec('P-256'),
    subject: '/CN=ec256/emailAddress=ops@example.org/DC=example/DC=org',
    extensions: [
      'extendedKeyUsage = serverAuth, clientAuth, codeSigning, 1.2.3.4.5, timeStamping, OCSPSigning, emailProtection',
    ],
  },
  'ECDSA P-384, SHA-384': {
    key: ec('P-384'),
    subject: '/CN=ec384/serialNumber=42/title=Ops',
    digest: 'sha384',
  },
  'ECDSA P-521, SHA-512': { key: ec('P-521'), subject: '/CN=ec521', digest: 'sha512' },
  Ed25519: { key: ['-algorithm', 'ED25519'], subject: '/CN=ed25519' },
  'a subject with escaping and non-ASCII': {
    key: ec('P-256'),
    subject: '/CN= leading space, a+plus; semi <angle> #hash\\\\back trailing /O=Zürich Äß 日本',
  },
  'valid after 2049 (GeneralizedTime)': { key: ec('P-256'), subject: '/CN=far', days: '12000' },
  'a serial with the high bit set (DER adds a sign byte)': {
    key: ec('P-256'),
    subject: '/CN=high',
    serial: '0xfc1953a81c4468126bae31960e1b325d375e33',
  },
  'a serial of one byte': { key: ec('P-256'), subject: '/CN=small', serial: '7' },
  'no extensions at all': {
    key: ec('P-256'),
    subject: '/CN=bare',
    extensions: ['subjectKeyIdentifier = none'],
  },
};

for (const [name, options] of Object.entries(cases)) {
  test(`same description as @peculiar/x509: ${name}`, () => {
    const der = openssl(options);
    assert.deepEqual(new Certificate(der).info, oracle(der));
  });
}

test('the testbed pki (peculiar-made) certificates too, with v3 serials that have the high bit set', async () => {
  const { issue, usage, extendedUsage } = await import('../../testbed/pki.ts');
  const ca = await issue({
    commonName: 'CA',
    isCA: true,
    usages: usage.keyCertSign,
    keyKind: 'rsa-2048',
  });
  for (let i = 0; i < 8; i++) {
    const leaf = await issue({
      commonName: `leaf ${i}`,
      organizations: ['Org, with comma'],
      issuer: ca,
      usages: usage.digitalSignature | usage.keyEncipherment,
      extendedUsages: [extendedUsage.serverAuth],
      dnsNames: ['antrea.kube-system.svc'],
      ipAddresses: ['10.0.0.1', '::1'],
      keyKind: i % 2 ? 'rsa-2048' : 'ecdsa-p256',
    });
    const der = Buffer.from(leaf.cert.rawData);
    assert.deepEqual(new Certificate(der).info, oracle(der));
  }
});

test('malformed DER is one sentence, never a crash or a hang', () => {
  const good = openssl({ key: ec('P-256'), subject: '/CN=good' });
  const broken = [
    good.subarray(0, good.length - 10),
    Buffer.concat([good, Buffer.from([0])]),
    Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    Buffer.from([0x30, 0x03, 0x02, 0x01]),
    Buffer.from('30', 'hex'),
    Buffer.from([0x31, 0x00]),
    Buffer.alloc(40, 0x30),
  ];
  for (const der of broken) {
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    assert.throws(
      () => parseCertificates(pem, 'x.pem'),
      (error: unknown) =>
        error instanceof InputError &&
        /^x\.pem: certificate 1 of 1 cannot be parsed; the PEM data may be corrupt or truncated\.$/.test(
          error.message,
        ),
    );
  }
});
