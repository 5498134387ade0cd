// One change at a time per Antrea installation: a change holds the Lease
// antrea-certs-change in the Antrea namespace from its first write to its
// end, renewed while it runs, so a second change is refused naming the
// holder, and a run that was killed frees it when the Lease expires.
import { hostname, userInfo } from 'node:os';
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import { readLease, releaseLease, renewLease, takeLease, type HeldLease } from '../kube/lease.ts';
import { InputError, LeaseLostError, messageOf } from '../errors.ts';
import { isConflict } from '../kube/errors.ts';
import { formatDuration, isoSeconds } from '../duration.ts';
import type { Lease } from '../kube/objects.ts';
import { liveHolder } from '../kube/lease-holder.ts';
import {
  BACKUP_ANNOTATION,
  CHANGE_LEASE,
  UNDO_ANNOTATION,
  backupAnnotation,
  changeLease,
  undoBackupOf,
  type NamedBackup,
} from '../antrea/change-lease.ts';

/** How long the Lease counts without a renewal: a killed run blocks others this long at most. */
export const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = (LEASE_SECONDS * 1000) / 3;

/** A change that took the Lease and did not finish (killed, or its API server went away). */
export interface Unfinished {
  readonly holder: string;
  /** The backup from before it began, when it wrote one. */
  readonly undo?: NamedBackup;
}

/** A change's hold on the installation, to give back when it ends. */
export interface ChangeLock {
  /** This run, as the Lease names it. */
  readonly holder: string;
  /** The change this run took the Lease over from, if it did not finish. */
  readonly unfinished?: Unfinished;
  /** Between steps: throws when another run took the Lease over (--force-unlock). */
  guard(what: string): void;
  /** Aborted, with a LeaseLostError, once another run holds the Lease: a wait stops at once. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Whether a holder is a process of this machine that no longer runs. */
function endedHere(holder: string): boolean {
  const match = /^\S+@(\S+) pid (\d+) /.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Who holds the Lease, in words an admin can act on: user, host, process and command. */
function holderIdentity(ctx: CommandContext): string {
  let user = `uid${process.getuid?.() ?? ''}`;
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (a container with an arbitrary uid): the uid, host and pid still say who.
  }
  return `${user}@${hostname()} pid ${process.pid} (kubectl antrea-certs ${ctx.commandName})`;
}

/**
 * Takes the Lease or refuses the change in one sentence naming its holder; --force-unlock takes a
 * live one over. Renews it in the background until released.
 */
export async function lockChange(
  ctx: CommandContext,
  client: Client,
  namespace: string,
  forceUnlock: boolean,
  backupFile?: string,
): Promise<ChangeLock> {
  const identity = holderIdentity(ctx);
  const backup: Record<string, string> = backupFile
    ? { [BACKUP_ANNOTATION]: backupAnnotation({ host: hostname(), path: backupFile }) }
    : {};
  const lease = changeLease(namespace);
  let result = await takeLease(client, lease, identity, LEASE_SECONDS, forceUnlock, backup);
  if ('holder' in result && endedHere(result.holder)) {
    // A run on this machine that has ended (killed, or it could not release the Lease): no need to wait out the Lease.
    ctx.note(`Taking over Lease ${CHANGE_LEASE} from a run that has ended: ${result.holder}.`);
    result = await takeLease(client, lease, identity, LEASE_SECONDS, true, backup);
  }
  if ('holder' in result) {
    const since = result.since ? ` since ${isoSeconds(result.since)}` : '';
    const renewed =
      result.renewedAgoMs !== undefined
        ? `, renewed ${formatDuration(result.renewedAgoMs)} ago`
        : '';
    throw new InputError(
      `another change is in progress in namespace ${namespace}: ${result.holder}${since} ` +
        `(Lease ${CHANGE_LEASE}${renewed}); wait for it to end, or pass --force-unlock if that run is gone ` +
        `(a Lease nobody renews expires after ${LEASE_SECONDS}s). Nothing was written.`,
    );
  }
  const held: HeldLease = result;
  const unfinished = unfinishedChange(held.previous);
  if (unfinished?.undo) {
    // The chain: the backup from before the first unfinished change stays the one that undoes it.
    // Best effort: the Lease is held already, and the note below names the backup either way.
    await renewLease(client, held, new Date(), {
      ...backup,
      [UNDO_ANNOTATION]: backupAnnotation(unfinished.undo),
    }).catch((error: unknown) =>
      ctx.note(`(Could not note the earlier backup on Lease ${CHANGE_LEASE}: ${messageOf(error)})`),
    );
  }
  const lost = new AbortController();
  let warned = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> = Promise.resolve();
  const loseTo = (holder: string) => {
    const message =
      `another run took Lease ${CHANGE_LEASE} over (${holder}): this run stopped ` +
      'and left the objects to it';
    ctx.note(`Lost Lease ${CHANGE_LEASE} to ${holder}: this change stops now.`);
    lost.abort(new LeaseLostError(message));
  };
  // One renewal at a time, each from the Lease the last one wrote: after a stall (the API server
  // frozen), renewals do not pile up behind one resourceVersion and then conflict with each other.
  const renew = async () => {
    try {
      await renewLease(client, held);
      warned = false;
    } catch (error) {
      if (!isConflict(error)) {
        if (!warned) ctx.note(`(Could not renew Lease ${CHANGE_LEASE}: ${messageOf(error)})`);
        warned = true;
        return;
      }
      // A conflict is a takeover only when the Lease now names someone else.
      const now = await readLease(client, held).catch(() => 'unknown' as const);
      if (now === 'unknown') return;
      if (now?.spec?.holderIdentity === identity) held.object = now;
      else loseTo(now?.spec?.holderIdentity ?? 'nobody: it was deleted');
    }
  };
  const schedule = () => {
    if (stopped || lost.signal.aborted) return;
    timer = setTimeout(() => {
      renewing = renew().finally(schedule);
    }, RENEW_EVERY_MS);
    timer.unref();
  };
  schedule();
  return {
    holder: identity,
    ...(unfinished ? { unfinished } : {}),
    lost: lost.signal,
    guard: (what) => {
      if (lost.signal.aborted) {
        const reason = lost.signal.reason as LeaseLostError;
        throw new LeaseLostError(`${reason.message} (${what})`);
      }
    },
    release: async () => {
      stopped = true;
      clearTimeout(timer);
      await renewing;
      if (lost.signal.aborted) return;
      await releaseLease(client, held).catch((error: unknown) =>
        ctx.note(
          `(Could not release Lease ${CHANGE_LEASE}: ${messageOf(error)}; it expires by itself.)`,
        ),
      );
    },
  };
}

/** The change a Lease left behind names, with the backup that undoes all of it. */
function unfinishedChange(previous: Lease | undefined): Unfinished | undefined {
  const holder = previous?.spec?.holderIdentity;
  if (!holder) return undefined;
  const undo = undoBackupOf(previous);
  return { holder, ...(undo ? { undo } : {}) };
}

/**
 * Whether a change was left unfinished: its Lease is still there, held by a run of this machine
 * that has ended, or by one anywhere that stopped renewing it.
 */
export async function leftUnfinished(client: Client, namespace: string): Promise<boolean> {
  const lease = await readLease(client, changeLease(namespace));
  const holder = lease?.spec?.holderIdentity;
  return Boolean(holder && (endedHere(holder) || !liveHolder(lease, new Date())));
}

/**
 * Deletes the Lease of a run of this machine that has ended (killed, or its API server went away
 * before it could release it), so that a command with nothing left to write does not leave it.
 */
export async function releaseEndedLease(
  ctx: CommandContext,
  client: Client,
  namespace: string,
): Promise<void> {
  const lease = await readLease(client, changeLease(namespace));
  const holder = lease?.spec?.holderIdentity;
  if (!lease || !holder || !endedHere(holder)) return;
  // As a release of its own: only while it is still the Lease read.
  if (await releaseLease(client, { ...changeLease(namespace), object: lease }))
    ctx.note(`Released Lease ${CHANGE_LEASE}, left by a run that has ended: ${holder}.`);
}
