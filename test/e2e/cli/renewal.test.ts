// A renewer that fails, seen months before the expiry: on the testbed the
// controller's renewal of its self-signed pair is refused (as RBAC, an
// admission policy or a GitOps tool would refuse it) while the pair has 80 days
// left, 10 days past the controller's 90-day point. verify warns
// renewal-overdue (exit 3 with --strict), status says since when, and the
// exporter's gauge is in the past with AntreaCertsRenewalOverdue pending in a
// real Prometheus. The healthy installation before it has no such warning.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import {
  eventually,
  FAST_TIMINGS,
  testbed,
  writeTlsSecret,
  type Testbed,
} from '../../testbed/fixture.ts';
import { REFUSE_RENEWAL_ANNOTATION } from '../../testbed/model/controller.ts';
import { extendedUsage, issue, usage } from '../../testbed/pki.ts';
import { plugin, pluginInBackground } from '../plugin.ts';
import { freePort, startPrometheus } from '../../support/prometheus.ts';

const ALERTS = resolve('examples/prometheus/antrea-certs-alerts.yaml');
const DAY = 86_400_000;
const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });

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

  const port = await freePort();
  const exporter = pluginInBackground(bed.kubeconfig, [
    ...['exporter', '--listen', `127.0.0.1:${port}`, '--cluster-label', 'testbed'],
  ]);
  after(() => exporter.kill('SIGKILL'));
  await exporter.stderrMatches(/Serving \/metrics/, 30_000);
  const prometheus = await startPrometheus({ 'antrea-certs-exporter': [`127.0.0.1:${port}`] }, [
    ALERTS,
  ]);
  t.after(() => prometheus.stop());
  const due = await eventually(
    'the renewal gauge in Prometheus',
    async () =>
      (
        await prometheus.query(
          'antrea_certs_certificate_renewal_due_timestamp_seconds{certificate="serving"}',
        )
      )[0],
  );
  assert.equal(due.metric.renewer, 'antrea-controller');
  assert.ok(due.value < Date.now() / 1000 - 9 * 86_400, `due ${due.value}: 10 days ago`);
  const alert = await eventually('AntreaCertsRenewalOverdue pending', async () =>
    (await prometheus.alerts()).find(
      (a) =>
        a.labels.alertname === 'AntreaCertsRenewalOverdue' && a.labels.certificate === 'serving',
    ),
  );
  assert.equal(alert.state, 'pending');
  assert.equal(alert.labels.renewer, 'antrea-controller');
});
