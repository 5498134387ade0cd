// -o prometheus (src/render/prometheus.ts): each family once with its HELP and
// TYPE, escaped label values, unreadable clusters as up 0 with a reason, and
// what promtool says of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renderPrometheus } from '../../../src/render/prometheus.ts';
import type { ClusterRead } from '../../../src/report/cluster.ts';
import { expiring, failing, forbidden, healthy, unreachable } from '../../support/fleet.ts';

const reads: ClusterRead[] = [healthy, failing, unreachable, forbidden];
const text = renderPrometheus(reads);
const samples = (family: string) =>
  text.split('\n').filter((line) => line.startsWith(`${family}{`));
const promtool = (metrics: string) =>
  spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
/** The metric name of a sample line: what comes before its labels. */
const nameOf = (line: string) => line.slice(0, line.indexOf('{'));

test('every family has one HELP and one TYPE line, before its samples, and passes promtool', () => {
  const families = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
  assert.deepEqual(families, [
    'antrea_certs_up',
    'antrea_certs_read_error_info',
    'antrea_certs_mode_info',
    'antrea_certs_certificate_not_after_timestamp_seconds',
    'antrea_certs_certificate_renewal_due_timestamp_seconds',
    'antrea_certs_consumer_ca_bundle_in_sync',
    'antrea_certs_check_status',
  ]);
  for (const family of families) {
    const lines = text.split('\n');
    const help = lines.findIndex((l) => l.startsWith(`# HELP ${family} `));
    assert.equal(lines.filter((l) => l.startsWith(`# HELP ${family} `)).length, 1);
    assert.equal(lines[help + 1], `# TYPE ${family} gauge`);
    const first = lines.findIndex((l) => l.startsWith(`${family}{`));
    assert.equal(first, help + 2, family);
  }
  const check = promtool(text);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test('the samples of a family follow its own HELP and TYPE, together, each series once', () => {
  let family = '';
  const seen = new Set<string>();
  const lines = text.trimEnd().split('\n');
  lines.forEach((line, i) => {
    const help = /^# HELP (\S+) \S/.exec(line);
    if (help) {
      family = help[1] ?? '';
      assert.equal(lines[i + 1], `# TYPE ${family} gauge`);
      assert.ok(!seen.has(family), `${family} twice`);
      seen.add(family);
      return;
    }
    if (line.startsWith('# TYPE ')) return;
    assert.equal(nameOf(line), family, line);
    assert.match(line, /^\w+\{.*\} -?\d+$/);
  });
  const series = lines.filter((l) => !l.startsWith('#')).map((l) => l.replace(/ \S+$/, ''));
  assert.equal(new Set(series).size, series.length);
  assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
});

test('a family without samples is left out, HELP and TYPE too', () => {
  const allRead = renderPrometheus([healthy]);
  assert.doesNotMatch(allRead, /antrea_certs_read_error_info/);
  assert.match(allRead, /^# TYPE antrea_certs_check_status gauge$/m);
  const noneRead = renderPrometheus([unreachable]);
  assert.deepEqual(
    [...noneRead.matchAll(/^# (?:HELP|TYPE) (\S+)/gm)].map((m) => m[1]),
    [
      'antrea_certs_up',
      'antrea_certs_up',
      'antrea_certs_read_error_info',
      'antrea_certs_read_error_info',
    ],
  );
  assert.match(noneRead, /^antrea_certs_up\{cluster="dead"\} 0$/m);
  assert.match(noneRead, /^antrea_certs_read_error_info\{cluster="dead",kind="unreachable"\} 1$/m);
  const check = promtool(noneRead);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test('a check is 0 passed, 1 warning, 2 failed; a check id seen again is numbered', () => {
  const statuses = (read: ClusterRead) =>
    renderPrometheus([read])
      .split('\n')
      .filter((l) => l.startsWith('antrea_certs_check_status{'))
      .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  assert.ok(statuses(healthy).length > 0 && statuses(healthy).every((v) => v === 0));
  // Expiring within 30 days, and so past the controller's 90-day renewal point: two warnings.
  assert.deepEqual(
    statuses(expiring).filter((v) => v !== 0),
    [1, 1],
  );
  assert.match(
    renderPrometheus([expiring]),
    /^antrea_certs_certificate_renewal_due_timestamp_seconds\{[^}]*certificate="serving"[^}]*renewer="antrea-controller"\} \d+$/m,
  );
  assert.ok(statuses(failing).includes(2) && !statuses(failing).includes(1));
  const [first] = healthy.verify.checks;
  assert.ok(first);
  const twice: ClusterRead = {
    ...healthy,
    verify: { ...healthy.verify, checks: [...healthy.verify.checks, first, first] },
  };
  const ids = [...renderPrometheus([twice]).matchAll(/check="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    ids.filter((id) => id?.startsWith(first.id)),
    [first.id, `${first.id}#2`, `${first.id}#3`],
  );
});

test('the facts of each cluster, and why the others were not read', () => {
  assert.deepEqual(samples('antrea_certs_up'), [
    'antrea_certs_up{cluster="healthy"} 1',
    'antrea_certs_up{cluster="failing"} 1',
    'antrea_certs_up{cluster="dead"} 0',
    'antrea_certs_up{cluster="forbidden"} 0',
  ]);
  assert.deepEqual(samples('antrea_certs_read_error_info'), [
    'antrea_certs_read_error_info{cluster="dead",kind="unreachable"} 1',
    'antrea_certs_read_error_info{cluster="forbidden",kind="forbidden"} 1',
  ]);
  assert.ok(
    samples('antrea_certs_mode_info').includes(
      'antrea_certs_mode_info{cluster="healthy",namespace="kube-system",mode="self-signed",antrea_version="v2.7.0"} 1',
    ),
  );
  const serving = healthy.status.servingCertificate;
  assert.ok(serving);
  assert.ok(
    samples('antrea_certs_certificate_not_after_timestamp_seconds').includes(
      `antrea_certs_certificate_not_after_timestamp_seconds{cluster="healthy",namespace="kube-system",certificate="serving",subject="CN=antrea@1",sha256="${serving.sha256}"} ${Date.parse(serving.notAfter) / 1000}`,
    ),
  );
  const outOfStep = samples('antrea_certs_consumer_ca_bundle_in_sync').filter((l) =>
    l.endsWith(' 0'),
  );
  assert.deepEqual(
    outOfStep.map((l) => /cluster="(\w+)".*webhook="([\w.]+)"/.exec(l)?.slice(1)),
    [
      ['failing', 'tiervalidator.antrea.io'],
      ['failing', 'acnpvalidator.antrea.io'],
    ],
  );
  const failed = samples('antrea_certs_check_status').filter((l) => l.endsWith(' 2'));
  assert.ok(
    failed.length > 0 && failed.every((l) => l.includes('cluster="failing"')),
    failed.join('\n'),
  );
});

test('label values are escaped as the text format wants; --cluster-label names the cluster', () => {
  const odd: ClusterRead = {
    context: 'a "quoted" \\ context\nwith a newline',
    error: { kind: 'error', message: 'x' },
  };
  const escaped = renderPrometheus([odd]);
  assert.match(
    escaped,
    /^antrea_certs_up\{cluster="a \\"quoted\\" \\\\ context\\nwith a newline"\} 0$/m,
  );
  const check = promtool(escaped);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  // Each character on its own, and a backslash before an n stays two characters, not a newline.
  const cases: [string, string][] = [
    ['back\\slash', 'back\\\\slash'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
    ['not\\na newline', 'not\\\\na newline'],
  ];
  for (const [context, label] of cases) {
    const line = renderPrometheus([{ context, error: { kind: 'error', message: 'x' } }])
      .split('\n')
      .find((l) => l.startsWith('antrea_certs_up{'));
    assert.equal(line, `antrea_certs_up{cluster="${label}"} 0`, context);
  }
  assert.match(renderPrometheus([healthy], 'prod-eu'), /^antrea_certs_up\{cluster="prod-eu"\} 1$/m);
  assert.doesNotMatch(renderPrometheus([healthy], 'prod-eu'), /cluster="healthy"/);
});

test('the exporter merges every cluster, audit and inventory into one family each, and promtool passes it', async () => {
  const { renderWatchedPrometheus } = await import('../../../src/render/prometheus.ts');
  const check = { id: 'ipsec-psk', status: 'warn' as const, message: 'the PSK is the default' };
  const entry = {
    name: 'antrea-ipsec-ca',
    location: 'ConfigMap',
    notAfter: '2030-01-01T00:00:00Z',
  };
  const watched = renderWatchedPrometheus([
    { read: healthy, audit: { namespace: 'kube-system', checks: [check] } },
    { read: failing, audit: { namespace: 'kube-system', checks: [check] } },
    {
      read: unreachable,
      inventory: { namespace: 'kube-system', certificates: [], authorities: [entry] },
    },
  ]);
  const types = [...watched.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
  assert.equal(new Set(types).size, types.length);
  assert.ok(types.includes('antrea_certs_audit_check_status'));
  const audit = watched.split('\n').filter((l) => l.startsWith('antrea_certs_audit_check_status{'));
  assert.deepEqual(
    audit.map((l) => /cluster="([^"]+)"/.exec(l)?.[1]),
    [healthy.context, failing.context],
  );
  assert.match(watched, /^antrea_certs_inventory_not_after_timestamp_seconds\{.*\} 1893456000$/m);
  assert.equal(promtool(watched).status, 0, promtool(watched).stderr);
  // The families status -o prometheus prints come out the same.
  const alone = renderPrometheus([healthy, failing, unreachable]);
  for (const line of alone.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.ok(watched.includes(`${line}\n`), line);
});

test("status --all's renewal points: one per certificate with a renewer, with its subject, sha256 and renewer", async () => {
  const { renderInventoryPrometheus } = await import('../../../src/render/prometheus.ts');
  const text = renderInventoryPrometheus(
    {
      namespace: 'kube-system',
      certificates: [
        {
          name: 'flow-aggregator client',
          location: 'Secret flow-aggregator/flow-aggregator-client-tls',
          notAfter: '2030-01-01T00:00:00Z',
          subject: 'CN=flow-aggregator',
          sha256: 'ab12',
          renewal: { renewer: 'flow-aggregator', dueAt: '2029-10-03T00:00:00.000Z' },
        },
        {
          name: 'agent API node-1',
          location: 'AntreaAgentInfo node-1',
          notAfter: '2030-01-01T00:00:00Z',
          renewal: { renewer: null },
        },
      ],
      authorities: [],
    },
    'prod',
  );
  const due = text
    .split('\n')
    .filter((l) => l.startsWith('antrea_certs_inventory_renewal_due_timestamp_seconds{'));
  assert.deepEqual(due, [
    'antrea_certs_inventory_renewal_due_timestamp_seconds{cluster="prod",namespace="kube-system",' +
      'certificate="flow-aggregator client",location="Secret flow-aggregator/flow-aggregator-client-tls",' +
      'subject="CN=flow-aggregator",sha256="ab12",renewer="flow-aggregator"} 1885680000',
  ]);
  assert.equal(
    text.split('\n').filter((l) => l.startsWith('antrea_certs_inventory_not_after')).length,
    2,
  );
  assert.equal(promtool(text).status, 0, promtool(text).stderr);
});

test('an outage keeps the last known series: up 0 and read_error_info say it, the rest stays', async () => {
  const { renderWatchedPrometheus } = await import('../../../src/render/prometheus.ts');
  const known = renderWatchedPrometheus([{ read: healthy }]);
  const out = renderWatchedPrometheus([{ read: healthy, outage: 'unreachable' }]);
  assert.match(out, new RegExp(`^antrea_certs_up\\{cluster="${healthy.context}"\\} 0$`, 'm'));
  assert.match(
    out,
    new RegExp(
      `^antrea_certs_read_error_info\\{cluster="${healthy.context}",kind="unreachable"\\} 1$`,
      'm',
    ),
  );
  const series = (text: string) =>
    text
      .split('\n')
      .filter((l) =>
        /^antrea_certs_(certificate_not_after|consumer_ca_bundle|check_status|mode)/.test(l),
      );
  assert.ok(series(known).length > 3);
  assert.deepEqual(series(out), series(known));
  assert.equal(promtool(out).status, 0, promtool(out).stderr);
});
