// kubectl antrea-certs completion SHELL: prints the completion script.
import type { CommandContext } from '../cli/context.ts';
import { ExitCode } from '../errors.ts';
import { COMPLETION_SCRIPTS } from '../cli/completion/scripts.ts';
import type { Shell } from '../cli/completion/spec.ts';

export function completion(ctx: CommandContext, shell: Shell): ExitCode {
  ctx.print(COMPLETION_SCRIPTS[shell]);
  return ExitCode.ok;
}
