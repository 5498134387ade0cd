// status: one read round, the report, printed in the chosen format.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { readSnapshot, STATUS_READS } from '../../read/snapshot.ts';
import { statusOf } from '../../report/status.ts';
import { EXPIRY_FAILURE_MS, EXPIRY_WARNING_MS } from '../../report/thresholds.ts';
import { contextsGiven, readsFleet } from '../../fleet/fleet-flags.ts';
import type { StatusOptions } from './command.ts';
import { renderStatus } from '../../render/status.ts';

/**
 * Reads one cluster and prints its report; several clusters and -o prometheus go to the fleet run.
 */
export async function run(ctx: CommandContext, options: StatusOptions): Promise<ExitCode> {
  const several = readsFleet(options.fleet, contextsGiven(ctx.flags.context));
  if (options.watch) {
    if (several) throw new UsageError('--watch follows one cluster; the exporter watches several.');
    const { watchInTerminal } = await import('../../watch/terminal-view.ts');
    return watchInTerminal(ctx, {
      command: 'status',
      warnWithin: EXPIRY_WARNING_MS,
      failWithin: EXPIRY_FAILURE_MS,
    });
  }
  if (options.all) {
    if (several)
      throw new UsageError(
        'status --all reads one cluster; leave out the flags that pick several.',
      );
    const { runInventory } = await import('./inventory.ts');
    return runInventory(ctx, options);
  }
  if (ctx.flags.output === 'prometheus' || several) {
    const { runFleet } = await import('../../fleet/run.ts');
    const thresholds = { warnWithin: EXPIRY_WARNING_MS, failWithin: EXPIRY_FAILURE_MS };
    return runFleet(ctx, { command: 'status', fleet: options.fleet, ...thresholds, strict: false });
  }
  const client = await ctx.connect();
  const snapshot = await readSnapshot(client, ctx.flags.namespace, STATUS_READS);
  const report = statusOf(snapshot, new Date(), EXPIRY_WARNING_MS);
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, report, renderStatus);
  return ExitCode.ok;
}
