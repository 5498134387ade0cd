// A command whose change is already written (an earlier run stopped before
// the cluster converged, or was killed) completes it without writing: it
// frees the Lease that run left behind, waits for the cluster, and verifies.
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { stillAwaited, type ConvergenceGoal } from '../report/convergence.ts';
import { modeOf } from '../antrea/mode.ts';
import { ExitCode } from '../errors.ts';
import { releaseEndedLease } from './lock.ts';
import { verifyNow } from './verify-now.ts';
import { waitForConvergence } from './wait.ts';
import { ChangeRecord } from './change-record.ts';
import type { ChangeOptions } from './change-flags.ts';

/**
 * With nothing to write: ok when the cluster is where the change leads; else waits for it (within
 * `timeoutMs`) and returns the checks' exit code.
 */
export async function finishEarlierChange(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  done: string,
  options: Pick<ChangeOptions, 'timeoutMs' | 'failWithin' | 'dryRun'>,
): Promise<ExitCode> {
  const record = new ChangeRecord(ctx, client, inst, options.dryRun);
  record.nothingToWrite();
  return record.around(
    () => finish(ctx, client, inst, done, options, record),
    (exitCode) => exitCode,
  );
}

async function finish(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  done: string,
  options: Pick<ChangeOptions, 'timeoutMs' | 'failWithin'>,
  record: ChangeRecord,
): Promise<ExitCode> {
  await releaseEndedLease(ctx, client, inst.namespace);
  const goal = goalOfMode(inst);
  const left = stillAwaited(inst, goal);
  if (left === undefined) {
    ctx.note(`${done}; nothing to do.`);
    record.outcome = 'unchanged';
    return ExitCode.ok;
  }
  ctx.note(`${done}, but an earlier change has not converged yet: waiting for ${left}.`);
  const started = Date.now();
  const converged = await waitForConvergence(ctx, client, inst, goal, options.timeoutMs);
  record.wait = { result: 'converged', seconds: Math.round((Date.now() - started) / 100) / 10 };
  const verified = await verifyNow(ctx, client, inst.namespace, options.failWithin, converged);
  record.verify = verified.report;
  record.outcome = 'converged';
  return verified.exitCode;
}

/** Where the mode leads: antrea-ca publishing the Secret's pair (self-signed, kept in the Secret) or its ca.crt. */
function goalOfMode(inst: Installation): ConvergenceGoal {
  const mode = modeOf(inst);
  if (mode.mode === 'user-provided') return { caFromSecret: true };
  return mode.pairStorage === 'secret' ? { publishesSecretCert: true } : {};
}
