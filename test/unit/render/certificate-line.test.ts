// A bundle in one plan line (src/render/certificate-line.ts): short bundles
// in full, long ones as a count with the first few, never a line per
// certificate of a 300-certificate ca.crt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateLine, certificatesLine } from '../../../src/render/certificate-line.ts';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { issue, usage } from '../../testbed/pki.ts';

const cas = await Promise.all(
  Array.from({ length: 6 }, (_, i) =>
    issue({ commonName: `CA ${i}`, isCA: true, usages: usage.keyCertSign, keyKind: 'ecdsa-p256' }),
  ),
);
const bundle = (n: number) =>
  parseCertificates(
    cas
      .slice(0, n)
      .map((ca) => ca.certPem)
      .join(''),
    'ca.crt',
  );

test('up to four certificates are listed in full, separated by semicolons', () => {
  assert.equal(certificatesLine([]), 'none');
  const four = bundle(4);
  assert.equal(certificatesLine(four), four.map(certificateLine).join('; '));
});

test('more are counted: the first three, then how many more; the line stays short', () => {
  const six = bundle(6);
  const line = certificatesLine(six);
  assert.match(
    line,
    /^6 certificates: CN=CA 0, SHA-256 [0-9a-f]{16}…, expires [\d-]+; CN=CA 1, .*; CN=CA 2, .* and 3 more$/,
  );
  assert.doesNotMatch(line, /CN=CA 3/);
  assert.ok(line.length < 250, `${line.length} characters`);
});
