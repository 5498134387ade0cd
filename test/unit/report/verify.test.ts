// verify's checks (src/report/verify/) of installations built here: what
// fails, what is named, and the exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extendedUsage } from '../../testbed/pki.ts';
import { statusFrom } from '../../../src/report/status.ts';
import { exitCodeForChecks } from '../../../src/errors.ts';
import { renderChecks } from '../../../src/render/checks.ts';
import { createStyle } from '../../../src/render/style.ts';
import { Sensitive } from '../../../src/sensitive.ts';
import type { Installation } from '../../../src/antrea/installation.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { consumers, selfSigned } from '../../support/installation.ts';
import { verify } from '../../support/report.ts';

const healthy = await servingPair();

test('a differing webhook and an unanswered APIService fail verify and are named', async () => {
  const other = await servingPair();
  const inst = selfSigned(healthy);
  const changed: Installation = {
    ...inst,
    consumers: inst.consumers.map((c) =>
      c.webhook === 'acnpvalidator.antrea.io' ? { ...c, caBundle: other.ca.certPem } : c,
    ),
  };
  const report = verify(changed, [
    { groupVersion: 'controlplane.antrea.io/v1beta2', status: 503, message: 'service unavailable' },
  ]);
  const failed = report.checks.filter((c) => c.status === 'fail');
  assert.ok(
    failed.some(
      (c) =>
        c.object === 'ValidatingWebhookConfiguration/crdvalidator.antrea.io' &&
        /webhook acnpvalidator\.antrea\.io: caBundle differs/.test(c.message),
    ),
  );
  assert.ok(
    failed.some(
      (c) =>
        c.object === 'APIService/v1beta2.controlplane.antrea.io' &&
        /answered 503 \(service unavailable\)/.test(c.message),
    ),
  );
  assert.equal(exitCodeForChecks(report, false), 2);
  const status = statusFrom({ installation: changed, now, warnWithin: 30 * DAY });
  assert.deepEqual(
    status.consumers.filter((c) => !c.caBundleMatches).map((c) => c.webhook),
    ['acnpvalidator.antrea.io'],
  );
});

test('a missing antrea-ca fails and its consumers are not compared', () => {
  const { caConfigMap: _ca, ...rest } = selfSigned(healthy);
  const report = verify(rest);
  assert.equal(report.checks[0]?.status, 'fail');
  assert.match(report.checks[0]?.message ?? '', /ConfigMap antrea-ca does not exist/);
  assert.match(
    statusFrom({ installation: rest, now, warnWithin: 30 * DAY }).warnings.join('\n'),
    /antrea-ca is missing/,
  );
});

test('user-provided: ca.crt missing, wrong key, wrong usages and a tls.crt from another CA all fail', async () => {
  const user = await servingPair();
  const base = selfSigned(user);
  const userProvided = (secret: Partial<NonNullable<Installation['tlsSecret']>>): Installation => ({
    ...base,
    config: { name: 'antrea-config', text: 'selfSignedCert: false\n', resourceVersion: '1' },
    tlsSecret: { ...(base.tlsSecret as NonNullable<Installation['tlsSecret']>), ...secret },
    caConfigMap: { resourceVersion: '3', bundle: user.ca.certPem },
    consumers: consumers(user.ca.certPem),
  });
  const good = userProvided({ ca: user.ca.certPem, cert: user.leaf.certPem });
  assert.equal(
    verify(good).summary.failed,
    0,
    renderChecks(verify(good), { style: createStyle(false) }),
  );
  assert.equal(statusFrom({ installation: good, now, warnWithin: 30 * DAY }).mode, 'user-provided');

  const { ca: _ca, ...withoutCa } = good.tlsSecret as NonNullable<Installation['tlsSecret']>;
  const noCa = { ...good, tlsSecret: withoutCa };
  assert.match(
    statusFrom({ installation: noCa, now, warnWithin: 30 * DAY }).warnings.join('\n'),
    /has no ca\.crt: the controller cannot start/,
  );
  assert.ok(
    verify(noCa).checks.some(
      (c) =>
        c.status === 'fail' &&
        /the ca\.crt of Secret\/antrea-controller-tls is missing/.test(c.message),
    ),
  );

  const other = await servingPair();
  const wrongKey = verify(
    userProvided({
      ca: user.ca.certPem,
      cert: user.leaf.certPem,
      key: new Sensitive(other.leaf.keyPem),
    }),
  );
  assert.ok(
    wrongKey.checks.some(
      (c) =>
        c.status === 'fail' &&
        /the tls\.key of .* does not match the tls\.crt of .*: it is the key of another certificate/.test(
          c.message,
        ),
    ),
  );

  const foreign = verify(
    userProvided({
      ca: user.ca.certPem,
      cert: other.leaf.certPem,
      key: new Sensitive(other.leaf.keyPem),
    }),
  );
  assert.ok(
    foreign.checks.some(
      (c) =>
        c.status === 'fail' && /does not chain to a CA in the ca\.crt of Secret/.test(c.message),
    ),
  );

  const clientOnly = await servingPair({ eku: [extendedUsage.clientAuth] });
  const eku = verify({
    ...userProvided({
      ca: clientOnly.ca.certPem,
      cert: clientOnly.leaf.certPem,
      key: new Sensitive(clientOnly.leaf.keyPem),
    }),
    caConfigMap: { resourceVersion: '4', bundle: clientOnly.ca.certPem },
    consumers: consumers(clientOnly.ca.certPem),
  });
  assert.ok(
    eku.checks.some(
      (c) => c.status === 'fail' && /lacks the server auth extended key usage/.test(c.message),
    ),
  );
});

test('two controllers of a release that keeps its pair in the Pod fail; in v2 they share the Secret', () => {
  const second = {
    name: 'antrea-controller-b',
    phase: 'Running',
    ready: true,
    restarts: 0,
    deleting: false,
  };
  const podHeld = selfSigned(healthy, 'v1.12.3');
  const two = (inst: Installation): Installation => ({ ...inst, pods: [...inst.pods, second] });
  const failed = verify(two(podHeld)).checks.find((c) => c.id === 'controller-count');
  assert.equal(failed?.status, 'fail');
  assert.match(
    failed?.message ?? '',
    /2 antrea-controller Pods each make their own self-signed CA/,
  );
  assert.match(failed?.hint ?? '', /scale deployment\/antrea-controller --replicas=1/);
  assert.equal(
    verify(podHeld).checks.find((c) => c.id === 'controller-count'),
    undefined,
  );
  assert.equal(
    verify(two(selfSigned(healthy))).checks.find((c) => c.id === 'controller-count'),
    undefined,
  );
});

test('a caBundle or ca.crt owned by another field manager warns, with Argo CD ignoreDifferences once', () => {
  const base = selfSigned(healthy);
  const inst: Installation = {
    ...base,
    consumers: base.consumers.map((c) =>
      c.kind === 'APIService' || c.webhook === 'acnpvalidator.antrea.io'
        ? { ...c, caBundleOwners: ['antrea-controller', 'argocd-controller'] }
        : { ...c, caBundleOwners: ['antrea-controller', 'kubectl-antrea-certs'] },
    ),
    caConfigMap: { resourceVersion: '1', bundle: base.caConfigMap?.bundle, owners: ['kapp'] },
  };
  const owned = verify(inst).checks.filter((c) => c.id.startsWith('field-owner:'));
  assert.deepEqual(
    owned.map((c) => [c.id, c.status]),
    [
      ['field-owner:APIService/v1beta2.controlplane.antrea.io', 'warn'],
      ['field-owner:ValidatingWebhookConfiguration/crdvalidator.antrea.io', 'warn'],
      ['field-owner:ConfigMap/antrea-ca', 'warn'],
    ],
  );
  assert.match(
    owned[0]?.message ?? '',
    /also owned by argocd-controller: a tool that syncs it reverts/,
  );
  assert.match(
    owned[0]?.detail?.join('\n') ?? '',
    /kind: APIService\n\s+jsonPointers: \[\/spec\/caBundle\]/,
  );
  assert.match(owned[0]?.detail?.join('\n') ?? '', /name: antrea-ca/);
  assert.equal(owned[1]?.detail, undefined);
  assert.equal(verify(base).checks.filter((c) => c.id.startsWith('field-owner:')).length, 0);
  const text = renderChecks(verify(inst), { style: createStyle(false) });
  assert.match(
    text,
    /hint: make argocd-controller ignore the field[^\n]*\n {4}spec:\n {6}ignoreDifferences:/,
  );
});
