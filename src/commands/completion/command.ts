// kubectl antrea-certs completion SHELL
import { defineCommand } from '../../framework/command.ts';
import { SHELLS, type Shell } from './shells.ts';

/** completion SHELL: its only option is the shell, one of SHELLS. */
export const completion = defineCommand({
  name: 'completion',
  summary: 'Print a shell completion script (bash, zsh, fish, powershell)',
  short: 'Print a shell completion script',
  positionals: {
    shell: { choices: SHELLS, describe: 'The shell', demandOption: true },
  },
  flags: {},
  optionsFrom: (flags): Shell => flags.shell,
  load: () => import('./run.ts'),
});
