// verify's checks of the cert-manager Certificate that owns the Secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certManagerChecks } from '../../../src/report/verify/cert-manager.ts';
import { describeCertificate } from '../../../src/antrea/cert-manager-certificate.ts';
import { renewalChecks } from '../../../src/report/verify/renewal.ts';
import { renewalOf, RENEWAL_RULES } from '../../../src/antrea/renewal.ts';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';

const object = (ready: string, renewBefore?: string) =>
  describeCertificate('antrea-controller-tls', {
    metadata: { name: 'antrea-controller-tls' },
    spec: {
      issuerRef: { name: 'ca-issuer' },
      ...(renewBefore ? { renewBefore } : {}),
    },
    status: {
      conditions: [{ type: 'Ready', status: ready, reason: 'Failed', message: 'no CA' }],
      renewalTime: '2027-10-29T00:00:00Z',
    },
  });

const summary = (checks: ReturnType<typeof certManagerChecks>) =>
  checks.map((c) => `${c.status} ${c.id}: ${c.message}`);

test('no Certificate named: no check', () => {
  assert.deepEqual(certManagerChecks(undefined, 'kube-system'), []);
});

test('Ready passes with the issuer and the renewal time; not Ready warns with the reason', () => {
  assert.deepEqual(summary(certManagerChecks(object('True', '720h0m0s'), 'kube-system')), [
    'pass cert-manager-certificate:antrea-controller-tls: cert-manager Certificate antrea-controller-tls is Ready, issued by Issuer ca-issuer; renews at 2027-10-29T00:00:00Z',
  ]);
  const notReady = certManagerChecks(object('False'), 'kube-system');
  assert.deepEqual(summary(notReady), [
    'warn cert-manager-certificate:antrea-controller-tls: cert-manager Certificate antrea-controller-tls is not Ready (Failed: no CA), issued by Issuer ca-issuer',
  ]);
  assert.equal(
    notReady[0]?.hint,
    'kubectl -n kube-system describe certificate antrea-controller-tls',
  );
});

test('renewBefore shorter than the kubelet refresh plus the reload warns; 2m does not', () => {
  const late = certManagerChecks(object('True', '90s'), 'ns');
  assert.equal(late.length, 2);
  assert.match(late[1]?.message ?? '', /renews 1m before expiry, less than the 2m /);
  assert.equal(late[1]?.status, 'warn');
  assert.equal(certManagerChecks(object('True', '2m0s'), 'ns').length, 1);
  assert.equal(certManagerChecks(object('True', 'nonsense'), 'ns').length, 1);
});

test('a Certificate that does not exist warns that nothing renews the pair', () => {
  const [check] = certManagerChecks(describeCertificate('gone'), 'ns');
  assert.equal(check?.status, 'warn');
  assert.match(
    check?.message ?? '',
    /names cert-manager Certificate gone, which does not exist in ns: nothing renews/,
  );
});

test("a failed renewal: the Certificate's lastFailureTime, and renewal-overdue quotes it", async () => {
  const message =
    'The certificate request has failed to complete and will be retried: Issuer ca-issuer is not Ready';
  const state = describeCertificate('antrea-controller-tls', {
    metadata: { name: 'antrea-controller-tls' },
    spec: { issuerRef: { name: 'ca-issuer' } },
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'Issuing', status: 'False', reason: 'Failed', message },
      ],
      renewalTime: new Date(now.getTime() - 10 * DAY).toISOString(),
      lastFailureTime: '2026-12-01T10:00:00Z',
      failedIssuanceAttempts: 3,
    },
  });
  assert.deepEqual(state.lastFailure, { at: '2026-12-01T10:00:00Z', attempts: 3, message });
  const pair = await servingPair({ days: 40 });
  const [leaf] = parseCertificates(pair.leaf.certPem, 'tls.crt');
  assert.ok(leaf);
  const servingRenewal = renewalOf(RENEWAL_RULES.certManager, leaf, now, {
    renewalTime: new Date(now.getTime() - 10 * DAY),
  });
  const [check] = renewalChecks({ servingRenewal, certManager: state }, leaf, {
    now,
    failWithin: 7 * DAY,
  });
  assert.equal(check?.status, 'warn');
  assert.match(
    check?.message ?? '',
    new RegExp(
      `cert-manager renews .*; its issuance failed 3 times, last at 2026-12-01T10:00:00Z: ${message}$`,
    ),
  );
  // Renewed since: cert-manager clears lastFailureTime, and nothing is quoted.
  const renewed = describeCertificate('antrea-controller-tls', {
    metadata: { name: 'antrea-controller-tls' },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });
  assert.equal(renewed.lastFailure, undefined);
});
