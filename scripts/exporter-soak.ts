// npm run soak:exporter: the exporter's truth through outages, measured as
// issue #33 asks (here, not in CI: the scenarios take minutes). On a testbed
// with an audit log, the exporter runs as deploy/base deploys it (its
// ServiceAccount's token, the Deployment's arguments) with a real Prometheus
// and the shipped rules.
//   --scenario outage: the API server unreachable for --outage (3m) through a
//     TCP proxy (the exporter's own path to it: a caBundle can change meanwhile,
//     as through another API server of an HA control plane); then RBAC taken
//     away and given back.
//   --scenario steady: refused requests of the exporter in the audit log over
//     --steady (5m), the inventory every minute.
//   --scenario soak: --soak (30m), kube-apiserver restarted every
//     --restart-every (3m) and a caBundle changed every 10 s: every change
//     seen (a slow one with what the exporter said meanwhile), and RSS;
//     --silent-path: the exporter's path drops the connections the API
//     server ends without telling the exporter, as a load balancer can.
// --verbose runs the exporter at -v with its stderr, stamped, in a file.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  down,
  startApiserverAgain,
  stopApiserver,
  up,
  type TestbedState,
} from '../test/testbed/testbed.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';
import { writeTokenKubeconfig } from '../test/testbed/kubeconfigs.ts';
import { FAST_TIMINGS } from '../test/testbed/model/settings.ts';
import { issue, usage, extendedUsage } from '../test/testbed/pki.ts';
import { freePort, startPrometheus } from '../test/support/prometheus.ts';
import { TcpPath } from '../test/support/tcp-path.ts';
import { auditLog, isRefused, requestsOf } from '../test/testbed/audit-log.ts';
import { parseDuration } from '../src/duration.ts';
import {
  DEPLOYED_ARGS,
  closeMetrics,
  metrics,
  rss,
  runsAs,
  sampleOf,
  sleep,
  startExporter,
  useExecutable,
} from './exporter-process.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true, default: ['outage', 'steady'] },
    outage: { type: 'string', default: '3m' },
    steady: { type: 'string', default: '5m' },
    soak: { type: 'string', default: '30m' },
    'restart-every': { type: 'string', default: '3m' },
    // The exporter at -v, its stderr stamped with the time in DIR/exporter.log (the path is printed).
    verbose: { type: 'boolean', default: false },
    // The exporter's path forgets a connection the API server closed instead of closing it (a load
    // balancer or NAT that lost it): at each restart only the API server's GOAWAY reaches it.
    'silent-path': { type: 'boolean', default: false },
    version: { type: 'string', default: 'v2.7.0' },
  },
});
const EXPORTER_USER = 'system:serviceaccount:antrea-certs:antrea-certs-exporter';
const APISERVICE = 'v1beta2.controlplane.antrea.io';
const ALERTS = resolve('examples/prometheus/antrea-certs-alerts.yaml');

const { kubectl } = ensureBinaries();
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-soak-'));
const bedDir = join(dir, 'bed');
const audit = auditLog(dir);
const bed: TestbedState = await up({
  dir: bedDir,
  version: values.version,
  ownerPid: process.pid,
  timings: FAST_TIMINGS,
  apiserverArgs: audit.apiserverArgs,
});
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name}: ${value}`);
};
// kubectl runs asynchronously, bounded: this process also carries the exporter's path to the API
// server (a TcpPath) and the sampler, and a kubectl that blocked it (a patch waiting on an API
// server that has just restarted) would stall the exporter's connection and its scrapes with it.
const KUBECTL_TIMEOUT_MS = 20_000;
const kubectlCalls: { args: string[]; ms: number; ok: boolean }[] = [];
const kubectlRun = (args: string[]) =>
  new Promise<{ ok: boolean; stdout: string; stderr: string }>((done) => {
    const started = Date.now();
    execFile(
      kubectl,
      ['--kubeconfig', bed.kubeconfig, '--request-timeout=15s', ...args],
      { encoding: 'utf8', timeout: KUBECTL_TIMEOUT_MS },
      (error, stdout, stderr) => {
        kubectlCalls.push({ args, ms: Date.now() - started, ok: !error });
        done({ ok: !error, stdout, stderr: error && !stderr ? error.message : stderr });
      },
    );
  });
const run = async (...args: string[]) => {
  const result = await kubectlRun(args);
  if (!result.ok) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const tryRun = async (...args: string[]) => (await kubectlRun(args)).ok;

/** The exporter's kubeconfig: its ServiceAccount's token, through `path`. */
async function exporterKubeconfig(port: number): Promise<string> {
  let token = '';
  while (!token) {
    const { stdout: secret } = await kubectlRun([
      ...['-n', 'antrea-certs', 'get', 'sa', 'antrea-certs-exporter'],
      ...['-o', 'jsonpath={.secrets[0].name}'],
    ]);
    if (secret)
      token = Buffer.from(
        await run('-n', 'antrea-certs', 'get', 'secret', secret, '-o', 'jsonpath={.data.token}'),
        'base64',
      ).toString();
    else await sleep(200);
  }
  return writeTokenKubeconfig(
    join(dir, 'exporter.kubeconfig'),
    bed.kubeconfig,
    { name: 'exporter', token },
    `https://127.0.0.1:${port}`,
  );
}

const foreignCa = Buffer.from(
  spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
    ...['-subj', '/CN=foreign', '-days', '1', '-keyout', '/dev/null'],
  ]).stdout,
).toString('base64');
const caBundleOf = () => run('get', 'apiservice', APISERVICE, '-o', 'jsonpath={.spec.caBundle}');
const patchCaBundle = (bundle: string) =>
  tryRun(
    ...['patch', 'apiservice', APISERVICE, '--type', 'merge'],
    ...['-p', JSON.stringify({ spec: { caBundle: bundle } })],
  );
const inSyncOf = (text: string) =>
  new RegExp(
    `^antrea_certs_consumer_ca_bundle_in_sync\\{[^}]*name="${APISERVICE}"[^}]*\\} (\\d)$`,
    'm',
  ).exec(text)?.[1];
const servingOf = (text: string) =>
  /^antrea_certs_certificate_not_after_timestamp_seconds\{[^}]*certificate="serving"/m.test(text);
const model = (signal: NodeJS.Signals) => {
  const pid = bed.processes.model?.pid;
  if (pid) process.kill(pid, signal);
};
/** Refused requests of the exporter in the audit log since `since`, by URI. */
function refusedSince(since: number): { total: number; refused: string[] } {
  const requests = requestsOf(audit.path, EXPORTER_USER, since);
  return { total: requests.length, refused: requests.filter(isRefused).map((r) => r.uri) };
}

/** A serving pair that expires in 20 days, imported: AntreaCertificateExpiresSoon fires. */
async function importShortLivedPair(): Promise<void> {
  const ns = bed.namespace;
  const ca = await issue({ commonName: 'soak-ca', isCA: true, usages: usage.keyCertSign });
  const leaf = await issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: ['antrea', `antrea.${ns}`, `antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    notAfter: new Date(Date.now() + 20 * 86_400_000),
  });
  const files = { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem };
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, `${name}.pem`), text, { mode: 0o600 });
  const executable = useExecutable
    ? (process.env.EXPORTER_EXECUTABLE ?? 'dist/sea/linux_amd64/kubectl-antrea_certs')
    : 'dist/bin/kubectl-antrea_certs';
  const imported = spawnSync(
    executable,
    [
      ...['import', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')],
      ...['--ca', join(dir, 'ca.pem'), '--mode', 'user-provided', '--yes'],
    ],
    { env: { ...process.env, KUBECONFIG: bed.kubeconfig }, encoding: 'utf8' },
  );
  if (imported.status !== 0) throw new Error(`import: ${imported.stderr}`);
}

async function outage(url: string, path: TcpPath): Promise<void> {
  const outageMs = parseDuration(values.outage, '--outage');
  const prometheus = await startPrometheus(
    { 'antrea-certs-exporter': [url.replace('http://', '')] },
    [ALERTS],
  );
  try {
    const firing = async () =>
      (await prometheus.alerts()).some(
        (a) => a.labels.alertname === 'AntreaCertificateExpiresSoon' && a.state === 'firing',
      );
    while (!(await firing())) await sleep(500);
    const original = await caBundleOf();
    model('SIGSTOP'); // the controller would put its CA back
    const samples: { at: number; age: number; up: number; serving: boolean }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await metrics(url);
        samples.push({
          at: Date.now(),
          age: sampleOf(text, 'antrea_certs_exporter_data_age_seconds'),
          up: sampleOf(text, 'antrea_certs_up'),
          serving: servingOf(text),
        });
        await sleep(1000);
      }
    })();
    await sleep(5_000);
    const start = Date.now();
    await path.cut();
    await sleep(outageMs / 3);
    if (!(await patchCaBundle(foreignCa))) throw new Error('the caBundle patch failed');
    await sleep(outageMs - outageMs / 3);
    await path.open();
    const end = Date.now();
    let seenMs = NaN;
    for (;;) {
      if (inSyncOf(await metrics(url)) === '0') {
        seenMs = Date.now() - end;
        break;
      }
      await sleep(50);
    }
    await sleep(3_000);
    sampling = false;
    await sampler;
    const during = samples.filter((s) => s.at > start && s.at < end);
    let falls = 0;
    for (let i = 1; i < during.length; i++)
      if ((during[i]?.age ?? 0) < (during[i - 1]?.age ?? 0)) falls++;
    const last = during.at(-1);
    row(
      `outage of ${values.outage}: data_age_seconds sampled every second`,
      `${during.length} samples, ${falls} falls; last ${last?.age.toFixed(1)} s ` +
        `(outage ${(outageMs / 1000).toFixed(0)} s); up 0 from ` +
        `${((during.find((s) => s.up === 0)?.at ?? NaN) - start) / 1000} s; ` +
        `serving series in ${during.filter((s) => s.serving).length}/${during.length}`,
    );
    row('caBundle changed during the outage: seen after recovery in', `${seenMs} ms`);
    const [from, to] = [Math.ceil(start / 1000), Math.floor(end / 1000)];
    const points = async (expr: string) =>
      (await prometheus.queryRange(expr, from, to, 1)).reduce((n, s) => n + s.values.length, 0);
    const steps = to - from + 1;
    const series = {
      firing:
        'ALERTS{alertname="AntreaCertificateExpiresSoon",alertstate="firing",certificate="serving"}',
      notAfter: 'antrea_certs_certificate_not_after_timestamp_seconds{certificate="serving"}',
      inSync: `antrea_certs_consumer_ca_bundle_in_sync{name="${APISERVICE}"}`,
      stale: 'ALERTS{alertname="AntreaCertsDataStale"}',
    };
    row(
      'Prometheus over the outage (1 s steps)',
      `${steps} steps; AntreaCertificateExpiresSoon firing at ${await points(series.firing)}; ` +
        `serving not_after at ${await points(series.notAfter)}; ` +
        `in_sync of ${APISERVICE} at ${await points(series.inSync)}; ` +
        `AntreaCertsDataStale pending or firing at ${await points(series.stale)}`,
    );
    await patchCaBundle(original);
    model('SIGCONT');

    // RBAC taken away: seen once the watches reopen (the path cut again), then given back.
    await run('delete', 'clusterrolebinding', 'antrea-certs-exporter');
    await path.cut();
    await path.open();
    while (sampleOf(await metrics(url), 'antrea_certs_up') !== 0) await sleep(100);
    const granted = Date.now();
    await run('apply', '-f', 'deploy/base/rbac.yaml');
    while (sampleOf(await metrics(url), 'antrea_certs_up') !== 1) await sleep(100);
    row('RBAC given back: up 1 after', `${Date.now() - granted} ms`);
  } finally {
    await prometheus.stop();
  }
}

async function steady(): Promise<void> {
  const ms = parseDuration(values.steady, '--steady');
  await sleep(30_000);
  const since = Date.now();
  await sleep(ms);
  const { total, refused } = refusedSince(since);
  row(
    `steady state, ${values.steady} (inventory every minute)`,
    `${total} requests of the exporter in the audit log, ${refused.length} refused` +
      (refused.length ? `: ${[...new Set(refused)].join(', ')}` : ''),
  );
}

async function soak(url: string, pid: number): Promise<void> {
  const ms = parseDuration(values.soak, '--soak');
  model('SIGSTOP');
  const original = await caBundleOf();
  const start = Date.now();
  const changes: { at: number; expected: string; shown: string | undefined }[] = [];
  const restartedAt: number[] = [];
  /** When each restarted API server answered /readyz. */
  const readyAt: number[] = [];
  const seen: { at: number; value: string }[] = [];
  // Every sample: what the exporter said of itself (up, data_age), or why /metrics did not answer.
  const samples: {
    at: number;
    /** How long /metrics took to answer, and the exporter's worst event-loop lag so far. */
    tookMs?: number;
    lag?: number;
    up?: number;
    age?: number;
    error?: string;
  }[] = [];
  const memory: { at: number; total: number; anon: number }[] = [];
  let restarts = 0;
  let running = true;
  let last: string | undefined;
  const watcher = (async () => {
    while (running) {
      const asked = Date.now();
      const text = await metrics(url).catch((error: Error) => {
        samples.push({ at: Date.now(), error: error.message });
        return '';
      });
      if (text)
        samples.push({
          at: Date.now(),
          tookMs: Date.now() - asked,
          lag: sampleOf(text, 'nodejs_eventloop_lag_max_seconds'),
          up: sampleOf(text, 'antrea_certs_up'),
          age: sampleOf(text, 'antrea_certs_exporter_data_age_seconds'),
        });
      const value = inSyncOf(text);
      if (value && value !== last) seen.push({ at: Date.now(), value });
      last = value ?? last;
      await sleep(100);
    }
  })();
  const restarter = (async () => {
    const every = parseDuration(values['restart-every'], '--restart-every');
    while (running) {
      await sleep(every);
      if (!running) break;
      restartedAt.push(Date.now());
      await stopApiserver(bedDir);
      await sleep(5_000);
      await startApiserverAgain(bedDir);
      readyAt.push(Date.now());
      restarts++;
    }
  })();
  let n = 0;
  while (Date.now() - start < ms) {
    const foreign = n++ % 2 === 0;
    // A patch that failed (the API server down) leaves the next one a no-op: what /metrics shows
    // then is kept, and such a change counts as seen at once.
    if (await patchCaBundle(foreign ? foreignCa : original))
      changes.push({ at: Date.now(), expected: foreign ? '0' : '1', shown: last });
    memory.push({ at: Date.now(), ...rss(pid) });
    await sleep(10_000);
  }
  running = false;
  await Promise.all([watcher, restarter]);
  const latencies = changes.map((change) => {
    if (change.shown === change.expected) return 0;
    const first = seen.find((s) => s.at >= change.at && s.value === change.expected);
    return first ? first.at - change.at : Infinity;
  });
  // The slow ones, each with the restart it followed: what to look at.
  changes.forEach((change, i) => {
    const latency = latencies[i] ?? 0;
    if (latency < 15_000) return;
    const restart = restartedAt.filter((r) => r <= change.at).at(-1);
    // What the exporter said meanwhile: whether it knew it was behind.
    const during = samples.filter((s) => s.at >= change.at && s.at <= change.at + latency);
    const answered = during.filter((s) => s.error === undefined);
    const errors = [...new Set(during.flatMap((s) => (s.error ? [s.error] : [])))];
    console.log(
      `slow: a change at +${((change.at - start) / 1000).toFixed(0)} s seen after ${latency} ms` +
        (restart ? `, ${((change.at - restart) / 1000).toFixed(0)} s after a restart began` : '') +
        `; meanwhile ${answered.length} scrapes answered (up 0 in ` +
        `${answered.filter((s) => s.up === 0).length}, data_age at most ` +
        `${Math.max(0, ...answered.map((s) => s.age ?? 0)).toFixed(1)} s), ` +
        `${during.length - answered.length} failed${errors.length ? `: ${errors.join('; ')}` : ''}`,
    );
  });
  const missed = latencies.filter((l) => !Number.isFinite(l)).length;
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  row(
    `soak ${values.soak}: kube-apiserver restarted ${restarts} times (every ` +
      `${values['restart-every']}), caBundle changed ${changes.length} times`,
    `${changes.length - missed} seen, ${missed} missed; median ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
      `max ${sorted.at(-1)} ms`,
  );
  const window = (from: number, to: number) => {
    const m = memory.filter((s) => s.at - start >= from && s.at - start < to).map((s) => s.total);
    return m.sort((a, b) => a - b)[Math.floor(m.length / 2)] ?? NaN;
  };
  // Whether each restart was said on /metrics (up 0), and for how long.
  const outages = restartedAt.map((begin, i) => {
    const until = restartedAt[i + 1] ?? Infinity;
    const after = samples.filter((s) => s.at >= begin && s.at < until && s.up !== undefined);
    const down = after.findIndex((s) => s.up === 0);
    const back = after.findIndex((s, j) => j > down && s.up === 1);
    return {
      at: (begin - start) / 1000,
      apiDown: ((readyAt[i] ?? NaN) - begin) / 1000,
      up0: down < 0 ? undefined : ((after[back]?.at ?? NaN) - (after[down]?.at ?? NaN)) / 1000,
    };
  });
  const said = outages.filter((o) => o.up0 !== undefined).map((o) => o.up0 ?? 0);
  const unsaid = outages.filter((o) => o.up0 === undefined);
  row(
    'soak restarts said on /metrics (up 0)',
    `${said.length} of ${outages.length}; up 0 for ${Math.min(...said).toFixed(1)} to ` +
      `${Math.max(...said).toFixed(1)} s; the API server answering /readyz again ` +
      `${Math.min(...outages.map((o) => o.apiDown)).toFixed(1)} to ` +
      `${Math.max(...outages.map((o) => o.apiDown)).toFixed(1)} s after its stop began` +
      unsaid
        .map((o) => `; not said: +${o.at.toFixed(0)} s (down ${o.apiDown.toFixed(1)} s)`)
        .join(''),
  );
  // Whether the exporter ever stalled: a slow answer, a long event-loop lag, a failed scrape.
  const answered = samples.filter((s) => s.tookMs !== undefined);
  const failures = samples.filter((s) => s.error !== undefined);
  row(
    'soak scrapes (every 100 ms)',
    `${answered.length} answered, the slowest in ${Math.max(0, ...answered.map((s) => s.tookMs ?? 0))} ms; ` +
      `event-loop lag at most ${Math.max(0, ...answered.map((s) => s.lag ?? 0)).toFixed(3)} s; ` +
      `${failures.length} failed${failures.length ? `: ${[...new Set(failures.map((f) => f.error))].join('; ')}` : ''}`,
  );
  // The patches themselves: a slow one is the rig's delay, not the exporter's.
  const patches = kubectlCalls.filter((c) => c.args[0] === 'patch');
  const patchMs = patches.map((c) => c.ms).sort((a, b) => a - b);
  row(
    'soak caBundle patches (kubectl)',
    `${patches.length}, median ${patchMs[Math.floor(patchMs.length / 2)]} ms, the slowest ` +
      `${patchMs.at(-1)} ms; ${patches.filter((c) => !c.ok).length} failed`,
  );
  const peak = Math.max(...memory.map((s) => s.total));
  const anonPeak = Math.max(...memory.map((s) => s.anon));
  row(
    'soak RSS (MiB)',
    `median of the first 5 min ${window(0, 300_000).toFixed(1)}, of the last 5 min ` +
      `${window(ms - 300_000, ms).toFixed(1)}; peak ${peak.toFixed(1)} (anonymous peak ${anonPeak.toFixed(1)})`,
  );
  await patchCaBundle(original);
  model('SIGCONT');
}

try {
  row(
    'runs',
    `${runsAs()}; ${DEPLOYED_ARGS.join(' ')}` +
      (values['silent-path'] ? '; through a path that drops closed connections silently' : ''),
  );
  for (const file of ['deploy/base/namespace.yaml', 'deploy/base/rbac.yaml'])
    await run('apply', '-f', file);
  const apiPort = Number(new URL(bed.server).port);
  // The exporter's path to the API server, which an outage cuts; a restart's end travels through
  // unless --silent-path.
  const path = new TcpPath(await freePort(), apiPort, { silent: values['silent-path'] });
  await path.open();
  if (values.scenario.includes('outage')) await importShortLivedPair();
  const kubeconfig = await exporterKubeconfig(path.port);
  const log = values.verbose ? join(dir, 'exporter.log') : undefined;
  if (log) console.log(`the exporter's log: ${log}`);
  const exporter = await startExporter(
    kubeconfig,
    [
      ...DEPLOYED_ARGS,
      ...['--inventory-interval', '1m', '--served-interval', '1m'],
      ...(values.verbose ? ['-v'] : []),
    ],
    true,
    log,
  );
  const pid = exporter.child.pid ?? 0;
  while (!(await metrics(exporter.url)).includes('antrea_certs_up{')) await sleep(100);
  for (const scenario of values.scenario) {
    if (scenario === 'outage') await outage(exporter.url, path);
    else if (scenario === 'steady') await steady();
    else if (scenario === 'soak') await soak(exporter.url, pid);
    else throw new Error(`no scenario ${scenario}: outage, steady or soak`);
  }
  exporter.child.kill('SIGTERM');
  await path.cut();
  closeMetrics();
} finally {
  await down(bedDir);
}
console.log('\n| measure | result |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
