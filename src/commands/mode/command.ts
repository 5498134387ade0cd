// kubectl antrea-certs mode [self-signed|user-provided]
import { defineCommand } from '../../framework/command.ts';
import { changeFlags, changeOptionsFrom, type ChangeOptions } from '../../change/change-flags.ts';
import type { Mode } from '../../antrea/mode.ts';

/**
 * mode's options: the mode to switch to, if any, whether to delete a user pair on the way to
 * self-signed, and whether to switch when the Secret fails preflight.
 */
export interface ModeOptions {
  /** The mode to switch to; none shows the current one. */
  readonly target?: Mode;
  readonly regenerate: boolean;
  readonly force: boolean;
  readonly change: ChangeOptions;
}

/**
 * mode [self-signed|user-provided]: without a target it shows the mode; with one it edits
 * selfSignedCert and restarts the controller.
 */
export const mode = defineCommand({
  name: 'mode',
  summary: 'Show the certificate mode, or switch selfSignedCert and restart the controller safely',
  short: 'Show or switch the certificate mode',
  positionals: {
    target: {
      choices: ['self-signed', 'user-provided'] as const,
      describe: 'The mode to switch to',
    },
  },
  flags: {
    regenerate: {
      type: 'boolean',
      default: false,
      describe:
        'To self-signed: delete the user pair from the Secret (after the backup) ' +
        'so the controller makes a fresh one',
    },
    force: {
      type: 'boolean',
      default: false,
      describe:
        'Switch even when the Secret would not let the controller start (the rollback still guards it)',
    },
    ...changeFlags,
  },
  optionsFrom: (flags): ModeOptions => ({
    ...(flags.target ? { target: flags.target } : {}),
    regenerate: flags.regenerate,
    force: flags.force,
    change: changeOptionsFrom(flags),
  }),
  load: () => import('./run.ts'),
});
