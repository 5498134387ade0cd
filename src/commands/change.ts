// How every writing command carries out a change: show it, confirm it, back up
// what it overwrites, write, restart when needed, wait until the cluster has
// really converged, roll back if the controller does not come up, then verify.
import type { CommandContext } from '../cli/context.ts';
import {
  ExitCode,
  AbortedError,
  TimeoutError,
  ConflictError,
  CliError,
  type ExitCode as Code,
} from '../errors.ts';
import type { Client } from '../cluster/client.ts';
import { readInstallation, type Installation } from '../cluster/installation.ts';
import { probeGroupVersions } from '../cluster/probe.ts';
import { isTransient } from '../cluster/errors.ts';
import {
  writeTlsSecret,
  deleteSecret,
  writeConfigMapKey,
  restartController,
  type DryRun,
} from '../cluster/writes.ts';
import { backupOf, saveBackup, type Backup } from '../backup.ts';
import { waitForConvergence, type WaitOptions } from './wait.ts';
import type { ConvergenceGoal } from '../report/convergence.ts';
import { runChecks, exitCodeForChecks } from '../report/verify.ts';
import { renderChecks } from '../render/checks.ts';
import { readSelfSignedCert } from '../antrea/config.ts';
import { SELF_SIGNED_REGENERATE_WITHIN_MS } from '../antrea/names.ts';
import { tryParse } from '../report/status.ts';

export interface ChangeOptions {
  readonly yes: boolean;
  readonly dryRun: 'none' | 'client' | 'server';
  /** Where to save the backup; undefined with --no-backup. */
  readonly backupDir?: string;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly rollbackOnFailure: boolean;
  readonly failWithinMs: number;
}

export interface Change {
  /** What will change, one line each, never key material. */
  readonly lines: string[];
  readonly restarts: boolean;
  /** A note for the wait (e.g. the kubelet's Secret refresh delay). */
  readonly waitNote?: string;
  apply(dryRun: DryRun): Promise<void>;
  readonly goal: ConvergenceGoal;
  /** What the wait watches besides the installation. */
  readonly wait?: WaitOptions;
  /** After a write conflicted: re-read the cluster and re-check, giving the same change against what is there now. */
  replan?(): Promise<Change>;
}

const APPLY_ATTEMPTS = 3;

const WARN_WITHIN_MS = 30 * 86_400_000;
const ROLLBACK_WAIT_MS = 3 * 60_000;

/** `verified` receives the installation the closing checks read (rotate prints its before/after from it). */
export async function carryOut(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  change: Change,
  options: ChangeOptions,
  verified?: (installation: Installation) => void,
): Promise<Code> {
  ctx.note(
    `${options.dryRun === 'none' ? 'This will change' : 'Would change'} (namespace ${inst.namespace}):`,
  );
  for (const line of change.lines) ctx.note(`  ${line}`);
  if (change.restarts)
    ctx.note(`  Deployment ${inst.deployment.name}: restart (as kubectl rollout restart)`);

  if (options.dryRun === 'client') {
    ctx.note('Dry run: nothing was written.');
    return ExitCode.ok;
  }
  if (options.dryRun === 'server') {
    await change.apply('server');
    if (change.restarts) await restartController(client, inst.namespace, 'server');
    ctx.note('Dry run: the API server accepted every write; nothing was written.');
    return ExitCode.ok;
  }

  if (!options.yes) {
    const answer = await ctx.confirm('Go ahead?');
    if (answer === false) throw new AbortedError('nothing was changed.');
    if (answer === undefined && change.restarts) {
      throw new AbortedError(
        'this change restarts antrea-controller; without a terminal to confirm on, pass --yes. Nothing was written.',
      );
    }
  }

  const backup = backupOf(inst);
  const backupFile = options.backupDir ? saveBackup(backup, options.backupDir) : undefined;
  if (backupFile)
    ctx.note(
      `Backup of the objects this changes: ${backupFile} (undo with kubectl antrea-certs restore FILE)`,
    );

  let current = change;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await current.apply('none');
        break;
      } catch (error) {
        if (!(error instanceof ConflictError) || !current.replan || attempt >= APPLY_ATTEMPTS)
          throw error;
        ctx.note(`${error.message.split(';')[0]}: reading it again and re-checking.`);
        current = await current.replan();
      }
    }
    if (current.restarts) await restartController(client, inst.namespace, 'none');
  } catch (error) {
    // Part of a multi-step change may be written: put the old objects back rather than leave it in between.
    const why = error instanceof Error ? error.message : String(error);
    try {
      await applyBackup(client, await readInstallation(client, inst.namespace), backup);
    } catch (putBackError) {
      if (isTransient(error) || isTransient(putBackError)) {
        // Nothing can be read or written now: say what may have happened and both ways forward.
        throw new CliError(
          `the API server went away while writing (${why.split(';')[0]}); the cluster holds the old objects or part of the change. Once it answers, run kubectl antrea-certs verify, then the same command again to complete the change, or kubectl antrea-certs restore ${backupFile ?? 'FILE'} to go back.`,
        );
      }
      throw new CliError(
        `writing failed (${why}) and putting the old objects back failed too; restore them with kubectl antrea-certs restore ${backupFile ?? 'FILE'}.`,
      );
    }
    throw new CliError(
      `writing failed (${why}); the objects it had changed were put back as they were.`,
    );
  }
  ctx.note('Written.');
  if (!options.wait) return ExitCode.ok;

  if (current.waitNote) ctx.note(current.waitNote);
  let converged: Installation;
  try {
    converged = await waitForConvergence(
      ctx,
      client,
      inst,
      current.goal,
      options.timeoutMs,
      current.wait,
    );
  } catch (error) {
    if (!(error instanceof TimeoutError) || !current.restarts || !options.rollbackOnFailure) {
      ctx.note(whereItStands(current, inst, error));
      throw error;
    }
    ctx.note(`${error.message}`);
    ctx.note('Rolling back to the objects in the backup (--rollback-on-failure).');
    let rolledBack = false;
    try {
      await applyBackup(client, await readInstallation(client, inst.namespace), backup);
      await restartController(client, inst.namespace, 'none');
      // However short --timeout was, give the restored controller the time the aggregation layer needs to trust it again.
      await waitForConvergence(
        ctx,
        client,
        inst,
        goalForBackup(backup),
        Math.max(options.timeoutMs, ROLLBACK_WAIT_MS),
      );
      rolledBack = true;
    } catch (rollbackError) {
      ctx.note(
        `The rollback did not complete: ${(rollbackError as Error).message}${backupFile ? ` Restore by hand with kubectl antrea-certs restore ${backupFile}` : ''}`,
      );
    }
    if (rolledBack) {
      ctx.note('Rolled back: the controller runs with the objects it had before. The cluster now:');
      await verifyNow(ctx, client, inst.namespace, options.failWithinMs).catch(
        (verifyError: unknown) =>
          ctx.note(`(the checks could not run: ${(verifyError as Error).message})`),
      );
    }
    throw new TimeoutError(
      `the change did not converge within ${Math.round(options.timeoutMs / 1000)}s (still waiting for ${error.waitingFor ?? 'the controller'}); ${rolledBack ? 'it was rolled back to the backup' : 'the rollback did not complete'}.`,
    );
  }
  // The checks run on what the wait last read: no second read round.
  return verifyNow(ctx, client, inst.namespace, options.failWithinMs, verified, converged);
}

/** After a wait stopped short: what was done, what was not seen yet, and how to finish. */
function whereItStands(change: Change, inst: Installation, error: unknown): string {
  const done = [
    ...change.lines,
    ...(change.restarts ? [`Deployment ${inst.deployment.name}: restart requested`] : []),
  ];
  const notSeen =
    error instanceof TimeoutError && error.waitingFor
      ? error.waitingFor
      : 'the cluster to converge';
  return [
    'Where the change stands:',
    ...done.map((line) => `  done: ${line}`),
    `  not seen yet: ${notSeen}`,
    'The controller finishes the change by itself once it and the API server run; kubectl antrea-certs verify shows where it is, and running the same command again completes it.',
  ].join('\n');
}

/** The verify checks, printed, and their exit code. */
export async function verifyNow(
  ctx: CommandContext,
  client: Client,
  namespace: string,
  failWithinMs: number,
  verified?: (installation: Installation) => void,
  read?: Installation,
): Promise<Code> {
  const installation = read ?? (await readInstallation(client, namespace));
  verified?.(installation);
  const probes = await probeGroupVersions(
    client,
    installation.consumers.flatMap((c) => (c.groupVersion ? [c.groupVersion] : [])),
  );
  const report = runChecks({
    installation,
    probes,
    now: new Date(),
    warnWithinMs: WARN_WITHIN_MS,
    failWithinMs,
  });
  ctx.print(renderChecks(report, ctx.style));
  return exitCodeForChecks(report, false);
}

/** Puts the backed-up Secret and config back, over whatever is there now. */
export async function applyBackup(
  client: Client,
  current: Installation,
  backup: Backup,
  dryRun: DryRun = 'none',
): Promise<void> {
  const ns = backup.namespace;
  const secret = current.tlsSecret;
  if (backup.secret.existed) {
    await writeTlsSecret(
      client,
      ns,
      backup.secret.name,
      {
        ...(backup.secret.ca ? { 'ca.crt': backup.secret.ca } : {}),
        ...(backup.secret.cert ? { 'tls.crt': backup.secret.cert } : {}),
        ...(backup.secret.key ? { 'tls.key': backup.secret.key } : {}),
      },
      secret ? { resourceVersion: secret.resourceVersion } : undefined,
      dryRun,
    );
  } else if (secret) {
    await deleteSecret(client, ns, secret.name, secret.resourceVersion, dryRun);
  }
  if (backup.configMap && current.config && current.config.text !== backup.configMap.text) {
    await writeConfigMapKey(
      client,
      ns,
      backup.configMap.name,
      backup.configMap.key,
      backup.configMap.text,
      current.config.resourceVersion,
      dryRun,
    );
  }
}

/** What converged means once a backup is back: its CA published (user-provided or a persisted pair), else just a ready controller. */
export function goalForBackup(backup: Backup): ConvergenceGoal {
  const setting = backup.configMap
    ? readSelfSignedCert(backup.configMap.text)
    : { value: true, explicit: false };
  const selfSigned = 'error' in setting ? true : setting.value;
  if (!selfSigned && backup.secret.ca) return { expectedCa: backup.secret.ca };
  // A persisted self-signed pair is published as it is while 90+ days remain.
  const persisted =
    selfSigned && !backup.secret.ca
      ? tryParse(backup.secret.cert, 'the backed-up tls.crt').certs[0]
      : undefined;
  if (persisted && persisted.notAfter.getTime() - Date.now() > SELF_SIGNED_REGENERATE_WITHIN_MS)
    return { expectedCa: backup.secret.cert ?? '' };
  return {};
}
