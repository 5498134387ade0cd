// What restore checks in a backup before writing (src/change/backup-checks.ts):
// import's checks on the pair it puts back, in the mode its config sets, and
// that config itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupFindings } from '../../../src/change/backup-checks.ts';
import type { Backup } from '../../../src/change/backup.ts';
import { Sensitive } from '../../../src/sensitive.ts';
import { NAMESPACE } from '../../support/installation.ts';
import { now, servingPair } from '../../support/certificates.ts';

const { ca, leaf } = await servingPair();
const other = await servingPair({ caName: 'other-ca@1', keyKind: 'ecdsa-p256' });
const USER_PROVIDED = 'selfSignedCert: false\n';
const SELF_SIGNED = 'selfSignedCert: true\n';

const backupOf = (secret: Partial<Backup['secret']>, config?: string): Backup => ({
  namespace: NAMESPACE,
  createdAt: now.toISOString(),
  secret: { name: 'antrea-controller-tls', existed: true, ...secret },
  ...(config === undefined
    ? {}
    : { configMap: { name: 'antrea-config', key: 'antrea-controller.conf', text: config } }),
});
const userProvided = (secret: Partial<Backup['secret']> = {}, config = USER_PROVIDED) =>
  backupOf(
    { ca: ca.certPem, cert: leaf.certPem, key: new Sensitive(leaf.keyPem), ...secret },
    config,
  );
const errors = (backup: Backup, current?: string) =>
  backupFindings(backup, current, now)
    .filter((f) => f.severity === 'error')
    .map((f) => f.message);

test('a good user-provided pair and a good self-signed pair pass', () => {
  assert.deepEqual(errors(userProvided()), []);
  const selfSigned = backupOf(
    { cert: leaf.certPem + ca.certPem, key: new Sensitive(leaf.keyPem) },
    SELF_SIGNED,
  );
  assert.deepEqual(errors(selfSigned), []);
});

test('each broken part is named: key, certificate, CA, names, config', () => {
  const cases: [string, Backup, RegExp][] = [
    [
      'another key',
      userProvided({ key: new Sensitive(other.leaf.keyPem) }),
      /tls\.key .*(does not match|cannot be used)/,
    ],
    [
      'a truncated key',
      userProvided({ key: new Sensitive(leaf.keyPem.slice(0, 200)) }),
      /tls\.key cannot be used/,
    ],
    ['a garbage key', userProvided({ key: new Sensitive('garbage') }), /tls\.key cannot be used/],
    [
      'a truncated tls.crt',
      userProvided({ cert: leaf.certPem.slice(0, 300) }),
      /tls\.crt is truncated/,
    ],
    [
      'a CA that did not sign it',
      userProvided({ ca: other.ca.certPem }),
      /does not chain to a CA in the backup's ca\.crt/,
    ],
    ['no ca.crt', userProvided({ ca: undefined }), /ca\.crt is missing/],
    [
      'a config the controller cannot read',
      userProvided({}, 'selfSignedCert: [\n'),
      /the backup's antrea-controller\.conf is not valid YAML/,
    ],
  ];
  for (const [what, backup, expected] of cases) {
    const found = errors(backup);
    assert.ok(
      found.some((m) => expected.test(m)),
      `${what}: ${found.join(' | ')}`,
    );
  }
});

test('the mode comes from the backup, else from the cluster: a self-signed tls.crt needs its CA', () => {
  const leafOnly = backupOf({ cert: leaf.certPem, key: new Sensitive(leaf.keyPem) });
  assert.match(
    errors(leafOnly, SELF_SIGNED).join(),
    /the CA after the certificate in the backup's tls\.crt is missing/,
  );
  // Read as user-provided (the cluster's config), the same Secret lacks ca.crt.
  assert.match(errors(leafOnly, USER_PROVIDED).join(), /the backup's ca\.crt is missing/);
});

test('a Secret that did not exist, or a self-signed one without a pair, has nothing to check', () => {
  const absent: Backup = {
    ...userProvided(),
    secret: { name: 'antrea-controller-tls', existed: false },
  };
  assert.deepEqual(errors(absent), []);
  assert.deepEqual(errors(backupOf({}, SELF_SIGNED)), []);
});
