// generate --cert-manager on a v2.7.0 testbed in self-signed mode: the printed
// Certificate, every preflight refusal (cert-manager missing, an issuer that is
// missing, not Ready or ACME, a Certificate that already writes the Secret),
// an issuer whose Secrets carry no ca.crt (the change is undone), and the
// happy path from self-signed to cert-manager-managed in one command, then
// status and verify on the Certificate. cert-manager is played by the
// testbed's helper (test/testbed/cert-manager.ts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { FAST_TIMINGS, eventually, testbed, type Testbed } from '../../testbed/fixture.ts';
import { CertManager } from '../../testbed/cert-manager.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { pluginAsync, json } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const name = 'antrea-controller-tls';
const backups = join(mkdtempSync(join(tmpdir(), 'antrea-certs-gen-cm-')), 'backups');
// Asynchronous: the cert-manager helper runs in this process and must keep issuing while the plugin runs.
const apply = (...args: string[]) =>
  pluginAsync(bed.kubeconfig, [
    'generate',
    '--cert-manager',
    '--apply',
    '--yes',
    '--timeout',
    '60s',
    ...args,
    '--backup-dir',
    backups,
  ]);
const read = (...args: string[]) => pluginAsync(bed.kubeconfig, args);
const ca = await issue({
  commonName: 'cert-manager CA',
  isCA: true,
  usages: usage.keyCertSign | usage.digitalSignature,
});

async function state() {
  const [secret, config] = await Promise.all([
    bed.api.core.readNamespacedSecret({ name, namespace: ns }),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  const certificates = (await bed.api.custom
    .listNamespacedCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      namespace: ns,
      plural: 'certificates',
    })
    .catch(() => ({ items: [] }))) as { items: unknown[] };
  return {
    tlsCrt: secret.data?.['tls.crt'],
    config: config.data?.['antrea-controller.conf'],
    certificates: certificates.items.length,
  };
}

// Before cert-manager's CRDs exist (tests run once the file's top level has run).
const beforeInstall = await state();
const withoutCertManager = await apply('--issuer', 'ca-issuer');
const afterRefusal = await state();

const manager = await CertManager.start(bed, ca);
after(() => manager.stop());
await manager.createIssuer('Issuer', 'ca-issuer', 'ca', true);
await manager.createIssuer('Issuer', 'broken', 'ca', false);
await manager.createIssuer('ClusterIssuer', 'letsencrypt', 'acme', true);
await manager.createIssuer('Issuer', 'no-bundle', 'venafi', true);

test('without cert-manager: one sentence naming the install docs, nothing written', () => {
  assert.equal(withoutCertManager.status, 1, withoutCertManager.stderr);
  assert.match(
    withoutCertManager.stderr,
    /^error: cert-manager is not installed \(there is no CustomResourceDefinition certificates\.cert-manager\.io\); install it first: https:\/\/cert-manager\.io\/docs\/installation\/\. Nothing was written\.\n$/,
  );
  assert.deepEqual(afterRefusal, beforeInstall);
});

test('prints a cert-manager.io/v1 Certificate with Antrea names, usages and key rotation', async () => {
  const result = await read(
    'generate',
    '--cert-manager',
    '--issuer',
    'ca-issuer',
    '--cluster-domain',
    'corp.example',
  );
  assert.equal(result.status, 0, result.stderr);
  const certificate = yaml.load(result.stdout) as {
    apiVersion: string;
    metadata: { name: string; namespace: string };
    spec: Record<string, unknown>;
  };
  assert.equal(certificate.apiVersion, 'cert-manager.io/v1');
  assert.deepEqual(certificate.metadata, { name, namespace: ns });
  assert.deepEqual(certificate.spec, {
    secretName: name,
    commonName: 'antrea',
    dnsNames: ['antrea', `antrea.${ns}`, `antrea.${ns}.svc`, `antrea.${ns}.svc.corp.example`],
    usages: ['digital signature', 'key encipherment', 'server auth'],
    duration: '8760h0m0s',
    renewBefore: '720h0m0s',
    privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
    issuerRef: { name: 'ca-issuer', kind: 'Issuer', group: 'cert-manager.io' },
  });
  const dryRun = await apply('--issuer', 'ca-issuer', '--dry-run=server');
  assert.equal(dryRun.status, 0, dryRun.stderr);
  assert.match(dryRun.stderr, /the API server accepted every write; nothing was written/);
  assert.equal((await state()).certificates, 0);
});

test('preflight refusals: missing, not Ready and ACME issuers; nothing written', async () => {
  const before = await state();
  const cases: [string[], RegExp][] = [
    [['--issuer', 'nope'], new RegExp(`there is no Issuer nope in namespace ${ns}; create it`)],
    [['--issuer', 'nope', '--issuer-kind', 'ClusterIssuer'], /there is no ClusterIssuer nope;/],
    [
      ['--issuer', 'broken'],
      /Issuer broken in namespace .* is not Ready \(ErrGetKeyPair: Error getting keypair/,
    ],
    [
      ['--issuer', 'letsencrypt', '--issuer-kind', 'ClusterIssuer'],
      /ClusterIssuer letsencrypt is an ACME issuer: .*leaves ca\.crt empty/,
    ],
    [['--issuer', 'ca-issuer', '--validity', '60d'], /give --validity longer than 91d/],
  ];
  for (const [args, message] of cases) {
    const result = await apply(...args);
    assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /Nothing was written\.\n$/);
  }
  assert.deepEqual(await state(), before);
});

test('a Secret Helm manages is refused without --force', async () => {
  const label = async (value: string | undefined) => {
    const secret = await bed.api.core.readNamespacedSecret({ name, namespace: ns });
    const labels = { ...secret.metadata?.labels };
    if (value) labels['app.kubernetes.io/managed-by'] = value;
    else delete labels['app.kubernetes.io/managed-by'];
    secret.metadata = { ...secret.metadata, labels };
    await bed.api.core.replaceNamespacedSecret({ name, namespace: ns, body: secret });
  };
  await label('Helm');
  try {
    const before = await state();
    const result = await apply('--issuer', 'ca-issuer');
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^error: Helm manages Secret antrea-controller-tls: the next helm upgrade would overwrite what cert-manager writes; .*or pass --force\. Nothing was written\.\n$/,
    );
    assert.deepEqual(await state(), before);
    const forced = await apply('--issuer', 'ca-issuer', '--force', '--dry-run=server');
    assert.equal(forced.status, 0, forced.stderr);
  } finally {
    await label(undefined);
  }
});

test('an issuer that leaves ca.crt empty: the Certificate is deleted and the Secret put back', async () => {
  const before = await state();
  const result = await apply('--issuer', 'no-bundle');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /cert-manager issued Secret antrea-controller-tls without ca\.crt/);
  assert.match(result.stderr, /put back as they were/);
  const after = await state();
  assert.equal(after.certificates, 0, 'the Certificate it created is gone');
  assert.equal(after.tlsCrt, before.tlsCrt, 'the self-signed pair is back');
  assert.equal(after.config, before.config, 'still self-signed');
  // The self-signed controller saw cert-manager's pair for a moment: it re-publishes its own by itself.
  let last = '';
  await eventually(
    'verify to pass again',
    async () => {
      const verify = await read('verify');
      last = verify.stdout + verify.stderr;
      return verify.status === 0;
    },
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}:\n${last}`);
  });
});

let applySeconds = 0;
test('from self-signed to cert-manager in one command: issued, switched, converged, verified', async () => {
  const started = Date.now();
  const result = await apply('--issuer', 'ca-issuer');
  applySeconds = (Date.now() - started) / 1000;
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    /Certificate antrea-controller-tls \(cert-manager\.io\/v1\): created, issued by Issuer ca-issuer/,
  );
  assert.match(
    result.stderr,
    /cert-manager issued Certificate antrea-controller-tls into Secret antrea-controller-tls/,
  );
  assert.match(result.stderr, /ConfigMap antrea-config: selfSignedCert true -> false/);
  assert.match(
    result.stderr,
    /converged: .*and the controller serves the certificate in the Secret/,
  );
  assert.match(result.stdout, / 0 failed/);
  assert.equal(await bed.publishedCa(), ca.certPem);
  const status = json<{
    mode: string;
    certManagerCertificate: string;
    certManager: {
      ready: { status: string };
      issuer: { name: string; kind: string };
      renewalTime: string;
    };
  }>(await read('status', '-o', 'json'));
  assert.match(status.mode, /user-provided/);
  assert.equal(status.certManagerCertificate, name);
  assert.equal(status.certManager.ready.status, 'True');
  assert.deepEqual(status.certManager.issuer, { name: 'ca-issuer', kind: 'Issuer' });
  assert.ok(Date.parse(status.certManager.renewalTime) > Date.now());
  const text = await read('status');
  assert.match(text.stdout, /\nCertificate +Ready, Issuer ca-issuer, renews \d{4}-\d\d-\d\d\n/);
  const verify = await read('verify');
  assert.equal(verify.status, 0, verify.stdout);
  assert.match(
    verify.stdout,
    /✔ cert-manager Certificate antrea-controller-tls is Ready, issued by Issuer ca-issuer; renews at /,
  );
  process.stderr.write(
    `# generate --cert-manager --apply to a passing verify: ${applySeconds.toFixed(1)} s\n`,
  );
});

test('a second apply is refused: a Certificate already writes the Secret', async () => {
  const result = await apply('--issuer', 'ca-issuer');
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /cert-manager Certificate antrea-controller-tls already writes Secret antrea-controller-tls; renew it with kubectl antrea-certs rotate/,
  );
});

test('verify warns when the Certificate is not Ready or renews too late for the reload', async () => {
  await manager.stop();
  const certificate = await manager.read(ns, name);
  certificate.spec = { ...certificate.spec, renewBefore: '1m' } as typeof certificate.spec;
  await bed.api.custom.replaceNamespacedCustomObject({
    group: 'cert-manager.io',
    version: 'v1',
    namespace: ns,
    plural: 'certificates',
    name,
    body: certificate,
  });
  const fresh = await manager.read(ns, name);
  fresh.status = {
    ...fresh.status,
    conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'issuer gone' }],
  };
  await bed.api.custom.replaceNamespacedCustomObjectStatus({
    group: 'cert-manager.io',
    version: 'v1',
    namespace: ns,
    plural: 'certificates',
    name,
    body: fresh,
  });
  const verify = await read('verify');
  assert.equal(verify.status, 0, verify.stdout);
  assert.match(
    verify.stdout,
    /‼ cert-manager Certificate antrea-controller-tls is not Ready \(Failed: issuer gone\)/,
  );
  assert.match(
    verify.stdout,
    /‼ cert-manager Certificate antrea-controller-tls renews 1m before expiry, less than the 2m/,
  );
  const strict = await read('verify', '--strict');
  assert.equal(strict.status, 3);
});
