// npm run bench:exporter: the exporter on a testbed, measured as issue #21 asks
// (here, never in a test): scrape latency over 1,000 loopback scrapes and the
// API requests 100 scrapes make; from a caBundle patch (kubectl) to the new
// value on /metrics, 20 trials; steady RSS, its growth over 10,000 watch events
// and idle CPU for one cluster; RSS and time to ready for a 50-context fleet.
// It runs the linux executable (npm run package) if there is one, as the image
// does (its entrypoint's --node-options, the Deployment's environment); else
// the bundle under this Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { up, down } from '../test/testbed/testbed.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';
import { writeFleetKubeconfig } from '../test/testbed/kubeconfigs.ts';
import { loadKubeconfig } from '../src/kube/kubeconfig.ts';
import { Client } from '../src/kube/client.ts';
import type * as k8s from '../src/kube/objects.ts';
import {
  closeMetrics,
  cpuSeconds,
  metrics,
  percentile,
  rss,
  runsAs,
  sampleOf,
  sleep,
  startExporter,
} from './exporter-process.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    fleet: { type: 'string', default: '50' },
    version: { type: 'string', default: 'v2.7.0' },
    // Without the image's tuning (--node-options, MALLOC_ARENA_MAX): its peak RSS.
    untuned: { type: 'boolean', default: false },
  },
});

const { kubectl } = ensureBinaries();
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-bench-exporter-'));
const bed = await up({ dir: join(dir, 'bed'), version: values.version, ownerPid: process.pid });
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name}: ${value}`);
};

try {
  row(
    'runs',
    values.untuned
      ? 'untuned: the executable with no --node-options, no MALLOC_ARENA_MAX'
      : runsAs(),
  );
  // Checks on long schedules: what is measured is the watches and the scrapes.
  const quiet = ['--probe-interval', '1h', '--served-interval', '1h', '--inventory-interval', '0'];
  const one = await startExporter(bed.kubeconfig, quiet, !values.untuned);
  const pid = one.child.pid ?? 0;
  row('one cluster: time to ready', `${one.readyMs.toFixed(0)} ms`);

  // Scrapes, once the first probes have run (the reports wait for them; they are requests of their own).
  while (!(await metrics(one.url)).includes('antrea_certs_up{')) await sleep(10);
  const requestsBefore = sampleOf(
    await metrics(one.url),
    'antrea_certs_exporter_api_requests_total',
  );
  for (let i = 0; i < 100; i++) await metrics(one.url);
  const requestsAfter = sampleOf(
    await metrics(one.url),
    'antrea_certs_exporter_api_requests_total',
  );
  row('API requests made by 100 scrapes', String(requestsAfter - requestsBefore));
  const latencies: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    await metrics(one.url);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  row(
    'scrape latency, 1,000 loopback scrapes',
    `p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );

  // From a kubectl patch of a caBundle to the changed value on /metrics.
  const model = bed.processes.model?.pid;
  if (model) process.kill(model, 'SIGSTOP'); // the controller would put its CA back
  const apiService = 'v1beta2.controlplane.antrea.io';
  const original = spawnSync(kubectl, [
    ...['--kubeconfig', bed.kubeconfig, 'get', 'apiservice', apiService],
    ...['-o', 'jsonpath={.spec.caBundle}'],
  ]).stdout.toString();
  const foreign = Buffer.from(
    spawnSync('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-subj', '/CN=foreign', '-days', '1', '-keyout', '/dev/null'],
    ]).stdout,
  ).toString('base64');
  const inSync = new RegExp(
    `^antrea_certs_consumer_ca_bundle_in_sync\\{[^}]*name="${apiService}"[^}]*\\} (\\d)$`,
    'm',
  );
  const toMetrics: number[] = [];
  const afterKubectl: number[] = [];
  for (let trial = 0; trial < 20; trial++) {
    const bundle = trial % 2 === 0 ? foreign : original;
    const expected = trial % 2 === 0 ? '0' : '1';
    const t = performance.now();
    const patched = spawnSync(kubectl, [
      ...['--kubeconfig', bed.kubeconfig, 'patch', 'apiservice', apiService, '--type', 'merge'],
      ...['-p', JSON.stringify({ spec: { caBundle: bundle } })],
    ]);
    if (patched.status !== 0) throw new Error(patched.stderr.toString());
    const returned = performance.now();
    while (inSync.exec(await metrics(one.url))?.[1] !== expected) await sleep(5);
    toMetrics.push(performance.now() - t);
    afterKubectl.push(performance.now() - returned);
  }
  if (model) process.kill(model, 'SIGCONT');
  toMetrics.sort((a, b) => a - b);
  afterKubectl.sort((a, b) => a - b);
  row(
    'kubectl patch of a caBundle to /metrics, 20 trials',
    `median ${percentile(toMetrics, 50).toFixed(0)} ms (kubectl included), ` +
      `${percentile(afterKubectl, 50).toFixed(0)} ms after kubectl returned; max ${toMetrics.at(-1)?.toFixed(0)} ms`,
  );

  // Steady state, then churn.
  await sleep(30_000);
  const steady = rss(pid);
  row('one cluster: steady RSS (30 s after the trials)', steady.text);
  const cpu0 = cpuSeconds(pid);
  await sleep(60_000);
  row('idle CPU over 60 s', `${(((cpuSeconds(pid) - cpu0) / 60) * 100).toFixed(2)} % of a core`);
  const client = new Client(
    loadKubeconfig({ 'request-timeout': '30s' }, { KUBECONFIG: bed.kubeconfig }),
    {
      timeoutMs: 30_000,
      verbosity: 0,
      log: () => undefined,
    },
  );
  const webhooks = client.validatingWebhooks();
  let object: k8s.WebhookConfiguration = await webhooks.get('crdvalidator.antrea.io');
  const events = Number(values.events);
  // Two batches: the first shows the growth, the second whether it keeps growing (a leak) or not.
  let before = steady;
  for (const batch of ['first', 'second']) {
    const churnStarted = performance.now();
    for (let i = 0; i < events; i++) {
      const metadata = {
        ...object.metadata,
        annotations: { ...object.metadata?.annotations, churn: `${batch}-${i}` },
      };
      object = await webhooks.update({ ...object, metadata }, 'none');
    }
    const churnSeconds = (performance.now() - churnStarted) / 1000;
    await sleep(30_000);
    const after = rss(pid);
    row(
      `RSS after the ${batch} ${events} watch events (annotation updates, ${churnSeconds.toFixed(0)} s, then 30 s)`,
      `${after.text}; growth ${(after.total - before.total).toFixed(1)} MiB`,
    );
    before = after;
  }
  client.close();
  one.child.kill('SIGTERM');
  closeMetrics();

  // A fleet of contexts, all on the testbed (each its own client, connection and watches).
  const n = Number(values.fleet);
  const fleetFile = writeFleetKubeconfig(
    join(dir, 'fleet.kubeconfig'),
    Array.from({ length: n }, (_, i) => ({ name: `ctx-${i}`, kubeconfig: bed.kubeconfig })),
  );
  const fleet = await startExporter(fleetFile, ['--all-contexts', ...quiet]);
  row(`${n}-context fleet: time to ready`, `${fleet.readyMs.toFixed(0)} ms`);
  await sleep(30_000);
  row(`${n}-context fleet: RSS 30 s after ready`, rss(fleet.child.pid ?? 0).text);
  fleet.child.kill('SIGTERM');
} finally {
  await down(join(dir, 'bed'));
}
console.log('\n| measure | result |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
