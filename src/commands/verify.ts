// kubectl antrea-certs verify
import type { CommandContext } from '../cli/context.ts';
import type { VerifyFlags } from '../cli/options.ts';
import type { ExitCode } from '../errors.ts';
import { parseDuration } from '../cli/duration.ts';
import { readInstallation } from '../cluster/installation.ts';
import { probeGroupVersions } from '../cluster/probe.ts';
import { runChecks, exitCodeForChecks } from '../report/verify.ts';
import { renderChecks } from '../render/checks.ts';
import { renderData } from '../render/data.ts';

export async function verify(ctx: CommandContext, flags: VerifyFlags): Promise<ExitCode> {
  const warnWithinMs = parseDuration(flags['warn-within'], '--warn-within');
  const failWithinMs = parseDuration(flags['fail-within'], '--fail-within');
  const client = await ctx.connect();
  const installation = await readInstallation(client, ctx.flags.namespace);
  const groupVersions = installation.consumers.flatMap((c) => (c.groupVersion ? [c.groupVersion] : []));
  const probes = await probeGroupVersions(client, groupVersions);
  const report = runChecks({ installation, probes, now: new Date(), warnWithinMs, failWithinMs });
  const exitCode = exitCodeForChecks(report, flags.strict);
  ctx.debug(`${client.requestCount} API requests`);
  if (ctx.output === 'json' || ctx.output === 'yaml') ctx.print(renderData({ ...report, exitCode }, ctx.output));
  else ctx.print(renderChecks(report, ctx.style));
  return exitCode;
}
