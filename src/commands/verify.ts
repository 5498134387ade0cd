// kubectl antrea-certs verify
import type { CommandContext } from '../cli/context.ts';
import type { ExitCode } from '../errors.ts';
import { readInstallation } from '../cluster/installation.ts';
import { probeGroupVersions } from '../cluster/probe.ts';
import { runChecks, exitCodeForChecks } from '../report/verify.ts';
import { renderChecks } from '../render/checks.ts';
import { renderData } from '../render/data.ts';

export interface VerifyOptions {
  readonly warnWithinMs: number;
  readonly failWithinMs: number;
  readonly strict: boolean;
}

export async function verify(
  ctx: CommandContext,
  { warnWithinMs, failWithinMs, strict }: VerifyOptions,
): Promise<ExitCode> {
  const client = await ctx.connect();
  const installation = await readInstallation(client, ctx.flags.namespace);
  const groupVersions = installation.consumers.flatMap((c) =>
    c.groupVersion ? [c.groupVersion] : [],
  );
  const probes = await probeGroupVersions(client, groupVersions);
  const report = runChecks({ installation, probes, now: new Date(), warnWithinMs, failWithinMs });
  const exitCode = exitCodeForChecks(report, strict);
  ctx.debug(`${client.requestCount} API requests`);
  if (ctx.output === 'json' || ctx.output === 'yaml')
    ctx.print(renderData({ ...report, exitCode }, ctx.output));
  else ctx.print(renderChecks(report, ctx.style));
  return exitCode;
}
