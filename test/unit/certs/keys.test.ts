// Private keys (src/certs/keys.ts): PKCS#8, PKCS#1 and SEC1 keys matched to
// their certificate, and why a wrong, encrypted or unreadable key is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { issue, usage } from '../../testbed/pki.ts';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { keyMatchesCertificate, parsePrivateKey } from '../../../src/certs/keys.ts';
import { Sensitive } from '../../../src/sensitive.ts';
import { chainOfThree } from '../../support/certificates.ts';

const { leaf } = await chainOfThree();
const one = (pem: string) => parseCertificates(pem, 'test')[0]!;

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
