// The first steps of a change: say what it will do, then ask.
import type { CommandContext } from '../framework/context.ts';
import type { Installation } from '../antrea/installation.ts';
import { AbortedError } from '../errors.ts';
import { terminalSafe } from '../terminal-safe.ts';
import type { Change } from './change.ts';
import { timeBudget, type ChangeOptions } from './change-flags.ts';
import { formatDurationExact } from '../duration.ts';

/** The plan, on stderr: one line per object it writes. */
export function describeChange(
  ctx: CommandContext,
  inst: Installation,
  change: Change,
  options: Pick<ChangeOptions, 'dryRun' | 'wait' | 'timeoutMs' | 'rollbackOnFailure'>,
): void {
  const heading = options.dryRun === 'none' ? 'This will change' : 'Would change';
  ctx.note(`${heading} (namespace ${inst.namespace}):`);
  // A plan line names certificates and config text: a newline in them may not forge another line.
  for (const line of change.lines) ctx.note(`  ${terminalSafe(line)}`);
  if (change.restarts) {
    ctx.note(`  Deployment ${inst.deployment.name}: restart (as kubectl rollout restart)`);
    const { waitMs, rollbackMs } = timeBudget(options.timeoutMs, options.rollbackOnFailure);
    if (options.wait && rollbackMs > 0) {
      const [wait, rollback, timeout] = [waitMs, rollbackMs, options.timeoutMs].map(
        formatDurationExact,
      );
      ctx.note(
        `  Waits up to ${wait} for the controller; if it does not come up, ` +
          `rolls back within the ${rollback} left of --timeout ${timeout}`,
      );
    }
  }
}

const NEEDS_YES =
  'this change restarts antrea-controller; without a terminal to confirm on, pass --yes. ' +
  'Nothing was written.';

/** Asks on the terminal unless --yes; a restart without a terminal needs --yes. */
export async function confirmChange(
  ctx: CommandContext,
  change: Change,
  yes: boolean,
): Promise<void> {
  if (yes) return;
  const answer = await ctx.confirm('Go ahead?');
  if (answer === false) throw new AbortedError('nothing was changed.');
  if (answer === undefined && change.restarts) throw new AbortedError(NEEDS_YES);
}
