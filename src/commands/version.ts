// kubectl antrea-certs version: the plugin's version, then the Antrea version
// the cluster runs. As kubectl version: the plugin line is printed first, and
// a cluster that cannot be read is an error (exit 1) after it.
import type { CommandContext } from '../cli/context.ts';
import { ExitCode } from '../errors.ts';
import { renderData } from '../render/data.ts';
import {
  renderVersion,
  PLUGIN_NAME,
  type AntreaVersion,
  type VersionReport,
} from '../render/version.ts';
import { pluginVersion } from '../cli/version.ts';

export async function version(
  ctx: CommandContext,
  options: { readonly clientOnly: boolean },
): Promise<ExitCode> {
  const plugin = { name: PLUGIN_NAME, version: pluginVersion };
  const print = (report: VersionReport) =>
    ctx.print(
      ctx.output === 'json' || ctx.output === 'yaml'
        ? renderData(report, ctx.output)
        : renderVersion(report),
    );
  if (options.clientOnly) {
    print({ plugin });
    return ExitCode.ok;
  }
  let antrea: AntreaVersion;
  try {
    antrea = await readAntreaVersion(ctx);
  } catch (error) {
    print({ plugin });
    throw error;
  }
  print({ plugin, antrea });
  return ExitCode.ok;
}

async function readAntreaVersion(ctx: CommandContext): Promise<AntreaVersion> {
  const [{ readInstallation }, { modeOf }] = await Promise.all([
    import('../cluster/installation.ts'),
    import('../report/status.ts'),
  ]);
  const installation = await readInstallation(await ctx.connect(), ctx.flags.namespace);
  const mode = modeOf(installation);
  return {
    version: mode.version ?? null,
    versionSource: mode.versionSource,
    namespace: installation.namespace,
    namespaceSource: installation.namespaceSource,
  };
}
