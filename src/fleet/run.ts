// status and verify over several clusters (or -o prometheus for one): the
// contexts chosen, read concurrently each within its deadline, printed as one
// table, one document or one set of metrics, with the worst exit code.
import type { Within } from '../certs/within.ts';
import { terminalSafeDeep } from '../terminal-safe.ts';
import type { JunitSuite } from '../render/junit.ts';
import type { CommandContext } from '../framework/context.ts';
import { contextNames, readKubeconfig } from '../kube/kubeconfig.ts';
import { ExitCode, KubeconfigError, UsageError, worstExitCode } from '../errors.ts';
import { parseDuration } from '../duration.ts';
import { exitCodeOf, summarize, verdictOf, type ClusterRead } from '../report/cluster.ts';
import { contextsGiven, readsFleet, severalLabelled, type FleetOptions } from './fleet-flags.ts';
import { mapPool } from './pool.ts';
import { readCluster } from './read.ts';

/** A status or verify run over clusters: the command, the clusters to read, and its thresholds. */
export interface FleetRun {
  readonly command: 'status' | 'verify';
  readonly fleet: FleetOptions;
  readonly warnWithin: Within;
  readonly failWithin: Within;
  readonly strict: boolean;
}

/** The contexts to read: named with --context, all, or those matching; in kubeconfig order. */
function chooseContexts(
  known: readonly string[],
  given: readonly string[],
  fleet: FleetOptions,
): string[] {
  const unknown = given.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new KubeconfigError(
      `context ${unknown.map((n) => `"${n}"`).join(', ')} is not in the kubeconfig ` +
        `(contexts there: ${known.join(', ') || 'none'}).`,
    );
  }
  let chosen =
    fleet.all || given.length === 0 ? [...known] : known.filter((n) => given.includes(n));
  if (fleet.matching) chosen = chosen.filter((name) => fleet.matching?.test(name));
  if (chosen.length === 0) {
    throw new UsageError(`no context of the kubeconfig matches ${String(fleet.matching ?? '')}.`);
  }
  return chosen;
}

/**
 * The kubeconfig read once, the connection flags without --context, the contexts chosen (one
 * undefined: the current context) and --request-timeout (0 when not given): for the fleet run and
 * the exporter alike.
 */
export function fleetContexts(ctx: CommandContext, fleet: FleetOptions) {
  const given = contextsGiven(ctx.flags.context);
  const flags = { ...ctx.flags, context: undefined };
  const kubeconfig = readKubeconfig(flags, ctx.env);
  const several = readsFleet(fleet, given);
  if (several && fleet.clusterLabel) throw severalLabelled();
  const contexts = several ? chooseContexts(contextNames(kubeconfig), given, fleet) : [given[0]];
  const requestTimeout = parseDuration(ctx.flags['request-timeout'], '--request-timeout');
  return { kubeconfig, flags, contexts, several, requestTimeout };
}

/**
 * Reads the chosen contexts, at most --parallel at once, and prints them together; status exits 1
 * if a cluster could not be read, verify with the worst exit code.
 */
export async function runFleet(ctx: CommandContext, run: FleetRun): Promise<ExitCode> {
  const { kubeconfig, flags, contexts, several, requestTimeout } = fleetContexts(ctx, run.fleet);
  const settings = {
    kubeconfig,
    flags,
    ...(ctx.flags.namespace ? { namespace: ctx.flags.namespace } : {}),
    warnWithin: run.warnWithin,
    failWithin: run.failWithin,
    requestTimeoutMs: requestTimeout > 0 ? requestTimeout : run.fleet.clusterTimeoutMs,
    deadlineMs: run.fleet.clusterTimeoutMs,
    verbosity: ctx.flags.verbose,
    log: (line: string) => ctx.debug(line),
  };
  const reads = await mapPool(contexts, run.fleet.parallel, (context) =>
    readCluster(context, settings),
  );
  await print(ctx, run, reads, several);
  if (run.command === 'status') {
    return reads.some((r) => 'error' in r) ? ExitCode.error : ExitCode.ok;
  }
  return worstExitCode(reads.map((read) => exitCodeOf(read, run.strict)));
}

async function print(
  ctx: CommandContext,
  run: FleetRun,
  reads: readonly ClusterRead[],
  several: boolean,
): Promise<void> {
  if (ctx.flags.output === 'prometheus') {
    const { renderPrometheus } = await import('../render/prometheus.ts');
    ctx.print(renderPrometheus(reads, several ? undefined : run.fleet.clusterLabel));
    return;
  }
  if (ctx.flags.output === 'junit') {
    const { checkedSuite, renderJunit } = await import('../render/junit.ts');
    const suites = reads.map((read): JunitSuite =>
      'error' in read
        ? { name: read.context, properties: {}, checks: [], error: read.error }
        : checkedSuite(read.context, read.verify),
    );
    ctx.print(renderJunit('verify', suites, { warningsFail: run.strict, timestamp: new Date() }));
    return;
  }
  const summary = summarize(reads);
  if (ctx.flags.output === 'json' || ctx.flags.output === 'yaml') {
    const { renderData } = await import('../render/data.ts');
    const clusters = reads.map((read) =>
      'error' in read
        ? read
        : {
            context: read.context,
            report:
              run.command === 'status'
                ? read.status
                : { ...read.verify, exitCode: exitCodeOf(read, run.strict) },
          },
    );
    ctx.print(renderData({ clusters, summary }, ctx.flags.output));
    return;
  }
  const { renderFleet } = await import('../render/fleet.ts');
  // Context names come from kubeconfigs, problems from clusters: escaped for the terminal.
  const safe = terminalSafeDeep(reads);
  ctx.print(renderFleet(safe, safe.map(verdictOf), summary, ctx.textOptions));
}
