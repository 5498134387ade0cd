// The facts audit rests on: which host paths reach /var/run/antrea, which
// releases lack the permission fixes, how the agent and controller configs
// select encryption and the signer, and the default PSK known by its hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPermissionFixes, reachOf } from '../../../src/antrea/host-files.ts';
import {
  isDefaultPsk,
  readIpsecSigner,
  readTrafficEncryption,
  supportsIpsecCertAuth,
} from '../../../src/antrea/ipsec.ts';
import { parseRelease } from '../../../src/antrea/versions.ts';

test('host paths that reach /var/run/antrea: itself, its parents, /run aliases, and paths inside', () => {
  for (const path of [
    '/',
    '/var',
    '/var/',
    '/var/run',
    '/run',
    '/var/run/antrea',
    '//var//run/antrea/',
    '/run/antrea',
    '/var/run/../run',
  ])
    assert.equal(reachOf(path), 'covers', path);
  for (const path of ['/var/run/antrea/openvswitch', '/run/antrea/openvswitch/conf.db'])
    assert.equal(reachOf(path), 'inside', path);
  for (const path of ['/data', '/var/lib', '/var/run/antrea-other', '/runner', '/var/log', '/etc'])
    assert.equal(reachOf(path), undefined, path);
});

test('file permissions: before v0.10 both fixes are missing, before v0.13 one, after none', () => {
  const missing = (v: string) => {
    const release = parseRelease(v);
    assert.ok(release);
    return missingPermissionFixes(release).map((f) => f.release);
  };
  assert.deepEqual(missing('v0.9.3'), ['v0.10.0', 'v0.13.0']);
  assert.deepEqual(missing('v0.12.0'), ['v0.13.0']);
  assert.deepEqual(missing('v0.13.0'), []);
  assert.deepEqual(missing('v1.0.0'), []);
});

test('traffic encryption from antrea-agent.conf, as the agent reads it', () => {
  assert.deepEqual(readTrafficEncryption(''), {
    mode: 'none',
    certAuthGate: false,
    source: 'default',
  });
  assert.deepEqual(readTrafficEncryption('trafficEncryptionMode: "IPsec"\n'), {
    mode: 'ipsec',
    ipsecAuthentication: 'psk',
    certAuthGate: false,
    source: 'trafficEncryptionMode',
  });
  const cert = readTrafficEncryption(
    'featureGates:\n  IPsecCertAuth: true\ntrafficEncryptionMode: ipsec\nipsec:\n  authenticationMode: CERT\n',
  );
  assert.deepEqual(cert, {
    mode: 'ipsec',
    ipsecAuthentication: 'cert',
    certAuthGate: true,
    source: 'trafficEncryptionMode',
  });
  assert.deepEqual(readTrafficEncryption('trafficEncryptionMode: wireGuard'), {
    mode: 'wireguard',
    certAuthGate: false,
    source: 'trafficEncryptionMode',
  });
  assert.deepEqual(
    readTrafficEncryption(
      'trafficEncryptionMode: none\nenableIPSecTunnel: true\nfeatureGates: {AllAlpha: true}\nipsec: {authenticationMode: cert}',
    ),
    { mode: 'ipsec', ipsecAuthentication: 'cert', certAuthGate: true, source: 'enableIPSecTunnel' },
  );
  assert.equal(
    (
      readTrafficEncryption('featureGates: {AllAlpha: true, IPsecCertAuth: false}') as {
        certAuthGate: boolean;
      }
    ).certAuthGate,
    false,
  );
  assert.deepEqual(readTrafficEncryption('enableIPSecTunnel: true'), {
    mode: 'ipsec',
    ipsecAuthentication: 'psk',
    certAuthGate: false,
    source: 'enableIPSecTunnel',
  });
  assert.match(
    (readTrafficEncryption('trafficEncryptionMode: gre') as { error: string }).error,
    /is "gre", not none, ipsec or wireGuard/,
  );
  assert.match((readTrafficEncryption('a: [') as { error: string }).error, /not valid YAML/);
  assert.match((readTrafficEncryption('- a') as { error: string }).error, /not a YAML mapping/);
});

test("the controller's signer settings default to auto-approval and a self-signed CA", () => {
  assert.deepEqual(readIpsecSigner(''), {
    certAuthGate: false,
    autoApprove: true,
    selfSignedCa: true,
  });
  assert.deepEqual(
    readIpsecSigner('featureGates: {IPsecCertAuth: true}\nipsecCSRSigner:\n  autoApprove: false\n'),
    { certAuthGate: true, autoApprove: false, selfSignedCa: true },
  );
});

test('the default PSK is recognised by its hash, with or without a trailing newline', () => {
  assert.equal(isDefaultPsk('changeme'), true);
  assert.equal(isDefaultPsk('changeme\n'), true);
  assert.equal(isDefaultPsk('changeme2'), false);
  assert.equal(supportsIpsecCertAuth({ major: 1, minor: 6, patch: 9 }), false);
  assert.equal(supportsIpsecCertAuth({ major: 1, minor: 7, patch: 0 }), true);
});
