// kubectl antrea-certs restore FILE
import { defineCommand } from '../../framework/command.ts';
import { changeFlags, changeOptionsFrom, type ChangeOptions } from '../../change/change-flags.ts';

/** restore's options: the backup file and how to carry out the change. */
export interface RestoreOptions {
  readonly file: string;
  readonly change: ChangeOptions;
  /** Restore a backup that another cluster's objects fill. */
  readonly forceOtherCluster: boolean;
  /** Restore a backup whose digest does not match its content (its checks still run). */
  readonly acceptEdited: boolean;
}

/**
 * restore FILE: puts back the Secret and config file of a backup; when the controller does not
 * come up on it, rolls back to what the cluster held before, as every change does.
 */
export const restore = defineCommand({
  name: 'restore',
  summary: 'Put back the Secret and config saved in a backup file, restart and verify',
  short: 'Put back a backup, restart and verify',
  positionals: {
    file: {
      type: 'string',
      describe: 'A backup written by import, mode or restore',
      demandOption: true,
      complete: 'file',
    },
  },
  flags: {
    'force-other-cluster': {
      type: 'boolean',
      default: false,
      describe:
        'Restore a backup of another cluster (its key and config), or of no recorded cluster, into this one',
    },
    'accept-edited-backup': {
      type: 'boolean',
      default: false,
      describe:
        'Restore a backup whose digest does not match its content (edited); every check still runs',
    },
    ...changeFlags,
  },
  optionsFrom: (flags): RestoreOptions => ({
    file: flags.file,
    forceOtherCluster: flags['force-other-cluster'],
    acceptEdited: flags['accept-edited-backup'],
    change: changeOptionsFrom(flags),
  }),
  load: () => import('./run.ts'),
});
