// The wait every change ends with: until the cluster has really converged on
// the goal. It watches the objects it reads and re-reads when one changes,
// polls what cannot be watched (discovery, the served certificate), and rides
// out an API server that is gone for a while.
import type { CommandContext } from '../framework/context.ts';
import {
  ForbiddenError,
  InterruptedError,
  LeaseLostError,
  TimeoutError,
  UnavailableError,
  messageOf,
} from '../errors.ts';
import type { Client } from '../kube/client.ts';
import { readyControllerPod, type Installation } from '../antrea/installation.ts';
import { probeAggregatedApis, readInstallation } from '../read/snapshot.ts';
import { ChangeFeed, type WatchTarget } from '../kube/watch.ts';
import { installationTargets } from '../read/watch-targets.ts';
import { controllerServes } from '../read/controller-serves.ts';
import { isTransient, PASSING_REFUSAL_MS } from '../kube/errors.ts';
import { stillAwaited, type ConvergenceGoal } from '../report/convergence.ts';
import { podThatCannotStart } from '../report/pods.ts';
import { tryParse } from '../certs/try-parse.ts';
import { NOT_SERVED_YET } from '../antrea/reload.ts';
import { createProgress } from '../framework/progress.ts';

/** What a wait watches besides the installation (e.g. a cert-manager Certificate). */
export interface WaitOptions {
  readonly extraTargets?: readonly WatchTarget[];
  /** Aborted by Ctrl-C or SIGTERM: the wait stops and says what it was waiting for. */
  readonly signal?: AbortSignal;
}

const POLL_MS = 1000;
/**
 * How often to look at what the controller serves: each look is a new
 * port-forward (a WebSocket port-forward carries one connection, and a reload
 * shows only on a new TLS handshake), so the looks thin out while it waits.
 */
const SERVED_FIRST_MS = 1000;
const SERVED_MAX_MS = 4000;
const CONVERGED =
  'converged: the controller is ready, antrea-ca and every caBundle carry the CA, ' +
  'the aggregated APIs answer through it';
const SERVES_SECRET = ', and the controller serves the certificate in the Secret';
/** With every watch open a change wakes the wait; this re-read is only a safety net. */
const RECHECK_MS = 10_000;

/**
 * Waits until the cluster reaches the goal and the aggregated APIs answer, and returns what it read
 * last; a TimeoutError names what it still waited for.
 */
export async function waitForConvergence(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  goal: ConvergenceGoal,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<Installation> {
  const namespace = inst.namespace;
  const progress = await createProgress(ctx.stderr, true);
  const feed = new ChangeFeed(client, [
    ...installationTargets(namespace, inst.deployment.secretName),
    ...(options.extraTargets ?? []),
  ]);
  const deadline = Date.now() + timeoutMs;
  let waitingFor = 'the first read';
  let cannotStart: string | undefined;
  let unreachableSince: number | undefined;
  /** Since when reads have been refused (403), while they are. */
  let refusedSince: number | undefined;
  let probing = false;
  let served: 'unobservable' | undefined;
  let servedEvery = SERVED_FIRST_MS;
  let nextServedCheck = 0;
  let waitingOnServed = false;
  const signal = options.signal;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const stopIfInterrupted = () => {
    if (!signal?.aborted) return;
    if (signal.reason instanceof LeaseLostError)
      throw new LeaseLostError(`${signal.reason.message} while waiting for ${waitingFor}`);
    const by = signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    throw new InterruptedError(
      `interrupted (${by}) while waiting for ${waitingFor}; the change is written and goes on without the plugin.`,
      by,
      waitingFor,
    );
  };
  try {
    for (;;) {
      stopIfInterrupted();
      await feed.open();
      feed.settle();
      try {
        const current = await readInstallation(client, namespace);
        cannotStart = podThatCannotStart(current.pods);
        unreachableSince = undefined;
        refusedSince = undefined;
        const objectsLeft = stillAwaited(current, goal);
        const silent = objectsLeft === undefined ? await notAnswering(client, current) : undefined;
        let left = objectsLeft ?? silent;
        // Discovery answers are not watchable: poll while waiting on them.
        probing = silent !== undefined;
        waitingOnServed = !left && goal.servedMatchesSecret === true && served !== 'unobservable';
        if (waitingOnServed) {
          if (Date.now() < nextServedCheck) left = NOT_SERVED_YET;
          else {
            const check = await notServed(client, current, (line) => ctx.note(line));
            nextServedCheck = Date.now() + servedEvery;
            servedEvery = Math.min(servedEvery * 2, SERVED_MAX_MS);
            if (check === 'unobservable') served = check;
            else left = check;
          }
        }
        if (!left) {
          progress.done(
            CONVERGED +
              (goal.servedMatchesSecret && served !== 'unobservable' ? SERVES_SECRET : ''),
          );
          return current;
        }
        waitingFor = left;
      } catch (error) {
        // The API server restarting or overloaded: keep waiting, the change goes on without it.
        // The same reads planned the change, so a 403 is first taken as a restart's (see
        // PASSING_REFUSAL_MS); one that lasts is RBAC's answer.
        const refused = error instanceof ForbiddenError;
        if (refused) refusedSince ??= Date.now();
        const passing = refused && Date.now() - (refusedSince ?? 0) < PASSING_REFUSAL_MS;
        if (!isTransient(error) && !passing) throw error;
        unreachableSince ??= Date.now();
        const state = refused
          ? 'refusing reads (403)'
          : error instanceof UnavailableError
            ? 'unavailable'
            : 'unreachable';
        const seconds = Math.round((Date.now() - unreachableSince) / 1000);
        waitingFor = `the API server at ${client.server} to answer again (${state} for ${seconds}s)`;
      }
      if (Date.now() >= deadline)
        throw new TimeoutError(
          `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${waitingFor}.`,
          waitingFor,
          cannotStart,
        );
      progress.update(`waiting for ${waitingFor}`);
      const polling = probing || unreachableSince !== undefined || !feed.complete;
      const servedWait = waitingOnServed ? nextServedCheck - Date.now() : RECHECK_MS;
      const pause = polling ? POLL_MS : Math.max(0, Math.min(servedWait, RECHECK_MS));
      await Promise.race([feed.next(Math.min(deadline - Date.now(), pause)), aborted]);
      stopIfInterrupted();
    }
  } catch (error) {
    // Always stop the spinner: a running one keeps the process alive.
    progress.fail(
      error instanceof TimeoutError
        ? `timed out waiting for ${waitingFor}`
        : `stopped waiting for ${waitingFor}`,
    );
    throw error;
  } finally {
    feed.stop();
  }
}

/** The aggregated APIs that do not answer through the API server yet (Available can be stale right after an API server restart). */
async function notAnswering(client: Client, inst: Installation): Promise<string | undefined> {
  const failing = (await probeAggregatedApis(client, inst)).filter((p) => p.status !== 200);
  return failing.length
    ? `${failing.map((p) => p.groupVersion).join(', ')} to answer through the API server`
    : undefined;
}

/**
 * Whether the ready controller Pod serves the Secret's tls.crt, through a
 * port-forward. 'unobservable' when port-forward is refused or unsupported:
 * the wait then ends on what the API shows, as it says.
 */
async function notServed(
  client: Client,
  inst: Installation,
  note: (line: string) => void,
): Promise<string | 'unobservable' | undefined> {
  const expected = tryParse(inst.tlsSecret?.cert, 'tls.crt').certs[0]?.info.sha256;
  if (!expected) return undefined;
  try {
    const served = await controllerServes(client, inst);
    return !served || served.sha256 === expected ? undefined : NOT_SERVED_YET;
  } catch (error) {
    if (isTransient(error))
      return `the controller Pod ${readyControllerPod(inst)?.name ?? ''} to answer through a port-forward`;
    note(
      `(Which certificate the controller serves cannot be seen: ${messageOf(error).replace(/\.$/, '')}. ` +
        'The wait ends when the Secret, antrea-ca and the caBundles are right.)',
    );
    return 'unobservable';
  }
}
