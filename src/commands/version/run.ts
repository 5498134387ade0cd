// version: the plugin's version, then the Antrea version the cluster runs. As
// kubectl version: the plugin line is printed first, and a cluster that cannot
// be read is an error (exit 1) after it. --client loads no cluster code.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { pluginVersion } from '../../version.ts';
import { ExitCode } from '../../errors.ts';
import {
  renderVersion,
  PLUGIN_NAME,
  type AntreaVersion,
  type VersionReport,
} from '../../render/version.ts';
import type { VersionOptions } from './command.ts';

/**
 * Prints the versions; when the cluster cannot be read, the plugin's version is printed before the
 * error is thrown.
 */
export async function run(ctx: CommandContext, options: VersionOptions): Promise<ExitCode> {
  const plugin = { name: PLUGIN_NAME, version: pluginVersion };
  const print = (report: VersionReport) => printReport(ctx, report, renderVersion);
  if (options.clientOnly) {
    await print({ plugin });
    return ExitCode.ok;
  }
  let antrea: AntreaVersion;
  try {
    antrea = await readAntreaVersion(ctx);
  } catch (error) {
    await print({ plugin });
    throw error;
  }
  await print({ plugin, antrea });
  return ExitCode.ok;
}

async function readAntreaVersion(ctx: CommandContext): Promise<AntreaVersion> {
  const [{ readInstallation }, { modeOf }] = await Promise.all([
    import('../../read/snapshot.ts'),
    import('../../antrea/mode.ts'),
  ]);
  const installation = await readInstallation(await ctx.connect(), ctx.flags.namespace, {
    viewing: true,
  });
  const mode = modeOf(installation);
  return {
    version: mode.version ?? null,
    versionSource: mode.versionSource,
    namespace: installation.namespace,
    namespaceSource: installation.namespaceSource,
  };
}
