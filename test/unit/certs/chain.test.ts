// Building a chain (src/certs/chain.ts) from a serving certificate through an
// intermediate to a CA, and the reason when it does not get there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issue } from '../../testbed/pki.ts';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { buildChain } from '../../../src/certs/chain.ts';
import { CA_USAGES, chainOfThree } from '../../support/certificates.ts';

const { root, intermediate, leaf } = await chainOfThree();
const one = (pem: string) => parseCertificates(pem, 'test')[0]!;

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
    (await issue({ commonName: 'Test Root', isCA: true, usages: CA_USAGES })).certPem,
  );
  const wrongKey = buildChain(l, [i], [impostor]);
  assert.equal(wrongKey.ok, false);
  assert.match(wrongKey.ok ? '' : wrongKey.reason, /did not sign it/);
});
