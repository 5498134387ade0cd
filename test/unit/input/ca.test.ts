// A CA given as files must be able to sign: CA:TRUE, and keyCertSign when it has a key usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCa } from '../../../src/input/ca.ts';
import { InputError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-ca-'));

/** A self-signed certificate made by openssl with these extensions; returns its two files. */
function made(name: string, ...extensions: string[]) {
  const caCert = join(dir, `${name}.crt`);
  const caKey = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      caKey,
      '-out',
      caCert,
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
      ...extensions.flatMap((e) => ['-addext', e]),
    ],
    { stdio: 'ignore' },
  );
  return { caCert, caKey };
}

const refused = (files: { caCert: string; caKey: string }, message: RegExp) =>
  assert.throws(
    () => readCa(files),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, message);
      return true;
    },
  );

test('a CA whose key usage lacks keyCertSign is refused, naming the usages it has', () => {
  refused(
    made(
      'no-cert-sign',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,digitalSignature,cRLSign',
    ),
    /no-cert-sign\.crt cannot sign: its key usage \(digitalSignature, cRLSign\) lacks keyCertSign/,
  );
});

test('a certificate that is not a CA is refused as such; a key of another certificate too', () => {
  const leaf = made('leaf', 'basicConstraints=critical,CA:FALSE');
  refused(leaf, /leaf\.crt cannot sign: the certificate of .*leaf\.key in it is not a CA/);
  const other = made('other', 'basicConstraints=critical,CA:TRUE');
  refused({ caCert: other.caCert, caKey: leaf.caKey }, /no certificate in it is the one of/);
});

test('a CA with keyCertSign, or with no key usage at all, signs', () => {
  const good = made('good', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign');
  assert.equal(readCa(good).ca.info.subject, 'CN=good');
  const bare = made('bare', 'basicConstraints=critical,CA:TRUE');
  assert.equal(readCa(bare).ca.info.isCA, true);
});
