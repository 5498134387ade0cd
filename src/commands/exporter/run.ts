// exporter: one watch per cluster, the metrics rendered whenever a cluster's
// reports change, and an HTTP server that answers from memory. SIGTERM (or
// Ctrl-C) stops the watches, answers the scrapes in flight and exits 0.
import type { CommandContext } from '../../framework/context.ts';
import { ExitCode } from '../../errors.ts';
import { claimSignals } from '../../signals.ts';
import { configFor } from '../../kube/kubeconfig.ts';
import { Client } from '../../kube/client.ts';
import { fleetContexts } from '../../fleet/run.ts';
import { ClusterWatch, type WatchSettings } from '../../watch/cluster-watch.ts';
import { renderWatchedPrometheus, type WatchedCluster } from '../../render/prometheus.ts';
import type { ReadFailure } from '../../report/cluster.ts';
import { terminalSafe } from '../../terminal-safe.ts';
import type { ExporterOptions } from './command.ts';
import { serve, type Security } from './server.ts';
import { selfMetrics } from './self-metrics.ts';
import { WatchCounters, type Watched } from './watch-counters.ts';

/** How long SIGTERM waits for the scrapes in flight before it closes their connections. */
const DRAIN_MS = 4000;
/** Reports are recomputed at least this often: expiry moves with time. */
const REFRESH_MS = 60_000;

/** Runs until SIGTERM or SIGINT; exits 0 then. */
export async function run(ctx: CommandContext, options: ExporterOptions): Promise<ExitCode> {
  const watched = startWatches(ctx, options);
  const watches = watched.map((w) => w.watch);
  let text = '';
  /** The clusters in an outage, and why, as last looked at (at most a second ago). */
  const outages = new Map<ClusterWatch, ReadFailure>();
  const render = () => {
    const clusters = watches.flatMap((w): WatchedCluster[] => {
      const outage = outages.get(w);
      return w.read
        ? [
            {
              read: w.read,
              ...(outage ? { outage } : {}),
              ...(w.audit ? { audit: w.audit } : {}),
              ...(w.inventory ? { inventory: w.inventory } : {}),
            },
          ]
        : [];
    });
    text = renderWatchedPrometheus(clusters);
  };
  // An outage starts or ends without any event: looked for every second, said and rendered when
  // it moved.
  const outageTimer = setInterval(() => {
    let moved = false;
    for (const watch of watches) {
      const kind = watch.outage();
      if (kind === outages.get(watch)) continue;
      moved = true;
      if (kind) outages.set(watch, kind);
      else outages.delete(watch);
      const cluster = terminalSafe(watch.context);
      ctx.note(
        kind
          ? `${cluster}: cannot be read (${kind}); its last known values are kept, up is 0.`
          : `${cluster}: read again.`,
      );
    }
    if (moved) render();
  }, 1000).unref();
  const logged = new Map<ClusterWatch, string>();
  for (const watch of watches) {
    watch.onUpdate = () => {
      logChange(ctx, watch, logged);
      render();
    };
  }
  const registry = selfMetrics(watched, Date.now());
  const security = await securityOf(ctx, options);
  const { server, port } = await serve(
    options.listen,
    {
      metrics: async () => text + (await registry.metrics()),
      unanswered: () => watches.filter((w) => !w.read).map((w) => w.context),
    },
    security,
  );
  const release = claimSignals();
  ctx.note(
    `Serving /metrics, /healthz and /readyz on ${security.tls ? 'https' : 'http'}://` +
      `${options.listen.host ?? '*'}:${port} for ` +
      `${watches.map((w) => terminalSafe(w.context)).join(', ')}.`,
  );
  if (security.tls) ctx.note(`TLS: ${security.tls.describe}.`);
  for (const watch of watches) watch.start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  ctx.debug(`${signal}: stopping the watches and answering the scrapes in flight.`);
  clearInterval(outageTimer);
  security.tls?.stop();
  security.stop?.();
  for (const watch of watches) watch.stop();
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, DRAIN_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
  release();
  return ExitCode.ok;
}

/**
 * A line on stderr (the Pod's log) when a cluster becomes unreadable, changes why, or reads again:
 * what an operator looks for when the up metric drops. Not per event.
 */
function logChange(ctx: CommandContext, watch: ClusterWatch, logged: Map<ClusterWatch, string>) {
  const read = watch.read;
  if (!read) return;
  const now = 'error' in read ? `${read.error.kind}: ${read.error.message}` : 'read';
  const before = logged.get(watch) ?? 'read';
  logged.set(watch, now);
  if (now === before) return;
  const cluster = terminalSafe(watch.context);
  ctx.note(now === 'read' ? `${cluster}: read again.` : `${cluster}: cannot be read (${now})`);
}

/**
 * One watch per cluster, with its counters: the contexts chosen as status and verify choose them,
 * or the one connection.
 */
function startWatches(ctx: CommandContext, options: ExporterOptions): Watched[] {
  const { kubeconfig, flags, contexts, requestTimeout } = fleetContexts(ctx, options.fleet);
  const settings: WatchSettings = { ...options, refreshMs: REFRESH_MS };
  return contexts.map((context) => {
    const loaded = configFor(kubeconfig, { ...flags, context });
    const client = new Client(loaded, {
      // --request-timeout when it is shorter: each request and credential plugin run is bounded.
      timeoutMs:
        requestTimeout > 0
          ? Math.min(requestTimeout, options.fleet.clusterTimeoutMs)
          : options.fleet.clusterTimeoutMs,
      verbosity: ctx.flags.verbose,
      log: (line) => ctx.debug(line),
      ...(options.readSecrets ? {} : { withheld: ['secrets'] }),
    });
    const label =
      options.fleet.clusterLabel ?? (kubeconfig.inCluster ? 'in-cluster' : loaded.contextName);
    const counters = new WatchCounters();
    return {
      watch: new ClusterWatch(label, client, ctx.flags.namespace, settings, counters),
      counters,
    };
  });
}

/**
 * HTTPS (from files, or self-made under --metrics-auth rbac) and the scrape reviews, made by the
 * cluster the exporter runs in (in a Pod) or the kubeconfig's current context.
 */
async function securityOf(
  ctx: CommandContext,
  options: ExporterOptions,
): Promise<Security & { stop?: () => void }> {
  const { filePair, selfMadePair } = await import('./serving-tls.ts');
  const log = (line: string) => ctx.note(line);
  const tls = options.tlsFiles
    ? filePair(options.tlsFiles.cert, options.tlsFiles.key, log)
    : options.metricsAuth === 'rbac'
      ? selfMadePair()
      : undefined;
  if (options.metricsAuth !== 'rbac') return tls ? { tls } : {};
  const { ScrapeAuth } = await import('./scrape-auth.ts');
  const { tokenUser, userMay } = await import('../../kube/access-review.ts');
  const { kubeconfig, flags, contexts, requestTimeout } = fleetContexts(ctx, options.fleet);
  const context = contexts.length === 1 ? contexts[0] : undefined;
  const client = new Client(configFor(kubeconfig, { ...flags, context }), {
    timeoutMs: requestTimeout > 0 ? requestTimeout : options.fleet.clusterTimeoutMs,
    verbosity: ctx.flags.verbose,
    log: (line) => ctx.debug(line),
  });
  const auth = new ScrapeAuth({
    user: (token) => tokenUser(client, token),
    may: (user, verb, path) => userMay(client, user, verb, path),
  });
  return { ...(tls ? { tls } : {}), auth, stop: () => client.close() };
}
