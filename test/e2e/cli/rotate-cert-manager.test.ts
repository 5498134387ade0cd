// rotate when cert-manager owns the Secret: the renewal is triggered as
// cmctl renew does it, and the wait follows cert-manager's new certificate
// into antrea-ca and every caBundle. cert-manager is played by a test helper
// that issues from a CA Issuer (test/testbed/cert-manager.ts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  testbed,
  consumerBundles,
  eventually,
  restartController,
  setSelfSignedCert,
  type Testbed,
} from '../../testbed/fixture.ts';
import { CertManager } from '../../testbed/cert-manager.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { plugin, pluginAsync, json } from '../plugin.ts';

const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: { secretVolumeRefreshSeconds: 1, certReloadSeconds: 1, publishResyncSeconds: 3 },
});
const ns = bed.namespace;
const name = 'antrea-controller-tls';
const backups = join(mkdtempSync(join(tmpdir(), 'antrea-certs-cm-')), 'backups');
// Asynchronous: the cert-manager helper runs in this process and must keep issuing while the plugin waits.
const run = (...args: string[]) => pluginAsync(bed.kubeconfig, [...args, '--backup-dir', backups]);
const newCa = (commonName: string) =>
  issue({
    commonName,
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    keyKind: 'ecdsa-p256',
  });
const secret = () => bed.api.core.readNamespacedSecret({ name, namespace: ns });
const tlsCrt = async () =>
  Buffer.from((await secret()).data?.['tls.crt'] ?? '', 'base64').toString();

// As an admin sets it up: user-provided mode in the config, the Certificate, then a restart once cert-manager issued.
await setSelfSignedCert(bed, false);
const manager = await CertManager.start(bed, await newCa('cert-manager CA one'));
after(() => manager.stop());
await manager.createIssuer('Issuer', 'antrea-ca-issuer', 'ca', true);
await manager.createCertificate({
  metadata: { name, namespace: ns },
  // A year: the v2 controller, still self-signed until the restart, would replace a pair with less than 90 days left.
  spec: {
    secretName: name,
    commonName: 'antrea',
    duration: '8760h',
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    issuerRef: { name: 'antrea-ca-issuer', kind: 'Issuer' },
  },
});
await eventually(
  'cert-manager to issue into the Secret',
  async () => (await secret()).metadata?.annotations?.['cert-manager.io/certificate-name'] === name,
);
await restartController(bed);
{
  let last = '';
  await eventually(
    'the controller to serve the cert-manager certificate',
    () => {
      const verify = plugin(bed.kubeconfig, ['verify']);
      last = verify.stdout + verify.stderr;
      return verify.status === 0;
    },
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; verify said:\n${last}`);
  });
}

test('status names the Certificate that owns the Secret', () => {
  const report = json<{ mode: string; certManagerCertificate: string | null }>(
    plugin(bed.kubeconfig, ['status', '-o', 'json']),
  );
  assert.equal(report.certManagerCertificate, name);
  assert.match(report.mode, /user-provided/);
});

test('--dry-run leaves the Certificate as it is, and files are refused', async () => {
  const before = await manager.read(ns, name);
  for (const dryRun of ['client', 'server']) {
    const result = await run('rotate', `--dry-run=${dryRun}`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Would change/);
  }
  const after = await manager.read(ns, name);
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.equal(
    after.status?.conditions?.some((c) => c.type === 'Issuing'),
    false,
  );
  const files = await run(
    'rotate',
    '--cert',
    'tls.crt',
    '--key',
    'tls.key',
    '--ca',
    'ca.crt',
    '--yes',
  );
  assert.equal(files.status, 1);
  assert.match(
    files.stderr,
    /cert-manager owns Secret antrea-controller-tls \(Certificate antrea-controller-tls\): rotate renews it through cert-manager and takes no files/,
  );
});

test('renews as cmctl renew does (Issuing=True, ManuallyTriggered) and waits for the new certificate', async () => {
  const oldCert = await tlsCrt();
  const revision = (await manager.read(ns, name)).status?.revision ?? 0;
  const result = await run('rotate', '--yes');
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    /Certificate antrea-controller-tls: status condition Issuing=True, reason ManuallyTriggered/,
  );
  assert.match(result.stderr, /converged/);
  assert.match(result.stdout, / 0 failed/);
  assert.deepEqual(
    manager.triggers.slice(-1),
    ['ManuallyTriggered'],
    'cert-manager saw the trigger',
  );
  assert.notEqual(await tlsCrt(), oldCert);
  const certificate = await manager.read(ns, name);
  assert.equal(certificate.status?.revision, revision + 1);
  assert.equal(certificate.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});

test('cert-manager issues from a new CA: the wait lasts until antrea-ca and every caBundle carry it', async () => {
  const next = await newCa('cert-manager CA two');
  manager.useCa(next);
  const result = await run('rotate', '--yes');
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, / 0 failed/);
  assert.equal(await bed.publishedCa(), next.certPem);
  for (const [consumer, bundle] of await consumerBundles(bed))
    assert.equal(bundle, next.certPem, `${consumer} carries the new CA`);
});

test('a Secret naming a Certificate that does not exist: one sentence, nothing written', async () => {
  await manager.stop();
  const current = await secret();
  current.metadata = {
    ...current.metadata,
    annotations: { ...current.metadata?.annotations, 'cert-manager.io/certificate-name': 'gone' },
  };
  await bed.api.core.replaceNamespacedSecret({ name, namespace: ns, body: current });
  const before = (await secret()).metadata?.resourceVersion;
  const result = await run('rotate', '--yes');
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /^error: the Secret names cert-manager Certificate gone, but there is no such Certificate in namespace kube-system .*Nothing was written\.\n$/,
  );
  assert.equal((await secret()).metadata?.resourceVersion, before);
});
