// The exporter as the benches run it: the linux executable with the image's
// entrypoint arguments and the Deployment's environment (or, without the
// executable, the bundle under this Node), its /metrics over one keep-alive
// connection, and its memory and CPU from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { freePort } from '../test/support/prometheus.ts';

/** The executable measured: EXPORTER_EXECUTABLE (a copy kept for a long run), else the one built. */
const EXECUTABLE = resolve(
  process.env.EXPORTER_EXECUTABLE ?? 'dist/sea/linux_amd64/kubectl-antrea_certs',
);
const BUNDLE = resolve('dist/bin/kubectl-antrea_certs');
const DEPLOYMENT = yaml.loadAll(readFileSync('deploy/base/deployment.yaml', 'utf8'))[0] as {
  spec: {
    template: {
      spec: { containers: { args: string[]; env: { name: string; value: string }[] }[] };
    };
  };
};
const CONTAINER = DEPLOYMENT.spec.template.spec.containers[0];
/** The Deployment's environment that tunes the process (MALLOC_ARENA_MAX), as the Pod has it. */
export const TUNING = Object.fromEntries(
  (CONTAINER?.env ?? []).filter((e) => e.name !== 'CLUSTER_NAME').map((e) => [e.name, e.value]),
);
/** The Deployment's arguments, with the cluster named `testbed`. */
export const DEPLOYED_ARGS = (CONTAINER?.args ?? []).map((a) =>
  a.replace('$(CLUSTER_NAME)', 'testbed'),
);
/** The image's entrypoint after the executable: its --node-options, then exporter. */
const ENTRYPOINT_ARGS = (
  JSON.parse(
    /^ENTRYPOINT (.*)$/m.exec(readFileSync('Containerfile', 'utf8'))?.[1] ?? '[]',
  ) as string[]
).slice(1);
export const useExecutable = existsSync(EXECUTABLE);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What runs, said in a bench's first row. */
export const runsAs = () =>
  useExecutable
    ? `the linux executable as the image runs it: ${ENTRYPOINT_ARGS.join(' ')}, ${JSON.stringify(TUNING)}`
    : `the bundle under node, ${JSON.stringify(TUNING)}`;

/** Starts the exporter; resolves once /readyz answers 200, with the time that took. */
export async function startExporter(
  kubeconfig: string,
  args: string[],
  tuned = true,
  /** A file for its stderr, each line stamped with the time; else stderr is this process'. */
  logFile?: string,
) {
  const port = await freePort();
  const command = useExecutable ? EXECUTABLE : process.execPath;
  const started = performance.now();
  // Untuned: the executable's own defaults, without the image's --node-options and environment.
  const env = tuned ? TUNING : {};
  const entrypoint = tuned ? ENTRYPOINT_ARGS : ['exporter'];
  const child: ChildProcess = spawn(
    command,
    [
      ...(useExecutable ? entrypoint : [BUNDLE, 'exporter']),
      '--listen',
      `127.0.0.1:${port}`,
      ...args,
    ],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
      stdio: ['ignore', 'ignore', logFile ? 'pipe' : 'inherit'],
    },
  );
  if (logFile && child.stderr) {
    const log = createWriteStream(logFile);
    createInterface({ input: child.stderr }).on('line', (line) =>
      log.write(`${new Date().toISOString()} ${line}\n`),
    );
  }
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
/** /metrics; a scrape without an answer in `timeoutMs` fails, as Prometheus' scrape_timeout does. */
export const metrics = (url: string, timeoutMs = 10_000) =>
  new Promise<string>((resolve, reject) => {
    const request = http
      .get(`${url}/metrics`, { agent, timeout: timeoutMs }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
        response.on('error', reject);
      })
      .on('timeout', () => request.destroy(new Error(`no answer from /metrics in ${timeoutMs} ms`)))
      .on('error', reject);
  });
export const closeMetrics = () => agent.destroy();
export const sampleOf = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);

/** RSS in MiB, and its anonymous part (the heap; the rest is the executable's clean, shared pages). */
export function rss(pid: number): { total: number; anon: number; peak: number; text: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]) / 1024;
  const total = kB('VmRSS');
  const anon = kB('RssAnon');
  const peak = kB('VmHWM');
  return {
    total,
    anon,
    peak,
    text: `${total.toFixed(1)} MiB (anonymous ${anon.toFixed(1)} MiB; peak so far ${peak.toFixed(1)} MiB)`,
  };
}
export const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
};
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
