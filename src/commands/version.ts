// kubectl antrea-certs version: the plugin's version, then the Antrea version
// the cluster runs. As kubectl version: the plugin line is printed first, and
// a cluster that cannot be read is an error (exit 1) after it.
import type { CommandContext } from '../cli/context.ts';
import { ExitCode } from '../errors.ts';
import { renderData } from '../render/data.ts';
import { pluginVersion } from '../cli/version.ts';
import type { ModeInfo } from '../antrea/mode.ts';
import type { Installation } from '../cluster/installation.ts';

export const PLUGIN_NAME = 'kubectl-antrea_certs';

export interface AntreaVersion {
  /** null when neither AntreaControllerInfo nor the image tag says it. */
  readonly version: string | null;
  readonly versionSource: ModeInfo['versionSource'];
  readonly namespace: string;
  readonly namespaceSource: Installation['namespaceSource'];
}

export interface VersionReport {
  readonly plugin: { readonly name: string; readonly version: string };
  readonly antrea?: AntreaVersion;
}

export function renderVersion(report: VersionReport): string {
  const lines = [`${report.plugin.name} v${report.plugin.version}`];
  const antrea = report.antrea;
  if (antrea) {
    const where = `in namespace ${antrea.namespace}`;
    lines.push(antrea.version ? `Antrea ${antrea.version} ${where} (from ${antrea.versionSource})` : `Antrea (version unknown: no AntreaControllerInfo, no image tag) ${where}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function version(ctx: CommandContext, options: { readonly clientOnly: boolean }): Promise<ExitCode> {
  const plugin = { name: PLUGIN_NAME, version: pluginVersion };
  const print = (report: VersionReport) => ctx.print(ctx.output === 'json' || ctx.output === 'yaml' ? renderData(report, ctx.output) : renderVersion(report));
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
  const [{ readInstallation }, { modeOf }] = await Promise.all([import('../cluster/installation.ts'), import('../report/status.ts')]);
  const installation = await readInstallation(await ctx.connect(), ctx.flags.namespace);
  const mode = modeOf(installation);
  return { version: mode.version ?? null, versionSource: mode.versionSource, namespace: installation.namespace, namespaceSource: installation.namespaceSource };
}
