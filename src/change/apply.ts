// Writing a change: with the resourceVersions read, planned again after a
// conflict, and, when a step fails, the old objects put back so the cluster is
// never left between the old state and the new.
import type { CommandContext } from '../cli/context.ts';
import type { Client, Written } from '../cluster/client.ts';
import { readInstallation, type Installation } from '../cluster/installation.ts';
import { restartController } from '../cluster/writes.ts';
import { isTransient } from '../cluster/errors.ts';
import { CliError, ConflictError, InterruptedError } from '../errors.ts';
import { CONTROLLER } from '../antrea/names.ts';
import type { Interrupts } from './interrupts.ts';
import { applyBackup } from './put-back.ts';
import { backupOf, replaceBackup, type Backup } from './backup.ts';
import type { Change } from './change.ts';

const APPLY_ATTEMPTS = 3;

/** The backup a change writes against, and its file: replaced when the change is planned again. */
export interface BackupRef {
  content: Backup;
  readonly file?: string;
}

/**
 * Applies the change, re-planning after a conflict (the backup then holds what the new plan
 * overwrites); returns the change that was applied.
 */
async function applyWithReplan(
  ctx: CommandContext,
  change: Change,
  backup: BackupRef,
): Promise<Change> {
  let current = change;
  for (let attempt = 1; ; attempt++) {
    try {
      await current.apply('none');
      return current;
    } catch (error) {
      const retry = error instanceof ConflictError && current.replan && attempt < APPLY_ATTEMPTS;
      if (!retry || !current.replan) throw error;
      ctx.note(`${error.message.split(';')[0]}: reading it again and re-checking.`);
      current = await current.replan();
      if (current.basis) {
        backup.content = backupOf(current.basis, new Date(backup.content.createdAt));
        if (backup.file) replaceBackup(backup.file, backup.content);
      }
    }
  }
}

/** Writes the change and restarts the controller if it needs to; on failure, puts the backup back. */
export async function write(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  backup: BackupRef,
  interrupts?: Interrupts,
): Promise<Change> {
  const since = client.journal.length;
  const backupFile = backup.file;
  try {
    interrupts?.check('before the first write');
    const applied = await applyWithReplan(ctx, change, backup);
    interrupts?.check('while writing');
    if (applied.restarts) await restartController(client, inst.namespace, 'none');
    interrupts?.check('while writing');
    if (applied.afterRestart) {
      await oldPodsGone(client, inst);
      await applied.afterRestart('none');
    }
    return applied;
  } catch (error) {
    await change.undo?.().catch(() => undefined);
    const written = client.journal.slice(since);
    const wrote = written.some((w) => w.resource !== 'leases');
    const why = error instanceof Error ? error.message : String(error);
    if (!wrote) {
      if (error instanceof InterruptedError) throw error.with('; nothing was written.');
      throw new CliError(`writing failed (${why}); nothing had been written.`);
    }
    const left = await putBack(client, inst.namespace, backup.content, backupFile, error, written);
    const others = left.length
      ? ` ${left.join(' and ')} changed after this run wrote it, so it was left as it is.`
      : '';
    const putBackNote = `the objects it had changed were put back as they were.${others}`;
    if (error instanceof InterruptedError) throw error.with(`; ${putBackNote}`);
    throw new CliError(`writing failed (${why}); ${putBackNote}`);
  }
}

const GONE_POLL_MS = 250;
/** However long the old controller takes to stop, a write waits at most this long for it. */
const GONE_WAIT_MS = 2 * 60_000;

/** Waits until none of the controller Pods that ran before the restart is left (Recreate stops them first). */
async function oldPodsGone(client: Client, inst: Installation): Promise<void> {
  const old = new Set(inst.pods.map((p) => p.name));
  const deadline = Date.now() + GONE_WAIT_MS;
  for (;;) {
    const pods = await client.pods(inst.namespace).list({ labelSelector: CONTROLLER.selector });
    if (!pods.items.some((p) => old.has(p.metadata?.name ?? ''))) return;
    if (Date.now() >= deadline) {
      throw new CliError(
        `the controller Pods that ran before the restart (${[...old].join(', ')}) did not stop within ${GONE_WAIT_MS / 60_000} minutes`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
  }
}

/** Part of a multi-step change may be written: put the old objects back rather than leave it in between. */
async function putBack(
  client: Client,
  namespace: string,
  backup: Backup,
  backupFile: string | undefined,
  failure: unknown,
  written: readonly Written[],
): Promise<string[]> {
  const why = failure instanceof Error ? failure.message : String(failure);
  const restore = `kubectl antrea-certs restore ${backupFile ?? 'FILE'}`;
  try {
    return await applyBackup(
      client,
      await readInstallation(client, namespace),
      backup,
      'none',
      written,
    );
  } catch (putBackError) {
    if (isTransient(failure) || isTransient(putBackError)) {
      // Nothing can be read or written now: say what may have happened and both ways forward.
      throw new CliError(
        `the API server went away while writing (${why.split(';')[0]}); ` +
          'the cluster holds the old objects or part of the change. ' +
          'Once it answers, run kubectl antrea-certs verify, ' +
          `then the same command again to complete the change, or ${restore} to go back.`,
      );
    }
    throw new CliError(
      `writing failed (${why}) and putting the old objects back failed too; restore them with ${restore}.`,
    );
  }
}
