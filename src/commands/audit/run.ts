// audit: the snapshot with the security reads (one parallel round), the
// checks, and their exit code.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { exitCodeForChecks, type ExitCode } from '../../errors.ts';
import { AUDIT_READS, readSnapshot } from '../../read/snapshot.ts';
import { auditOf } from '../../report/audit/audit.ts';
import { renderChecks } from '../../render/checks.ts';
import { renderAuditPrometheus } from '../../render/prometheus.ts';
import { checkedSuite, renderJunit } from '../../render/junit.ts';
import type { AuditOptions } from './command.ts';
import { readingCluster } from '../../framework/junit-read.ts';

/** Reads the cluster, runs the checks and prints them; returns verify's exit codes. */
export async function run(ctx: CommandContext, options: AuditOptions): Promise<ExitCode> {
  const { client, snapshot } = await readingCluster(
    ctx,
    'audit',
    async (client) => ({
      client,
      snapshot: await readSnapshot(client, ctx.flags.namespace, AUDIT_READS),
    }),
    options.clusterLabel,
  );
  const report = auditOf(snapshot, new Date(), {
    warnWithin: options.warnWithin,
    failWithin: options.failWithin,
    trustedNamespaces: options.trustedNamespaces,
  });
  const exitCode = exitCodeForChecks(report, options.strict);
  ctx.debug(`${client.requestCount} API requests`);
  const cluster = options.clusterLabel ?? client.contextName;
  await printReport(ctx, { ...report, exitCode }, renderChecks, {
    prometheus: (r) => renderAuditPrometheus(r, cluster),
    junit: (r) =>
      renderJunit('audit', [checkedSuite(cluster, r)], {
        warningsFail: options.strict,
        timestamp: new Date(),
      }),
  });
  return exitCode;
}
