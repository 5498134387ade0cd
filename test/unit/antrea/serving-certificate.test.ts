// What Antrea's serving certificate carries, and the cert-manager Certificate
// that asks for it: names, usages, durations in cert-manager's Go format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servingDnsNames } from '../../../src/antrea/serving-certificate.ts';
import {
  antreaCertificate,
  defaultRenewBefore,
  goDuration,
} from '../../../src/antrea/cert-manager-certificate.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test("the DNS names, in the order of Antrea's own certificate, extras after, no duplicates", () => {
  assert.deepEqual(servingDnsNames('kube-system', 'cluster.local'), [
    'antrea',
    'antrea.kube-system',
    'antrea.kube-system.svc',
    'antrea.kube-system.svc.cluster.local',
  ]);
  assert.deepEqual(servingDnsNames('antrea', 'corp.example', ['antrea', 'api.example.org']), [
    'antrea',
    'antrea.antrea',
    'antrea.antrea.svc',
    'antrea.antrea.svc.corp.example',
    'api.example.org',
  ]);
});

test("cert-manager's durations as Go prints them: 8760h0m0s, 1h30m0s, 5m0s, 2s", () => {
  assert.equal(goDuration(365 * DAY), '8760h0m0s');
  assert.equal(goDuration(90 * 60_000), '1h30m0s');
  assert.equal(goDuration(5 * 60_000), '5m0s');
  assert.equal(goDuration(61_000), '1m1s');
  assert.equal(goDuration(1500), '2s');
  assert.equal(goDuration(0), '0s');
  assert.equal(defaultRenewBefore(365 * DAY), 30 * DAY);
  assert.equal(defaultRenewBefore(30 * DAY), 10 * DAY);
  assert.equal(defaultRenewBefore(2 * HOUR), 40 * 60_000);
});

test('the Certificate: secretName, usages, key rotation and the key of each algorithm', () => {
  const certificate = antreaCertificate({
    namespace: 'kube-system',
    dnsNames: ['antrea.kube-system.svc'],
    issuer: { name: 'ca', kind: 'ClusterIssuer' },
    keyAlgorithm: 'ecdsa-p384',
    durationMs: 365 * DAY,
    renewBeforeMs: 30 * DAY,
  });
  assert.equal(certificate.apiVersion, 'cert-manager.io/v1');
  assert.deepEqual(certificate.metadata, {
    name: 'antrea-controller-tls',
    namespace: 'kube-system',
  });
  assert.deepEqual(certificate.spec, {
    secretName: 'antrea-controller-tls',
    commonName: 'antrea',
    dnsNames: ['antrea.kube-system.svc'],
    usages: ['digital signature', 'key encipherment', 'server auth'],
    duration: '8760h0m0s',
    renewBefore: '720h0m0s',
    privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' },
    issuerRef: { name: 'ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
  });
  const rsa = antreaCertificate({
    namespace: 'x',
    dnsNames: [],
    issuer: { name: 'ca', kind: 'Issuer' },
    keyAlgorithm: 'rsa-3072',
    durationMs: DAY,
    renewBeforeMs: HOUR,
  });
  assert.deepEqual(rsa.spec?.privateKey, {
    algorithm: 'RSA',
    size: 3072,
    rotationPolicy: 'Always',
  });
  assert.equal(rsa.spec?.ipAddresses, undefined, 'no ipAddresses field without --ip-address');
  const withIps = antreaCertificate({
    namespace: 'x',
    dnsNames: [],
    ipAddresses: ['10.0.0.1', '2001:db8::1'],
    issuer: { name: 'ca', kind: 'Issuer' },
    keyAlgorithm: 'rsa-2048',
    durationMs: DAY,
    renewBeforeMs: HOUR,
  });
  assert.deepEqual(withIps.spec?.ipAddresses, ['10.0.0.1', '2001:db8::1']);
});
