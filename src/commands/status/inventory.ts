// status --all: the installation and every other certificate and key of
// Antrea, in one parallel round, as two tables.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { ExitCode } from '../../errors.ts';
import { INVENTORY_READS, readSnapshot } from '../../read/snapshot.ts';
import { inventoryOf } from '../../report/inventory.ts';
import { EXPIRY_WARNING_MS } from '../../report/thresholds.ts';
import { renderInventory } from '../../render/inventory.ts';
import { renderInventoryPrometheus } from '../../render/prometheus.ts';
import type { StatusOptions } from './command.ts';

/** Reads and prints the inventory; what RBAC refuses is listed as not read, never a failure. */
export async function runInventory(ctx: CommandContext, options: StatusOptions): Promise<ExitCode> {
  const client = await ctx.connect();
  const snapshot = await readSnapshot(client, ctx.flags.namespace, INVENTORY_READS);
  const report = inventoryOf(snapshot, new Date(), {
    warnWithin: EXPIRY_WARNING_MS,
    ...(options.expiringWithinMs !== undefined
      ? { expiringWithinMs: options.expiringWithinMs, expiringWithin: options.expiringWithin }
      : {}),
  });
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, report, renderInventory, {
    prometheus: (r) =>
      renderInventoryPrometheus(r, options.fleet.clusterLabel ?? client.contextName),
  });
  return ExitCode.ok;
}
