// The plugin's change protocol, as it stands in an installation: the Lease
// every writing command takes in the Antrea namespace, and the annotations on
// it that name the backups. Pure: read/ reads the Lease by this name, report/
// finds a change left half done from it, change/ writes it.
import type { Lease } from '../kube/objects.ts';

/** The Lease every writing command takes in the Antrea namespace. */
export const CHANGE_LEASE = 'antrea-certs-change';
/** Where a change's backup is (host:path): a run that takes the Lease over finds it there. */
export const BACKUP_ANNOTATION = 'kubectl-antrea-certs/backup';
/** The backup from before an unfinished change began (host:path): it undoes all of it. */
export const UNDO_ANNOTATION = 'kubectl-antrea-certs/undo';

/** The change Lease of an Antrea namespace. */
export const changeLease = (namespace: string) => ({ namespace, name: CHANGE_LEASE });

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
