// The status report (src/report/status.ts) of installations built here, and
// the verify checks that go with what it warns about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusFrom } from '../../../src/report/status.ts';
import { verifyFrom } from '../../../src/report/verify/verify.ts';
import { exitCodeForChecks } from '../../../src/errors.ts';
import { renderChecks } from '../../../src/render/checks.ts';
import { createStyle } from '../../../src/render/style.ts';
import { renderStatus } from '../../../src/render/status.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { selfSigned } from '../../support/installation.ts';
import { probesOk, verify } from '../../support/report.ts';

const healthy = await servingPair();

test('a healthy self-signed installation: all consumers match, no warnings, verify passes', () => {
  const status = statusFrom({ installation: selfSigned(healthy), now, warnWithin: 30 * DAY });
  assert.equal(status.mode, 'self-signed');
  assert.equal(status.selfSignedPairStorage, 'secret');
  assert.equal(status.antreaVersion, 'v2.7.0');
  assert.equal(status.servingCertificate?.subject, 'CN=antrea@1');
  assert.equal(status.servingChain?.chainsToPublishedCA, true);
  assert.equal(status.caBundle.certificates.length, 2);
  assert.ok(status.consumers.every((c) => c.caBundleMatches));
  assert.deepEqual(status.warnings, []);
  const report = verify(selfSigned(healthy));
  assert.equal(report.summary.failed, 0, renderChecks(report, { style: createStyle(false) }));
  assert.equal(exitCodeForChecks(report, false), 0);
});

test('warnings: expiring soon, a renewal overdue, weak keys, SHA-1 signatures, a missing SAN', async () => {
  const soon = statusFrom({
    installation: selfSigned(await servingPair({ days: 20 })),
    now,
    warnWithin: 30 * DAY,
  }).warnings.join('\n');
  assert.match(soon, /"CN=antrea@1" expires in 19d/);
  assert.match(
    soon,
    /renewal overdue since \S+, by antrea-controller \(it replaces its self-signed pair when less than 90 days remain/,
  );
  const weak = statusFrom({
    installation: selfSigned(await servingPair({ keyKind: 'rsa-1024' })),
    now,
    warnWithin: 30 * DAY,
  }).warnings.join('\n');
  assert.match(weak, /1024-bit RSA key/);
  const sha1 = statusFrom({
    installation: selfSigned(await servingPair({ keyKind: 'rsa-2048-sha1' })),
    now,
    warnWithin: 30 * DAY,
  }).warnings.join('\n');
  assert.match(sha1, /signed with SHA-1/);
  const noSan = statusFrom({
    installation: selfSigned(await servingPair({ dnsNames: ['antrea'] })),
    now,
    warnWithin: 30 * DAY,
  });
  assert.equal(noSan.servingChain?.hasServiceName, false);
  assert.match(noSan.warnings.join('\n'), /does not carry the DNS name antrea\.kube-system\.svc/);
  const expiring = verify(selfSigned(await servingPair({ days: 3 })));
  assert.ok(expiring.checks.some((c) => c.status === 'fail' && /expires in 2d/.test(c.message)));
  const future = await servingPair();
  const early = verify(selfSigned(future), probesOk);
  const notYet = verifyFrom({
    installation: selfSigned(future),
    probes: probesOk,
    now: new Date(now.getTime() - 2 * DAY),
    warnWithin: 30 * DAY,
    failWithin: 7 * DAY,
  });
  assert.equal(
    early.checks.some((c) => /not valid before/.test(c.message)),
    false,
  );
  assert.ok(
    notYet.checks.some(
      (c) => c.status === 'fail' && /"CN=antrea@1" is not valid before/.test(c.message),
    ),
  );
  const warnOnly = verify(selfSigned(await servingPair({ days: 20 })));
  assert.equal(warnOnly.summary.failed, 0);
  assert.equal(exitCodeForChecks(warnOnly, true), 3);
  assert.equal(exitCodeForChecks(warnOnly, false), 0);
});

test('a refused AntreaControllerInfo is a note: the version from the image tag, no warning', () => {
  const installation = {
    ...selfSigned(healthy),
    refusedDetails: ['AntreaControllerInfo' as const],
  };
  const { controllerInfoVersion: _dropped, ...withoutInfo } = installation;
  const status = statusFrom({ installation: withoutInfo, now, warnWithin: 30 * DAY });
  assert.equal(status.antreaVersion, 'v2.7.0');
  assert.equal(status.versionSource, 'image tag');
  assert.deepEqual(status.notes, [
    'you may not get antreacontrollerinfos (403 Forbidden): the Antrea version comes from the controller image tag.',
  ]);
  assert.deepEqual(status.warnings, []);
  const text = renderStatus(status, { style: createStyle(false), width: 100, wide: false });
  assert.match(text, /\nNotes\n {2}you may not get antreacontrollerinfos/);
  assert.deepEqual(
    statusFrom({ installation: selfSigned(healthy), now, warnWithin: 30 * DAY }).notes,
    [],
  );
});

test('Pods that may not be listed: readiness from the Deployment, a note, no warning of a missing Pod', () => {
  const base = selfSigned(healthy);
  const installation = { ...base, pods: [], refusedDetails: ['Pods' as const] };
  const status = statusFrom({ installation, now, warnWithin: 30 * DAY });
  assert.deepEqual(status.warnings, []);
  assert.deepEqual(status.notes, [
    "you may not list pods (403 Forbidden): the controller's readiness comes from Deployment antrea-controller.",
  ]);
  const text = renderStatus(status, { style: createStyle(false), width: 100, wide: false });
  assert.match(text, /\nController +1 of 1 ready\n/);
  const checks = (i: typeof installation) =>
    verifyFrom({ installation: i, probes: [], now, warnWithin: 30 * DAY, failWithin: 7 * DAY })
      .checks.filter((c) => c.id === 'controller-ready')
      .map((c) => `${c.status}: ${c.message}`);
  assert.deepEqual(checks(installation), [
    'pass: Deployment antrea-controller has 1 of 1 replicas ready (its Pods may not be listed)',
  ]);
  const down = { ...installation, deployment: { ...installation.deployment, readyReplicas: 0 } };
  assert.deepEqual(checks(down), [
    'fail: Deployment antrea-controller has 0 of 1 replicas ready (its Pods may not be listed)',
  ]);
  assert.match(
    statusFrom({ installation: down, now, warnWithin: 30 * DAY }).warnings.join('\n'),
    /Deployment antrea-controller has no ready replica\./,
  );
});

test('a cert-manager Certificate that may not be read is a note; one that is read shows in status and verify', () => {
  const base = selfSigned(healthy);
  const owned = {
    ...base,
    tlsSecret: base.tlsSecret && {
      ...base.tlsSecret,
      annotations: { 'cert-manager.io/certificate-name': 'antrea-controller-tls' },
    },
  };
  const refused = statusFrom({
    installation: { ...owned, refusedDetails: ['Certificate' as const] },
    now,
    warnWithin: 30 * DAY,
  });
  assert.deepEqual(refused.notes, [
    'you may not get certificates.cert-manager.io (403 Forbidden): the readiness and renewal of Certificate antrea-controller-tls are not shown.',
  ]);
  assert.equal(refused.certManager, null);
  const certManager = {
    name: 'antrea-controller-tls',
    found: true,
    ready: { status: 'True' },
    issuer: { name: 'ca-issuer', kind: 'ClusterIssuer' },
    renewalTime: '2027-10-29T00:00:00Z',
  };
  const read = statusFrom({
    installation: { ...owned, certManager },
    now,
    warnWithin: 30 * DAY,
  });
  const text = renderStatus(read, { style: createStyle(false), width: 100, wide: false });
  assert.match(text, /\nCertificate +Ready, ClusterIssuer ca-issuer, renews 2027-10-29\n/);
});
