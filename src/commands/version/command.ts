// kubectl antrea-certs version
import { defineCommand } from '../../cli/command.ts';

export interface VersionOptions {
  readonly clientOnly: boolean;
}

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
