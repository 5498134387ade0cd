// The flags every writing command shares (import, mode, rotate, restore), and
// the options they become: how to confirm, back up, wait and roll back.
import type { Within } from '../certs/within.ts';
import type { InferredOptionTypes } from 'yargs';
import type { FlagTable } from '../framework/flag-table.ts';
import { parseWithin } from '../framework/expiry-flags.ts';
import { parseDuration } from '../duration.ts';
import { UsageError } from '../errors.ts';
import { defaultBackupDir } from './backup-dir.ts';

const CHANGE = 'Change:';

/** The flags of every command that writes to the cluster. */
export const changeFlags = {
  yes: {
    type: 'boolean',
    alias: 'y',
    group: CHANGE,
    default: false,
    describe:
      'Do not ask for confirmation (needed without a terminal when the controller restarts)',
  },
  'dry-run': {
    type: 'string',
    group: CHANGE,
    // No default: yargs gives a bare --dry-run the default, and a bare --dry-run means client.
    defaultDescription: '"none"',
    suggest: ['none', 'client', 'server'],
    describe:
      'client: show what would change; server: have the API server check the writes too. Nothing is written.',
  },
  backup: {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe:
      'Save the objects the change overwrites to a local file (mode 0600) first; --no-backup skips it',
  },
  'backup-dir': {
    type: 'string',
    group: CHANGE,
    complete: 'directory',
    describe: 'Where backups go (default ~/.kube/antrea-certs-backups)',
  },
  wait: {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe:
      'Wait until the controller is ready and antrea-ca and every caBundle carry the CA (--wait=false returns after writing)',
  },
  timeout: {
    type: 'string',
    group: CHANGE,
    default: '5m',
    describe:
      'How long the whole change may take, a rollback included (half is kept for it); exit 124 when it runs out',
  },
  'rollback-on-failure': {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe: 'Restore the backup when the controller does not come up after a restart',
  },
  'force-unlock': {
    type: 'boolean',
    group: CHANGE,
    default: false,
    describe: "Take over another change's Lease (only when that run is gone: a live one renews it)",
  },
  'fail-within': {
    type: 'string',
    group: CHANGE,
    default: '7d',
    describe:
      'Refuse certificates that expire within this duration (or share of their lifetime, 20%), ' +
      'and fail the final verify for them',
  },
} as const satisfies FlagTable;

/** The change flags as yargs parses them. */
export type ChangeFlags = InferredOptionTypes<typeof changeFlags>;

/** How carryOut confirms, backs up, waits and rolls back, from the change flags. */
export interface ChangeOptions {
  readonly yes: boolean;
  readonly dryRun: 'none' | 'client' | 'server';
  /** Where to save the backup; undefined with --no-backup. */
  readonly backupDir?: string;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly rollbackOnFailure: boolean;
  readonly failWithin: Within;
  /** Take the change Lease even when another run holds it. */
  readonly forceUnlock: boolean;
}

/** The change flags as options; a UsageError for values they do not take. */
export function changeOptionsFrom(flags: ChangeFlags): ChangeOptions {
  const raw = flags['dry-run'] ?? 'none';
  const dryRun = raw === '' || raw === 'true' ? 'client' : raw;
  if (dryRun !== 'none' && dryRun !== 'client' && dryRun !== 'server') {
    throw new UsageError(`--dry-run takes client or server, not "${raw}".`);
  }
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  if (timeoutMs <= 0) {
    throw new UsageError('--timeout must be longer than 0 (use --wait=false not to wait).');
  }
  return {
    yes: flags.yes,
    dryRun,
    ...(flags.backup ? { backupDir: flags['backup-dir'] ?? defaultBackupDir() } : {}),
    wait: flags.wait,
    timeoutMs,
    rollbackOnFailure: flags['rollback-on-failure'],
    failWithin: parseWithin(flags['fail-within'], '--fail-within'),
    forceUnlock: flags['force-unlock'],
  };
}

/** The change flags given with another value than their default (for commands where they may not apply). */
export function changeFlagsGiven(flags: ChangeFlags): string[] {
  return (Object.keys(changeFlags) as (keyof typeof changeFlags)[]).filter((name) => {
    const value: unknown = flags[name];
    return value !== undefined && value !== Reflect.get(changeFlags[name], 'default');
  });
}

/**
 * How --timeout is shared: the whole change, writes and wait, within it; when a restarted
 * controller may be rolled back, half of it kept for the rollback, whose wait includes the
 * aggregation layer marking the APIServices Available again (tens of seconds after a failure).
 */
export function timeBudget(timeoutMs: number, rollbackPossible: boolean) {
  const rollbackMs = rollbackPossible ? Math.round(timeoutMs / 2) : 0;
  return { waitMs: timeoutMs - rollbackMs, rollbackMs };
}
