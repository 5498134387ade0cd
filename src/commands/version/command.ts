// kubectl antrea-certs version
import { defineCommand } from '../../framework/command.ts';

/** version's option: --client, which leaves the cluster alone. */
export interface VersionOptions {
  readonly clientOnly: boolean;
}

/** version: the plugin's version and, unless --client, the Antrea version the cluster runs. */
export const version = defineCommand({
  name: 'version',
  summary: 'Print the plugin version and the Antrea version the cluster runs',
  short: 'Print the plugin version and the Antrea version',
  flags: {
    client: {
      type: 'boolean',
      default: false,
      describe: 'Print only the plugin version; do not contact the cluster',
    },
  },
  optionsFrom: (flags): VersionOptions => ({ clientOnly: flags.client }),
  load: () => import('./run.ts'),
});
