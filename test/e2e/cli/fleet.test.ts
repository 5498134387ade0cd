// status and verify over several clusters, and -o prometheus: three testbeds
// (healthy, one with a webhook out of step, one without Antrea) and two
// contexts that cannot be read (a closed port, a user RBAC refuses), in one
// kubeconfig. The metrics are checked by promtool, and the shipped alert rules
// are tested with promtool on the plugin's real output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { testbed } from '../../testbed/fixture.ts';
import { writeFleetKubeconfig } from '../../testbed/kubeconfigs.ts';
import { generateSelfSignedPair } from '../../testbed/model/selfsigned.ts';
import { plugin, json, type Run } from '../plugin.ts';

// A publish resync longer than the tests: the controller does not put the broken caBundle back meanwhile.
const slow = { timings: { publishResyncSeconds: 3600 } };
const [healthy, failing, empty] = await Promise.all([testbed(slow), testbed(slow), testbed(slow)]);
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-fleet-'));
const ALERTS = fileURLToPath(
  new URL('../../../examples/prometheus/antrea-certs-alerts.yaml', import.meta.url),
);

// Failing: one webhook carries another CA. Without Antrea: its controller Deployment is gone.
const other = await generateSelfSignedPair('kube-system');
const webhooks = await failing.api.admission.readValidatingWebhookConfiguration({
  name: 'crdvalidator.antrea.io',
});
const first = webhooks.webhooks?.[0];
assert.ok(first);
first.clientConfig.caBundle = Buffer.from(other.certPem).toString('base64');
await failing.api.admission.replaceValidatingWebhookConfiguration({
  name: 'crdvalidator.antrea.io',
  body: webhooks,
});
empty.kubectl('-n', empty.namespace, 'delete', 'deployment', 'antrea-controller', '--wait=true');

const kubeconfig = writeFleetKubeconfig(join(dir, 'kubeconfig'), [
  { name: 'healthy', kubeconfig: healthy.kubeconfig },
  { name: 'failing', kubeconfig: failing.kubeconfig },
  { name: 'no-antrea', kubeconfig: empty.kubeconfig },
  { name: 'forbidden', kubeconfig: healthy.kubeconfig, user: { as: 'nobody-at-all' } },
  { name: 'dead', closedPort: 1 },
]);
const run = (...args: string[]): Run => plugin(kubeconfig, ['--cluster-timeout', '20s', ...args]);

interface FleetJson<R> {
  clusters: (
    { context: string; report: R } | { context: string; error: { kind: string; message: string } }
  )[];
  summary: Record<string, number>;
}

test('verify --all-contexts: one line per cluster, the right verdicts, the summary, and the worst exit code (2)', () => {
  const result = run('verify', '--all-contexts');
  assert.equal(result.status, 2, result.stderr);
  const line = (context: string) =>
    result.stdout.split('\n').find((l) => l.startsWith(`${context} `)) ?? '';
  assert.match(
    line('healthy'),
    /^healthy +v2\.7\.0 kube-system +self-signed +36\dd +36\dd +\d+\/\d+ +✔ +-$/,
  );
  assert.match(
    line('failing'),
    /^failing .* ×  +ValidatingWebhookConfiguration\/crdvalidator\.antrea\.io: webhook/,
  );
  assert.match(line('no-antrea'), /^no-antrea +- .* × +no-antrea: no Antrea installation found/);
  assert.match(line('forbidden'), /^forbidden +- .* × +forbidden: you are not allowed to/);
  assert.match(
    line('dead'),
    /^dead +- .* × +unreachable: cannot reach the API server at https:\/\/127\.0\.0\.1:1/,
  );
  assert.match(
    result.stdout,
    /^5 clusters: 1 passed, 0 warnings, 1 failed, 1 unreachable, 2 not read/m,
  );
  // The worst without the failing cluster: a cluster not read is 1.
  assert.equal(run('verify', '--contexts-matching', '^(healthy|dead)$').status, 1);
  assert.equal(
    run('verify', '--context', 'healthy', '--context', 'no-antrea', '--strict').status,
    1,
  );
  assert.equal(run('verify', '--context', 'healthy', '--context', 'healthy').status, 0);
});

test('-o json: one entry per context, each the report a single-cluster run prints, or a typed error', () => {
  const all = run('status', '--all-contexts', '-o', 'json');
  // Three of the five clusters could not be read: the worst exit code of status is 1.
  assert.equal(all.status, 1, all.stderr);
  assert.equal(all.stderr, '');
  const fleet = JSON.parse(all.stdout) as FleetJson<Record<string, unknown>>;
  assert.deepEqual(
    fleet.clusters.map((c) => [c.context, 'error' in c ? c.error.kind : 'report']),
    [
      ['healthy', 'report'],
      ['failing', 'report'],
      ['no-antrea', 'no-antrea'],
      ['forbidden', 'forbidden'],
      ['dead', 'unreachable'],
    ],
  );
  const single = json<Record<string, unknown>>(
    plugin(kubeconfig, ['status', '-o', 'json', '--context', 'failing']),
  );
  const entry = fleet.clusters[1];
  assert.ok(entry && 'report' in entry);
  // The same document, but for the seconds left, counted when each was read.
  const timeless = (doc: unknown) =>
    JSON.parse(JSON.stringify(doc).replace(/"expiresInSeconds":\d+/g, '"expiresInSeconds":0'));
  assert.deepEqual(timeless(entry.report), timeless(single));
  assert.deepEqual(fleet.summary, {
    clusters: 5,
    passed: 1,
    warnings: 0,
    failed: 1,
    unreachable: 1,
    notRead: 2,
  });
  const yamlRun = run('verify', '--context', 'healthy', '--context', 'failing', '-o', 'yaml');
  assert.equal(yamlRun.status, 2, yamlRun.stderr);
  const verify = yaml.load(yamlRun.stdout) as FleetJson<{ exitCode: number }>;
  assert.deepEqual(
    verify.clusters.map((c) => ('report' in c ? c.report.exitCode : -1)),
    [0, 2],
  );
});

test('contexts are chosen by name or pattern; an unknown one is one sentence and exit 1, nothing read', () => {
  const some = run('status', '--contexts-matching', '^(healthy|failing)$');
  assert.equal(some.status, 0, some.stderr);
  assert.deepEqual(
    some.stdout
      .split('\n')
      .filter((l) => /^(healthy|failing|dead) /.test(l))
      .map((l) => l.split(' ')[0]),
    ['healthy', 'failing'],
  );
  const unknown = run('status', '--context', 'healthy', '--context', 'nowhere');
  assert.equal(unknown.status, 1);
  assert.match(
    unknown.stderr,
    /^error: context "nowhere" is not in the kubeconfig \(contexts there: healthy, failing, no-antrea, forbidden, dead\)\.\n$/,
  );
  const once = plugin(kubeconfig, ['mode', '--context', 'healthy', '--context', 'failing']);
  assert.equal(once.status, 1);
  assert.match(
    once.stderr,
    /--context can be given once here; status and verify take it more than once/,
  );
  const label = run('status', '--all-contexts', '-o', 'prometheus', '--cluster-label', 'x');
  assert.equal(label.status, 1);
  assert.match(label.stderr, /--cluster-label names a single cluster/);
});

function promtool(...args: string[]): { status: number; out: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

test('-o prometheus passes promtool check metrics, for one cluster and for all, with the facts of each', () => {
  const all = run('verify', '--all-contexts', '-o', 'prometheus');
  assert.equal(all.status, 2, all.stderr);
  const one = plugin(kubeconfig, ['status', '-o', 'prometheus', '--cluster-label', 'eu-1']);
  assert.equal(one.status, 0, one.stderr);
  for (const metrics of [all.stdout, one.stdout]) {
    const file = join(dir, `metrics-${Math.random()}.prom`);
    writeFileSync(file, metrics);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  }
  assert.match(one.stdout, /^antrea_certs_up\{cluster="eu-1"\} 1$/m);
  assert.match(all.stdout, /^antrea_certs_up\{cluster="dead"\} 0$/m);
  assert.match(
    all.stdout,
    /^antrea_certs_read_error_info\{cluster="forbidden",kind="forbidden"\} 1$/m,
  );
  assert.match(
    all.stdout,
    /^antrea_certs_consumer_ca_bundle_in_sync\{cluster="failing",namespace="kube-system",kind="ValidatingWebhookConfiguration",name="crdvalidator\.antrea\.io",webhook="[^"]+"\} 0$/m,
  );
  assert.match(
    all.stdout,
    /^antrea_certs_mode_info\{cluster="healthy",namespace="kube-system",mode="self-signed",antrea_version="v2\.7\.0"\} 1$/m,
  );
  assert.match(
    all.stdout,
    /^antrea_certs_check_status\{cluster="failing",namespace="kube-system",check="ca-bundle:ValidatingWebhookConfiguration\/crdvalidator\.antrea\.io"\} 2$/m,
  );
  const notAfter =
    /^antrea_certs_certificate_not_after_timestamp_seconds\{cluster="healthy",namespace="kube-system",certificate="serving",[^}]*\} (\d+)$/m.exec(
      all.stdout,
    );
  const status = json<{ servingCertificate: { notAfter: string } }>(
    plugin(kubeconfig, ['status', '-o', 'json']),
  );
  assert.equal(
    Number(notAfter?.[1]),
    Math.floor(Date.parse(status.servingCertificate.notAfter) / 1000),
  );
});

/** Prometheus' humanizeDuration template function, for whole seconds of a day or more. */
function humanizeDuration(seconds: number): string {
  const s = Math.trunc(seconds);
  const [days, hours, minutes] = [
    Math.trunc(s / 86400),
    Math.trunc(s / 3600) % 24,
    Math.trunc(s / 60) % 60,
  ];
  assert.ok(days > 0);
  return `${days}d ${hours}h ${minutes}m ${s % 60}s`;
}

/** The metrics as promtool test rules' input series: each sample, held at its value. */
function inputSeries(metrics: string, points: number): { series: string; values: string }[] {
  return metrics
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return { series: line.slice(0, at), values: `${line.slice(at + 1)}x${points}` };
    });
}

test('the shipped alert rules fire on the real output: out-of-step consumers, unreadable clusters, and expiry', () => {
  assert.equal(promtool('check', 'rules', ALERTS).status, 0);
  const metrics = run('status', '--all-contexts', '-o', 'prometheus').stdout;
  const notAfter = Math.min(
    ...[
      ...metrics.matchAll(
        /^antrea_certs_certificate_not_after_timestamp_seconds\{cluster="healthy"[^}]*\} (\d+)$/gm,
      ),
    ].map((m) => Number(m[1])),
  );
  // Twenty days before the first healthy certificate expires, in whole minutes from the epoch.
  const soon = Math.floor((notAfter - 20 * 86400) / 60);
  // Every certificate of the healthy and the failing cluster (the same validity) expires within 30 days then.
  const expiring = [
    ...metrics.matchAll(
      /^antrea_certs_certificate_not_after_timestamp_seconds\{([^}]*)\} (\d+)$/gm,
    ),
  ].filter((m) => Number(m[2]) - soon * 60 < 30 * 86400);
  assert.ok(expiring.length >= 4, 'both clusters report a serving certificate and a CA');
  const labelsOf = (text: string) =>
    Object.fromEntries([...text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
  // promtool evaluates the rules at every evaluation interval up to the last eval_time,
  // so the expiry test, read years after the epoch, gets an interval of its own.
  const testRules = (name: string, evaluationInterval: string, group: object) => {
    const file = join(dir, `${name}.test.yaml`);
    const rules = { rule_files: [ALERTS], evaluation_interval: evaluationInterval, tests: [group] };
    writeFileSync(file, yaml.dump(rules, { lineWidth: -1 }));
    const result = promtool('test', 'rules', file);
    assert.equal(result.status, 0, result.out);
  };
  testRules('alerts', '1m', {
    interval: '1m',
    input_series: inputSeries(metrics, 40),
    alert_rule_test: [
      {
        eval_time: '35m',
        alertname: 'AntreaCABundleOutOfSync',
        exp_alerts: [
          {
            exp_labels: {
              severity: 'critical',
              cluster: 'failing',
              namespace: 'kube-system',
              kind: 'ValidatingWebhookConfiguration',
              name: 'crdvalidator.antrea.io',
              webhook: first.name,
            },
            exp_annotations: {
              summary:
                'ValidatingWebhookConfiguration crdvalidator.antrea.io of cluster failing does not carry the CA that antrea-ca publishes: the API server cannot reach antrea-controller through it.',
              action: 'kubectl antrea-certs verify --context failing',
            },
          },
        ],
      },
      {
        eval_time: '35m',
        alertname: 'AntreaCertificatesUnreadable',
        exp_alerts: ['no-antrea', 'forbidden', 'dead'].map((cluster) => ({
          exp_labels: { severity: 'warning', cluster },
          exp_annotations: {
            summary: `The Antrea certificates of cluster ${cluster} could not be read.`,
            action: `kubectl antrea-certs status --context ${cluster}`,
          },
        })),
      },
      { eval_time: '35m', alertname: 'AntreaCertificateExpiresSoon', exp_alerts: [] },
    ],
  });
  // The same samples, read twenty days before expiry.
  testRules('expiry', `${soon}m`, {
    interval: `${soon}m`,
    input_series: inputSeries(metrics, 2),
    alert_rule_test: [
      { eval_time: `${soon}m`, alertname: 'AntreaCertificateExpiresVerySoon', exp_alerts: [] },
      {
        eval_time: `${soon}m`,
        alertname: 'AntreaCertificateExpiresSoon',
        exp_alerts: expiring.map((m) => {
          const labels = labelsOf(m[1] ?? '');
          const left = humanizeDuration(Number(m[2]) - soon * 60);
          return {
            exp_labels: { severity: 'warning', ...labels },
            exp_annotations: {
              summary: `The Antrea ${labels.certificate} certificate ${labels.subject} of cluster ${labels.cluster} expires in ${left}.`,
              action: 'kubectl antrea-certs rotate (self-signed), or import a renewed certificate.',
            },
          };
        }),
      },
    ],
  });
});

test('-o junit: a testsuite per context, valid for Jenkins and GitLab; one cluster, audit; status refused', () => {
  const SCHEMA = fileURLToPath(new URL('../../support/junit.xsd', import.meta.url));
  const valid = (xml: string, what: string) => {
    const checked = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, '-'], {
      input: xml,
      encoding: 'utf8',
    });
    assert.equal(checked.status, 0, `${what}: ${checked.stderr}`);
  };
  const fleet = run('verify', '--all-contexts', '-o', 'junit');
  assert.equal(fleet.status, 2, fleet.stderr);
  valid(fleet.stdout, 'verify --all-contexts');
  for (const context of ['healthy', 'failing', 'no-antrea', 'forbidden', 'dead'])
    assert.match(fleet.stdout, new RegExp(`<testsuite name="${context}" `));
  assert.match(fleet.stdout, /<testsuite name="healthy" tests="\d+" failures="0" errors="0"/);
  assert.match(fleet.stdout, /<testsuite name="failing" tests="\d+" failures="[1-9]\d*"/);
  assert.match(
    fleet.stdout,
    /<testsuite name="dead" tests="1" failures="0" errors="1"[^]*?<error type="unreachable"/,
  );
  assert.match(
    fleet.stdout,
    /<testcase name="ca-bundle:ValidatingWebhookConfiguration\/crdvalidator\.antrea\.io[^"]*" classname="antrea-certs\.verify">\n\s+<failure type="fail"/,
  );
  const one = plugin(kubeconfig, ['verify', '--context', 'healthy', '-o', 'junit']);
  assert.equal(one.status, 0, one.stderr);
  valid(one.stdout, 'verify');
  const audited = plugin(kubeconfig, ['audit', '--context', 'healthy', '-o', 'junit']);
  valid(audited.stdout, 'audit');
  assert.match(audited.stdout, /<testsuites name="kubectl antrea-certs audit"/);
  const refused = plugin(kubeconfig, ['status', '--context', 'healthy', '-o', 'junit']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /-o junit is for verify and audit/);
  // One cluster that cannot be read is still a document: one `read` testcase with its error,
  // and the sentence on stderr.
  const unreadable: [string[], string, string][] = [
    [['--context', 'dead'], 'dead', 'unreachable'],
    [['--context', 'healthy', '--server', 'https://127.0.0.1:1'], 'healthy', 'unreachable'],
    [['--context', 'forbidden'], 'forbidden', 'forbidden'],
    [['--context', 'nope'], 'nope', 'kubeconfig'],
  ];
  for (const [args, name, type] of unreadable) {
    for (const command of ['verify', 'audit']) {
      const what = `${command} ${args.join(' ')}`;
      const read = plugin(kubeconfig, [command, ...args, '-o', 'junit']);
      assert.equal(read.status, 1, `${what}: ${read.stderr}`);
      valid(read.stdout, what);
      assert.match(
        read.stdout,
        new RegExp(
          `<testsuite name="${name}" tests="1" failures="0" errors="1"[^]*?` +
            `<testcase name="read" [^]*?<error type="${type}"`,
        ),
        what,
      );
      assert.match(read.stderr, /^error: /, what);
    }
  }
});
