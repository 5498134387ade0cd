// Issuing certificates (src/certs/issue.ts) for every key algorithm offered:
// what the parser reads back, and what Node's crypto and openssl verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Certificate } from '../../../src/certs/certificate.ts';
import {
  KEY_ALGORITHMS,
  commonName,
  issueServingCertificate,
  newKey,
  signCertificate,
  type KeyAlgorithm,
} from '../../../src/certs/issue.ts';
import { toPem } from '../../../src/certs/pem.ts';
import { keyMatchesCertificate } from '../../../src/certs/keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-issue-'));
const DAY = 86400e3;
const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
const validity = (days: number) => ({
  notBefore,
  notAfter: new Date(notBefore.getTime() + days * DAY),
});

/** A self-signed CA named for `algorithm`, its key of `keyAlgorithm` (the same by default). */
function newCa(algorithm: KeyAlgorithm, keyAlgorithm = algorithm) {
  const key = newKey(keyAlgorithm);
  const publicKey = createPublicKey(key);
  const subject = commonName(`test CA ${algorithm}`);
  const der = signCertificate(
    {
      subject,
      dnsNames: [],
      ipAddresses: [],
      keyUsages: ['keyCertSign', 'cRLSign'],
      extendedKeyUsages: [],
      isCA: true,
    },
    publicKey,
    validity(3650),
    { subject, publicKeyInfo: publicKey.export({ type: 'spki', format: 'der' }), key },
  );
  return { key, cert: new Certificate(der) };
}

const EXPECTED_KEY: Record<
  KeyAlgorithm,
  { keyAlgorithm: string; keySize?: number; curve?: string }
> = {
  'rsa-2048': { keyAlgorithm: 'RSA', keySize: 2048 },
  'rsa-3072': { keyAlgorithm: 'RSA', keySize: 3072 },
  'rsa-4096': { keyAlgorithm: 'RSA', keySize: 4096 },
  'ecdsa-p256': { keyAlgorithm: 'ECDSA', curve: 'P-256' },
  'ecdsa-p384': { keyAlgorithm: 'ECDSA', curve: 'P-384' },
};

/** How a CA of each algorithm signs: SHA-384 goes with P-384, SHA-256 with the others. */
const SIGNATURE: Record<KeyAlgorithm, string> = {
  'rsa-2048': 'SHA256-RSA',
  'rsa-3072': 'SHA256-RSA',
  'rsa-4096': 'SHA256-RSA',
  'ecdsa-p256': 'SHA256-ECDSA',
  'ecdsa-p384': 'SHA384-ECDSA',
};

const keyOf = (cert: Certificate) => ({
  keyAlgorithm: cert.info.keyAlgorithm,
  keySize: cert.info.keySize,
  curve: cert.info.curve,
});
const expectedKey = (algorithm: KeyAlgorithm) => ({
  keySize: undefined,
  curve: undefined,
  ...EXPECTED_KEY[algorithm],
});

const openssl = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

for (const algorithm of KEY_ALGORITHMS) {
  test(`${algorithm}: a CA and a serving certificate that Node and openssl verify`, () => {
    const ca = newCa(algorithm);
    assert.equal(ca.cert.info.isCA, true);
    assert.ok(ca.cert.isSelfIssued);
    assert.deepEqual(ca.cert.info.keyUsages, ['keyCertSign', 'cRLSign']);
    assert.deepEqual(ca.cert.info.extendedKeyUsages, []);
    assert.deepEqual(keyOf(ca.cert), expectedKey(algorithm));
    assert.equal(ca.cert.info.signatureAlgorithm, SIGNATURE[algorithm]);
    assert.equal(
      Date.parse(ca.cert.info.notAfter) - Date.parse(ca.cert.info.notBefore),
      3650 * DAY,
    );
    assert.ok(new X509Certificate(ca.cert.der).verify(createPublicKey(ca.key)));
    const leafKey = newKey(algorithm);
    const leafDer = signCertificate(
      {
        subject: commonName('antrea'),
        dnsNames: ['antrea', 'antrea.kube-system.svc', 'antrea.kube-system.svc.cluster.local'],
        ipAddresses: ['10.96.0.10', 'fd00::a'],
        keyUsages: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsages: ['serverAuth'],
        isCA: false,
      },
      createPublicKey(leafKey),
      validity(365),
      {
        subject: ca.cert.raw.subject,
        publicKeyInfo: ca.cert.raw.publicKeyInfo,
        subjectKeyId: ca.cert.raw.subjectKeyId,
        key: ca.key,
      },
    );
    const leaf = new Certificate(leafDer);
    const { info } = leaf;
    assert.equal(info.subject, 'CN=antrea');
    assert.equal(info.issuer, `CN=test CA ${algorithm}`);
    assert.deepEqual(info.dnsNames, [
      'antrea',
      'antrea.kube-system.svc',
      'antrea.kube-system.svc.cluster.local',
    ]);
    assert.deepEqual(info.ipAddresses, ['10.96.0.10', 'fd00::a']);
    assert.deepEqual(info.keyUsages, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(info.extendedKeyUsages, ['serverAuth']);
    assert.equal(info.isCA, false);
    assert.deepEqual(keyOf(leaf), expectedKey(algorithm));
    assert.equal(info.signatureAlgorithm, SIGNATURE[algorithm]);
    assert.equal(info.notBefore, notBefore.toISOString());
    assert.equal(Date.parse(info.notAfter) - Date.parse(info.notBefore), 365 * DAY);
    assert.ok(leaf.isIssuedBy(ca.cert));
    assert.ok(new X509Certificate(leafDer).verify(createPublicKey(ca.key)));
    assert.ok(new X509Certificate(leafDer).checkIssued(new X509Certificate(ca.cert.der)));
    const caFile = join(dir, `${algorithm}-ca.crt`);
    const leafFile = join(dir, `${algorithm}.crt`);
    writeFileSync(caFile, ca.cert.pem);
    writeFileSync(leafFile, toPem('CERTIFICATE', leafDer));
    const verified = execFileSync(
      'openssl',
      ['verify', '-purpose', 'sslserver', '-CAfile', caFile, leafFile],
      { encoding: 'utf8' },
    );
    assert.match(verified, /: OK\n$/);

    // A CA of the same name but another key did not sign it: neither Node nor openssl say so.
    const impostor = newCa(algorithm, algorithm.startsWith('rsa') ? 'rsa-2048' : algorithm);
    assert.equal(impostor.cert.info.subject, ca.cert.info.subject);
    assert.equal(new X509Certificate(leafDer).verify(createPublicKey(impostor.key)), false);
    assert.equal(leaf.isIssuedBy(impostor.cert), false);
    const impostorFile = join(dir, `${algorithm}-impostor.crt`);
    writeFileSync(impostorFile, impostor.cert.pem);
    const refused = openssl(['verify', '-CAfile', impostorFile, leafFile]);
    // openssl matches the leaf's authority key id to the CA's own, so it finds no issuer at all.
    assert.notEqual(refused.status, 0);
    assert.match(refused.stdout + refused.stderr, /unable to get local issuer certificate/);
  });
}

test('an IP address that is not one is refused before anything is signed', () => {
  const ca = newCa('ecdsa-p256');
  assert.throws(
    () =>
      signCertificate(
        {
          subject: commonName('antrea'),
          dnsNames: [],
          ipAddresses: ['10.96.0.300'],
          keyUsages: ['digitalSignature'],
          extendedKeyUsages: ['serverAuth'],
          isCA: false,
        },
        createPublicKey(newKey('ecdsa-p256')),
        validity(1),
        { subject: ca.cert.raw.subject, publicKeyInfo: ca.cert.raw.publicKeyInfo, key: ca.key },
      ),
    /^Error: 10\.96\.0\.300 is not an IP address$/,
  );
});

test('a renewal keeps the names and usages of the certificate it replaces, with a new key or the old one', async () => {
  const ca = newCa('ecdsa-p256');
  const oldKey = newKey('ecdsa-p256');
  const template = new Certificate(
    signCertificate(
      {
        subject: commonName('antrea'),
        dnsNames: ['antrea.kube-system.svc'],
        ipAddresses: ['127.0.0.1'],
        keyUsages: ['digitalSignature', 'keyCertSign'],
        extendedKeyUsages: ['serverAuth', 'clientAuth'],
        isCA: false,
      },
      createPublicKey(oldKey),
      validity(30),
      { subject: ca.cert.raw.subject, publicKeyInfo: ca.cert.raw.publicKeyInfo, key: ca.key },
    ),
  );
  const now = new Date();
  const renewed = await issueServingCertificate({
    template,
    ca: ca.cert,
    caKey: ca.key,
    key: { generate: 'rsa-3072' },
    validityMs: 90 * DAY,
    now,
  });
  const cert = new Certificate(Buffer.from(new X509Certificate(renewed.certPem).raw));
  assert.equal(cert.info.subject, 'CN=antrea');
  assert.deepEqual(cert.info.dnsNames, ['antrea.kube-system.svc']);
  assert.deepEqual(cert.info.ipAddresses, ['127.0.0.1']);
  // keyCertSign is not a serving usage: it is dropped.
  assert.deepEqual(cert.info.keyUsages, ['digitalSignature']);
  assert.deepEqual(cert.info.extendedKeyUsages, ['serverAuth', 'clientAuth']);
  assert.equal(cert.info.keySize, 3072);
  assert.ok(cert.isIssuedBy(ca.cert));
  assert.equal(
    Date.parse(cert.info.notAfter),
    Math.floor((now.getTime() + 90 * DAY) / 1000) * 1000,
  );
  assert.ok(keyMatchesCertificate(renewed.keyPem, cert));
  assert.doesNotMatch(String(renewed.keyPem), /PRIVATE KEY/);
  const kept = await issueServingCertificate({
    template,
    ca: ca.cert,
    caKey: ca.key,
    key: { keep: oldKey },
    validityMs: 90 * DAY,
    now,
  });
  const keptCert = new Certificate(Buffer.from(new X509Certificate(kept.certPem).raw));
  assert.ok(keyMatchesCertificate(kept.keyPem, keptCert));
  assert.ok(createPrivateKey(kept.keyPem.reveal()).equals(oldKey));
  assert.ok(template.publicKeyDer().equals(keptCert.publicKeyDer()));
});

test('a key of a type it cannot sign with is refused in words', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  assert.throws(
    () =>
      signCertificate(
        {
          subject: commonName('x'),
          dnsNames: [],
          ipAddresses: [],
          keyUsages: [],
          extendedKeyUsages: [],
          isCA: true,
        },
        createPublicKey(privateKey),
        validity(1),
        {
          subject: commonName('x'),
          publicKeyInfo: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
          key: privateKey,
        },
      ),
    /keys of type ed25519 are not supported for issuing; use RSA or ECDSA P-256\/P-384/,
  );
});

test('issueCa and issueLeaf: for every algorithm, the pair generate writes, as openssl sees it', async () => {
  const { issueCa, issueLeaf } = await import('../../../src/certs/issue.ts');
  const now = new Date('2026-11-28T12:00:00Z');
  for (const algorithm of KEY_ALGORITHMS) {
    const ca = issueCa({
      commonName: 'antrea-certs CA 2026-11-28',
      algorithm,
      validityMs: 3650 * DAY,
      now,
    });
    const caCert = new Certificate(
      Buffer.from(ca.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );
    assert.equal(caCert.info.isCA, true);
    assert.deepEqual(caCert.info.keyUsages, ['digitalSignature', 'keyCertSign', 'cRLSign']);
    assert.equal(String(ca.keyPem), '[redacted]');
    const leaf = issueLeaf({
      commonName: 'antrea',
      dnsNames: ['antrea', 'antrea.kube-system.svc'],
      ipAddresses: ['10.0.0.1', '2001:db8::1'],
      keyUsages: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsages: ['serverAuth'],
      algorithm,
      validityMs: 365 * DAY,
      now,
      ca: caCert,
      caKey: ca.key,
    });
    const leafCert = new Certificate(
      Buffer.from(leaf.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );
    assert.equal(leafCert.info.subject, 'CN=antrea');
    assert.equal(leafCert.info.issuer, 'CN=antrea-certs CA 2026-11-28');
    assert.deepEqual(leafCert.info.dnsNames, ['antrea', 'antrea.kube-system.svc']);
    assert.deepEqual(leafCert.info.ipAddresses, ['10.0.0.1', '2001:db8::1']);
    assert.deepEqual(keyOf(leafCert), expectedKey(algorithm));
    assert.equal(leafCert.info.notBefore, new Date(now.getTime() - 60_000).toISOString());
    assert.equal(Date.parse(leafCert.info.notAfter), now.getTime() + 365 * DAY);
    assert.equal(keyMatchesCertificate(leaf.keyPem, leafCert), true);
    const caFile = join(dir, `gen-${algorithm}-ca.crt`);
    const leafFile = join(dir, `gen-${algorithm}.crt`);
    writeFileSync(caFile, ca.certPem);
    writeFileSync(leafFile, leaf.certPem);
    const verified = openssl([
      'verify',
      '-attime',
      String(now.getTime() / 1000 + 60),
      '-purpose',
      'sslserver',
      '-verify_ip',
      '2001:db8::1',
      '-CAfile',
      caFile,
      leafFile,
    ]);
    assert.match(verified.stdout, /: OK\n$/, verified.stderr);
  }
});
