// README's antrea-certs-viewer role, which cannot read the controller's
// private key, in user-provided mode on a v2.7.0 testbed: with pods/portforward
// status and verify see the certificate the controller serves; without it they
// say precisely what could not be checked. Exit codes as README says: 0 with
// warnings, 3 with --strict. (Self-signed mode: self-signed.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { clusterRoleBinding, FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import { plugin } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-viewer-'));
const run = (...args: string[]) => plugin(bed.kubeconfig, args);

const pki = join(work, 'pki');
assert.equal(run('generate', '--out', pki).status, 0);
const imported = run(
  'import',
  '--from-dir',
  pki,
  '--mode',
  'user-provided',
  '--yes',
  '--backup-dir',
  join(work, 'b'),
);
assert.equal(imported.status, 0, imported.stderr);
const servedSha = new X509Certificate(readFileSync(join(pki, 'tls.crt'))).fingerprint256
  .replace(/:/g, '')
  .toLowerCase();

// README's viewer ClusterRole, and the optional Role that lets it port-forward in the Antrea namespace.
const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({
  apiGroups,
  resources,
  verbs,
});
const rbac = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'antrea-certs-viewer' },
      rules: [
        rule(['apps'], ['deployments'], ['get', 'list']),
        rule([''], ['pods', 'configmaps'], ['get', 'list']),
        rule(['apiregistration.k8s.io'], ['apiservices'], ['list']),
        rule(
          ['admissionregistration.k8s.io'],
          ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
          ['list'],
        ),
        rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['list']),
        rule(
          ['crd.antrea.io', 'clusterinformation.antrea.tanzu.vmware.com'],
          ['antreacontrollerinfos'],
          ['get'],
        ),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'antrea-certs-viewer-portforward', namespace: ns },
      // get: the plugin's port-forward is a WebSocket (a GET); create: kubectl's (a POST).
      rules: [rule([''], ['pods/portforward'], ['get', 'create'])],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'antrea-certs-viewer-no-pods' },
      rules: [
        rule(['apps'], ['deployments'], ['get', 'list']),
        rule([''], ['configmaps'], ['get', 'list']),
        rule(['apiregistration.k8s.io'], ['apiservices'], ['list']),
        rule(
          ['admissionregistration.k8s.io'],
          ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
          ['list'],
        ),
        rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['list']),
      ],
    },
    clusterRoleBinding('no-pods-viewer', 'antrea-certs-viewer-no-pods', 'no-pods'),
    ...['viewer', 'viewer-no-pf'].map((user) =>
      clusterRoleBinding(`${user}-antrea-certs-viewer`, 'antrea-certs-viewer', user),
    ),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'viewer-portforward', namespace: ns },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'antrea-certs-viewer-portforward',
      },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    },
  ],
};
const file = join(work, 'rbac.json');
writeFileSync(file, JSON.stringify(rbac));
bed.kubectl('apply', '-f', file);

type Status = {
  mode: string;
  secret: unknown;
  servingCertificate: { sha256: string } | null;
  servingCertificateSource: string | null;
  servingChain: { chainsToPublishedCA: boolean; hasServiceName: boolean } | null;
  notes: string[];
};

test('with pods/portforward: the certificate the controller serves, its chain and names checked', () => {
  const status = run('status', '--as', 'viewer', '-o', 'json');
  assert.equal(status.status, 0, status.stderr);
  const report = JSON.parse(status.stdout) as Status;
  assert.match(report.mode, /user-provided/);
  assert.equal(report.secret, null);
  assert.equal(report.servingCertificate?.sha256, servedSha);
  assert.match(
    report.servingCertificateSource ?? '',
    /^served by Pod antrea-controller-\S+, seen through a port-forward/,
  );
  assert.deepEqual(report.servingChain && { ...report.servingChain }, {
    chainsToPublishedCA: true,
    serviceName: `antrea.${ns}.svc`,
    hasServiceName: true,
  });
  assert.deepEqual(report.notes, [
    `you may not get Secret antrea-controller-tls (403 Forbidden): the serving certificate is the one Pod ${/Pod (\S+),/.exec(report.servingCertificateSource ?? '')?.[1]} serves, seen through a port-forward; its key and ca.crt are not checked.`,
  ]);
  const verify = run('verify', '--as', 'viewer');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /‼ Secret\/antrea-controller-tls may not be read/);
  assert.match(verify.stdout, /✔ certificate "CN=antrea" is valid for/);
  assert.doesNotMatch(verify.stdout, /could not be seen/);
  assert.match(verify.stdout, / 0 failed/);
  assert.equal(run('verify', '--as', 'viewer', '--strict').status, 3);
});

test('without pods/portforward: what could not be checked, and why; still exit 0, 3 with --strict', () => {
  const status = run('status', '--as', 'viewer-no-pf', '-o', 'json');
  assert.equal(status.status, 0, status.stderr);
  const report = JSON.parse(status.stdout) as Status;
  assert.equal(report.servingCertificate, null);
  assert.equal(report.notes.length, 1);
  assert.match(
    report.notes[0] ?? '',
    /^you may not get Secret antrea-controller-tls \(403 Forbidden\): the serving certificate cannot be seen \(.*pods\/portforward.*\); its key and ca\.crt are not checked\.$/,
  );
  const verify = run('verify', '--as', 'viewer-no-pf');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(
    verify.stdout,
    /‼ the serving certificate could not be seen: .*its chain, names and expiry were not checked/,
  );
  assert.match(verify.stdout, /2 warnings, 0 failed/);
  assert.equal(run('verify', '--as', 'viewer-no-pf', '--strict').status, 3);
  // The private key is not readable by this user at all.
  const key = bed.kubectlResult(
    'get',
    'secret',
    'antrea-controller-tls',
    '-n',
    ns,
    '--as',
    'viewer-no-pf',
  );
  assert.notEqual(key.status, 0);
});

test('without the Pods, the version or the Secret: readiness from the Deployment, each gap a note, exit 0', () => {
  const status = run('status', '--as', 'no-pods', '-o', 'json');
  assert.equal(status.status, 0, status.stderr);
  const report = JSON.parse(status.stdout) as Status & { warnings: string[] };
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.notes, [
    'you may not get antreacontrollerinfos (403 Forbidden): the Antrea version comes from the controller image tag.',
    'you may not get Secret antrea-controller-tls (403 Forbidden): the serving certificate cannot be seen (the Pods may not be listed, so there is no Pod to port-forward to); its key and ca.crt are not checked.',
    "you may not list pods (403 Forbidden): the controller's readiness comes from Deployment antrea-controller.",
  ]);
  const verify = run('verify', '--as', 'no-pods');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(
    verify.stdout,
    /✔ Deployment antrea-controller has 1 of 1 replicas ready \(its Pods may not be listed\)/,
  );
});
