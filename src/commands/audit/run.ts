// audit: the installation, then one parallel round of everything else, the
// checks, and their exit code.
import type { CommandContext } from '../../options/context.ts';
import { printReport } from '../../options/printer.ts';
import type { ExitCode } from '../../errors.ts';
import { readInstallation } from '../../read/installation.ts';
import { DEFAULT_NAMESPACE } from '../../antrea/names.ts';
import { readIpsecObjects } from '../../read/ipsec.ts';
import { readSecurityObjects } from '../../read/security.ts';
import { GATEKEEPER_KINDS } from '../../report/audit/admission.ts';
import { runAudit } from '../../report/audit/audit.ts';
import { exitCodeForChecks } from '../../report/verify.ts';
import { renderChecks } from '../../render/checks.ts';
import { renderAuditPrometheus } from '../../render/prometheus.ts';
import type { AuditOptions } from './command.ts';

/** Reads the cluster, runs the checks and prints them; returns verify's exit codes. */
export async function run(ctx: CommandContext, options: AuditOptions): Promise<ExitCode> {
  const client = await ctx.connect();
  // The IPsec objects of the usual namespace are read in the same round; again only if Antrea is elsewhere.
  const guess = ctx.flags.namespace ?? DEFAULT_NAMESPACE;
  const [installation, security, guessed] = await Promise.all([
    readInstallation(client, ctx.flags.namespace, { viewing: true }),
    readSecurityObjects(client, GATEKEEPER_KINDS),
    readIpsecObjects(client, guess),
  ]);
  const ipsec =
    installation.namespace === guess
      ? guessed
      : await readIpsecObjects(client, installation.namespace);
  const report = runAudit({
    installation,
    security,
    ipsec,
    now: new Date(),
    warnWithinMs: options.warnWithinMs,
    failWithinMs: options.failWithinMs,
    trustedNamespaces: options.trustedNamespaces,
  });
  const exitCode = exitCodeForChecks(report, options.strict);
  ctx.debug(`${client.requestCount} API requests`);
  await printReport(ctx, { ...report, exitCode }, renderChecks, (r) =>
    renderAuditPrometheus(r, options.clusterLabel ?? client.contextName),
  );
  return exitCode;
}
