// The exporter's metrics about itself, with prom-client: its build, per
// cluster when data last changed, how old the oldest data is, watch restarts
// and read errors, and prom-client's process and Node.js metrics (CPU, memory,
// file descriptors, event-loop lag, GC), which nobody should write again.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { pluginVersion } from '../../version.ts';
import type { LabelledCounts, Watched } from './watch-counters.ts';

/** The registry of the exporter's own metrics, read at each scrape from the watches in memory. */
export function selfMetrics(watched: readonly Watched[], startedAt: number): Registry {
  const watches = watched.map((w) => w.watch);
  const registry = new Registry();
  // The event-loop delay is sampled every 100 ms, not 10: an idle exporter should stay idle.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  // Gauges whose names end in _total, which promtool rejects; nodejs_active_handles and the like stay.
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`nodejs_active_${name}_total`);
  const seconds = (ms: number) => ms / 1000;
  new Gauge({
    name: 'antrea_certs_exporter_build_info',
    help: 'The exporter build: its version and the Node.js version inside it.',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  }).set({ version: pluginVersion, nodejs_version: process.version }, 1);
  new Gauge({
    name: 'antrea_certs_exporter_synced',
    help: 'Whether every watch of the cluster has had its first full answer (1) or not yet (0).',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      for (const w of watches) this.set({ cluster: w.context }, w.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: 'antrea_certs_exporter_last_change_timestamp_seconds',
    help: "When the cluster's reports last changed (Unix seconds; the exporter's start until then).",
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      for (const w of watches)
        this.set({ cluster: w.context }, seconds(w.lastChangeAt ?? startedAt));
    },
  });
  new Gauge({
    name: 'antrea_certs_exporter_data_age_seconds',
    help:
      "How long the cluster's oldest data may have been out of date: 0 while every watch is open, " +
      'else since the first one closed (or since the start, before the first sync).',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      const now = Date.now();
      for (const w of watches) {
        const since = w.synced ? w.staleSince() : startedAt;
        this.set({ cluster: w.context }, since === undefined ? 0 : seconds(now - since));
      }
    },
  });
  new Counter({
    name: 'antrea_certs_exporter_api_requests_total',
    help: 'Requests made to the API server (lists, watches, checks); a scrape makes none.',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of watches) this.inc({ cluster: w.context }, w.requestCount);
    },
  });
  countersOf(registry, watched, (c) => c.restarts, {
    name: 'antrea_certs_exporter_watch_restarts_total',
    help:
      'Watches opened again, by resource and why: ended (by the server: its timeout, a shutdown), ' +
      'gone (410: listed again), error, silent (no answer past the timeout).',
    second: 'reason',
  });
  countersOf(registry, watched, (c) => c.errors, {
    name: 'antrea_certs_exporter_read_errors_total',
    help: 'Failed lists, watches and checks, by resource (or check) and kind (forbidden, unreachable, …).',
    second: 'kind',
  });
  return registry;
}

function countersOf(
  registry: Registry,
  watched: readonly Watched[],
  which: (counters: Watched['counters']) => LabelledCounts,
  family: { name: string; help: string; second: 'reason' | 'kind' },
): void {
  new Counter({
    name: family.name,
    help: family.help,
    labelNames: ['cluster', 'resource', family.second],
    registers: [registry],
    collect() {
      this.reset();
      for (const { watch, counters } of watched)
        for (const [resource, counts] of which(counters))
          for (const [second, count] of counts)
            this.inc({ cluster: watch.context, resource, [family.second]: second }, count);
    },
  });
}
