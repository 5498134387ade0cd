// The exporter as it is deployed: deploy/'s RBAC objects applied to the
// testbed's API server, the exporter run with that ServiceAccount's own token,
// and a real Prometheus scraping it with the shipped alert rules. What an
// admin relies on is asserted through Prometheus's HTTP API: a foreign
// caBundle, a rotation, a Secret re-created by the controller, an API server
// restart, the exporter gone; and RBAC refusals become metrics, not crashes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  clusterRoleBinding,
  eventually,
  serviceAccountKubeconfig,
  testbed,
  withForeignCaBundle,
  type Testbed,
} from '../../testbed/fixture.ts';
import { plugin, pluginInBackground, type Running } from '../plugin.ts';
import { freePort, startPrometheus, type Prometheus } from '../../support/prometheus.ts';
import { TcpPath } from '../../support/tcp-path.ts';

const root = new URL('../../../', import.meta.url);
const ALERTS = new URL('examples/prometheus/antrea-certs-alerts.yaml', root).pathname;
const APISERVICE = 'v1beta2.controlplane.antrea.io';

const bed: Testbed = await testbed({ version: 'v2.7.0' });
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-exporter-'));

// deploy/'s objects that a cluster gets besides the Deployment and Service: what the test runs as.
for (const file of [
  'deploy/base/namespace.yaml',
  'deploy/base/rbac.yaml',
  'deploy/overlays/secret-reads/secret-role.yaml',
])
  bed.kubectl('apply', '-f', new URL(file, root).pathname);

async function startExporter(
  kubeconfig: string,
  ...args: string[]
): Promise<{ running: Running; url: string }> {
  const port = await freePort();
  const running = pluginInBackground(kubeconfig, [
    'exporter',
    ...['--listen', `127.0.0.1:${port}`, '--probe-interval', '2s', '--served-interval', '5s'],
    ...args,
  ]);
  await running.stderrMatches(/Serving \/metrics/, 30_000);
  return { running, url: `http://127.0.0.1:${port}` };
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};

const kubeconfig = await serviceAccountKubeconfig(
  bed,
  'antrea-certs',
  'antrea-certs-exporter',
  join(work, 'exporter.kubeconfig'),
);
const exporter = await startExporter(kubeconfig, '--cluster-label', 'testbed');
let stopped = false;
after(() => {
  if (!stopped) exporter.running.kill('SIGKILL');
});
const prometheus: Prometheus = await startPrometheus(
  { 'antrea-certs-exporter': [exporter.url.replace('http://', '')] },
  [ALERTS],
);
after(() => prometheus.stop());

/** The value Prometheus has now for a query with one series, or undefined. */
const one = async (expr: string) => (await prometheus.query(expr))[0];
/** Whether Prometheus has scraped the APIService's caBundle as in step (1) or not (0). */
const inSyncIs = async (value: number) =>
  (await one(`antrea_certs_consumer_ca_bundle_in_sync{name="${APISERVICE}"}`))?.value === value;

test('ready after the first sync, as the ServiceAccount, with /metrics that promtool accepts', async () => {
  await eventually(
    '/readyz',
    async () => (await get(`${exporter.url}/readyz`)).status === 200,
    30_000,
  );
  assert.equal((await get(`${exporter.url}/healthz`)).status, 200);
  assert.equal((await get(`${exporter.url}/nothing`)).status, 404);
  await eventually(
    'antrea_certs_up 1 in Prometheus',
    async () => (await one('antrea_certs_up{cluster="testbed"}'))?.value === 1,
    30_000,
  );
  const { text } = await get(`${exporter.url}/metrics`);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  // The Secret comes from the watch the secret-reads Role allows: the key check ran and passed.
  assert.match(
    text,
    /^antrea_certs_check_status\{[^}]*check="published:Secret\/antrea-controller-tls"\} 0$/m,
  );
  assert.match(text, /^antrea_certs_exporter_build_info\{version="[^"]+",nodejs_version="v\d+/m);
  assert.doesNotMatch(text, /antrea_certs_exporter_read_errors_total\{[^}]*kind="forbidden"/);
  // The families status -o prometheus prints, line for line (as the administrator reads them).
  const status = plugin(bed.kubeconfig, [
    'status',
    '-o',
    'prometheus',
    '--cluster-label',
    'testbed',
  ]);
  assert.equal(status.status, 0, status.stderr);
  for (const line of status.stdout.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.ok(text.includes(`${line}\n`), `the exporter lacks: ${line}`);
});

test('a caBundle patched to a foreign CA: in_sync 0 and AntreaCABundleOutOfSync pending in Prometheus', async () => {
  await withForeignCaBundle(bed, APISERVICE, async () => {
    await eventually('in_sync 0', () => inSyncIs(0));
    const alert = await eventually('the pending alert', async () =>
      (await prometheus.alerts()).find(
        (a) => a.labels.alertname === 'AntreaCABundleOutOfSync' && a.labels.name === APISERVICE,
      ),
    );
    assert.equal(alert.state, 'pending');
    assert.equal(alert.labels.cluster, 'testbed');
  });
  await eventually('in_sync 1 again', () => inSyncIs(1));
});

const servingSha = async () =>
  (await one('antrea_certs_certificate_not_after_timestamp_seconds{certificate="serving"}'))?.metric
    .sha256;
const caSha = async () =>
  (await one('antrea_certs_certificate_not_after_timestamp_seconds{certificate="ca"}'))?.metric
    .sha256;

test('after rotate --yes, the serving certificate Prometheus sees is the new one', async () => {
  const before = await servingSha();
  assert.ok(before);
  const rotated = plugin(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', join(work, 'backup')]);
  assert.equal(rotated.status, 0, rotated.stderr);
  await eventually('a new serving certificate', async () => {
    const now = await servingSha();
    return now !== undefined && now !== before;
  });
});

test('after the Secret is deleted, the CA the controller makes anew is seen', async () => {
  const before = await caSha();
  assert.ok(before);
  bed.kubectl('-n', bed.namespace, 'delete', 'secret', 'antrea-controller-tls');
  await eventually(
    'a new CA',
    async () => {
      const now = await caSha();
      return now !== undefined && now !== before;
    },
    60_000,
  );
});

test('through 12 s without an API server: the last known series stay, up 0, data_age rising from the break', async () => {
  const value = (text: string, pattern: RegExp) => {
    const match = pattern.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const AGE = /^antrea_certs_exporter_data_age_seconds\{cluster="testbed"\} (\S+)$/m;
  const UP = /^antrea_certs_up\{cluster="testbed"\} (\S+)$/m;
  const NOT_AFTER =
    /^antrea_certs_certificate_not_after_timestamp_seconds\{[^}]*cluster="testbed"[^}]*\} (\S+)$/m;
  const before = (await get(`${exporter.url}/metrics`)).text;
  assert.equal(value(before, UP), 1);
  const notAfter = value(before, NOT_AFTER);
  assert.ok(notAfter);
  await bed.killApiserver();
  const down = Date.now();
  const samples: { at: number; age?: number; up?: number; notAfter?: number; text: string }[] = [];
  try {
    while (Date.now() - down < 12_000) {
      const { text } = await get(`${exporter.url}/metrics`);
      samples.push({
        at: Date.now() - down,
        age: value(text, AGE),
        up: value(text, UP),
        notAfter: value(text, NOT_AFTER),
        text,
      });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await bed.startApiserver();
  }
  const ages = samples.map((x) => x.age ?? -1);
  for (let i = 1; i < ages.length; i++)
    assert.ok((ages[i] ?? 0) >= (ages[i - 1] ?? 0), `data_age fell back: ${ages.join(' ')}`);
  const last = samples.at(-1);
  assert.ok(last && (last.age ?? 0) >= 10, `data_age at the end: ${last?.age}`);
  for (const x of samples) assert.equal(x.notAfter, notAfter, `series gone at ${x.at} ms`);
  const outage = samples.filter((x) => x.at > 7_000);
  assert.ok(outage.length > 0);
  for (const x of outage) {
    assert.equal(x.up, 0, `up at ${x.at} ms`);
    assert.match(
      x.text,
      /^antrea_certs_read_error_info\{cluster="testbed",kind="unreachable"\} 1$/m,
    );
  }
  await eventually(
    'up 1 and data_age 0 again',
    async () => {
      const { text } = await get(`${exporter.url}/metrics`);
      return value(text, UP) === 1 && value(text, AGE) === 0;
    },
    30_000,
  );
});

test('a frozen API server (SIGSTOP) is an outage within 20 s: pings go unanswered, the last series stay', async () => {
  const pid = bed.apiserverPid();
  process.kill(pid, 'SIGSTOP');
  const frozen = Date.now();
  let seen: number | undefined;
  let text = '';
  try {
    while (Date.now() - frozen < 25_000) {
      text = (await get(`${exporter.url}/metrics`)).text;
      if (/^antrea_certs_up\{cluster="testbed"\} 0$/m.test(text)) {
        seen = Date.now() - frozen;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  assert.ok(seen !== undefined && seen < 20_000, `up 0 after ${seen ?? 'more than 25000'} ms`);
  assert.match(
    text,
    /^antrea_certs_certificate_not_after_timestamp_seconds\{[^}]*cluster="testbed"/m,
  );
  await eventually(
    'up 1 again',
    async () =>
      /^antrea_certs_up\{cluster="testbed"\} 1$/m.test((await get(`${exporter.url}/metrics`)).text),
    30_000,
  );
});

test('after kube-apiserver restarts, the exporter resumes its watches and reports a change made after it', async () => {
  await bed.stopApiserver();
  await bed.startApiserver();
  await withForeignCaBundle(bed, APISERVICE, async () => {
    await eventually('the change after the restart', () => inSyncIs(0), 30_000);
  });
  // The new API server's watch cache starts after the resourceVersions the watches had: 410, and
  // each collection is listed again (client-go's relist), which the change above needed.
  const gone = await prometheus.query(
    'sum(antrea_certs_exporter_watch_restarts_total{reason="gone"})',
  );
  assert.ok((gone[0]?.value ?? 0) > 0, 'watches resumed after 410 Gone by listing again');
});

test('kube-apiserver shuts down behind a path that then drops the connection silently: the watches leave it at the GOAWAY', async () => {
  // As a load balancer or NAT that forgets a connection: the API server's GOAWAY reaches the
  // exporter, its exit does not. Node cannot ping a connection that went away, so watches left
  // on it would wait out their timeout (5 to 10 minutes) with up 1 and data_age 0.
  const path = new TcpPath(await freePort(), Number(new URL(bed.server).port), { silent: true });
  await path.open();
  const viaPath = await serviceAccountKubeconfig(
    bed,
    'antrea-certs',
    'antrea-certs-exporter',
    join(work, 'silent-path.kubeconfig'),
    `https://127.0.0.1:${path.port}`,
  );
  const behind = await startExporter(viaPath, '--cluster-label', 'testbed');
  const inSync = async () =>
    new RegExp(
      `^antrea_certs_consumer_ca_bundle_in_sync\\{[^}]*name="${APISERVICE}"[^}]*\\} (\\d)$`,
      'm',
    ).exec((await get(`${behind.url}/metrics`)).text)?.[1];
  try {
    await eventually('in sync through the path', async () => (await inSync()) === '1', 30_000);
    await bed.stopApiserver();
    await bed.startApiserver();
    await withForeignCaBundle(bed, APISERVICE, async () => {
      await eventually(
        'the change after the restart',
        async () => (await inSync()) === '0',
        30_000,
      );
    });
  } finally {
    behind.running.kill('SIGKILL');
    await path.cut();
  }
});

test('a refused list is a read-error metric and up 0 with the reason; the process stays up', async () => {
  // deploy/'s ClusterRole without apiservices, for a user the admin impersonates.
  const role = yaml
    .loadAll(readFileSync(new URL('deploy/base/rbac.yaml', root), 'utf8'))
    .find((d) => (d as { kind: string }).kind === 'ClusterRole') as {
    metadata: { name: string };
    rules: { resources: string[] }[];
  };
  const limited = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        ...role,
        metadata: { name: 'antrea-certs-exporter-no-apiservices' },
        rules: role.rules.filter((r) => !r.resources.includes('apiservices')),
      },
      clusterRoleBinding(
        'antrea-certs-exporter-no-apiservices',
        'antrea-certs-exporter-no-apiservices',
        'no-apiservices',
      ),
    ],
  };
  const file = join(work, 'limited.json');
  writeFileSync(file, JSON.stringify(limited));
  bed.kubectl('apply', '-f', file);
  const limitedRun = await startExporter(bed.kubeconfig, '--as', 'no-apiservices');
  try {
    await eventually(
      '/readyz',
      async () => (await get(`${limitedRun.url}/readyz`)).status === 200,
      30_000,
    );
    const { text } = await get(`${limitedRun.url}/metrics`);
    assert.match(text, /^antrea_certs_up\{cluster="testbed"\} 0$/m);
    assert.match(text, /^antrea_certs_read_error_info\{cluster="testbed",kind="forbidden"\} 1$/m);
    assert.match(
      text,
      /^antrea_certs_exporter_read_errors_total\{cluster="testbed",resource="apiservices.apiregistration.k8s.io",kind="forbidden"\} [1-9]/m,
    );
    // Without the secret-reads Role the Secret is "not read", and the rest still reported: seen
    // on the deploy/ base role alone, as the ServiceAccount's Role binding grants nothing to this user.
    assert.match(
      text,
      /^antrea_certs_exporter_read_errors_total\{cluster="testbed",resource="secrets",kind="forbidden"\} [1-9]/m,
    );
    // What RBAC refuses is an answer, not stale data for the stale alert.
    assert.match(text, /^antrea_certs_exporter_data_age_seconds\{cluster="testbed"\} 0$/m);
    assert.equal((await get(`${limitedRun.url}/healthz`)).status, 200);
    // A refused list is not sent again while a SelfSubjectAccessReview says it would be refused;
    // RBAC granted is seen at the next review.
    const refusedSecretLists = (metrics: string) =>
      Number(
        /^antrea_certs_exporter_read_errors_total\{cluster="testbed",resource="secrets",kind="forbidden"\} (\d+)$/m.exec(
          metrics,
        )?.[1] ?? 0,
      );
    const refusedBefore = refusedSecretLists(text);
    const grant = join(work, 'grant.json');
    writeFileSync(
      grant,
      JSON.stringify(
        clusterRoleBinding('antrea-certs-exporter-granted', role.metadata.name, 'no-apiservices'),
      ),
    );
    bed.kubectl('apply', '-f', grant);
    const granted = Date.now();
    const upAgain = await eventually(
      'up 1 once apiservices may be listed',
      async () => {
        const now = (await get(`${limitedRun.url}/metrics`)).text;
        return /^antrea_certs_up\{cluster="testbed"\} 1$/m.test(now) ? now : undefined;
      },
      30_000,
    );
    assert.ok(Date.now() - granted < 15_000, `seen after ${Date.now() - granted} ms`);
    assert.equal(
      refusedSecretLists(upAgain),
      refusedBefore,
      'the refused Secret list was not sent again',
    );
  } finally {
    limitedRun.running.kill('SIGTERM');
    const { status, stderr } = await limitedRun.running.done;
    assert.equal(status, 0);
    // Said once in the log, not at every retry.
    const said = stderr.match(
      /^testbed: cannot be read \(forbidden: you are not allowed to list apiservices/gm,
    );
    assert.equal(said?.length, 1, stderr);
  }
});

test('SIGTERM: exit 0 within 5 s; then AntreaCertsExporterDown becomes pending', async () => {
  const started = Date.now();
  exporter.running.kill('SIGTERM');
  const result = await exporter.running.done;
  stopped = true;
  assert.equal(result.status, 0, result.stderr);
  assert.ok(Date.now() - started < 5000, `exited after ${Date.now() - started} ms`);
  const alert = await eventually('the exporter-down alert', async () =>
    (await prometheus.alerts()).find((a) => a.labels.alertname === 'AntreaCertsExporterDown'),
  );
  assert.equal(alert.state, 'pending');
  assert.equal(alert.labels.job, 'antrea-certs-exporter');
});

test('a fleet with a script credential plugin that hangs: ready within --cluster-timeout, SIGTERM within 5 s, nothing left', async () => {
  const sleepFor = `40.${process.pid}`;
  const script = join(work, 'hanging-login');
  writeFileSync(script, `#!/bin/sh\nsleep ${sleepFor}\n`);
  chmodSync(script, 0o755);
  const doc = yaml.load(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: object }[];
    users: { name: string; user: object }[];
    contexts: { name: string; context: object }[];
  };
  doc.users.push({
    name: 'hanging',
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: script,
        interactiveMode: 'Never',
      },
    },
  });
  doc.contexts.push({ name: 'hanging', context: { cluster: 'testbed', user: 'hanging' } });
  const fleet = join(work, 'hanging.kubeconfig');
  writeFileSync(fleet, yaml.dump(doc), { mode: 0o600 });
  const sleeping = () =>
    spawnSync('pgrep', ['-f', `sleep ${sleepFor}`], { encoding: 'utf8' }).stdout.trim();

  const started = Date.now();
  const { running, url } = await startExporter(fleet, '--all-contexts', '--cluster-timeout', '3s');
  try {
    await eventually('ready', async () => (await get(`${url}/readyz`)).status === 200 || undefined);
    const ready = (Date.now() - started) / 1000;
    assert.ok(ready < 3 + 2, `ready after ${ready}s`);
    const metrics = (await get(`${url}/metrics`)).text;
    assert.match(metrics, /antrea_certs_up\{cluster="hanging"\} 0/);
    assert.match(metrics, /antrea_certs_up\{cluster="testbed"\} 1/);
    // The next attempt at the hanging context may be running now: SIGTERM ends it with the rest.
    const stopping = Date.now();
    running.kill('SIGTERM');
    const result = await running.done;
    assert.equal(result.status, 0, result.stderr);
    assert.ok(Date.now() - stopping < 5000, `exited after ${Date.now() - stopping} ms`);
    assert.equal(sleeping(), '', "the script's sleep was killed with it");
  } finally {
    running.kill('SIGKILL');
  }
});
