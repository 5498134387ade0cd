// How every writing command carries out a change, step by step: show it,
// confirm it, back up what it overwrites, write (re-planning after a conflict,
// putting the old objects back if a step fails), wait until the cluster has
// really converged or roll back, then verify.
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import { restartController } from './controller-writes.ts';
import type { Installation } from '../antrea/installation.ts';
import { ExitCode, InterruptedError, LeaseLostError, TimeoutError } from '../errors.ts';
import { backupOf, backupPathFor, saveBackup } from './backup.ts';
import { identityOf } from './cluster-identity.ts';
import { describeChange, confirmChange } from './confirm.ts';
import { applyChange, type BackupRef } from './apply.ts';
import { rollBack } from './roll-back.ts';
import { verifyNow } from './verify-now.ts';
import { waitForConvergence } from './wait.ts';
import { lockChange, type Unfinished } from './lock.ts';
import type { NamedBackup } from '../antrea/change-lease.ts';
import { hostname } from 'node:os';
import { listenForInterrupts } from './interrupts.ts';
import type { Change } from './change.ts';
import { timeBudget, type ChangeOptions } from './change-flags.ts';
import { ChangeRecord, type WaitRecord } from './change-record.ts';

/**
 * How a change ended: its exit code and, when it ran to the end, the installation the closing
 * checks read.
 */
export interface ChangeResult {
  readonly exitCode: ExitCode;
  /** What the closing checks read, when the change ran to the end. */
  readonly installation?: Installation;
}

/**
 * Carries out a planned change: show, confirm, back up, write, wait, then verify; rolls back when
 * the controller does not come up after a restart. With -o json or yaml, prints the change's
 * document once it ended, however it ended.
 */
export async function carryOut(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  options: ChangeOptions,
): Promise<ChangeResult> {
  const record = new ChangeRecord(ctx, client, inst, options.dryRun);
  return record.around(
    () => carryOutRecorded(ctx, client, inst, change, options, record),
    (result) => result.exitCode,
    (result) => result.installation,
  );
}

async function carryOutRecorded(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  options: ChangeOptions,
  record: ChangeRecord,
): Promise<ChangeResult> {
  // --timeout bounds the whole change from here, a rollback included.
  const deadline = Date.now() + options.timeoutMs;
  describeChange(ctx, inst, change, options);
  await record.planned(change);
  if (options.dryRun !== 'none') {
    await dryRun(ctx, client, inst, change, options.dryRun);
    record.outcome = 'dry-run';
    return { exitCode: ExitCode.ok };
  }
  let backupFile: string | undefined;
  /** The backup that undoes the whole change: an unfinished earlier run's, else this run's. */
  let undoFile: string | undefined;
  const interrupts = listenForInterrupts(ctx, () => leftBehind(undoFile));
  try {
    await confirmChange(ctx, change, options.yes);
    // From the Lease on, a signal is acted on between steps, so the Lease is always released.
    interrupts.enter('writing');
    const content = backupOf(inst, identityOf(inst, client.server));
    const backupPath = options.backupDir ? backupPathFor(content, options.backupDir) : undefined;
    // The Lease names the backup, so that a run taking it over from this one finds it.
    const lock = await lockChange(ctx, client, inst.namespace, options.forceUnlock, backupPath);
    record.leased(lock.holder, lock.unfinished?.holder);
    try {
      backupFile = options.backupDir ? saveBackup(content, options.backupDir) : undefined;
      record.backup = backupFile ?? null;
      const earlier = lock.unfinished?.undo;
      undoFile = earlier ? earlier.path : backupFile;
      if (lock.unfinished) ctx.note(unfinishedNote(lock.unfinished));
      if (backupFile) {
        const undo = earlier
          ? 'the cluster as the unfinished change left it; the whole change is undone with ' +
            restoreCommand(earlier)
          : 'undo with kubectl antrea-certs restore FILE';
        ctx.note(`Backup of the objects this changes: ${backupFile} (${undo})`);
      }
      const backup: BackupRef = { content, ...(backupFile ? { file: backupFile } : {}) };
      const applied = await applyChange(
        ctx,
        client,
        inst,
        change,
        backup,
        interrupts,
        lock.guard,
        // Planned again after a conflict: the document's plan is the one about to be written.
        (replanned) => record.replanned(replanned),
      ).catch((error: unknown) => {
        record.writingFailed();
        throw error;
      });
      record.outcome = 'stopped';
      ctx.note('Written.');
      if (!options.wait) {
        record.outcome = 'written';
        return { exitCode: ExitCode.ok };
      }
      interrupts.enter('waiting');
      // A signal, or another run taking the Lease over, stops the wait at once.
      const stop = AbortSignal.any([interrupts.signal, lock.lost]);
      const waited = { options, backup, signal: stop, deadline, record };
      return await waitAndVerify(ctx, client, inst, applied, waited);
    } finally {
      await lock.release();
    }
  } finally {
    interrupts.dispose();
  }
}

/** An earlier change this run found half done (its Lease left behind), and how to undo all of it. */
function unfinishedNote({ holder, undo }: Unfinished): string {
  const restore = undo
    ? `${restoreCommand(undo)} undoes all of it, from before it began`
    : 'it left no backup';
  return `An earlier change did not finish (${holder}): this one completes it; ${restore}.`;
}

/** The restore command of a backup, with its machine when it was written on another one. */
const restoreCommand = ({ host, path }: NamedBackup) =>
  `kubectl antrea-certs restore ${path}${host && host !== hostname() ? ` (on host ${host})` : ''}`;

/** What a second signal may leave, and how to go back. */
const leftBehind = (backupFile: string | undefined) =>
  'The cluster may hold part of the change: run kubectl antrea-certs verify, then the same command ' +
  `again to complete it${backupFile ? `, or kubectl antrea-certs restore ${backupFile} to go back` : ''}.`;

/** How a change waits: its flags, backup, what stops it, its deadline and its record. */
interface Waiting {
  readonly options: ChangeOptions;
  readonly backup: BackupRef;
  readonly signal: AbortSignal;
  readonly deadline: number;
  readonly record: ChangeRecord;
}

/** The wait, the rollback when a restarted controller does not converge, then the checks. */
async function waitAndVerify(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  applied: Change,
  { options, backup, signal, deadline, record }: Waiting,
): Promise<ChangeResult> {
  if (applied.waitNote) ctx.note(applied.waitNote);
  const rollbackPossible = applied.restarts && options.rollbackOnFailure;
  const { rollbackMs } = timeBudget(options.timeoutMs, rollbackPossible);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  let converged: Installation;
  try {
    const waitMs = Math.max(0, deadline - rollbackMs - Date.now());
    converged = await waitForConvergence(ctx, client, inst, applied.goal, waitMs, {
      ...applied.wait,
      signal,
    });
  } catch (error) {
    record.wait = waitRecord(error, seconds());
    if (error instanceof TimeoutError && rollbackPossible) {
      const undo = async () => {
        await applied.undo?.();
      };
      return rollBack(ctx, client, inst, backup, { ...options, deadline }, error, undo, record);
    }
    ctx.note(whereItStands(applied, inst, error, backup.file));
    throw error;
  }
  record.wait = { result: 'converged', seconds: seconds() };
  // The checks run on what the wait last read: no second read round.
  const verified = await verifyNow(ctx, client, inst.namespace, options.failWithin, converged);
  record.verify = verified.report;
  record.outcome = 'converged';
  return verified;
}

/** How a wait that did not converge ended, in the document's words. */
function waitRecord(error: unknown, seconds: number): WaitRecord {
  const waitingFor =
    (error instanceof TimeoutError || error instanceof InterruptedError) && error.waitingFor
      ? { waitingFor: error.waitingFor }
      : {};
  const result =
    error instanceof TimeoutError
      ? 'timed-out'
      : error instanceof InterruptedError
        ? 'interrupted'
        : error instanceof LeaseLostError
          ? 'lease-lost'
          : 'failed';
  return { result, seconds, ...waitingFor };
}

/** --dry-run: client shows the plan only; server has the API server check every write. */
async function dryRun(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  mode: 'client' | 'server',
): Promise<void> {
  if (mode === 'client') {
    ctx.note('Dry run: nothing was written.');
    return;
  }
  await change.apply('server');
  if (change.restarts) await restartController(client, inst.namespace, 'server');
  await change.afterRestart?.('server');
  ctx.note('Dry run: the API server accepted every write; nothing was written.');
}

const FINISHES_BY_ITSELF =
  'The controller finishes the change by itself once it and the API server run; ' +
  'kubectl antrea-certs verify shows where it is, and running the same command again completes it.';

/** A controller that cannot start will not finish the change: what to look at, how to go back. */
const cannotFinish = (pod: string, backupFile: string | undefined) =>
  `The controller cannot start (${pod}), so it will not finish the change by itself: ` +
  `fix what its log says${backupFile ? `, or go back with kubectl antrea-certs restore ${backupFile}` : ''}.`;

/** After a wait stopped short: what was done, what was not seen yet, and how to finish. */
function whereItStands(
  change: Change,
  inst: Installation,
  error: unknown,
  backupFile: string | undefined,
): string {
  const restart = change.restarts ? [`Deployment ${inst.deployment.name}: restart requested`] : [];
  const notSeen =
    (error instanceof TimeoutError || error instanceof InterruptedError) && error.waitingFor
      ? error.waitingFor
      : 'the cluster to converge';
  return [
    'Where the change stands:',
    ...[...change.lines, ...restart].map((line) => `  done: ${line}`),
    `  not seen yet: ${notSeen}`,
    error instanceof TimeoutError && error.cannotStart
      ? cannotFinish(error.cannotStart, backupFile)
      : FINISHES_BY_ITSELF,
  ].join('\n');
}
