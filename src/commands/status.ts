// kubectl antrea-certs status
import type { CommandContext } from '../cli/context.ts';
import { ExitCode } from '../errors.ts';
import { readInstallation } from '../cluster/installation.ts';
import { buildStatus } from '../report/status.ts';
import { renderStatus } from '../render/status.ts';
import { renderData } from '../render/data.ts';

const THIRTY_DAYS_MS = 30 * 86_400_000;

export async function status(ctx: CommandContext): Promise<ExitCode> {
  const client = await ctx.connect();
  const installation = await readInstallation(client, ctx.flags.namespace);
  const report = buildStatus({ installation, now: new Date(), warnWithinMs: THIRTY_DAYS_MS });
  ctx.debug(`${client.requestCount} API requests`);
  if (ctx.output === 'json' || ctx.output === 'yaml') ctx.print(renderData(report, ctx.output));
  else
    ctx.print(
      renderStatus(report, { style: ctx.style, width: ctx.width, wide: ctx.output === 'wide' }),
    );
  return ExitCode.ok;
}
