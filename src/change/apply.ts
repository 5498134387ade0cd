// Writing a change: with the resourceVersions read, planned again after a
// conflict, and, when a step fails, what this run wrote put back (and the
// controller restarted on it) so the cluster is never left between the old
// state and the new.
import type { CommandContext } from '../framework/context.ts';
import { KINDS, resourceName, type Client, type Written } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { readInstallation } from '../read/snapshot.ts';
import { restartController } from './controller-writes.ts';
import { isTransient } from '../kube/errors.ts';
import {
  CliError,
  ConflictError,
  InterruptedError,
  LeaseLostError,
  exitCodeFor,
  messageOf,
} from '../errors.ts';
import { CONTROLLER } from '../antrea/names.ts';
import type { Interrupts } from './interrupts.ts';
import { applyBackup } from './put-back.ts';
import { backupOf, replaceBackup, type Backup } from './backup.ts';
import type { Change } from './change.ts';

const APPLY_ATTEMPTS = 3;
const LEASES = resourceName(KINDS.leases);
const DEPLOYMENTS = resourceName(KINDS.deployments);

/** The backup a change writes against, and its file: replaced when the change is planned again. */
export interface BackupRef {
  content: Backup;
  readonly file?: string;
}

/** Between steps: stops the change when a signal came or its Lease was lost. */
export type StepGuard = (what: string) => void;

/** The writes of this run since `since`, the change Lease's renewals left out. */
const writesSince = (client: Client, since: number) =>
  client.journal.slice(since).filter((w) => w.resource !== LEASES);

/**
 * The backup once the change was planned again: what the new plan overwrites, except the objects
 * this run already wrote, whose backup stays the original.
 */
function backupAfterReplan(old: Backup, basis: Installation, written: readonly Written[]): Backup {
  const fresh = backupOf(basis, old.cluster, new Date(old.createdAt));
  const wrote = (resource: string, name: string | undefined) =>
    written.some((w) => w.resource === resource && w.name === name);
  return {
    ...fresh,
    secret: wrote('secrets', old.secret.name) ? old.secret : fresh.secret,
    ...(wrote('configmaps', old.configMap?.name) && old.configMap
      ? { configMap: old.configMap }
      : {}),
  };
}

/**
 * Applies the change, re-planning after a conflict (the backup then holds what the new plan
 * overwrites); `planned.current` is the change last planned, applied or not.
 */
async function applyWithReplan(
  ctx: CommandContext,
  client: Client,
  planned: { current: Change },
  backup: BackupRef,
  since: number,
  signal?: AbortSignal,
  onReplan?: (change: Change) => Promise<void>,
): Promise<Change> {
  for (let attempt = 1; ; attempt++) {
    const current = planned.current;
    try {
      await current.apply('none', signal);
      return current;
    } catch (error) {
      const retry = error instanceof ConflictError && current.replan && attempt < APPLY_ATTEMPTS;
      if (!retry || !current.replan) throw error;
      ctx.note(`${error.message.split(';')[0]}: reading it again and re-checking.`);
      planned.current = await current.replan();
      await onReplan?.(planned.current);
      const basis = planned.current.basis;
      if (basis) {
        backup.content = backupAfterReplan(backup.content, basis, writesSince(client, since));
        if (backup.file) replaceBackup(backup.file, backup.content);
      }
    }
  }
}

/**
 * Writes the change and restarts the controller if it needs to; on failure, removes what the
 * change created and puts back what this run wrote, restarting the controller again if it had.
 */
export async function applyChange(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  backup: BackupRef,
  interrupts?: Interrupts,
  guard: StepGuard = () => undefined,
  onReplan?: (change: Change) => Promise<void>,
): Promise<Change> {
  const since = client.journal.length;
  const planned = { current: change };
  const between = (what: string) => {
    interrupts?.check(what);
    guard(what);
  };
  try {
    between('before the first write');
    const signal = interrupts?.signal;
    const applied = await applyWithReplan(ctx, client, planned, backup, since, signal, onReplan);
    between('while writing');
    if (applied.restarts) await restartController(client, inst.namespace, 'none');
    between('while writing');
    if (applied.afterRestart) {
      await oldPodsGone(client, inst, interrupts?.signal);
      await applied.afterRestart('none');
      between('while writing');
    }
    return applied;
  } catch (error) {
    const undone = await planned.current.undo?.().then(
      () => undefined,
      (undoError: unknown) => messageOf(undoError),
    );
    throw await failed(client, inst, backup, writesSince(client, since), error, undone);
  }
}

/** The error a failed write ends with, once what this run wrote was put back. */
async function failed(
  client: Client,
  inst: Installation,
  backup: BackupRef,
  written: readonly Written[],
  error: unknown,
  undoFailure: string | undefined,
): Promise<CliError> {
  const why = messageOf(error);
  const undoNote = undoFailure
    ? ` What the change created could not be removed (${undoFailure.replace(/\.$/, '')}): remove it, then run kubectl antrea-certs restore ${backup.file ?? 'FILE'}.`
    : '';
  if (error instanceof LeaseLostError) {
    // The run that took the Lease over works on these objects now: this one touches nothing.
    const wrote = written.map((w) => `${w.resource}/${w.name}`).join(', ');
    const restore = backup.file ? `; kubectl antrea-certs restore ${backup.file} undoes it` : '';
    return new LeaseLostError(
      written.length
        ? `${error.message}; this run had written ${wrote}, left as it is${restore}.`
        : `${error.message}; nothing had been written.`,
    );
  }
  if (written.length === 0) {
    if (error instanceof InterruptedError) return error.with(`; nothing was written.${undoNote}`);
    return new CliError(
      `writing failed (${why}); nothing had been written.${undoNote}`,
      exitCodeFor(error),
    );
  }
  const left = await putBack(client, inst.namespace, backup, error, written);
  const restarted = written.some((w) => w.resource === DEPLOYMENTS)
    ? ' and the controller restarted on them'
    : '';
  const others = left.length
    ? ` ${left.join(' and ')} changed after this run wrote it, so it was left as it is.`
    : '';
  const putBackNote = `the objects it had changed were put back as they were${restarted}.${others}${undoNote}`;
  if (error instanceof InterruptedError) return error.with(`; ${putBackNote}`);
  return new CliError(`writing failed (${why}); ${putBackNote}`, exitCodeFor(error));
}

const GONE_POLL_MS = 250;
/** However long the old controller takes to stop, a write waits at most this long for it. */
const GONE_WAIT_MS = 2 * 60_000;

/** Waits until none of the controller Pods that ran before the restart is left (Recreate stops them first). */
async function oldPodsGone(
  client: Client,
  inst: Installation,
  signal?: AbortSignal,
): Promise<void> {
  const old = new Set(inst.pods.map((p) => p.name));
  const deadline = Date.now() + GONE_WAIT_MS;
  for (;;) {
    const pods = await client.pods(inst.namespace).list({ labelSelector: CONTROLLER.selector });
    if (!pods.items.some((p) => old.has(p.metadata?.name ?? ''))) return;
    // A signal stops the wait here; the step after it says so.
    if (signal?.aborted) return;
    if (Date.now() >= deadline) {
      throw new CliError(
        `the controller Pods that ran before the restart (${[...old].join(', ')}) did not stop within ${GONE_WAIT_MS / 60_000} minutes`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
  }
}

/**
 * Part of a multi-step change may be written: put back what this run wrote (and restart the
 * controller on it if this run had) rather than leave it in between. Returns what it left alone.
 */
async function putBack(
  client: Client,
  namespace: string,
  backup: BackupRef,
  failure: unknown,
  written: readonly Written[],
): Promise<string[]> {
  const why = messageOf(failure);
  const restore = `kubectl antrea-certs restore ${backup.file ?? 'FILE'}`;
  try {
    const current = await readInstallation(client, namespace);
    const left = await applyBackup(client, current, backup.content, 'none', written);
    if (written.some((w) => w.resource === DEPLOYMENTS)) {
      await restartController(client, namespace, 'none');
    }
    return left;
  } catch (putBackError) {
    if (isTransient(failure) || isTransient(putBackError)) {
      // Nothing can be read or written now: say what may have happened and both ways forward.
      throw new CliError(
        `the API server went away while writing (${why.split(';')[0]}); ` +
          'the cluster holds the old objects or part of the change. ' +
          'Once it answers, run kubectl antrea-certs verify, ' +
          `then the same command again to complete the change, or ${restore} to go back.`,
        exitCodeFor(failure),
      );
    }
    throw new CliError(
      `writing failed (${why}) and putting the old objects back failed too; restore them with ${restore}.`,
      exitCodeFor(failure),
    );
  }
}
