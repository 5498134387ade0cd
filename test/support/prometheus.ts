// A real Prometheus server (Debian's prometheus) on loopback, for tests that
// assert through its HTTP API what it scraped and which alerts it holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** A TCP port free on loopback now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Alert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
}

export interface Prometheus {
  /** The value of each series an instant query gives, by its labels. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Each series a range query gives, with its points (seconds, value) at each step. */
  queryRange(
    expr: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number,
  ): Promise<{ metric: Record<string, string>; values: [number, number][] }[]>;
  alerts(): Promise<Alert[]>;
  stop(): Promise<void>;
}

/** A job's targets, or its targets with scrape settings (scheme, authorization, tls_config, …). */
export type Job = string[] | { readonly targets: string[]; readonly [setting: string]: unknown };

/** Starts Prometheus scraping the targets every second and evaluating the rule files every second. */
export async function startPrometheus(
  jobs: Record<string, Job>,
  ruleFiles: string[],
): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
    rule_files: ruleFiles,
    scrape_configs: Object.entries(jobs).map(([job, given]) => {
      const { targets, ...settings } = Array.isArray(given) ? { targets: given } : given;
      return { job_name: job, ...settings, static_configs: [{ targets }] };
    }),
  };
  writeFileSync(join(dir, 'prometheus.yml'), yaml.dump(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => void (log += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i === 150 || child.exitCode !== null) throw new Error(`prometheus did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    query: async (expr) => {
      const data = await api<{
        result: { metric: Record<string, string>; value: [number, string] }[];
      }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    queryRange: async (expr, start, end, step) => {
      const data = await api<{
        result: { metric: Record<string, string>; values: [number, string][] }[];
      }>(
        `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${step}`,
      );
      return data.result.map((r) => ({
        metric: r.metric,
        values: r.values.map(([t, v]): [number, number] => [t, Number(v)]),
      }));
    },
    alerts: async () => (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
