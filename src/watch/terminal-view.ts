// status --watch and verify --watch: one cluster kept in view with the
// exporter's watches, its report printed again whenever it changes. On a
// terminal the report is redrawn in place; in a pipe each change is one line
// with a timestamp (-o json: one JSON document a line; -o yaml: a document
// each), as kubectl get -w streams. Ctrl-C exits 130, SIGTERM 143.
import type { Within } from '../certs/within.ts';
import type { CommandContext } from '../framework/context.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { claimSignals } from '../signals.ts';
import { terminalSafe, terminalSafeDeep } from '../terminal-safe.ts';
import type { ClusterRead } from '../report/cluster.ts';
import { verdictOf } from '../report/cluster.ts';
import { renderStatus } from '../render/status.ts';
import { renderChecks } from '../render/checks.ts';
import { changeLine } from '../render/fleet.ts';
import { ClusterWatch } from './cluster-watch.ts';
import { isoSeconds } from '../duration.ts';

/** What --watch shows, with verify's thresholds. */
export interface WatchRun {
  readonly command: 'status' | 'verify';
  readonly warnWithin: Within;
  readonly failWithin: Within;
}

const CLEAR = '\u001b[H\u001b[2J';
const MINUTE = 60_000;

/** Watches the cluster of the context until Ctrl-C or SIGTERM, printing each change. */
export async function watchInTerminal(ctx: CommandContext, run: WatchRun): Promise<ExitCode> {
  if (ctx.flags.output === 'prometheus' || ctx.flags.output === 'junit')
    throw new UsageError(
      `--watch prints table, wide, json or yaml; for -o ${ctx.flags.output} run the exporter.`,
    );
  const client = await ctx.connect();
  const watch = new ClusterWatch(client.contextName, client, ctx.flags.namespace, {
    warnWithin: run.warnWithin,
    failWithin: run.failWithin,
    servedIntervalMs: 5 * MINUTE,
    probeIntervalMs: MINUTE,
    refreshMs: MINUTE,
  });
  const show = await printerFor(ctx, run.command);
  let last = '';
  watch.onUpdate = ({ read }) => {
    if (!read) return;
    const { key, text } = show(read, new Date());
    if (key === last) return;
    last = key;
    ctx.print(text);
  };
  const release = claimSignals();
  watch.start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  watch.stop();
  release();
  return signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
}

/** How one change is printed, and what of it counts as a change (not the time). */
type Show = (read: ClusterRead, at: Date) => { key: string; text: string };

async function printerFor(ctx: CommandContext, command: WatchRun['command']): Promise<Show> {
  if (ctx.flags.output === 'json' || ctx.flags.output === 'yaml') {
    const { renderData } = await import('../render/data.ts');
    return (read, at) => {
      const report = 'error' in read ? { error: read.error } : { report: read[command] };
      const key = JSON.stringify(report);
      const document = { time: isoSeconds(at), context: read.context, ...report };
      return {
        key,
        text:
          ctx.flags.output === 'json'
            ? `${JSON.stringify(document)}\n`
            : `---\n${renderData(document, 'yaml')}`,
      };
    };
  }
  if (ctx.textOptions.terminal) {
    return (read, at) => {
      const body =
        'error' in read
          ? `error (${read.error.kind}): ${terminalSafe(read.error.message)}\n`
          : command === 'status'
            ? renderStatus(terminalSafeDeep(read.status), ctx.textOptions)
            : renderChecks(terminalSafeDeep(read.verify), ctx.textOptions);
      const head = ctx.textOptions.style.dim(
        `${terminalSafe(read.context)}: last change ${isoSeconds(at)}; watching (Ctrl-C to stop)`,
      );
      return { key: body, text: `${CLEAR}${head}\n\n${body}` };
    };
  }
  return (read, at) => {
    const line = changeLine(terminalSafeDeep(read), verdictOf(read), ctx.textOptions);
    return { key: line, text: `${isoSeconds(at)}  ${line}\n` };
  };
}
