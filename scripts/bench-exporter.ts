// npm run bench:exporter: the exporter on a testbed, measured as issue #21 asks
// (here, never in a test): scrape latency over 1,000 loopback scrapes and the
// API requests 100 scrapes make; from a caBundle patch (kubectl) to the new
// value on /metrics, 20 trials; steady RSS, its growth over 10,000 watch events
// and idle CPU for one cluster; RSS and time to ready for a 50-context fleet.
// It runs the linux executable (npm run package) if there is one, as the image
// does (its entrypoint's --node-options, the Deployment's environment); else
// the bundle under this Node.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { up, down } from '../test/testbed/testbed.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';
import { writeFleetKubeconfig } from '../test/testbed/kubeconfigs.ts';
import { freePort } from '../test/support/prometheus.ts';
import { loadKubeconfig } from '../src/kube/kubeconfig.ts';
import { Client } from '../src/kube/client.ts';
import type * as k8s from '../src/kube/objects.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    fleet: { type: 'string', default: '50' },
    version: { type: 'string', default: 'v2.7.0' },
  },
});

const EXECUTABLE = resolve('dist/sea/linux_amd64/kubectl-antrea_certs');
const BUNDLE = resolve('dist/bin/kubectl-antrea_certs');
const DEPLOYMENT = yaml.loadAll(readFileSync('deploy/base/deployment.yaml', 'utf8'))[0] as {
  spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
};
/** The Deployment's environment that tunes the process (NODE_OPTIONS, MALLOC_ARENA_MAX), as the Pod has it. */
const TUNING = Object.fromEntries(
  (DEPLOYMENT.spec.template.spec.containers[0]?.env ?? [])
    .filter((e) => e.name !== 'CLUSTER_NAME')
    .map((e) => [e.name, e.value]),
);
/** The image's entrypoint after the executable: its --node-options, then exporter. */
const ENTRYPOINT_ARGS = (
  JSON.parse(
    /^ENTRYPOINT (.*)$/m.exec(readFileSync('Containerfile', 'utf8'))?.[1] ?? '[]',
  ) as string[]
).slice(1);
const useExecutable = existsSync(EXECUTABLE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { kubectl } = ensureBinaries();
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-bench-exporter-'));
const bed = await up({ dir: join(dir, 'bed'), version: values.version, ownerPid: process.pid });
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name}: ${value}`);
};

/** Starts the exporter; resolves once /readyz answers 200, with the time that took. */
async function startExporter(kubeconfig: string, args: string[]) {
  const port = await freePort();
  const command = useExecutable ? EXECUTABLE : process.execPath;
  const started = performance.now();
  const child: ChildProcess = spawn(
    command,
    [
      ...(useExecutable ? ENTRYPOINT_ARGS : [BUNDLE, 'exporter']),
      '--listen',
      `127.0.0.1:${port}`,
      ...args,
    ],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, ...TUNING },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  return { child, url, readyMs: performance.now() - started };
}

// One keep-alive connection, as Prometheus scrapes (fetch's own overhead would be measured too).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const metrics = (url: string) =>
  new Promise<string>((resolve, reject) => {
    http
      .get(`${url}/metrics`, { agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
const sampleOf = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
/** RSS in MiB, and its anonymous part (the heap; the rest is the executable's clean, shared pages). */
function rss(pid: number): { total: number; anon: number; text: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]) / 1024;
  const total = kB('VmRSS');
  const anon = kB('RssAnon');
  return { total, anon, text: `${total.toFixed(1)} MiB (anonymous ${anon.toFixed(1)} MiB)` };
}
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

try {
  row(
    'runs',
    useExecutable
      ? `the linux executable as the image runs it: ${ENTRYPOINT_ARGS.join(' ')}, ${JSON.stringify(TUNING)}`
      : `the bundle under node, ${JSON.stringify(TUNING)}`,
  );
  // Checks on long schedules: what is measured is the watches and the scrapes.
  const quiet = ['--probe-interval', '1h', '--served-interval', '1h', '--inventory-interval', '0'];
  const one = await startExporter(bed.kubeconfig, quiet);
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
  agent.destroy();

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
