// When a restarted controller does not converge: the backup goes back, the
// controller restarts on it, and the wait starts again on the old goal.
import type { Within } from '../certs/within.ts';
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { readInstallation } from '../read/snapshot.ts';
import { restartController } from './controller-writes.ts';
import { TimeoutError, messageOf } from '../errors.ts';
import { applyBackup, goalForBackup } from './put-back.ts';
import { verifyNow } from './verify-now.ts';
import { waitForConvergence } from './wait.ts';
import type { Backup } from './backup.ts';
import type { ChangeRecord, VerifyDocument } from './change-record.ts';
import { timeBudget } from './change-flags.ts';

/** Rolls back after `timedOut`, then throws the timeout, saying whether the rollback completed. */
export async function rollBack(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  backup: { readonly content: Backup; readonly file?: string },
  options: { readonly timeoutMs: number; readonly failWithin: Within; readonly deadline: number },
  timedOut: TimeoutError,
  undo?: () => Promise<void>,
  record?: ChangeRecord,
): Promise<never> {
  ctx.note(`${timedOut.message}`);
  if (timedOut.cannotStart) ctx.note(`The controller cannot start: ${timedOut.cannotStart}.`);
  ctx.note('Rolling back to the objects in the backup (--rollback-on-failure).');
  let rolledBack = false;
  try {
    await undo?.();
    await applyBackup(client, await readInstallation(client, inst.namespace), backup.content);
    await restartController(client, inst.namespace, 'none');
    const goal = goalForBackup(backup.content);
    // What is left of --timeout: the rollback never takes the command past it.
    await waitForConvergence(ctx, client, inst, goal, Math.max(0, options.deadline - Date.now()));
    rolledBack = true;
  } catch (rollbackError) {
    const byHand = backup.file
      ? ` Restore by hand with kubectl antrea-certs restore ${backup.file}`
      : '';
    ctx.note(`The rollback did not complete: ${messageOf(rollbackError)}${byHand}`);
  }
  let verified: VerifyDocument | null = null;
  if (rolledBack) {
    ctx.note('Rolled back: the controller runs with the objects it had before. The cluster now:');
    verified = await verifyNow(ctx, client, inst.namespace, options.failWithin).then(
      ({ report }) => report,
      (verifyError: unknown) => {
        ctx.note(`(the checks could not run: ${messageOf(verifyError)})`);
        return null;
      },
    );
  }
  if (record) {
    record.rollback = { completed: rolledBack, verify: verified };
    record.outcome = rolledBack ? 'rolled-back' : 'stopped';
  }
  const seconds = Math.round(timeBudget(options.timeoutMs, true).waitMs / 1000);
  const waitingFor = timedOut.waitingFor ?? 'the controller';
  const outcome = rolledBack ? 'it was rolled back to the backup' : 'the rollback did not complete';
  throw new TimeoutError(
    `the change did not converge within ${seconds}s (still waiting for ${waitingFor}); ${outcome}.`,
  );
}
