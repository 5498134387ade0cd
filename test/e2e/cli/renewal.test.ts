// A renewer that fails, seen months before the expiry. On the testbed:
// - the controller's renewal of its self-signed pair is refused (as RBAC, an
//   admission policy or a GitOps tool would refuse it) while the pair has 80
//   days left, 10 days past the controller's 90-day point;
// - a cert-manager Certificate past its renewalTime whose issuer is not Ready;
// - a Flow Aggregator certificate past its 90-day rotation point.
// verify warns renewal-overdue (exit 3 with --strict), status and status --all
// say since when, and the exporter's gauges are in the past with
// AntreaCertsRenewalOverdue pending in a real Prometheus. The healthy
// installation before them has no such warning.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import {
  eventually,
  FAST_TIMINGS,
  restartController,
  setSelfSignedCert,
  testbed,
  writeTlsSecret,
  type Testbed,
} from '../../testbed/fixture.ts';
import { REFUSE_RENEWAL_ANNOTATION } from '../../testbed/model/controller.ts';
import { CertManager } from '../../testbed/cert-manager.ts';
import { writeFlowAggregatorCertificates } from '../../testbed/flow-aggregator.ts';
import { extendedUsage, issue, usage } from '../../testbed/pki.ts';
import { plugin, pluginInBackground } from '../plugin.ts';
import { freePort, startPrometheus, type Prometheus } from '../../support/prometheus.ts';

const ALERTS = resolve('examples/prometheus/antrea-certs-alerts.yaml');
const DAY = 86_400_000;
const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });

// Stopped when the file ends (the hooks of a test would stop them when that test ends).
const stops: (() => unknown)[] = [];
after(() => Promise.all(stops.map((stop) => stop())));
let watching: Promise<Prometheus> | undefined;
/** The exporter as deploy/ runs it (inventory included) and a Prometheus with the shipped rules, once. */
function watcher(): Promise<Prometheus> {
  watching ??= (async () => {
    const port = await freePort();
    const exporter = pluginInBackground(bed.kubeconfig, [
      ...['exporter', '--listen', `127.0.0.1:${port}`, '--cluster-label', 'testbed'],
      ...['--inventory-interval', '2s'],
    ]);
    stops.push(() => exporter.kill('SIGKILL'));
    await exporter.stderrMatches(/Serving \/metrics/, 30_000);
    const prometheus = await startPrometheus({ 'antrea-certs-exporter': [`127.0.0.1:${port}`] }, [
      ALERTS,
    ]);
    stops.push(() => prometheus.stop());
    return prometheus;
  })();
  return watching;
}

/** The pending AntreaCertsRenewalOverdue whose labels include `labels`. */
const pendingAlert = (prometheus: Prometheus, labels: Record<string, string>) =>
  eventually(`AntreaCertsRenewalOverdue pending for ${JSON.stringify(labels)}`, async () =>
    (await prometheus.alerts()).find(
      (a) =>
        a.labels.alertname === 'AntreaCertsRenewalOverdue' &&
        Object.entries(labels).every(([k, v]) => a.labels[k] === v),
    ),
  );

const verifyJson = () => {
  const run = plugin(bed.kubeconfig, ['verify', '--strict', '-o', 'json']);
  const report = JSON.parse(run.stdout) as {
    checks: { id: string; status: string; message: string; hint?: string }[];
  };
  return {
    status: run.status,
    check: report.checks.find((c) => c.id === 'renewal-overdue:serving'),
  };
};

test('a healthy installation: the renewal is due in about 275 days, no warning', () => {
  const { status, check } = verifyJson();
  assert.equal(status, 0);
  assert.equal(check?.status, 'pass');
  assert.match(check?.message ?? '', /^antrea-controller renews the serving certificate at \d{4}-/);
});

test('the controller cannot replace a pair with 80 days left: renewal-overdue, status, gauge and alert', async (t) => {
  const ns = bed.namespace;
  const ca = await issue({
    commonName: 'antrea-ca@80',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    notAfter: new Date(Date.now() + 80 * DAY),
  });
  const leaf = await issue({
    commonName: 'antrea@80',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: ['antrea', `antrea.${ns}`, `antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    notAfter: new Date(Date.now() + 80 * DAY),
  });
  bed.kubectl(
    ...['-n', ns, 'annotate', 'secret', 'antrea-controller-tls'],
    `${REFUSE_RENEWAL_ANNOTATION}=true`,
  );
  t.after(() =>
    bed.kubectlResult(
      ...['-n', ns, 'annotate', 'secret', 'antrea-controller-tls'],
      `${REFUSE_RENEWAL_ANNOTATION}-`,
    ),
  );
  await writeTlsSecret(bed, { 'tls.crt': leaf.certPem + ca.certPem, 'tls.key': leaf.keyPem });
  await eventually('antrea-ca publishes the 80-day pair', async () =>
    (await bed.publishedCa())?.includes(leaf.certPem.trim()),
  );

  const { status, check } = verifyJson();
  assert.equal(status, 3, 'a warning under --strict');
  assert.equal(check?.status, 'warn');
  assert.match(
    check?.message ?? '',
    /overdue since \d{4}-.*antrea-controller replaces its self-signed pair/,
  );
  assert.match(check?.hint ?? '', /logs deploy\/antrea-controller/);
  const text = plugin(bed.kubeconfig, ['status']);
  assert.match(
    text.stdout,
    /Renewal\s+overdue since \d{4}-\d\d-\d\d \d\d:\d\d UTC, by antrea-controller/,
  );
  assert.match(text.stdout, /renewal overdue since/);

  const prometheus = await watcher();
  const due = await eventually(
    'the renewal gauge in Prometheus',
    async () =>
      (
        await prometheus.query(
          'antrea_certs_certificate_renewal_due_timestamp_seconds{certificate="serving",renewer="antrea-controller"}',
        )
      )[0],
  );
  assert.ok(due.value < Date.now() / 1000 - 9 * 86_400, `due ${due.value}: 10 days ago`);
  const alert = await pendingAlert(prometheus, {
    certificate: 'serving',
    renewer: 'antrea-controller',
  });
  assert.equal(alert.state, 'pending');
});

test('a Flow Aggregator certificate past its 90-day point: status --all, its gauge and the alert', async () => {
  const { clientPem } = await writeFlowAggregatorCertificates(bed, new Date(Date.now() + 80 * DAY));
  const text = plugin(bed.kubeconfig, ['status', '--all']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^flow-aggregator client\s+Secret flow-aggregator\/flow-aggregator-client-tls\s+\S+\s+\S+\s+overdue since \d{4}-\d\d-\d\d\s/m,
  );
  const metrics = plugin(bed.kubeconfig, ['status', '--all', '-o', 'prometheus']).stdout;
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('antrea_certs_inventory_renewal_due_timestamp_seconds{') &&
        l.includes('certificate="flow-aggregator client"'),
    );
  assert.match(line ?? '', /renewer="flow-aggregator"\} \d+$/, metrics);
  assert.ok(Number(line?.split(' ').at(-1)) < Date.now() / 1000 - 9 * 86_400, line);
  assert.ok(clientPem);

  const alert = await pendingAlert(await watcher(), {
    certificate: 'flow-aggregator client',
    renewer: 'flow-aggregator',
  });
  assert.equal(alert.state, 'pending');
  assert.equal(alert.labels.location, 'Secret flow-aggregator/flow-aggregator-client-tls');
});

test('a cert-manager Certificate past its renewalTime whose issuer fails: renewal-overdue, status, gauge, alert', async (t) => {
  const ns = bed.namespace;
  const name = 'antrea-controller-tls';
  const ca = await issue({
    commonName: 'cert-manager CA',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
  });
  const manager = await CertManager.start(bed, ca);
  t.after(() => manager.stop());
  // Issued by cert-manager 300 days ago for a year: its renewalTime (two thirds in) was 57 days ago.
  const leaf = await issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    notBefore: new Date(Date.now() - 300 * DAY),
    notAfter: new Date(Date.now() + 65 * DAY),
  });
  // The self-signed controller keeps its hands off this pair until it restarts user-provided.
  await writeTlsSecret(
    bed,
    { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem, 'ca.crt': ca.certPem },
    {
      [REFUSE_RENEWAL_ANNOTATION]: 'true',
      'cert-manager.io/certificate-name': name,
      'cert-manager.io/issuer-name': 'antrea-ca-issuer',
      'cert-manager.io/issuer-kind': 'Issuer',
      'cert-manager.io/issuer-group': 'cert-manager.io',
    },
  );
  await setSelfSignedCert(bed, false);
  await restartController(bed);
  await manager.createIssuer('Issuer', 'antrea-ca-issuer', 'ca', false);
  await manager.createCertificate({
    metadata: { name, namespace: ns },
    spec: {
      secretName: name,
      commonName: 'antrea',
      duration: '8760h',
      dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
      issuerRef: { name: 'antrea-ca-issuer', kind: 'Issuer' },
    },
  });
  await eventually(
    'cert-manager to record the failed renewal',
    async () => (await manager.read(ns, name)).status?.lastFailureTime,
  );
  await eventually('antrea-ca publishes the cert-manager CA', async () =>
    (await bed.publishedCa())?.includes(ca.certPem.trim()),
  );

  const { status, check } = verifyJson();
  assert.equal(status, 3, 'a warning under --strict');
  assert.equal(check?.status, 'warn');
  assert.match(
    check?.message ?? '',
    /overdue since \d{4}-.*cert-manager renews at the Certificate's status\.renewalTime/,
  );
  assert.match(
    check?.message ?? '',
    /its issuance failed once, last at \d{4}-.*: The certificate request has failed to complete and will be retried: Issuer antrea-ca-issuer is not Ready/,
  );
  assert.match(check?.hint ?? '', /describe certificate.*issuer's Ready condition/);
  const text = plugin(bed.kubeconfig, ['status']);
  assert.match(
    text.stdout,
    /Renewal\s+overdue since \d{4}-\d\d-\d\d \d\d:\d\d UTC, by cert-manager/,
  );
  assert.match(text.stdout, /issuance failed at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

  const prometheus = await watcher();
  const due = await eventually(
    'the cert-manager renewal gauge in Prometheus',
    async () =>
      (
        await prometheus.query(
          'antrea_certs_certificate_renewal_due_timestamp_seconds{certificate="serving",renewer="cert-manager"}',
        )
      )[0],
  );
  assert.ok(due.value < Date.now() / 1000 - 56 * 86_400, `due ${due.value}: 57 days ago`);
  const alert = await pendingAlert(prometheus, { certificate: 'serving', renewer: 'cert-manager' });
  assert.equal(alert.state, 'pending');
});
