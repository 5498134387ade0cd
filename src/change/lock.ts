// One change at a time per Antrea installation: a change holds the Lease
// antrea-certs-change in the Antrea namespace from its first write to its
// end, renewed while it runs, so a second change is refused naming the
// holder, and a run that was killed frees it when the Lease expires.
import { hostname, userInfo } from 'node:os';
import type { CommandContext } from '../options/context.ts';
import type { Client } from '../kube/client.ts';
import {
  CHANGE_LEASE,
  releaseLease,
  renewLease,
  takeLease,
  type HeldLease,
} from '../kube/lease.ts';
import { CliError, InputError, messageOf } from '../errors.ts';
import { isConflict } from '../kube/errors.ts';
import { formatDuration } from '../duration.ts';

/** How long the Lease counts without a renewal: a killed run blocks others this long at most. */
export const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = (LEASE_SECONDS * 1000) / 3;

/** A change's hold on the installation, to give back when it ends. */
export interface ChangeLock {
  /** Between steps: throws when another run took the Lease over (--force-unlock). */
  guard(what: string): void;
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
): Promise<ChangeLock> {
  const identity = holderIdentity(ctx);
  let result = await takeLease(client, namespace, identity, LEASE_SECONDS, forceUnlock);
  if ('holder' in result && endedHere(result.holder)) {
    // A run on this machine that has ended (killed, or it could not release the Lease): no need to wait out the Lease.
    ctx.note(`Taking over Lease ${CHANGE_LEASE} from a run that has ended: ${result.holder}.`);
    result = await takeLease(client, namespace, identity, LEASE_SECONDS, true);
  }
  if ('holder' in result) {
    const since = result.since ? ` since ${result.since.replace(/\.\d+Z$/, 'Z')}` : '';
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
  let renewing = Promise.resolve();
  let warned = false;
  let lost = false;
  const timer = setInterval(() => {
    renewing = renewLease(client, held).catch((error: unknown) => {
      if (isConflict(error)) {
        // Someone took it over (--force-unlock): stop at the next step rather than interleave.
        lost = true;
        clearInterval(timer);
        ctx.note(
          `Another run took Lease ${CHANGE_LEASE} over: this change stops at its next step.`,
        );
      } else if (!warned) {
        ctx.note(`(Could not renew Lease ${CHANGE_LEASE}: ${messageOf(error)})`);
      }
      warned = true;
    });
  }, RENEW_EVERY_MS);
  timer.unref();
  return {
    guard: (what) => {
      if (lost) {
        throw new CliError(
          `stopped ${what}: another run took Lease ${CHANGE_LEASE} over (--force-unlock)`,
        );
      }
    },
    release: async () => {
      clearInterval(timer);
      await renewing;
      await releaseLease(client, held).catch((error: unknown) =>
        ctx.note(
          `(Could not release Lease ${CHANGE_LEASE}: ${messageOf(error)}; it expires by itself.)`,
        ),
      );
    },
  };
}
