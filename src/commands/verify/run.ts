// verify: the read round, the discovery probes, the checks and their exit code.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { UsageError, exitCodeForChecks, type ExitCode } from '../../errors.ts';
import { readSnapshot, VERIFY_READS } from '../../read/snapshot.ts';
import { verifyOf } from '../../report/verify/verify.ts';
import { renderChecks } from '../../render/checks.ts';
import { checkedSuite, renderJunit } from '../../render/junit.ts';
import { contextsGiven, readsFleet } from '../../fleet/fleet-flags.ts';
import { readingCluster } from '../../framework/junit-read.ts';
import type { VerifyOptions } from './command.ts';

/**
 * Reads one cluster, probes its aggregated APIs and runs the checks; returns their exit code.
 * Several clusters and -o prometheus go to the fleet run.
 */
export async function run(ctx: CommandContext, options: VerifyOptions): Promise<ExitCode> {
  const { warnWithin, failWithin, strict } = options;
  const several = readsFleet(options.fleet, contextsGiven(ctx.flags.context));
  if (options.watch) {
    if (several) throw new UsageError('--watch follows one cluster; the exporter watches several.');
    const { watchInTerminal } = await import('../../watch/terminal-view.ts');
    return watchInTerminal(ctx, { command: 'verify', warnWithin, failWithin });
  }
  if (ctx.flags.output === 'prometheus' || several) {
    const { runFleet } = await import('../../fleet/run.ts');
    return runFleet(ctx, {
      command: 'verify',
      fleet: options.fleet,
      warnWithin,
      failWithin,
      strict,
    });
  }
  const { client, snapshot } = await readingCluster(ctx, 'verify', async (client) => ({
    client,
    snapshot: await readSnapshot(client, ctx.flags.namespace, VERIFY_READS),
  }));
  const report = verifyOf(snapshot, new Date(), { warnWithin, failWithin });
  const exitCode = exitCodeForChecks(report, strict);
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, { ...report, exitCode }, renderChecks, {
    junit: (r) =>
      renderJunit('verify', [checkedSuite(client.contextName, r)], {
        warningsFail: strict,
        timestamp: new Date(),
      }),
  });
  return exitCode;
}
