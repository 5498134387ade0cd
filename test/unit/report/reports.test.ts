// Every report built from a fixture snapshot, with no client at all: the
// objects as the API server sends them go in, status, verify, audit and
// status --all come out (src/antrea/installation.ts, src/report/{status,verify/verify,audit/audit,inventory}.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installationOf } from '../../../src/antrea/installation.ts';
import type { IpsecObjects, SecurityObjects, Snapshot } from '../../../src/antrea/snapshot.ts';
import { auditOf } from '../../../src/report/audit/audit.ts';
import { inventoryOf } from '../../../src/report/inventory.ts';
import { statusOf } from '../../../src/report/status.ts';
import { verifyOf } from '../../../src/report/verify/verify.ts';
import { runsOtherMode } from '../../../src/report/verify/unfinished-change.ts';
import { tryParse } from '../../../src/certs/try-parse.ts';
import { ExitCode, NotInstalledError, exitCodeForChecks } from '../../../src/errors.ts';
import { modeOf } from '../../../src/antrea/mode.ts';
import { servedWanted } from '../../../src/antrea/serving.ts';
import { renderChecks } from '../../../src/render/checks.ts';
import { createStyle } from '../../../src/render/style.ts';
import type * as k8s from '../../../src/kube/objects.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import {
  configMap,
  consumerObjects,
  controllerDeployment,
  readyPod,
  noIpsec,
  noSecurity,
  selfSignedSnapshot,
} from '../../support/snapshot.ts';

const pair = await servingPair();
const foreign = await servingPair({ caName: 'someone-else' });
const healthy = selfSignedSnapshot(pair);
const thresholds = { warnWithin: 30 * DAY, failWithin: 7 * DAY };
const b64 = (text: string) => Buffer.from(text).toString('base64');

const verify = (snapshot: Snapshot) => {
  const report = verifyOf(snapshot, now, thresholds);
  const find = (id: string) => report.checks.find((c) => c.id.startsWith(id));
  return { report, find, status: (id: string) => find(id)?.status };
};
const withConfig = (controller: string, agent = 'trafficEncryptionMode: none\n') => [
  configMap('antrea-config', {
    'antrea-controller.conf': controller,
    'antrea-agent.conf': agent,
  }),
  configMap('antrea-ca', { 'ca.crt': pair.leaf.certPem + pair.ca.certPem }),
];

test('installationOf: the controller, its config, Secret, antrea-ca and consumers', () => {
  const inst = installationOf(healthy);
  assert.equal(inst.deployment.configMapName, 'antrea-config');
  assert.equal(inst.config?.text, 'selfSignedCert: true\n');
  assert.equal(inst.config?.agentText, 'trafficEncryptionMode: none\n');
  assert.equal(inst.tlsSecret?.cert, pair.leaf.certPem + pair.ca.certPem);
  assert.equal(inst.tlsSecret?.key?.reveal(), pair.leaf.keyPem);
  assert.equal(inst.caConfigMap?.bundle, pair.leaf.certPem + pair.ca.certPem);
  assert.deepEqual(
    inst.consumers.map((c) => `${c.kind}/${c.name}`),
    [
      'APIService/v1beta2.controlplane.antrea.io',
      'ValidatingWebhookConfiguration/crdvalidator.antrea.io',
      'CustomResourceDefinition/ippools.crd.antrea.io',
    ],
  );
  assert.deepEqual(inst.consumers[0]?.caBundleOwners, ['antrea-controller']);
  assert.equal(inst.controllerInfoVersion, 'v2.7.0');
  assert.equal(inst.refusedDetails, undefined);
});

test('installationOf: the config the Deployment mounts under another name (v1.0) is found', () => {
  const deployment = controllerDeployment('v1.0.0');
  const volumes = deployment.spec?.template?.spec?.volumes ?? [];
  volumes[0] = { name: 'antrea-config', configMap: { name: 'antrea-config-7b5c8' } };
  const inst = installationOf(
    selfSignedSnapshot(pair, {
      deployment,
      configMaps: [configMap('antrea-config-7b5c8', { 'antrea-controller.conf': '' })],
    }),
  );
  assert.equal(inst.config?.name, 'antrea-config-7b5c8');
  assert.equal(inst.caConfigMap, undefined);
});

test('installationOf: no Deployment is NotInstalledError, worded by how the namespace was chosen', () => {
  const none = (namespaceSource: Snapshot['namespaceSource']) => () =>
    installationOf({ ...healthy, deployment: undefined, namespaceSource });
  assert.throws(none('flag'), (e: unknown) => {
    assert.ok(e instanceof NotInstalledError);
    assert.match(e.message, /no antrea-controller Deployment in namespace kube-system/);
    return true;
  });
  assert.throws(none('default'), /visible to you, nor antrea-controller in kube-system/);
});

test('installationOf: refused reads become notes, the legacy AntreaControllerInfo gives the version', () => {
  const inst = installationOf(
    selfSignedSnapshot(pair, {
      tlsSecret: { refused: 'forbidden' },
      pods: { refused: 'forbidden' },
      controllerInfos: [
        { refused: 'forbidden' },
        { value: { metadata: { name: 'antrea-controller' }, version: 'v1.2.0' } },
      ],
      certificate: { name: 'antrea', object: { refused: 'forbidden' } },
    }),
  );
  assert.deepEqual(inst.refusedDetails, ['Certificate', 'Secret', 'Pods']);
  assert.equal(inst.controllerInfoVersion, 'v1.2.0');
  assert.equal(inst.tlsSecret, undefined);
  assert.deepEqual(inst.pods, []);
  const refusedInfo = installationOf(
    selfSignedSnapshot(pair, { controllerInfos: [{ refused: 'no' }, { notServed: true }] }),
  );
  assert.deepEqual(refusedInfo.refusedDetails, ['AntreaControllerInfo']);
});

test('installationOf: a missing cert-manager Certificate is "not found", a present one described', () => {
  const missing = installationOf(
    selfSignedSnapshot(pair, { certificate: { name: 'antrea', object: { notServed: true } } }),
  );
  assert.deepEqual(missing.certManager, { name: 'antrea', found: false });
  const ready = installationOf(
    selfSignedSnapshot(pair, {
      certificate: {
        name: 'antrea',
        object: {
          value: {
            spec: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, duration: '2160h' },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          },
        },
      },
    }),
  );
  assert.equal(ready.certManager?.ready?.status, 'True');
  assert.deepEqual(ready.certManager?.issuer, { name: 'ca', kind: 'ClusterIssuer' });
});

test('statusOf: mode, serving certificate and consumers; the IPsec block only with IPsec objects', () => {
  const report = statusOf(healthy, now, thresholds.warnWithin);
  assert.equal(report.mode, 'self-signed');
  assert.equal(report.selfSignedPairStorage, 'secret');
  assert.equal(report.servingCertificate?.subject, 'CN=antrea@1');
  assert.equal(report.consumers.length, 3);
  assert.equal(report.ipsec, null);
  const ipsec: IpsecObjects = {
    pskSecret: { value: { exists: true, isDefault: true } },
    caBundle: { value: undefined },
    requests: { value: [] },
  };
  const withIpsec = statusOf(
    selfSignedSnapshot(pair, {
      configMaps: withConfig('selfSignedCert: true\n', 'trafficEncryptionMode: ipsec\n'),
      ipsec,
    }),
    now,
    thresholds.warnWithin,
  );
  assert.equal(withIpsec.ipsec?.authenticationMode, 'psk');
  assert.equal(
    withIpsec.ipsec &&
      'defaultKey' in withIpsec.ipsec.pskSecret &&
      withIpsec.ipsec.pskSecret.defaultKey,
    true,
  );
});

test('verifyOf: a healthy installation passes every check', () => {
  const { report } = verify(healthy);
  assert.deepEqual(
    report.checks.map((c) => `${c.id.replace(/:[0-9a-f]{64}$/, ':<sha256>')} ${c.status}`),
    [
      'ca-published pass',
      'ca-bundle:APIService/v1beta2.controlplane.antrea.io pass',
      'ca-bundle:ValidatingWebhookConfiguration/crdvalidator.antrea.io pass',
      'ca-bundle:CustomResourceDefinition/ippools.crd.antrea.io pass',
      'published:Secret/antrea-controller-tls pass',
      'answers:APIService/v1beta2.controlplane.antrea.io pass',
      'expiry:<sha256> pass',
      'expiry:<sha256> pass',
      'renewal-overdue:serving pass',
      'controller-ready pass',
    ],
  );
  assert.equal(exitCodeForChecks(report, false), 0);
});

test('verifyOf: each failure from the objects that cause it', () => {
  const foreignBundle = foreign.leaf.certPem + foreign.ca.certPem;
  const stale = consumerObjects(foreignBundle);
  assert.equal(
    verify({ ...healthy, apiServices: stale.apiServices }).status(
      'ca-bundle:APIService/v1beta2.controlplane.antrea.io',
    ),
    'fail',
  );
  assert.equal(
    verify({ ...healthy, configMaps: withConfig('selfSignedCert: true\n').slice(0, 1) }).status(
      'ca-published',
    ),
    'fail',
  );
  assert.equal(
    verify({
      ...healthy,
      probes: [{ groupVersion: 'controlplane.antrea.io/v1beta2', status: 503, message: 'x509' }],
    }).status('answers:'),
    'fail',
  );
  const otherPair: k8s.Secret = {
    metadata: { name: 'antrea-controller-tls', resourceVersion: '4' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(foreignBundle), 'tls.key': b64(foreign.leaf.keyPem) },
  };
  assert.equal(
    verify({ ...healthy, tlsSecret: { value: otherPair } }).status('published:'),
    'fail',
  );
  const notReady: k8s.Pod = { ...readyPod(), status: { phase: 'Pending', conditions: [] } };
  assert.equal(
    verify({ ...healthy, pods: { value: [notReady] } }).status('controller-ready'),
    'fail',
  );
});

test('verifyOf: expiry warns within --warn-within and fails within --fail-within', async () => {
  for (const [days, status] of [
    [20, 'warn'],
    [5, 'fail'],
  ] as const) {
    const short = await servingPair({ days });
    const { report } = verify(selfSignedSnapshot(short));
    const leaf = report.checks.find(
      (c) => c.id.startsWith('expiry:') && /antrea@1/.test(c.message),
    );
    assert.equal(leaf?.status, status, `${days} days left`);
  }
});

test('verifyOf: user-provided mode without its Secret fails; a refused Secret is not checked', () => {
  const userProvided = selfSignedSnapshot(pair, {
    configMaps: withConfig('selfSignedCert: false\n'),
    tlsSecret: { value: undefined },
  });
  assert.equal(verify(userProvided).status('exists:Secret/antrea-controller-tls'), 'fail');
  const viewer = verify({
    ...userProvided,
    tlsSecret: { refused: 'forbidden' },
    served: { unseen: 'no controller Pod is ready' },
  });
  assert.equal(viewer.status('not-checked:Secret/antrea-controller-tls'), 'warn');
  assert.equal(viewer.status('not-checked:serving-certificate'), 'warn');
});

test('verifyOf: a persisted self-signed pair whose Secret is gone warns; the same in the Pod says nothing', () => {
  const gone = verify(selfSignedSnapshot(pair, { tlsSecret: { value: undefined } }));
  assert.equal(gone.status('exists:Secret/antrea-controller-tls'), 'warn');
  assert.match(gone.find('exists:Secret')?.message ?? '', /writes a new one with a new CA/);
  assert.equal(
    verify(selfSignedSnapshot(pair)).status('exists:Secret/antrea-controller-tls'),
    undefined,
  );
  const podHeld = selfSignedSnapshot(pair, {
    tlsSecret: { value: undefined },
    controllerInfos: [{ value: { metadata: { name: 'antrea-controller' }, version: 'v1.10.0' } }],
  });
  assert.equal(
    verify(podHeld).status('exists:Secret'),
    undefined,
    'v1.10 keeps its pair in the Pod',
  );
});

test('verifyOf and statusOf: a Secret withheld by choice is skipped, not a warning; exit 0 under --strict', () => {
  const withheld = selfSignedSnapshot(pair, {
    tlsSecret: { refused: 'get secrets was not asked', withheld: true },
  });
  const { report, status } = verify(withheld);
  assert.equal(status('not-checked:Secret/antrea-controller-tls'), 'skip');
  assert.equal(report.summary.skipped, 1);
  assert.equal(report.summary.warnings, 0);
  assert.equal(exitCodeForChecks(report, true), ExitCode.ok);
  const text = renderChecks(report, { style: createStyle(false) });
  assert.match(text, /^– Secret\/antrea-controller-tls is not read by choice/m);
  assert.match(text, /, 1 not checked by choice$/m);
  const statusReport = statusOf(withheld, now, 30 * DAY);
  assert.ok(
    statusReport.notes.some((n) => /is not read by choice \(--read-secrets=false\)/.test(n)),
  );
  // Self-signed: antrea-ca still shows the serving certificate.
  assert.ok(statusReport.servingCertificate);
});

test('servedWanted: a handshake when nothing else shows the serving certificate', () => {
  const inst = (extra: Partial<Snapshot>) => installationOf(selfSignedSnapshot(pair, extra));
  const refused = { tlsSecret: { refused: 'forbidden' } } as const;
  const gone = {
    ...refused,
    configMaps: selfSignedSnapshot(pair).configMaps.filter((c) => c.metadata?.name !== 'antrea-ca'),
  };
  const seen = inst(refused);
  assert.equal(servedWanted(seen, modeOf(seen), 'when-secret-refused'), false);
  assert.equal(servedWanted(seen, modeOf(seen), 'always'), true);
  const caGone = inst(gone);
  assert.equal(servedWanted(caGone, modeOf(caGone), 'when-secret-refused'), true);
  const readable = inst({});
  assert.equal(servedWanted(readable, modeOf(readable), 'always'), false);
});

test('verifyOf: a caBundle another field manager owns warns; so do weak keys and SHA-1', async () => {
  const [apiService] = healthy.apiServices;
  assert.ok(apiService);
  const owned: k8s.ApiService = {
    ...apiService,
    metadata: {
      ...apiService.metadata,
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Update',
          fieldsV1: { 'f:spec': { 'f:caBundle': {} } },
        },
      ],
    },
  };
  assert.equal(verify({ ...healthy, apiServices: [owned] }).status('field-owner:'), 'warn');
  const weak = await servingPair({ keyKind: 'rsa-1024' });
  assert.equal(verify(selfSignedSnapshot(weak)).status('rsa-key-size:'), 'warn');
  const sha1 = await servingPair({ keyKind: 'rsa-2048-sha1' });
  assert.equal(verify(selfSignedSnapshot(sha1)).status('sha1-signature:'), 'warn');
});

const security: SecurityObjects = { ...noSecurity, kubernetesVersion: 'v1.20.2' };

test('auditOf: the security reads in the snapshot give host access, release and encryption checks', () => {
  const hostPath: k8s.Pod = {
    metadata: { name: 'debug', namespace: 'tenant' },
    spec: {
      containers: [{ name: 'c', volumeMounts: [{ name: 'run', mountPath: '/host' }] }],
      volumes: [{ name: 'run', hostPath: { path: '/var/run/antrea' } }],
    },
  };
  const report = auditOf(
    selfSignedSnapshot(pair, {
      security: { ...security, pods: { value: [hostPath] } },
      ipsec: noIpsec,
    }),
    now,
    { ...thresholds, trustedNamespaces: [] },
  );
  const status = (id: string) => report.checks.find((c) => c.id === id)?.status;
  assert.equal(status('host-path:tenant/debug'), 'fail');
  assert.equal(status('antrea-release'), 'pass');
  assert.equal(status('traffic-encryption'), 'pass');
  assert.equal(report.kubernetesVersion, 'v1.20.2');
  const psk = auditOf(
    selfSignedSnapshot(pair, {
      configMaps: withConfig('', 'trafficEncryptionMode: ipsec\n'),
      security,
      ipsec: { ...noIpsec, pskSecret: { value: { exists: true, isDefault: true } } },
    }),
    now,
    { ...thresholds, trustedNamespaces: [] },
  );
  assert.equal(psk.checks.find((c) => c.id === 'ipsec-psk')?.status, 'fail');
});

test('inventoryOf: the key material in the snapshot becomes rows; a refusal a not-read line', () => {
  const report = inventoryOf(
    selfSignedSnapshot(pair, {
      ipsec: noIpsec,
      agentInfos: { refused: 'you may not list antreaagentinfos' },
      keyMaterial: {
        memberlistKeys: { value: 2 },
        flowAggregatorCa: {
          value: {
            location: 'ConfigMap flow-aggregator/flow-aggregator-ca',
            pem: foreign.ca.certPem,
          },
        },
        flowAggregatorClient: { value: undefined },
        flowAggregatorCaPair: { value: undefined },
        multiclusterCas: { value: [] },
      },
    }),
    now,
    { warnWithin: thresholds.warnWithin },
  );
  const names = [...report.certificates, ...report.authorities].map((e) => e.name);
  assert.ok(
    names.some((n) => /memberlist/i.test(n)),
    names.join(', '),
  );
  assert.ok(
    report.authorities.some((e) => e.location === 'ConfigMap flow-aggregator/flow-aggregator-ca'),
  );
  assert.deepEqual(
    report.notRead.map((n) => n.reason),
    ['you may not list antreaagentinfos'],
  );
  // Who renews each: the controller its self-signed pair (serving and CA), the flow-aggregator
  // its CA (v2.7.0 here; from v2.6 on).
  const find = (name: string) =>
    [...report.certificates, ...report.authorities].find((e) => e.name === name);
  assert.equal(find('controller serving')?.renewal?.renewer, 'antrea-controller');
  assert.equal(find('antrea-ca')?.renewal?.renewer, 'antrea-controller');
  assert.equal(find('flow-aggregator CA')?.renewal?.renewer, 'flow-aggregator');
  assert.equal(find('memberlist gossip keys')?.renewal, undefined);
});

test('verifyOf: what a change left half done fails, with the command that completes or undoes it', () => {
  // The Pod started at 10:00; its container restarted at 10:10, after the write at 10:05, and
  // still runs with the config file of 10:00 (mounted with subPath).
  const running: k8s.Pod = {
    ...readyPod(),
    status: {
      ...readyPod().status,
      startTime: '2026-12-03T10:00:00Z',
      containerStatuses: [
        {
          name: 'antrea-controller',
          restartCount: 1,
          state: { running: { startedAt: '2026-12-03T10:10:00Z' } },
        },
      ],
    },
  };
  // A user pair in the Secret, its ca.crt in antrea-ca: what a user-provided controller serves.
  const userPair: k8s.Secret = {
    metadata: { name: 'antrea-controller-tls', resourceVersion: '9' },
    type: 'kubernetes.io/tls',
    data: {
      'ca.crt': b64(foreign.ca.certPem),
      'tls.crt': b64(foreign.leaf.certPem),
      'tls.key': b64(foreign.leaf.keyPem),
    },
  };
  const configWrittenBy = (manager: string, time: string, text = 'selfSignedCert: true\n') => {
    const config = configMap('antrea-config', { 'antrea-controller.conf': text });
    const managedFields = [
      {
        manager,
        operation: 'Update',
        time,
        fieldsV1: { 'f:data': { 'f:antrea-controller.conf': {} } },
      },
    ];
    return [
      { ...config, metadata: { ...config.metadata, managedFields } },
      configMap('antrea-ca', { 'ca.crt': foreign.ca.certPem }),
    ];
  };
  const switchedHalfway = (manager: string, time: string, text?: string) =>
    verify(
      selfSignedSnapshot(pair, {
        pods: { value: [running] },
        tlsSecret: { value: userPair },
        configMaps: configWrittenBy(manager, time, text),
      }),
    );
  const stale = switchedHalfway('kubectl-antrea-certs', '2026-12-03T10:05:00Z');
  assert.equal(stale.status('config-running'), 'fail');
  assert.match(
    stale.find('config-running')?.message ?? '',
    /says self-signed .* publishes what user-provided mode serves/,
  );
  assert.match(stale.find('config-running')?.hint ?? '', /run the same command again/);
  const secretDeleted = verify(
    selfSignedSnapshot(pair, {
      pods: { value: [running] },
      tlsSecret: { value: undefined },
      configMaps: configWrittenBy('kubectl-antrea-certs', '2026-12-03T10:05:00Z'),
    }),
  );
  assert.match(
    secretDeleted.find('config-running')?.message ?? '',
    /says self-signed .* Secret antrea-controller-tls does not exist/,
    'a switch that deleted the Secret and stopped before the restart',
  );
  const viewer = verify(
    selfSignedSnapshot(pair, {
      pods: { value: [running] },
      tlsSecret: { refused: 'you may not get secrets' },
      configMaps: configWrittenBy('kubectl-antrea-certs', '2026-12-03T10:00:00Z'),
    }),
  );
  assert.equal(
    viewer.status('config-running'),
    undefined,
    'a Secret the viewer may not read is not a Secret that is gone',
  );
  assert.equal(
    switchedHalfway('helm', '2026-12-03T10:05:00Z').status('config-running'),
    undefined,
    "another manager's write may not touch the controller's key",
  );
  assert.equal(
    switchedHalfway('kubectl-antrea-certs', '2026-12-03T10:00:00Z').status('config-running'),
    'fail',
    'written in the second the Pod started: it may not have read it',
  );
  assert.equal(
    switchedHalfway('kubectl-antrea-certs', '2026-12-03T09:55:00Z').status('config-running'),
    undefined,
    'written before the Pod started: it runs with it',
  );
  assert.equal(
    switchedHalfway(
      'kubectl-antrea-certs',
      '2026-12-03T10:05:00Z',
      'selfSignedCert: false\n',
    ).status('config-running'),
    undefined,
    'a failed change put the old text back: the controller runs with what the config says',
  );
  // What antrea-ca shows, whoever wrote the config and whenever (the time is not read).
  const published = tryParse(foreign.ca.certPem, 'antrea-ca').certs;
  const runsOther = (secret: k8s.Secret | undefined, manager: string, text?: string) =>
    runsOtherMode(
      installationOf(
        selfSignedSnapshot(pair, {
          pods: { value: [running] },
          tlsSecret: { value: secret },
          configMaps: configWrittenBy(manager, '2026-12-03T09:55:00Z', text),
        }),
      ),
      published,
    );
  assert.deepEqual(runsOther(userPair, 'kubectl-antrea-certs'), {
    configured: 'self-signed',
    runs: 'user-provided',
  });
  assert.deepEqual(runsOther(userPair, 'kubectl-edit')?.runs, 'user-provided');
  assert.equal(
    runsOther(userPair, 'helm', 'selfSignedCert: false\n'),
    undefined,
    'user-provided, as configured',
  );
  assert.equal(
    runsOther(undefined, 'kubectl-antrea-certs'),
    undefined,
    'no Secret: it cannot tell',
  );
  assert.equal(
    runsOtherMode(
      installationOf(selfSignedSnapshot(pair)),
      tryParse(pair.ca.certPem, 'antrea-ca').certs,
    ),
    undefined,
    'self-signed, as configured',
  );

  const leafOnly = [
    ...withConfig('selfSignedCert: true\n').slice(0, 1),
    configMap('antrea-ca', { 'ca.crt': pair.leaf.certPem }),
  ];
  assert.equal(
    verify(selfSignedSnapshot(pair, { configMaps: leafOnly })).status('ca-is-ca'),
    'fail',
  );
  assert.equal(verify(healthy).status('ca-is-ca'), undefined);
});

test('verifyOf: a change Lease is a change in progress while renewed, an unfinished change once expired', () => {
  const leaseOf = (renewTime: string): k8s.Lease => ({
    metadata: {
      name: 'antrea-certs-change',
      annotations: {
        'kubectl-antrea-certs/backup': 'host-b:/backups/second.json',
        'kubectl-antrea-certs/undo': 'host-a:/backups/first.json',
      },
    },
    spec: {
      holderIdentity: 'ann@host-b pid 42 (kubectl antrea-certs rotate)',
      leaseDurationSeconds: 60,
      renewTime,
    },
  });
  const live = verify(
    selfSignedSnapshot(pair, {
      changeLease: { value: leaseOf(new Date(now.getTime() - 5_000).toISOString()) },
    }),
  );
  assert.equal(live.status('change-in-progress'), 'warn');
  assert.equal(live.status('unfinished-change'), undefined);
  const left = verify(
    selfSignedSnapshot(pair, { changeLease: { value: leaseOf('2026-01-01T00:00:00.000000Z') } }),
  );
  assert.equal(left.status('unfinished-change'), 'fail');
  assert.match(
    left.find('unfinished-change')?.hint ?? '',
    /run the same kubectl antrea-certs command again to complete it, or undo all of it with kubectl antrea-certs restore \/backups\/first\.json \(a backup on host host-a\)/,
  );
  assert.equal(verify({ ...healthy, changeLease: { value: undefined } }).report.checks.length, 10);
});

test('verifyOf: in user-provided mode the controller must serve the pair of its Secret', () => {
  const userProvided = (servedPem: string) =>
    verify(
      selfSignedSnapshot(foreign, {
        configMaps: [
          configMap('antrea-config', { 'antrea-controller.conf': 'selfSignedCert: false\n' }),
          configMap('antrea-ca', { 'ca.crt': foreign.ca.certPem }),
        ],
        tlsSecret: {
          value: {
            metadata: { name: 'antrea-controller-tls', resourceVersion: '5' },
            type: 'kubernetes.io/tls',
            data: {
              'ca.crt': b64(foreign.ca.certPem),
              'tls.crt': b64(foreign.leaf.certPem),
              'tls.key': b64(foreign.leaf.keyPem),
            },
          },
        },
        ...consumerObjects(foreign.ca.certPem),
        served: { pem: servedPem, pod: 'antrea-controller-abc' },
      }),
    );
  const stale = userProvided(pair.leaf.certPem);
  assert.equal(stale.status('served-pair:Secret/antrea-controller-tls'), 'fail');
  assert.match(
    stale.find('served-pair:')?.message ?? '',
    /^controller Pod antrea-controller-abc serves CN=antrea@1 \([0-9a-f]{16}\), not the tls\.crt of Secret antrea-controller-tls \([0-9a-f]{16}\)$/,
  );
  assert.equal(userProvided(foreign.leaf.certPem).status('served-pair:'), undefined);
  assert.equal(
    verify({ ...healthy, served: { pem: foreign.leaf.certPem, pod: 'p' } }).status('served-pair:'),
    undefined,
    'self-signed mode: the Secret holds the controller own pair',
  );
});

test('renewal: overdue past the renewer point and grace warns, fails inside --fail-within; nobody renews user-provided', async () => {
  // Self-signed in the Secret: antrea-controller replaces it with 90 days left, checking hourly.
  const due = await servingPair({ days: 90 });
  const fresh = verify(selfSignedSnapshot(due));
  assert.equal(fresh.status('renewal-overdue:serving'), 'pass');
  const overdue = await servingPair({ days: 80 });
  const late = verify(selfSignedSnapshot(overdue));
  assert.equal(late.status('renewal-overdue:serving'), 'warn');
  const check = late.find('renewal-overdue:serving');
  assert.match(
    check?.message ?? '',
    /overdue since .* antrea-controller replaces its self-signed pair/,
  );
  assert.match(check?.hint ?? '', /kubectl -n kube-system logs deploy\/antrea-controller/);
  const last = await servingPair({ days: 5 });
  assert.equal(verify(selfSignedSnapshot(last)).status('renewal-overdue:serving'), 'fail');
  const status = statusOf(selfSignedSnapshot(overdue), now, 30 * DAY);
  assert.equal(status.servingRenewal?.renewer, 'antrea-controller');
  assert.ok(status.servingRenewal && 'overdueSince' in status.servingRenewal);
  const userProvided = selfSignedSnapshot(overdue, {
    configMaps: withConfig('selfSignedCert: false\n'),
  });
  assert.equal(statusOf(userProvided, now, 30 * DAY).servingRenewal?.renewer, null);
  assert.equal(verify(userProvided).find('renewal-overdue:serving'), undefined);
});
