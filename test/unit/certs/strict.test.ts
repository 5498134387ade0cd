// Every certificate the plugin issues (generate's CA and serving certificate,
// rotate --ca-cert's renewal) and the testbed issues (its PKI, the controller
// model's self-signed pair) read back by a second implementation
// (@peculiar/asn1-x509) against a table of RFC 5280 rules, and by
// `openssl verify -x509_strict -purpose sslserver` against its CA: for every
// key algorithm and a validity beyond 2050.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { issueCa, issueLeaf, issueServingCertificate } from '../../../src/certs/issue.ts';
import { Certificate } from '../../../src/certs/certificate.ts';
import { KEY_ALGORITHMS } from '../../../src/certs/key-algorithms.ts';
import { issue, usage, extendedUsage } from '../../testbed/pki.ts';
import { generateSelfSignedPair } from '../../testbed/model/selfsigned.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-strict-'));
const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const parse = (pem: string) => AsnConvert.parse(der(pem), asn1.Certificate);
const firstPem = (pem: string) =>
  /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?/.exec(pem)?.[0] ?? '';

type Ext = asn1.Extension;
const extension = (cert: asn1.Certificate, oid: string): Ext | undefined =>
  cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
const value = <T>(e: Ext, type: new () => T): T => AsnConvert.parse(e.extnValue.buffer, type);

/** The RFC 5280 rules a certificate breaks, as sentences; none for a good one. */
function broken(pem: string, role: 'ca' | 'leaf', issuerPem?: string): string[] {
  const cert = parse(pem);
  const tbs = cert.tbsCertificate;
  const problems: string[] = [];
  const serial = Buffer.from(tbs.serialNumber);
  if (serial.length > 20) problems.push(`serial of ${serial.length} octets (4.1.2.2: at most 20)`);
  if ((serial[0] ?? 0) & 0x80) problems.push('negative serial (4.1.2.2)');
  if (serial.every((b) => b === 0)) problems.push('zero serial (4.1.2.2)');
  for (const [name, time] of [
    ['notBefore', tbs.validity.notBefore],
    ['notAfter', tbs.validity.notAfter],
  ] as const) {
    const date = time.getTime();
    const utc = time.utcTime !== undefined;
    if (date.getUTCFullYear() < 2050 !== utc)
      problems.push(
        `${name} ${date.toISOString()} as ${utc ? 'UTCTime' : 'GeneralizedTime'} (4.1.2.5)`,
      );
  }
  if (tbs.validity.notBefore.getTime() >= tbs.validity.notAfter.getTime())
    problems.push('notBefore not before notAfter');
  const ski = extension(cert, asn1.id_ce_subjectKeyIdentifier);
  if (!ski) problems.push('no subjectKeyIdentifier (4.2.1.2)');
  const selfIssued = issuerPem === undefined;
  const aki = extension(cert, asn1.id_ce_authorityKeyIdentifier);
  if (!selfIssued) {
    if (!aki) problems.push('no authorityKeyIdentifier (4.2.1.1)');
    else {
      const issuerSki = extension(parse(issuerPem), asn1.id_ce_subjectKeyIdentifier);
      const akiId = Buffer.from(
        value(aki, asn1.AuthorityKeyIdentifier).keyIdentifier?.buffer ?? new ArrayBuffer(0),
      );
      const issuerId = issuerSki
        ? Buffer.from(value(issuerSki, asn1.SubjectKeyIdentifier).buffer)
        : undefined;
      if (!issuerId || !akiId.equals(issuerId))
        problems.push("authorityKeyIdentifier is not the issuer's key id");
    }
  }
  const bc = extension(cert, asn1.id_ce_basicConstraints);
  const ku = extension(cert, asn1.id_ce_keyUsage);
  if (role === 'ca') {
    if (!bc?.critical || !value(bc, asn1.BasicConstraints).cA)
      problems.push('CA without critical basicConstraints CA:TRUE (4.2.1.9)');
    if (!ku) problems.push('CA without keyUsage (4.2.1.3)');
    else {
      if (!ku.critical) problems.push('CA keyUsage not critical (4.2.1.3)');
      if (!(value(ku, asn1.KeyUsage).toNumber() & asn1.KeyUsageFlags.keyCertSign))
        problems.push('CA without keyCertSign');
    }
  } else {
    if (bc && value(bc, asn1.BasicConstraints).cA) problems.push('leaf with CA:TRUE');
    const san = extension(cert, asn1.id_ce_subjectAltName);
    if (!san) problems.push('no subjectAltName');
    else if (tbs.subject.length === 0 && !san.critical)
      problems.push('empty subject with non-critical SAN (4.2.1.6)');
  }
  return problems;
}

function opensslVerify(leafPem: string, caPem: string, name: string): void {
  const ca = join(dir, `${name}-ca.pem`);
  const leaf = join(dir, `${name}-leaf.pem`);
  writeFileSync(ca, caPem);
  writeFileSync(leaf, leafPem);
  const r = spawnSync(
    'openssl',
    ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', ca, leaf],
    { encoding: 'utf8' },
  );
  assert.match(r.stdout, /: OK\n$/, `${name}: ${r.stderr}`);
}

/** Every certificate made, with its role and issuer: the table's rows. */
const made: { name: string; pem: string; role: 'ca' | 'leaf'; issuerPem?: string }[] = [];

const now = new Date();
for (const algorithm of KEY_ALGORITHMS) {
  for (const days of [365, 40 * 365]) {
    const ca = issueCa({
      commonName: `CA ${algorithm}`,
      algorithm,
      validityMs: (days + 30) * DAY,
      now,
    });
    const caCert = new Certificate(der(ca.certPem));
    const leaf = issueLeaf({
      commonName: 'antrea',
      dnsNames: ['antrea', 'antrea.kube-system.svc'],
      ipAddresses: ['10.96.0.1'],
      keyUsages: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsages: ['serverAuth'],
      algorithm,
      validityMs: days * DAY,
      now,
      ca: caCert,
      caKey: ca.key,
    });
    const renewed = await issueServingCertificate({
      template: new Certificate(der(leaf.certPem)),
      ca: caCert,
      caKey: ca.key,
      key: { generate: algorithm },
      validityMs: days * DAY,
      now,
    });
    const tag = `${algorithm}, ${days}d`;
    made.push(
      { name: `generate CA (${tag})`, pem: ca.certPem, role: 'ca' },
      { name: `generate serving (${tag})`, pem: leaf.certPem, role: 'leaf', issuerPem: ca.certPem },
      {
        name: `rotate --ca-cert (${tag})`,
        pem: renewed.certPem,
        role: 'leaf',
        issuerPem: ca.certPem,
      },
    );
  }
}
const testbedCa = await issue({
  commonName: 'testbed CA',
  isCA: true,
  usages: usage.keyCertSign | usage.cRLSign,
});
const testbedLeaf = await issue({
  commonName: 'antrea',
  issuer: testbedCa,
  usages: usage.digitalSignature | usage.keyEncipherment,
  extendedUsages: [extendedUsage.serverAuth],
  dnsNames: ['antrea.kube-system.svc'],
});
const model = await generateSelfSignedPair('kube-system');
const modelCa = model.certPem.slice(firstPem(model.certPem).length);
made.push(
  { name: 'testbed PKI CA', pem: testbedCa.certPem, role: 'ca' },
  {
    name: 'testbed PKI serving',
    pem: testbedLeaf.certPem,
    role: 'leaf',
    issuerPem: testbedCa.certPem,
  },
  { name: 'model self-signed CA', pem: modelCa, role: 'ca' },
  {
    name: 'model self-signed serving',
    pem: firstPem(model.certPem),
    role: 'leaf',
    issuerPem: modelCa,
  },
);

test('every certificate issued keeps the RFC 5280 rules, read back by @peculiar/asn1-x509', () => {
  const failures = made.flatMap((m) =>
    broken(m.pem, m.role, m.issuerPem).map((p) => `${m.name}: ${p}`),
  );
  assert.deepEqual(failures, []);
  assert.equal(made.length, KEY_ALGORITHMS.length * 2 * 3 + 4);
});

test('every serving certificate passes openssl verify -x509_strict -purpose sslserver', () => {
  for (const m of made.filter((x) => x.role === 'leaf'))
    opensslVerify(m.pem, m.issuerPem ?? '', m.name.replace(/\W+/g, '-'));
});

test('the rules catch what they name: a CA without keyCertSign, a serving certificate taken for a CA', async () => {
  const weak = await issue({ commonName: 'weak CA', isCA: true, usages: usage.digitalSignature });
  assert.match(broken(weak.certPem, 'ca').join(' | '), /CA without keyCertSign/);
  const leafAsCa = broken(testbedLeaf.certPem, 'ca', testbedCa.certPem);
  assert.match(leafAsCa.join(' | '), /CA without critical basicConstraints CA:TRUE/);
});
