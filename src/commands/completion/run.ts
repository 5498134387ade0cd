// completion SHELL: prints the completion script.
import type { CommandContext } from '../../framework/context.ts';
import { ExitCode } from '../../errors.ts';
import { COMPLETION_SCRIPTS } from './scripts.ts';
import type { Shell } from './shells.ts';

/** Prints the completion script of the shell. */
export function run(ctx: CommandContext, shell: Shell): ExitCode {
  ctx.print(COMPLETION_SCRIPTS[shell]);
  return ExitCode.ok;
}
