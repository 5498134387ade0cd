// rotate on the testbed: self-signed with the pair in the Secret (twice in a
// row), user-provided from the admin's CA and from new files, dry runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import {
  setSelfSignedCert,
  testbed,
  userProvidedPair,
  type Testbed,
} from '../../testbed/fixture.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { plugin, json } from '../plugin.ts';

/** The certificate the controller model serves now, read with a TLS handshake (what a client of Service antrea gets). */
function servedSha256(bed: Testbed): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: bed.address,
        port: 443,
        servername: `antrea.${bed.namespace}.svc`,
        rejectUnauthorized: false,
      },
      () => {
        resolve(createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex'));
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

const secretLeafSha256 = (secret: { data?: Record<string, string> }) =>
  createHash('sha256')
    .update(new X509Certificate(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64')).raw)
    .digest('hex');

// The Secret volume lags 3 s behind the Secret, so a same-CA rotation has to wait for the controller to serve it.
const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: { secretVolumeRefreshSeconds: 3, certReloadSeconds: 1, publishResyncSeconds: 3 },
});
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-rotate-'));
const run = (...args: string[]) =>
  plugin(bed.kubeconfig, [...args, '--backup-dir', join(work, 'backups')]);
/** The admin's CA, with its key on disk as an admin keeps it, in `dir`. */
async function adminCa(dir: string) {
  const ca = await issue({
    commonName: 'Rotating CA',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    keyKind: 'rsa-2048',
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.key'), ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  return ca;
}
const serial = () =>
  json<{ servingCertificate: { serialNumber: string; sha256: string } }>(
    plugin(bed.kubeconfig, ['status', '-o', 'json']),
  ).servingCertificate;

test('self-signed, pair in the Secret: rotate twice in a row, each time a new CA everywhere', async () => {
  for (let round = 0; round < 2; round++) {
    const caBefore = await bed.publishedCa();
    const before = serial();
    const result = run('rotate', '--yes');
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(
      result.stderr,
      /Secret antrea-controller-tls: deleted; the controller sees it gone/,
    );
    assert.match(result.stderr, /serving certificate, before +[0-9a-f]{16} +[0-9a-f]{16}/);
    assert.notEqual(await bed.publishedCa(), caBefore);
    assert.notEqual(serial().sha256, before.sha256);
    assert.match(result.stdout, / 0 failed/);
  }
});

test('--dry-run writes nothing, and self-signed mode takes no files', async () => {
  const ca = await bed.publishedCa();
  for (const dryRun of ['client', 'server']) {
    const result = run('rotate', `--dry-run=${dryRun}`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Would change/);
  }
  assert.equal(await bed.publishedCa(), ca);
  const files = run('rotate', '--ca-cert', 'x', '--ca-key', 'y', '--yes');
  assert.equal(files.status, 1);
  assert.match(files.stderr, /self-signed mode: it makes its own pair, so rotate takes no files/);
});

test('user-provided: issue from the admin CA with the same names, then rotate to new files', async () => {
  const pair = await userProvidedPair(ns, 'antrea-user');
  const caKeyPath = join(work, 'ca.key');
  const ca = await adminCa(work);
  const leaf = await issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: ['1.3.6.1.5.5.7.3.1'],
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    ipAddresses: ['10.96.0.10'],
  });
  const dir = join(work, 'first');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem);
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  assert.equal(run('import', '--from-dir', dir, '--mode', 'user-provided', '--yes').status, 0);

  const before = serial();
  const issued = run(
    'rotate',
    '--ca-cert',
    join(work, 'ca.crt'),
    '--ca-key',
    caKeyPath,
    '--key-algorithm',
    'ecdsa-p256',
    '--yes',
  );
  assert.equal(issued.status, 0, issued.stderr + issued.stdout);
  assert.match(issued.stderr, /tls\.key new ecdsa-p256 key \(not shown\)/);
  // Same CA: nothing in the API changes when the controller reloads; the wait sees it through a
  // port-forward. Its closing line says so; whether a "waiting for the controller to serve" line
  // comes first depends on timing (with the testbed's 1 s reload, the controller may already serve
  // it while another condition, a caBundle republished, is what the wait shows).
  assert.match(
    issued.stderr,
    /converged: .*, and the controller serves the certificate in the Secret/,
  );
  assert.match(
    issued.stderr,
    /converged: .*and the controller serves the certificate in the Secret/,
  );
  assert.equal(
    await servedSha256(bed),
    secretLeafSha256(
      await bed.api.core.readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns }),
    ),
    'when rotate ends, the controller serves the Secret',
  );
  const after = json<{
    servingCertificate: {
      sha256: string;
      dnsNames: string[];
      ipAddresses: string[];
      keyAlgorithm: string;
      issuer: string;
    };
  }>(plugin(bed.kubeconfig, ['status', '-o', 'json'])).servingCertificate;
  assert.notEqual(after.sha256, before.sha256);
  assert.deepEqual(
    after.dnsNames,
    [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    'the names of the certificate it replaces',
  );
  assert.deepEqual(after.ipAddresses, ['10.96.0.10']);
  assert.equal(after.keyAlgorithm, 'ECDSA');
  assert.equal(after.issuer, 'CN=Rotating CA');
  for (const out of [issued.stdout, issued.stderr]) assert.doesNotMatch(out, /PRIVATE KEY/);

  const files = join(work, 'second');
  mkdirSync(files);
  writeFileSync(join(files, 'tls.crt'), pair.cert);
  writeFileSync(join(files, 'tls.key'), pair.key);
  writeFileSync(join(files, 'ca.crt'), pair.ca);
  const rotated = run(
    'rotate',
    '--cert',
    join(files, 'tls.crt'),
    '--key',
    join(files, 'tls.key'),
    '--ca',
    join(files, 'ca.crt'),
    '--yes',
  );
  assert.equal(rotated.status, 0, rotated.stderr + rotated.stdout);
  assert.equal(await bed.publishedCa(), pair.ca);

  const wrongKey = run(
    'rotate',
    '--ca-cert',
    join(work, 'ca.crt'),
    '--ca-key',
    join(files, 'tls.key'),
    '--yes',
  );
  assert.equal(wrongKey.status, 1);
  assert.match(wrongKey.stderr, /cannot sign: no certificate in it is the one of/);
});

test("RBAC: README's roles are enough for rotate; without watch and pods/portforward the wait polls and says what it cannot see", async () => {
  const rule = (
    apiGroups: string[],
    resources: string[],
    verbs: string[],
    resourceNames?: string[],
  ) => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
  const reader = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'antrea-certs-reader' },
    rules: [
      rule(['apps'], ['deployments'], ['get', 'list']),
      rule([''], ['pods', 'configmaps'], ['get', 'list']),
      rule([''], ['secrets'], ['get'], ['antrea-controller-tls']),
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
  };
  const writer = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'antrea-certs-writer', namespace: ns },
    rules: [
      rule([''], ['secrets'], ['create', 'update', 'delete']),
      rule([''], ['configmaps'], ['update']),
      rule(['apps'], ['deployments'], ['get', 'update']),
      rule(['coordination.k8s.io'], ['leases'], ['get', 'create', 'update', 'delete']),
    ],
  };
  const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'rotator' }];
  const bindings = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'rotator-reader' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'antrea-certs-reader',
      },
      subjects,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rotator-writer', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'antrea-certs-writer' },
      subjects,
    },
  ];
  // User-provided mode, and the admin's CA to issue from.
  if (!/^user-provided/.test(plugin(bed.kubeconfig, ['mode']).stdout)) {
    const pair = await userProvidedPair(ns, 'antrea-user');
    const dir = join(work, 'rbac-pair');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tls.crt'), pair.cert);
    writeFileSync(join(dir, 'tls.key'), pair.key);
    writeFileSync(join(dir, 'ca.crt'), pair.ca);
    const imported = run('import', '--from-dir', dir, '--mode', 'user-provided', '--yes');
    assert.equal(imported.status, 0, imported.stderr + imported.stdout);
  }
  const caDir = join(work, 'rbac-ca');
  await adminCa(caDir);

  const file = join(work, 'rbac.json');
  writeFileSync(
    file,
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [reader, writer, ...bindings] }),
  );
  bed.kubectl('apply', '-f', file);

  const before = serial();
  const result = run(
    'rotate',
    '--ca-cert',
    join(caDir, 'ca.crt'),
    '--ca-key',
    join(caDir, 'ca.key'),
    '--as',
    'rotator',
    '--yes',
  );
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    /Which certificate the controller serves cannot be seen: you are not allowed to create pods\/portforward in namespace kube-system \(403 Forbidden\)/,
  );
  assert.match(
    result.stderr,
    /converged: the controller is ready, antrea-ca and every caBundle carry the CA, the aggregated APIs answer through it\n/,
  );
  assert.notEqual(serial().sha256, before.sha256);
});

test('a switch to self-signed written without its restart: rotate refuses and names both ways out; mode completes it', async () => {
  // User-provided mode (the test before leaves it so), then a write of the switch alone, by hand.
  assert.match(plugin(bed.kubeconfig, ['mode']).stdout, /^user-provided/);
  await setSelfSignedCert(bed, true, 'kubectl-edit');
  const objects = () =>
    bed.kubectl(
      ...['-n', ns, 'get', 'secret/antrea-controller-tls', 'configmap/antrea-config'],
      ...['-o', 'jsonpath={.items[*].metadata.resourceVersion}'],
    );
  const before = objects();
  const refused = run('rotate', '--yes');
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(
    refused.stderr,
    /^error: antrea-controller\.conf says self-signed mode \(last written by kubectl-edit at \S+Z\), but antrea-ca publishes what user-provided mode serves: the controller still runs with the configuration from before\. Keep what runs with kubectl antrea-certs mode user-provided, or complete the switch with kubectl antrea-certs mode self-signed --regenerate; then rotate\. Nothing was written\.\n$/,
  );
  assert.equal(objects(), before, 'nothing was written');

  // No Lease was left and the plugin did not write the config: mode restarts on what antrea-ca shows.
  const completed = run('mode', 'self-signed', '--regenerate', '--yes');
  assert.equal(completed.status, 0, completed.stderr);
  assert.match(completed.stderr, /Deployment antrea-controller: restart/);
  assert.match(plugin(bed.kubeconfig, ['mode']).stdout, /^self-signed/);
  assert.equal(plugin(bed.kubeconfig, ['verify']).status, 0);
});
