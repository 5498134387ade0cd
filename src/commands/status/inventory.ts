// status --all: the installation and every other certificate and key of
// Antrea, in one parallel round, as two tables.
import type { CommandContext } from '../../options/context.ts';
import { printReport } from '../../options/printer.ts';
import { ExitCode } from '../../errors.ts';
import { AGENT_INFO, DEFAULT_NAMESPACE } from '../../antrea/names.ts';
import { readForViewing } from '../../read/viewing.ts';
import { readIpsecObjects } from '../../read/ipsec.ts';
import { readKeyMaterial } from '../../read/key-material.ts';
import { attempt } from '../../kube/outcome.ts';
import type * as k8s from '../../kube/objects.ts';
import { agentApiCertificates } from '../../report/agent-api.ts';
import { buildInventory } from '../../report/inventory.ts';
import { buildEncryption } from '../../report/ipsec.ts';
import { buildStatus } from '../../report/status.ts';
import { EXPIRY_WARNING_MS } from '../../report/thresholds.ts';
import { renderInventory } from '../../render/inventory.ts';
import { renderInventoryPrometheus } from '../../render/prometheus.ts';
import type { StatusOptions } from './command.ts';

/** Reads and prints the inventory; what RBAC refuses is listed as not read, never a failure. */
export async function runInventory(ctx: CommandContext, options: StatusOptions): Promise<ExitCode> {
  const client = await ctx.connect();
  const guess = ctx.flags.namespace ?? DEFAULT_NAMESPACE;
  const readAround = (ns: string) =>
    Promise.all([readIpsecObjects(client, ns), readKeyMaterial(client, ns)]);
  const [installation, guessed, agentInfos] = await Promise.all([
    readForViewing(client, ctx.flags.namespace),
    readAround(guess),
    attempt(client.custom<k8s.AntreaAgentInfo>(AGENT_INFO).list()),
  ]);
  const [ipsec, keys] =
    installation.namespace === guess ? guessed : await readAround(installation.namespace);
  const now = new Date();
  const report = buildInventory({
    status: buildStatus({ installation, now, warnWithinMs: EXPIRY_WARNING_MS }),
    encryption: buildEncryption({
      agentConf: installation.config?.agentText,
      controllerConf: installation.config?.text,
      objects: ipsec,
      now,
    }),
    agentApi:
      'value' in agentInfos
        ? { value: agentApiCertificates(agentInfos.value.items, now) }
        : agentInfos,
    keys,
    now,
    ...(options.expiringWithinMs !== undefined
      ? { expiringWithinMs: options.expiringWithinMs, expiringWithin: options.expiringWithin }
      : {}),
  });
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, report, renderInventory, (r) =>
    renderInventoryPrometheus(r, options.fleet.clusterLabel ?? client.contextName),
  );
  return ExitCode.ok;
}
