// status and verify reports, and their rendering, from installations built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { issue, usage, extendedUsage, type Issued } from '../testbed/pki.ts';
import { buildStatus } from '../../src/report/status.ts';
import { runChecks, exitCodeForChecks, type Probe } from '../../src/report/verify.ts';
import { renderStatus } from '../../src/render/status.ts';
import { renderChecks } from '../../src/render/checks.ts';
import { renderData } from '../../src/render/data.ts';
import { createStyle, visibleLength } from '../../src/render/style.ts';
import { parseDuration, formatDuration } from '../../src/duration.ts';
import { Sensitive } from '../../src/sensitive.ts';
import type { Installation, Consumer } from '../../src/cluster/installation.ts';

const DAY = 86400e3;
const now = new Date();
const ns = 'kube-system';

async function pair(
  options: {
    days?: number;
    dnsNames?: string[];
    keyKind?: 'rsa-2048' | 'rsa-1024' | 'rsa-2048-sha1';
    eku?: string[];
  } = {},
) {
  const ca = await issue({
    commonName: 'antrea-ca@1',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature | usage.keyEncipherment,
    keyKind: options.keyKind ?? 'rsa-2048',
  });
  const leaf = await issue({
    commonName: 'antrea@1',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: options.eku ?? [extendedUsage.serverAuth],
    dnsNames: options.dnsNames ?? ['antrea', `antrea.${ns}.svc`],
    notAfter: new Date(now.getTime() + (options.days ?? 365) * DAY),
    keyKind: options.keyKind ?? 'rsa-2048',
  });
  return { ca, leaf };
}

const consumers = (bundle: string): Consumer[] => [
  {
    kind: 'APIService',
    name: 'v1beta2.controlplane.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    groupVersion: 'controlplane.antrea.io/v1beta2',
    available: { status: 'True' },
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'tiervalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'acnpvalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
  {
    kind: 'CustomResourceDefinition',
    name: 'ippools.crd.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
];

function selfSigned(p: { ca: Issued; leaf: Issued }, version = 'v2.7.0'): Installation {
  const bundle = p.leaf.certPem + p.ca.certPem;
  return {
    namespace: ns,
    namespaceSource: 'found',
    deployment: {
      name: 'antrea-controller',
      labels: {},
      annotations: {},
      image: `antrea/antrea-controller-ubuntu:${version}`,
      configMapName: 'antrea-config',
      secretName: 'antrea-controller-tls',
      apiPort: 10349,
      replicas: 1,
      readyReplicas: 1,
      rolledOut: true,
    },
    pods: [
      {
        name: 'antrea-controller-abc',
        phase: 'Running',
        ready: true,
        restarts: 0,
        deleting: false,
      },
    ],
    config: { name: 'antrea-config', text: 'selfSignedCert: true\n', resourceVersion: '1' },
    tlsSecret: {
      name: 'antrea-controller-tls',
      type: 'kubernetes.io/tls',
      resourceVersion: '1',
      labels: {},
      annotations: {},
      cert: bundle,
      key: new Sensitive(p.leaf.keyPem),
    },
    caConfigMap: { resourceVersion: '2', bundle },
    consumers: consumers(bundle),
    controllerInfoVersion: version,
  };
}

const probesOk: Probe[] = [{ groupVersion: 'controlplane.antrea.io/v1beta2', status: 200 }];
const verify = (installation: Installation, probes = probesOk) =>
  runChecks({ installation, probes, now, warnWithinMs: 30 * DAY, failWithinMs: 7 * DAY });

const healthy = await pair();

test('a healthy self-signed installation: all consumers match, no warnings, verify passes', () => {
  const status = buildStatus({ installation: selfSigned(healthy), now, warnWithinMs: 30 * DAY });
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

test('a differing webhook and an unanswered APIService fail verify and are named', async () => {
  const other = await pair();
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
  const status = buildStatus({ installation: changed, now, warnWithinMs: 30 * DAY });
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
    buildStatus({ installation: rest, now, warnWithinMs: 30 * DAY }).warnings.join('\n'),
    /antrea-ca is missing/,
  );
});

test('warnings: expiring soon, the 90-day window, weak keys, SHA-1 signatures, a missing SAN', async () => {
  const soon = buildStatus({
    installation: selfSigned(await pair({ days: 20 })),
    now,
    warnWithinMs: 30 * DAY,
  }).warnings.join('\n');
  assert.match(soon, /"CN=antrea@1" expires in 19d/);
  assert.match(soon, /inside the 90-day window/);
  const weak = buildStatus({
    installation: selfSigned(await pair({ keyKind: 'rsa-1024' })),
    now,
    warnWithinMs: 30 * DAY,
  }).warnings.join('\n');
  assert.match(weak, /1024-bit RSA key/);
  const sha1 = buildStatus({
    installation: selfSigned(await pair({ keyKind: 'rsa-2048-sha1' })),
    now,
    warnWithinMs: 30 * DAY,
  }).warnings.join('\n');
  assert.match(sha1, /signed with SHA-1/);
  const noSan = buildStatus({
    installation: selfSigned(await pair({ dnsNames: ['antrea'] })),
    now,
    warnWithinMs: 30 * DAY,
  });
  assert.equal(noSan.servingChain?.hasServiceName, false);
  assert.match(noSan.warnings.join('\n'), /does not carry the DNS name antrea\.kube-system\.svc/);
  const expiring = verify(selfSigned(await pair({ days: 3 })));
  assert.ok(expiring.checks.some((c) => c.status === 'fail' && /expires in 2d/.test(c.message)));
  const future = await pair();
  const early = verify(selfSigned(future), probesOk);
  const notYet = runChecks({
    installation: selfSigned(future),
    probes: probesOk,
    now: new Date(now.getTime() - 2 * DAY),
    warnWithinMs: 30 * DAY,
    failWithinMs: 7 * DAY,
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
  const warnOnly = verify(selfSigned(await pair({ days: 20 })));
  assert.equal(warnOnly.summary.failed, 0);
  assert.equal(exitCodeForChecks(warnOnly, true), 3);
  assert.equal(exitCodeForChecks(warnOnly, false), 0);
});

test('user-provided: ca.crt missing, wrong key, wrong usages and a tls.crt from another CA all fail', async () => {
  const user = await pair();
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
  assert.equal(
    buildStatus({ installation: good, now, warnWithinMs: 30 * DAY }).mode,
    'user-provided',
  );

  const { ca: _ca, ...withoutCa } = good.tlsSecret as NonNullable<Installation['tlsSecret']>;
  const noCa = { ...good, tlsSecret: withoutCa };
  assert.match(
    buildStatus({ installation: noCa, now, warnWithinMs: 30 * DAY }).warnings.join('\n'),
    /has no ca\.crt: the controller cannot start/,
  );
  assert.ok(
    verify(noCa).checks.some(
      (c) =>
        c.status === 'fail' &&
        /the ca\.crt of Secret\/antrea-controller-tls is missing/.test(c.message),
    ),
  );

  const other = await pair();
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

  const clientOnly = await pair({ eku: [extendedUsage.clientAuth] });
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

test('no private key appears in any rendering', () => {
  const inst = selfSigned(healthy);
  const status = buildStatus({ installation: inst, now, warnWithinMs: 30 * DAY });
  const report = verify(inst);
  const outputs = [
    renderStatus(status, { style: createStyle(false), width: 100, wide: true }),
    renderData(status, 'json'),
    renderData(status, 'yaml'),
    renderData(report, 'json'),
    renderChecks(report, { style: createStyle(true) }),
    JSON.stringify(inst),
  ];
  const keyBody = healthy.leaf.keyPem.split('\n')[1] ?? 'unreachable';
  for (const out of outputs) {
    assert.doesNotMatch(out, /PRIVATE KEY/);
    assert.ok(!out.includes(keyBody));
  }
});

test('the status table fits 100 columns even with long names, and json/yaml carry the documented fields', () => {
  const inst = selfSigned(healthy);
  const long: Installation = {
    ...inst,
    consumers: [
      ...inst.consumers,
      {
        kind: 'MutatingWebhookConfiguration',
        name: `${'very-long-webhook-configuration-name.'.repeat(4)}antrea.io`,
        webhook: 'x',
        caBundle: '',
        servedByLabel: false,
      },
    ],
  };
  const status = buildStatus({ installation: long, now, warnWithinMs: 30 * DAY });
  for (const style of [createStyle(false), createStyle(true)]) {
    const text = renderStatus(status, { style, width: 100, wide: false });
    const widths = text
      .split('\n')
      .filter((l) => !l.includes('‼'))
      .map(visibleLength);
    assert.ok(Math.max(...widths) <= 100, `widest line ${Math.max(...widths)}`);
    assert.match(text, /MutatingWebhook +very-long-webhook-configuration-name\.very-long.*…/);
    assert.match(text, /× empty/);
  }
  const json = JSON.parse(renderData(status, 'json')) as Record<string, unknown>;
  for (const field of [
    'mode',
    'namespace',
    'antreaVersion',
    'servingCertificate',
    'caBundle',
    'consumers',
    'warnings',
  ])
    assert.ok(field in json, field);
  const cert = (json.caBundle as { certificates: Record<string, unknown>[] }).certificates[0] ?? {};
  for (const field of ['subject', 'issuer', 'notBefore', 'notAfter', 'dnsNames', 'sha256'])
    assert.ok(field in cert, field);
  const consumer = (json.consumers as Record<string, unknown>[])[0] ?? {};
  for (const field of ['kind', 'name', 'caBundleMatches']) assert.ok(field in consumer, field);
  assert.deepEqual(yaml.load(renderData(status, 'yaml')), json);
});

test('durations', () => {
  assert.equal(parseDuration('30d', '--x'), 30 * DAY);
  assert.equal(parseDuration('720h', '--x'), 30 * DAY);
  assert.equal(parseDuration('1h30m', '--x'), 90 * 60e3);
  assert.equal(parseDuration('0', '--x'), 0);
  assert.throws(
    () => parseDuration('30 days', '--warn-within'),
    /--warn-within takes a duration like 30d/,
  );
  assert.throws(() => parseDuration('', '--x'), /takes a duration/);
  assert.equal(formatDuration(3 * DAY + 5), '3d');
  assert.equal(formatDuration(-2 * 3600e3), '-2h');
  assert.equal(formatDuration(42e3), '42s');
});
