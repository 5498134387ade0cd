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

/**
 * On the antrea-controller Deployment: the last change the plugin made, as JSON. It outlives the
 * change's Event (the API server keeps Events an hour by default), so status can show it.
 */
export const LAST_CHANGE_ANNOTATION = 'kubectl-antrea-certs/last-change';

/** The last change, as the annotation holds it. */
export interface LastChange {
  readonly at: string;
  readonly command: string;
  readonly reason: string;
  /** Who ran it: user@host of the Lease holder. */
  readonly by: string;
  readonly outcome: string;
  /** host:path of the backup that undoes it. */
  readonly backup?: string;
  /** The serving certificate's SHA-256 before and after. */
  readonly from?: string;
  readonly to?: string;
}

/** The last change an annotation names, or undefined when there is none or it is not one. */
export function lastChangeOf(
  annotations: Readonly<Record<string, string>>,
): LastChange | undefined {
  const text = annotations[LAST_CHANGE_ANNOTATION];
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const field = (key: string) => (typeof fields[key] === 'string' ? fields[key] : undefined);
  const [at, command, reason, by, outcome] = ['at', 'command', 'reason', 'by', 'outcome'].map(
    field,
  );
  if (!at || !command || !reason || !by || !outcome) return undefined;
  const optional = (key: 'backup' | 'from' | 'to') => {
    const v = field(key);
    return v ? { [key]: v } : {};
  };
  return {
    at,
    command,
    reason,
    by,
    outcome,
    ...optional('backup'),
    ...optional('from'),
    ...optional('to'),
  };
}

const REASONS: Readonly<Record<string, string>> = {
  rotate: 'CertificateRotated',
  import: 'CertificateImported',
  mode: 'ModeChanged',
  restore: 'ChangeRestored',
  generate: 'CertificateGenerated',
};

/** The Event of a change that wrote: a reason per command; a Warning when it did not end well. */
export function changeEventOf(
  command: string,
  outcome: string,
): { readonly reason: string; readonly type: 'Normal' | 'Warning' } {
  if (outcome === 'rolled-back') return { reason: 'ChangeRolledBack', type: 'Warning' };
  if (outcome === 'put-back') return { reason: 'ChangePutBack', type: 'Warning' };
  if (outcome === 'stopped') return { reason: 'ChangeStopped', type: 'Warning' };
  return { reason: REASONS[command] ?? 'CertificatesChanged', type: 'Normal' };
}
