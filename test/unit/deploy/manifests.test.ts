// deploy/: the objects a cluster gets are what the exporter needs and what Pod
// Security "restricted" admits; the PrometheusRule carries the shipped rules
// unchanged; and the new alerts fire, and stay quiet, as promtool evaluates them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import { DEFAULT_PORT } from '../../../src/commands/exporter/command.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
type Doc = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
};
const docs = (path: string) => yaml.loadAll(read(path)) as Doc[];
/** The first item, which the test needs. */
function first<T>(items: readonly T[]): T {
  const [item] = items;
  assert.ok(item !== undefined);
  return item;
}
const ALERTS = 'examples/prometheus/antrea-certs-alerts.yaml';
const STALE_ACTION =
  'Exporter: check its log and antrea_certs_exporter_read_errors_total. Textfile: check the cron job that writes it.';

test('each kustomization lists files that exist, and the base has the exporter, its RBAC, Service and Namespace', () => {
  for (const dir of ['deploy/base', 'deploy/overlays/secret-reads', 'deploy/prometheus-operator']) {
    const k = yaml.load(read(`${dir}/kustomization.yaml`)) as { resources: string[] };
    for (const resource of k.resources) {
      const path = resource.endsWith('.yaml')
        ? `${dir}/${resource}`
        : `${dir}/${resource}/kustomization.yaml`;
      assert.doesNotThrow(() => read(path), path);
    }
  }
  const kinds = ['namespace', 'rbac', 'deployment', 'service'].flatMap((f) =>
    docs(`deploy/base/${f}.yaml`).map((d) => d.kind),
  );
  assert.deepEqual(kinds.sort(), [
    'ClusterRole',
    'ClusterRoleBinding',
    'Deployment',
    'Namespace',
    'Role',
    'RoleBinding',
    'Service',
    'ServiceAccount',
  ]);
});

test('the Deployment meets Pod Security restricted, probes /healthz and /readyz, and uses the default port', () => {
  const deployment = first(docs('deploy/base/deployment.yaml'));
  const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  const container = first(pod.containers);
  assert.equal((deployment.spec as { replicas: number }).replicas, 1);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.runAsUser, 65532);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(first(container.ports).containerPort, DEFAULT_PORT);
  assert.ok(container.resources.limits.memory && container.resources.requests.memory);
  const service = first(docs('deploy/base/service.yaml'));
  assert.equal(first((service.spec as { ports: { port: number }[] }).ports).port, DEFAULT_PORT);
});

interface PodSpec {
  securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
  containers: {
    ports: { containerPort: number }[];
    livenessProbe: { httpGet: { path: string } };
    readinessProbe: { httpGet: { path: string } };
    resources: { limits: { memory?: string }; requests: { memory?: string } };
    securityContext: {
      allowPrivilegeEscalation: boolean;
      readOnlyRootFilesystem: boolean;
      capabilities: { drop: string[] };
    };
  }[];
}

test('the base may not read Secrets; the secret-reads overlay may read antrea-controller-tls only', () => {
  const base = docs('deploy/base/rbac.yaml').flatMap((d) => d.rules ?? []);
  assert.ok(base.every((rule) => !rule.resources.includes('secrets')));
  assert.ok(base.some((r) => r.resources.includes('apiservices') && r.verbs.includes('watch')));
  const secret = docs('deploy/overlays/secret-reads/secret-role.yaml').flatMap(
    (d) => d.rules ?? [],
  );
  assert.deepEqual(secret, [
    {
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: ['antrea-controller-tls'],
      verbs: ['get', 'list', 'watch'],
    },
  ]);
});

test('the PrometheusRule carries the shipped alert rules unchanged', () => {
  const rule = first(docs('deploy/prometheus-operator/prometheusrule.yaml'));
  assert.equal(rule.kind, 'PrometheusRule');
  assert.deepEqual(rule.spec, yaml.load(read(ALERTS)));
});

/** Runs `promtool test rules` on the tests given, against the shipped rules. */
function promtoolTest(tests: readonly Record<string, unknown>[]): void {
  const file = join(mkdtempSync(join(tmpdir(), 'antrea-certs-alerts-')), 'rules.test.yaml');
  const document = {
    rule_files: [new URL(ALERTS, root).pathname],
    evaluation_interval: '1m',
    tests,
  };
  writeFileSync(file, yaml.dump(document, { lineWidth: -1 }));
  const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
}

test('AntreaCertsExporterDown and AntreaCertsDataStale fire after their for:, on the exporter and on a textfile', () => {
  promtoolTest([
    {
      interval: '1m',
      input_series: [
        {
          series: 'up{job="antrea-certs-exporter",instance="10.0.0.5:10027"}',
          values: '1x4 0x10',
        },
        { series: 'up{job="node",instance="n1"}', values: '0x14' },
        {
          series: 'antrea_certs_exporter_data_age_seconds{cluster="prod"}',
          values: '0x4 0+60x10',
        },
        { series: 'antrea_certs_exporter_data_age_seconds{cluster="lab"}', values: '0x14' },
        // A textfile written at time 0 and never again.
        {
          series: 'node_textfile_mtime_seconds{file="/var/lib/node_exporter/antrea-certs.prom"}',
          values: '0x80',
        },
      ],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'AntreaCertsExporterDown', exp_alerts: [] },
        {
          eval_time: '10m',
          alertname: 'AntreaCertsExporterDown',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                job: 'antrea-certs-exporter',
                instance: '10.0.0.5:10027',
              },
              exp_annotations: {
                summary:
                  "The antrea-certs exporter 10.0.0.5:10027 cannot be scraped: Antrea's certificates are not watched.",
                action:
                  'kubectl -n antrea-certs describe pod -l app.kubernetes.io/name=antrea-certs-exporter',
              },
            },
          ],
        },
        // prod's age passes 900 s at 20 m (4 m at 0, then +60 s a minute); firing 5 m later.
        { eval_time: '14m', alertname: 'AntreaCertsDataStale', exp_alerts: [] },
        {
          eval_time: '80m',
          alertname: 'AntreaCertsDataStale',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                file: '/var/lib/node_exporter/antrea-certs.prom',
              },
              exp_annotations: {
                summary: 'The Antrea certificate data is 1h 20m 0s old: alerts on it may be late.',
                action: STALE_ACTION,
              },
            },
          ],
        },
      ],
    },
    {
      interval: '1m',
      input_series: [
        { series: 'antrea_certs_exporter_data_age_seconds{cluster="prod"}', values: '0+60x30' },
      ],
      alert_rule_test: [
        { eval_time: '19m', alertname: 'AntreaCertsDataStale', exp_alerts: [] },
        {
          eval_time: '21m',
          alertname: 'AntreaCertsDataStale',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', cluster: 'prod' },
              exp_annotations: {
                summary:
                  'The Antrea certificate data of cluster prod is 21m 0s old: alerts on it may be late.',
                action: STALE_ACTION,
              },
            },
          ],
        },
      ],
    },
  ]);
});

test('the base admits scrapes only from the monitoring namespace; secure-metrics reviews tokens and scrapes over HTTPS', () => {
  const policy = first(docs('deploy/base/networkpolicy.yaml'));
  assert.equal(policy.kind, 'NetworkPolicy');
  const spec = policy.spec as {
    policyTypes: string[];
    ingress: {
      from: { namespaceSelector: { matchLabels: Record<string, string> } }[];
      ports: { port: string }[];
    }[];
  };
  assert.deepEqual(spec.policyTypes, ['Ingress']);
  const rule = first(spec.ingress);
  assert.deepEqual(first(rule.from).namespaceSelector.matchLabels, {
    'kubernetes.io/metadata.name': 'monitoring',
  });
  assert.deepEqual(rule.ports, [{ port: 'metrics' }]);
  const rbac = docs('deploy/overlays/secure-metrics/rbac.yaml') as (Doc & {
    roleRef?: { name: string };
    subjects?: { name: string; namespace: string }[];
  })[];
  const delegator = rbac.find((d) => d.roleRef?.name === 'system:auth-delegator');
  assert.equal(delegator?.subjects?.[0]?.name, 'antrea-certs-exporter');
  const reader = rbac.find((d) => d.kind === 'ClusterRole') as unknown as {
    rules: { nonResourceURLs: string[]; verbs: string[] }[];
  };
  assert.deepEqual(reader.rules, [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
  const monitor = first(docs('deploy/overlays/secure-metrics/servicemonitor.yaml'));
  const endpoint = first((monitor.spec as { endpoints: Record<string, unknown>[] }).endpoints);
  assert.equal(endpoint.scheme, 'https');
  assert.match(String(endpoint.bearerTokenFile), /serviceaccount\/token$/);
  const overlay = read('deploy/overlays/secure-metrics/kustomization.yaml');
  assert.match(overlay, /value: --metrics-auth=rbac/);
  assert.match(overlay, /readinessProbe\/httpGet\/scheme, value: HTTPS/);
});

const RENEWAL_ACTION = (cluster: string) =>
  `kubectl antrea-certs status --all --context ${cluster} shows since when; for the controller's ` +
  'certificate, verify (renewal-overdue) says where to look and rotate renews it now.';

test('AntreaCertsRenewalOverdue fires an hour after a renewal an hour past due, and not for one not due', () => {
  const labels =
    'cluster="prod",namespace="kube-system",certificate="serving",subject="CN=antrea",' +
    'sha256="ab",renewer="antrea-controller"';
  promtoolTest([
    {
      interval: '1m',
      input_series: [
        // Due at 0 (the epoch, as the test clock starts there); one due in ten days.
        {
          series: `antrea_certs_certificate_renewal_due_timestamp_seconds{${labels}}`,
          values: '0x200',
        },
        {
          series:
            'antrea_certs_certificate_renewal_due_timestamp_seconds{cluster="lab",certificate="serving",renewer="cert-manager"}',
          values: '864000x200',
        },
      ],
      alert_rule_test: [
        // Past due by more than an hour at 61 m: pending until 121 m.
        { eval_time: '100m', alertname: 'AntreaCertsRenewalOverdue', exp_alerts: [] },
        {
          eval_time: '125m',
          alertname: 'AntreaCertsRenewalOverdue',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                cluster: 'prod',
                namespace: 'kube-system',
                certificate: 'serving',
                subject: 'CN=antrea',
                sha256: 'ab',
                renewer: 'antrea-controller',
              },
              exp_annotations: {
                summary:
                  'antrea-controller has not renewed the Antrea serving certificate CN=antrea of cluster prod: due 2h 5m 0s ago.',
                action: RENEWAL_ACTION('prod'),
              },
            },
          ],
        },
      ],
    },
  ]);
});

test("AntreaCertsRenewalOverdue from status --all's series, once for a certificate status shows too", () => {
  const inventory = (certificate: string, sha256: string, renewer: string) =>
    `antrea_certs_inventory_renewal_due_timestamp_seconds{cluster="prod",namespace="kube-system",` +
    `certificate="${certificate}",location="L",subject="CN=${certificate}",sha256="${sha256}",` +
    `renewer="${renewer}"}`;
  promtoolTest([
    {
      interval: '1m',
      input_series: [
        { series: inventory('flow-aggregator client', 'fa', 'flow-aggregator'), values: '0x200' },
        // The serving certificate, in both families: one alert, from status's series.
        { series: inventory('controller serving', 'cs', 'antrea-controller'), values: '0x200' },
        {
          series:
            'antrea_certs_certificate_renewal_due_timestamp_seconds{cluster="prod",namespace="kube-system",' +
            'certificate="serving",subject="CN=antrea",sha256="cs",renewer="antrea-controller"}',
          values: '0x200',
        },
      ],
      alert_rule_test: [
        {
          eval_time: '125m',
          alertname: 'AntreaCertsRenewalOverdue',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                cluster: 'prod',
                namespace: 'kube-system',
                certificate: 'serving',
                subject: 'CN=antrea',
                sha256: 'cs',
                renewer: 'antrea-controller',
              },
              exp_annotations: {
                summary:
                  'antrea-controller has not renewed the Antrea serving certificate CN=antrea of cluster prod: due 2h 5m 0s ago.',
                action: RENEWAL_ACTION('prod'),
              },
            },
            {
              exp_labels: {
                severity: 'warning',
                cluster: 'prod',
                namespace: 'kube-system',
                certificate: 'flow-aggregator client',
                location: 'L',
                subject: 'CN=flow-aggregator client',
                sha256: 'fa',
                renewer: 'flow-aggregator',
              },
              exp_annotations: {
                summary:
                  'flow-aggregator has not renewed the Antrea flow-aggregator client certificate CN=flow-aggregator client of cluster prod: due 2h 5m 0s ago.',
                action: RENEWAL_ACTION('prod'),
              },
            },
          ],
        },
      ],
    },
  ]);
});
