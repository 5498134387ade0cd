// The version report (kubectl antrea-certs version) as text.
import type { ModeInfo } from '../antrea/mode.ts';
import type { Installation } from '../antrea/installation.ts';

/** The name version prints for the plugin: its executable's. */
export const PLUGIN_NAME = 'kubectl-antrea_certs';

/**
 * The Antrea version of the cluster and where it was read: which source, which namespace and how it
 * was found.
 */
export interface AntreaVersion {
  /** null when neither AntreaControllerInfo nor the image tag says it. */
  readonly version: string | null;
  readonly versionSource: ModeInfo['versionSource'];
  readonly namespace: string;
  readonly namespaceSource: Installation['namespaceSource'];
}

/** What version prints, also as data: the plugin and, unless --client, Antrea. */
export interface VersionReport {
  readonly plugin: { readonly name: string; readonly version: string };
  readonly antrea?: AntreaVersion;
}

/** "kubectl-antrea_certs v0.1.0", then the Antrea line when there is one. */
export function renderVersion(report: VersionReport): string {
  const lines = [`${report.plugin.name} v${report.plugin.version}`];
  const antrea = report.antrea;
  if (antrea) {
    const where = `in namespace ${antrea.namespace}`;
    lines.push(
      antrea.version
        ? `Antrea ${antrea.version} ${where} (from ${antrea.versionSource})`
        : `Antrea (version unknown: no AntreaControllerInfo, no image tag) ${where}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
