// Whether a Lease still counts: held by someone and renewed within its
// duration. Pure: a change reads it before taking the Lease, verify to see a
// change in progress or one that did not finish.
import type { Lease } from './objects.ts';

/** The Lease every writing command takes in the Antrea namespace. */
export const CHANGE_LEASE = 'antrea-certs-change';
/** Where a change's backup is (host:path): a run that takes the Lease over finds it there. */
export const BACKUP_ANNOTATION = 'kubectl-antrea-certs/backup';
/** The backup from before an unfinished change began (host:path): it undoes all of it. */
export const UNDO_ANNOTATION = 'kubectl-antrea-certs/undo';

/** A backup a Lease names: the machine it was written on and its path there. */
export interface NamedBackup {
  readonly host: string;
  readonly path: string;
}

/** The annotation value of a backup: host:path. */
export const backupAnnotation = ({ host, path }: NamedBackup) => `${host}:${path}`;

/**
 * The backup that undoes the change a Lease was held for: the one from before the first
 * unfinished change of a chain, else the change's own.
 */
export function undoBackupOf(lease: Lease | undefined): NamedBackup | undefined {
  const notes = lease?.metadata?.annotations ?? {};
  const value = notes[UNDO_ANNOTATION] ?? notes[BACKUP_ANNOTATION];
  const at = value?.indexOf(':') ?? -1;
  if (!value || at < 0) return undefined;
  return { host: value.slice(0, at), path: value.slice(at + 1) };
}

/** Someone else's live Lease: who, since when, and when it was last renewed. */
export interface LeaseHolder {
  readonly holder: string;
  readonly since?: string;
  readonly renewedAgoMs?: number;
}

/** Whether the Lease still counts at `now`: held by someone and renewed within its duration. */
export function liveHolder(lease: Lease | undefined, now: Date): LeaseHolder | undefined {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return undefined;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
  if (Number.isNaN(renewed) || renewed + durationMs <= now.getTime()) return undefined;
  return {
    holder: spec.holderIdentity,
    ...(spec.acquireTime ? { since: spec.acquireTime } : {}),
    renewedAgoMs: Math.max(0, now.getTime() - renewed),
  };
}
