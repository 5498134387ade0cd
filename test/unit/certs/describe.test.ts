// Describing certificates generated here (src/certs/certificate.ts, pem.ts):
// the fields of CertificateInfo, bundles, and what is wrong with input that
// is not a PEM certificate bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { issue, usage } from '../../testbed/pki.ts';
import { parseCertificates, sameCertificates } from '../../../src/certs/certificate.ts';
import { pemBlocks } from '../../../src/certs/pem.ts';
import { InputError } from '../../../src/errors.ts';
import { DAY, chainOfThree } from '../../support/certificates.ts';

const { root, intermediate, leaf } = await chainOfThree();
const one = (pem: string) => parseCertificates(pem, 'test')[0]!;

test('describes an ECDSA serving certificate', () => {
  const info = one(leaf.certPem).info;
  assert.equal(info.subject, 'CN=antrea');
  assert.equal(info.issuer, 'CN=Test Intermediate');
  assert.deepEqual(info.dnsNames, [
    'antrea.kube-system.svc',
    'antrea.kube-system.svc.cluster.local',
  ]);
  assert.deepEqual(info.ipAddresses, ['127.0.0.1']);
  assert.equal(info.keyAlgorithm, 'ECDSA');
  assert.equal(info.curve, 'P-256');
  assert.deepEqual(info.keyUsages, ['digitalSignature', 'keyEncipherment']);
  assert.deepEqual(info.extendedKeyUsages, ['serverAuth']);
  assert.equal(info.isCA, false);
  assert.equal(info.signatureAlgorithm, 'SHA256-ECDSA');
  assert.equal(info.serialNumber, leaf.cert.serialNumber.toLowerCase());
  const der = Buffer.from(leaf.cert.rawData);
  assert.equal(info.sha256, createHash('sha256').update(der).digest('hex'));
  assert.match(info.sha256, /^[0-9a-f]{64}$/);
  assert.equal(info.notAfter, leaf.cert.notAfter.toISOString());
});

test('describes an RSA CA, a 1024-bit key and a SHA-1 signature', async () => {
  const ca = one(root.certPem).info;
  assert.equal(ca.keyAlgorithm, 'RSA');
  assert.equal(ca.keySize, 2048);
  assert.equal(ca.isCA, true);
  assert.equal(ca.signatureAlgorithm, 'SHA256-RSA');
  assert.deepEqual(ca.keyUsages, ['digitalSignature', 'keyCertSign', 'cRLSign']);
  const weak = one(
    (await issue({ commonName: 'weak', usages: usage.digitalSignature, keyKind: 'rsa-1024' }))
      .certPem,
  ).info;
  assert.equal(weak.keySize, 1024);
  const sha1 = one(
    (await issue({ commonName: 'sha1', usages: usage.digitalSignature, keyKind: 'rsa-2048-sha1' }))
      .certPem,
  ).info;
  assert.equal(sha1.signatureAlgorithm, 'SHA1-RSA');
});

test('a certificate without SANs or usages reports none', async () => {
  const bare = one(
    (await issue({ commonName: 'bare', usages: usage.keyCertSign, issuer: root })).certPem,
  ).info;
  assert.deepEqual(bare.dnsNames, []);
  assert.deepEqual(bare.ipAddresses, []);
  assert.deepEqual(bare.extendedKeyUsages, []);
  assert.deepEqual(bare.keyUsages, ['keyCertSign']);
});

test('expired and not-yet-valid dates come through', async () => {
  const expired = one(
    (
      await issue({
        commonName: 'old',
        usages: usage.digitalSignature,
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      })
    ).certPem,
  );
  assert.ok(expired.notAfter.getTime() < Date.now());
  const future = one(
    (
      await issue({
        commonName: 'new',
        usages: usage.digitalSignature,
        notBefore: new Date(Date.now() + DAY),
      })
    ).certPem,
  );
  assert.ok(future.notBefore.getTime() > Date.now());
});

test('parses bundles of several certificates, with CRLF line ends, and compares them as sets', () => {
  const bundle = parseCertificates(
    (leaf.certPem + intermediate.certPem).replace(/\n/g, '\r\n'),
    'bundle',
  );
  assert.equal(bundle.length, 2);
  const reordered = parseCertificates(intermediate.certPem + '\n\n' + leaf.certPem, 'other');
  assert.equal(sameCertificates(bundle, reordered), true);
  assert.equal(sameCertificates(bundle, parseCertificates(leaf.certPem, 'x')), false);
});

test('names what is wrong with input that is not a PEM certificate bundle', () => {
  const der = Buffer.from(leaf.cert.rawData);
  const cases: [string | Buffer, RegExp][] = [
    ['', /empty/],
    ['   \n', /empty/],
    [der, /DER \(binary\), not PEM/],
    ['hello world', /no PEM data/],
    [leaf.certPem.slice(0, 200), /truncated/],
    [leaf.certPem.replace(/[A-Za-z0-9]{40}\n/, '!!!!\n'), /not valid base64/],
    [leaf.keyPem, /private key where certificates were expected/],
    ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /cannot be parsed/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseCertificates(input, 'tls.crt'),
      (error: unknown) => error instanceof InputError && message.test(error.message),
      String(message),
    );
  }
  assert.equal(pemBlocks(leaf.certPem, 'x')[0]?.label, 'CERTIFICATE');
});
