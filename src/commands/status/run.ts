// status: one read round, the report, printed in the chosen format.
import type { CommandContext } from '../../cli/context.ts';
import { printReport } from '../../cli/printer.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import type { Client } from '../../cluster/client.ts';
import type { Installation } from '../../cluster/installation.ts';
import { readTrafficEncryption } from '../../antrea/ipsec.ts';
import { buildEncryption, type IpsecReport } from '../../report/ipsec.ts';
import { readForViewing } from '../../antrea/viewing.ts';
import { buildStatus } from '../../report/status.ts';
import { EXPIRY_FAILURE_MS, EXPIRY_WARNING_MS } from '../../report/thresholds.ts';
import { contextsGiven, readsFleet } from '../../fleet/flags.ts';
import type { StatusOptions } from './command.ts';
import { renderStatus } from '../../render/status.ts';

/**
 * Reads one cluster and prints its report; several clusters and -o prometheus go to the fleet run.
 */
export async function run(ctx: CommandContext, options: StatusOptions): Promise<ExitCode> {
  if (options.all) {
    if (readsFleet(options.fleet, contextsGiven(ctx.flags.context)))
      throw new UsageError(
        'status --all reads one cluster; leave out the flags that pick several.',
      );
    const { runInventory } = await import('./inventory.ts');
    return runInventory(ctx, options);
  }
  if (ctx.output === 'prometheus' || readsFleet(options.fleet, contextsGiven(ctx.flags.context))) {
    const { runFleet } = await import('../../fleet/run.ts');
    const thresholds = { warnWithinMs: EXPIRY_WARNING_MS, failWithinMs: EXPIRY_FAILURE_MS };
    return runFleet(ctx, { command: 'status', fleet: options.fleet, ...thresholds, strict: false });
  }
  const client = await ctx.connect();
  const installation = await readForViewing(client, ctx.flags.namespace);
  const now = new Date();
  const report = {
    ...buildStatus({ installation, now, warnWithinMs: EXPIRY_WARNING_MS }),
    ipsec: await readIpsec(client, installation, now),
  };
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, report, renderStatus);
  return ExitCode.ok;
}

/** In IPsec mode only, its objects: one more read round, in parallel. */
async function readIpsec(
  client: Client,
  inst: Installation,
  now: Date,
): Promise<IpsecReport | null> {
  const agentConf = inst.config?.agentText;
  const encryption = agentConf === undefined ? undefined : readTrafficEncryption(agentConf);
  if (!encryption || 'error' in encryption || encryption.mode !== 'ipsec') return null;
  const { readIpsecObjects } = await import('../../cluster/ipsec.ts');
  const objects = await readIpsecObjects(client, inst.namespace);
  const report = buildEncryption({ agentConf, controllerConf: inst.config?.text, objects, now });
  return 'error' in report ? null : report.ipsec;
}
