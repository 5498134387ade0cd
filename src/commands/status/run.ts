// status: one read round, the report, printed in the chosen format.
import type { CommandContext } from '../../cli/context.ts';
import { printReport } from '../../cli/printer.ts';
import { ExitCode } from '../../errors.ts';
import { readInstallation } from '../../cluster/installation.ts';
import { buildStatus } from '../../report/status.ts';
import { EXPIRY_WARNING_MS } from '../../report/thresholds.ts';
import { renderStatus } from '../../render/status.ts';

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const client = await ctx.connect();
  const installation = await readInstallation(client, ctx.flags.namespace);
  const report = buildStatus({ installation, now: new Date(), warnWithinMs: EXPIRY_WARNING_MS });
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, report, renderStatus);
  return ExitCode.ok;
}
