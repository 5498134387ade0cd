// The closing step of every change: the verify checks, printed, and their exit code.
import type { Within } from '../certs/within.ts';
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { probeAggregatedApis, readInstallation } from '../read/snapshot.ts';
import { verifyFrom } from '../report/verify/verify.ts';
import { EXPIRY_WARNING_MS } from '../report/thresholds.ts';
import { renderChecks } from '../render/checks.ts';
import { exitCodeForChecks, type ExitCode } from '../errors.ts';
import { printsData } from '../framework/printer.ts';
import type { VerifyDocument } from './change-record.ts';

/**
 * `read`: what the wait last read, so the checks need no second read round. The checks are printed
 * as text, or returned for the change's document (-o json, yaml).
 */
export async function verifyNow(
  ctx: CommandContext,
  client: Client,
  namespace: string,
  failWithin: Within,
  read?: Installation,
): Promise<{ exitCode: ExitCode; installation: Installation; report: VerifyDocument }> {
  const installation = read ?? (await readInstallation(client, namespace));
  const probes = await probeAggregatedApis(client, installation);
  const now = new Date();
  const report = verifyFrom({
    installation,
    probes,
    now,
    warnWithin: EXPIRY_WARNING_MS,
    failWithin,
  });
  const exitCode = exitCodeForChecks(report, false);
  if (!printsData(ctx)) ctx.print(renderChecks(report, ctx.textOptions));
  return { exitCode, installation, report: { ...report, exitCode } };
}
