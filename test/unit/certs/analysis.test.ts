// Certificate analysis over certificates generated here: descriptions, chains,
// bundles, PEM errors, key matching and Sensitive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import { issue, usage, extendedUsage } from '../../testbed/pki.ts';
import { parseCertificates, sameCertificates } from '../../../src/certs/certificate.ts';
import { buildChain } from '../../../src/certs/chain.ts';
import { keyMatchesCertificate, parsePrivateKey } from '../../../src/certs/keys.ts';
import { pemBlocks } from '../../../src/certs/pem.ts';
import { Sensitive } from '../../../src/sensitive.ts';
import { InputError } from '../../../src/errors.ts';

const DAY = 86400e3;
const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
const serverUsage = {
  usages: usage.digitalSignature | usage.keyEncipherment,
  extendedUsages: [extendedUsage.serverAuth],
};

const root = await issue({
  commonName: 'Test Root',
  isCA: true,
  usages: caUsages,
  keyKind: 'rsa-2048',
});
const intermediate = await issue({
  commonName: 'Test Intermediate',
  isCA: true,
  usages: caUsages,
  issuer: root,
});
const leaf = await issue({
  commonName: 'antrea',
  issuer: intermediate,
  ...serverUsage,
  dnsNames: ['antrea.kube-system.svc', 'antrea.kube-system.svc.cluster.local'],
  ipAddresses: ['127.0.0.1'],
});
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

test('builds a chain through an intermediate, and says why one does not reach the CA', async () => {
  const [l, i, r] = [one(leaf.certPem), one(intermediate.certPem), one(root.certPem)];
  const ok = buildChain(l, [i], [r]);
  assert.equal(ok.ok, true);
  assert.deepEqual(
    ok.chain.map((c) => c.info.subject),
    ['CN=antrea', 'CN=Test Intermediate', 'CN=Test Root'],
  );

  const missing = buildChain(l, [], [r]);
  assert.equal(missing.ok, false);
  assert.match(
    missing.ok ? '' : missing.reason,
    /no certificate given is the issuer "CN=Test Intermediate"/,
  );

  const impostor = one(
    (await issue({ commonName: 'Test Root', isCA: true, usages: caUsages })).certPem,
  );
  const wrongKey = buildChain(l, [i], [impostor]);
  assert.equal(wrongKey.ok, false);
  assert.match(wrongKey.ok ? '' : wrongKey.reason, /did not sign it/);
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

test('matches keys in PKCS#8, PKCS#1 and SEC1 form, and refuses the wrong or unreadable key', async () => {
  const rsaLeaf = await issue({
    commonName: 'rsa',
    usages: usage.digitalSignature,
    keyKind: 'rsa-2048',
    keyFormat: 'pkcs1',
  });
  assert.match(rsaLeaf.keyPem, /BEGIN RSA PRIVATE KEY/);
  assert.equal(keyMatchesCertificate(new Sensitive(rsaLeaf.keyPem), one(rsaLeaf.certPem)), true);
  assert.equal(keyMatchesCertificate(new Sensitive(leaf.keyPem), one(leaf.certPem)), true);
  const sec1 = createPrivateKey(leaf.keyPem).export({ type: 'sec1', format: 'pem' }).toString();
  assert.match(sec1, /BEGIN EC PRIVATE KEY/);
  assert.equal(keyMatchesCertificate(new Sensitive(sec1), one(leaf.certPem)), true);
  assert.equal(keyMatchesCertificate(new Sensitive(rsaLeaf.keyPem), one(leaf.certPem)), false);

  const encrypted = createPrivateKey(leaf.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  assert.equal(
    parsePrivateKey(new Sensitive(encrypted)),
    'it is encrypted and no passphrase was given',
  );
  assert.equal(
    parsePrivateKey(new Sensitive(encrypted), new Sensitive('wrong')),
    'the passphrase does not decrypt it',
  );
  assert.equal(
    keyMatchesCertificate(new Sensitive(encrypted), one(leaf.certPem), new Sensitive('secret')),
    true,
  );
  assert.equal(
    parsePrivateKey(new Sensitive(leaf.certPem)),
    'it holds a certificate, not a private key',
  );
  assert.equal(
    parsePrivateKey(new Sensitive(leaf.keyPem.slice(0, 120) + '\n-----END PRIVATE KEY-----\n')),
    'it is not a readable private key (corrupt or truncated)',
  );
});

test('a Sensitive value never prints', async () => {
  const secret = new Sensitive(leaf.keyPem);
  const { inspect } = await import('node:util');
  for (const shown of [
    JSON.stringify({ secret }),
    String(secret),
    `${secret}`,
    inspect({ secret }),
  ]) {
    assert.doesNotMatch(shown, /PRIVATE KEY/);
    assert.match(shown, /\[redacted\]/);
  }
});
