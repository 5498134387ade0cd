// audit, status --all, status's IPsec block and rotate --ipsec-ca on the real
// v2.7.0 manifest: each check made to pass, warn and fail with the objects an
// admin would have (hostPath workloads, Pod Security labels, Gatekeeper, PSPs,
// IPsec in PSK and in certificate mode with the controller model signing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import {
  agentInfo,
  agentRequest,
  apply,
  editAntreaConfig,
  gatekeeper,
  hostFilesystemConstraint,
  hostFilesystemTemplate,
  hostPathWorkload,
  namespace,
  podSecurityPolicy,
} from '../../testbed/security.ts';
import { json, plugin } from '../plugin.ts';
import { findBinaries } from '../../testbed/binaries.ts';
import { restartController } from '../../testbed/fixture.ts';

const manifest = fileURLToPath(
  new URL('../../../../shared/antrea-manifests/antrea-v2.7.0.yml', import.meta.url),
);
const bed: Testbed = await testbed({ version: 'v2.7.0', manifest, timings: FAST_TIMINGS });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);
const DAY = 86_400_000;

interface Check {
  id: string;
  status: 'pass' | 'warn' | 'fail';
  message: string;
}
const audit = (...args: string[]) => {
  const result = run('audit', '-o', 'json', ...args);
  return { status: result.status, checks: json<{ checks: Check[] }>(result).checks, result };
};
const statusOf = (checks: Check[], id: string) => checks.find((c) => c.id === id)?.status;
/** Secret antrea-ipsec with this key, as an admin writes it. */
const setPsk = (psk: string) => {
  bed.kubectl('-n', bed.namespace, 'delete', 'secret', 'antrea-ipsec', '--ignore-not-found');
  bed.kubectl(
    '-n',
    bed.namespace,
    'create',
    'secret',
    'generic',
    'antrea-ipsec',
    `--from-literal=psk=${psk}`,
  );
};

test('a fresh install passes every check', () => {
  const { status, checks } = audit();
  assert.equal(status, 0, JSON.stringify(checks));
  assert.equal(statusOf(checks, 'host-path'), 'pass');
  assert.equal(statusOf(checks, 'antrea-release'), 'pass');
  assert.equal(statusOf(checks, 'traffic-encryption'), 'pass');
});

test('hostPath workloads: read-write fails, read-only warns, elsewhere is fine, trust moves them apart', async () => {
  apply(
    bed,
    namespace('tenant-a'),
    namespace('tenant-b'),
    hostPathWorkload({ namespace: 'tenant-a', name: 'node-agent', path: '/var', privileged: true }),
    hostPathWorkload({
      namespace: 'tenant-b',
      name: 'reader',
      path: '/run/antrea/',
      readOnly: true,
      bare: true,
    }),
    hostPathWorkload({ namespace: 'tenant-b', name: 'data', path: '/data', bare: true }),
    hostPathWorkload({
      namespace: 'tenant-b',
      name: 'unmounted',
      path: '/var/run/antrea',
      mounted: false,
      bare: true,
    }),
  );
  // The Deployment's Pod comes from kube-controller-manager.
  const checks = await eventually('the Deployment has its Pod', () => {
    const { checks } = audit();
    return checks.some((c) => c.id.startsWith('host-path:tenant-a/')) && checks;
  });
  const writer = checks.find((c) => c.id.startsWith('host-path:tenant-a/node-agent-'));
  assert.equal(writer?.status, 'fail');
  assert.match(
    writer?.message ?? '',
    /\(Deployment\/node-agent\) mounts hostPath \/var read-write, privileged/,
  );
  assert.equal(statusOf(checks, 'host-path:tenant-b/reader'), 'warn');
  assert.equal(statusOf(checks, 'host-path:tenant-b/data'), undefined);
  const unmounted = checks.find((c) => c.id === 'host-path:tenant-b/unmounted');
  assert.equal(unmounted?.status, 'warn');
  assert.match(
    unmounted?.message ?? '',
    /declares hostPath \/var\/run\/antrea but no container mounts it: it reaches nothing of Antrea's now/,
  );
  assert.doesNotMatch(unmounted?.message ?? '', /read-only/);
  assert.equal(run('audit').status, 2);

  const trusted = audit('--trust-namespace', 'tenant-a', '--trust-namespace', 'tenant-b');
  assert.equal(trusted.status, 0, JSON.stringify(trusted.checks));
  assert.equal(statusOf(trusted.checks, 'host-path-trusted'), 'pass');
  assert.equal(statusOf(trusted.checks, 'admission:tenant-a'), undefined);
  const text = run('audit');
  assert.match(text.stdout, /× Pod tenant-a\/node-agent-.* mounts hostPath \/var/);
  assert.match(
    text.stdout,
    /hint: move the volume outside \/var\/run\/antrea, or .* --trust-namespace tenant-a/,
  );
});

test('admission: nothing warns; Pod Security labels are inert on 1.20; Gatekeeper guards; dryrun does not', () => {
  let { checks } = audit();
  assert.equal(statusOf(checks, 'admission:tenant-a'), 'warn');
  apply(bed, namespace('tenant-b', { 'pod-security.kubernetes.io/enforce': 'baseline' }));
  ({ checks } = audit());
  const psa = checks.find((c) => c.id === 'admission:tenant-b');
  assert.equal(psa?.status, 'warn');
  assert.match(psa?.message ?? '', /does nothing before Kubernetes 1\.23/);

  apply(bed, ...gatekeeper());
  bed.kubectl(
    'wait',
    '--for=condition=established',
    'crd/constrainttemplates.templates.gatekeeper.sh',
    'crd/k8spsphostfilesystem.constraints.gatekeeper.sh',
  );
  apply(
    bed,
    hostFilesystemTemplate(),
    hostFilesystemConstraint('no-host-a', ['tenant-a']),
    hostFilesystemConstraint('dry-b', ['tenant-b'], 'dryrun'),
  );
  ({ checks } = audit());
  assert.equal(statusOf(checks, 'admission:tenant-a'), 'pass');
  assert.match(
    checks.find((c) => c.id === 'gatekeeper:k8spsphostfilesystem')?.message ?? '',
    /installed; constraints: dry-b \(dryrun, namespaces tenant-b\), no-host-a \(deny, namespaces tenant-a\)/,
  );
  const dry = checks.find((c) => c.id === 'admission:tenant-b');
  assert.equal(dry?.status, 'warn');
  assert.match(dry?.message ?? '', /enforcementAction is dryrun/);
});

test('PodSecurityPolicy: one that allows hostPath warns; a strict one with admission on guards', () => {
  apply(bed, podSecurityPolicy('wide-open', ['*']));
  let { checks } = audit();
  assert.equal(statusOf(checks, 'psp:wide-open'), 'warn');
  bed.kubectl('delete', 'podsecuritypolicy', 'wide-open');
  apply(
    bed,
    podSecurityPolicy('restricted', ['configMap', 'secret', 'emptyDir']),
    namespace('tenant-c'),
  );
  // PodSecurityPolicy admission marks every Pod it admits; this Pod stands for one it admitted.
  const admitted = hostPathWorkload({
    namespace: 'tenant-c',
    name: 'web',
    path: '/srv',
    bare: true,
  }) as {
    metadata: Record<string, unknown>;
  };
  admitted.metadata.annotations = { 'kubernetes.io/psp': 'restricted' };
  apply(bed, admitted);
  ({ checks } = audit());
  assert.equal(statusOf(checks, 'psp'), 'pass');
  assert.match(
    checks.find((c) => c.id === 'admission:tenant-c')?.message ?? '',
    /PodSecurityPolicy/,
  );
  assert.equal(statusOf(checks, 'admission:tenant-c'), 'pass');
  bed.kubectl('delete', 'podsecuritypolicy', 'restricted');
});

test('IPsec with a pre-shared key: the default fails, another warns of OVSDB; the key is never shown', async () => {
  await editAntreaConfig(bed, (c) => ({
    ...c,
    agent: c.agent.replace('trafficEncryptionMode: "none"', 'trafficEncryptionMode: "ipsec"'),
  }));
  setPsk('changeme');
  let { checks, result } = audit('--trust-namespace', 'tenant-a,tenant-b');
  assert.equal(statusOf(checks, 'ipsec-psk'), 'fail');
  assert.equal(statusOf(checks, 'traffic-encryption'), 'warn');
  assert.doesNotMatch(result.stdout + result.stderr, /changeme/);
  const status = run('status');
  assert.match(
    status.stdout,
    /IPsec\n\s+Authentication\s+pre-shared key\n\s+Pre-shared key\s+Secret antrea-ipsec, the published default/,
  );

  const secret = 'a-long-random-key-nobody-may-see';
  setPsk(secret);
  ({ checks, result } = audit('--trust-namespace', 'tenant-a,tenant-b'));
  assert.equal(statusOf(checks, 'ipsec-psk'), 'pass');
  const all = run('status', '--all', '-o', 'json', '-v');
  const outputs = [result, all, run('audit', '-v'), run('status', '-o', 'json', '-v')];
  for (const output of outputs)
    assert.doesNotMatch(output.stdout + output.stderr, new RegExp(secret));
  const refused = run('rotate', '--ipsec-ca');
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    /there is no IPsec CA to rotate: the agents authenticate IPsec with a pre-shared key/,
  );
});

test('IPsec with certificates: the model makes the CA and signs; a pending request warns; the gate off fails', async () => {
  await editAntreaConfig(bed, (c) => ({
    agent: c.agent
      .replace('#  IPsecCertAuth: false', '  IPsecCertAuth: true')
      .replace('authenticationMode: "psk"', 'authenticationMode: "cert"'),
    controller: c.controller.replace('#  IPsecCertAuth: false', '  IPsecCertAuth: true'),
  }));
  await restartController(bed);
  await eventually(
    'the IPsec CA is published',
    () =>
      bed.kubectlResult('-n', bed.namespace, 'get', 'configmap', 'antrea-ipsec-ca').status === 0,
  );
  const request = await agentRequest(bed, 'node-1');
  await eventually(
    'the request is signed',
    () => bed.kubectl('get', 'csr', request, '-o', 'jsonpath={.status.certificate}').length > 0,
  );
  const signed = audit('--trust-namespace', 'tenant-a,tenant-b,tenant-c');
  let checks = signed.checks;
  assert.equal(statusOf(checks, 'ipsec-ca'), 'pass', JSON.stringify(checks));
  assert.equal(statusOf(checks, 'ipsec-requests'), 'pass');
  assert.equal(statusOf(checks, 'traffic-encryption'), 'pass');
  assert.equal(signed.status, 0);

  const inventory = json<{
    certificates: { name: string; ca?: string }[];
    authorities: { name: string }[];
  }>(run('status', '--all', '-o', 'json'));
  assert.ok(inventory.authorities.some((a) => a.name === 'IPsec CA'));
  assert.deepEqual(inventory.certificates.find((c) => c.name === 'IPsec node-1')?.ca, 'IPsec CA');
  const ipsec = json<{ ipsec: { authenticationMode: string; requests: { issued: number } } }>(
    run('status', '-o', 'json'),
  ).ipsec;
  assert.equal(ipsec.authenticationMode, 'cert');
  assert.equal(ipsec.requests.issued, 1);

  const caVersion = () =>
    bed.kubectl(
      '-n',
      bed.namespace,
      'get',
      'secret',
      'antrea-ipsec-ca',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    );
  const before = caVersion();
  const refused = run('rotate', '--ipsec-ca', '--yes');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /cannot be rotated without breaking tunnels.*valid until 20\d\d-/);
  assert.equal(caVersion(), before);

  await editAntreaConfig(bed, (c) => ({
    ...c,
    controller: c.controller.replace('autoApprove: true', 'autoApprove: false'),
  }));
  await restartController(bed);
  await agentRequest(bed, 'node-2');
  ({ checks } = audit('--trust-namespace', 'tenant-a,tenant-b,tenant-c'));
  const pending = checks.find((c) => c.id === 'ipsec-requests-pending');
  assert.equal(pending?.status, 'warn');

  await editAntreaConfig(bed, (c) => ({
    ...c,
    agent: c.agent.replace('  IPsecCertAuth: true', '#  IPsecCertAuth: false'),
  }));
  ({ checks } = audit());
  assert.equal(statusOf(checks, 'traffic-encryption'), 'fail');
});

test("agents' API certificates: expiring fails, valid passes; status --all lists them", async () => {
  await agentInfo(bed, 'node-1', new Date(Date.now() + 300 * DAY));
  let { checks } = audit();
  assert.equal(statusOf(checks, 'agent-api-certificates'), 'pass');
  await agentInfo(bed, 'node-2', new Date(Date.now() + 3 * DAY));
  ({ checks } = audit());
  assert.equal(statusOf(checks, 'agent-api-certificate:node-2'), 'fail');
  assert.equal(statusOf(checks, 'agent-api-certificates'), undefined);
  const soon = json<{ certificates: { name: string }[] }>(
    run('status', '--all', '--expiring-within', '10d', '-o', 'json'),
  );
  assert.deepEqual(
    soon.certificates.map((c) => c.name),
    ['agent API node-2'],
  );
  const metrics = run('audit', '-o', 'prometheus');
  assert.match(
    metrics.stdout,
    /antrea_certs_audit_check_status\{cluster="testbed",namespace="kube-system",check="agent-api-certificate:node-2"\} 2/,
  );
  const promtool = spawnSync('promtool', ['check', 'metrics'], {
    input: metrics.stdout,
    encoding: 'utf8',
  });
  assert.equal(promtool.status, 0, promtool.stderr);
});

test('verify names a GitOps tool that owns a caBundle (server-side apply) and prints ignoreDifferences', () => {
  const name = 'crdvalidator.antrea.io';
  // Argo CD applies the whole object, caBundles included (a copy of the cluster's object in Git).
  const { webhooks } = JSON.parse(
    bed.kubectl('get', 'validatingwebhookconfiguration', name, '-o', 'json'),
  ) as { webhooks: unknown[] };
  const kubectl = findBinaries()?.kubectl ?? 'kubectl';
  const args = ['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'];
  const applied = spawnSync(kubectl, ['--kubeconfig', bed.kubeconfig, ...args], {
    input: JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name },
      webhooks,
    }),
    encoding: 'utf8',
  });
  assert.equal(applied.status, 0, applied.stderr);
  const checks = json<{ checks: Check[] }>(run('verify', '-o', 'json')).checks;
  const owned = checks.filter((c) => c.id.startsWith('field-owner:'));
  assert.deepEqual(
    owned.map((c) => [c.id, c.status]),
    [[`field-owner:ValidatingWebhookConfiguration/${name}`, 'warn']],
  );
  assert.match(owned[0]?.message ?? '', /also owned by argocd-controller: a tool that syncs it/);
  const text = run('verify', '--strict');
  assert.equal(text.status, 3);
  assert.match(
    text.stdout,
    /ignoreDifferences:\n\s+- group: admissionregistration\.k8s\.io\n\s+kind: ValidatingWebhookConfiguration/,
  );
});

test('status --all never cuts WHERE in a pipe or with -o wide: two multi-cluster CAs told apart', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const out = join(mkdtempSync(join(tmpdir(), 'antrea-certs-mc-')), 'pki');
  assert.equal(run('generate', '--offline', '--out', out).status, 0);
  const ca = readFileSync(join(out, 'ca.crt'), 'utf8');
  const namespaces = ['antrea-multicluster-leader-east-1', 'antrea-multicluster-leader-east-2'];
  apply(
    bed,
    ...namespaces.map((n) => namespace(n)),
    ...namespaces.map((n) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'antrea-mc-ca', namespace: n },
      data: { 'ca.crt': ca },
    })),
  );
  for (const args of [[], ['-o', 'wide']]) {
    const listed = run('status', '--all', ...args);
    assert.equal(listed.status, 0, listed.stderr);
    for (const n of namespaces)
      assert.match(listed.stdout, new RegExp(`ConfigMap ${n}/antrea-mc-ca`));
    assert.doesNotMatch(listed.stdout, /…/, args.join(' '));
  }
});
