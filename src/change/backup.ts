// Local backups of the objects a change writes, so that it can be undone with
// `kubectl antrea-certs restore FILE`. They hold a private key: mode 0600.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { InputError, errorCode } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';
import type { Installation } from '../antrea/installation.ts';
import { CONTROLLER } from '../antrea/names.ts';
import type { ClusterIdentity } from './cluster-identity.ts';

/** The kind of a backup file, which restore checks before it trusts one. */
export const BACKUP_KIND = 'AntreaCertsBackup';
/** The apiVersion of a backup file; a new format would get a new one. */
export const BACKUP_API_VERSION = 'antrea-certs.antrea.io/v1';

/**
 * What a change may overwrite: the TLS Secret (or that there was none, so restore deletes it) and
 * the controller's config file.
 */
export interface Backup {
  readonly namespace: string;
  readonly createdAt: string;
  /** The cluster it was read from; absent in older backups. */
  readonly cluster?: ClusterIdentity;
  readonly secret: {
    readonly name: string;
    readonly existed: boolean;
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: Sensitive;
    /** Its annotations (cert-manager's among them), put back with it; absent in older backups. */
    readonly annotations?: Readonly<Record<string, string>>;
    /** Its type (v1.13-v1.15 made Opaque ones), for a Secret restore creates; absent in older backups. */
    readonly type?: string;
    /** Its keys other than the pair's, base64 as read. */
    readonly otherData?: Readonly<Record<string, string>>;
  };
  readonly configMap?: { readonly name: string; readonly key: string; readonly text: string };
  /** Read from a file whose digest does not match its content, as the user accepted. */
  readonly edited?: true;
}

/** The backup of an installation as read from `cluster`, taken before anything is written. */
export function backupOf(
  inst: Installation,
  cluster: ClusterIdentity | undefined,
  now = new Date(),
): Backup {
  const secret = inst.tlsSecret;
  return {
    namespace: inst.namespace,
    createdAt: now.toISOString(),
    ...(cluster ? { cluster } : {}),
    secret: secret
      ? {
          name: secret.name,
          existed: true,
          ...(secret.ca ? { ca: secret.ca } : {}),
          ...(secret.cert ? { cert: secret.cert } : {}),
          ...(secret.key ? { key: secret.key } : {}),
          annotations: secret.annotations,
          type: secret.type,
          ...(secret.otherData ? { otherData: secret.otherData } : {}),
        }
      : { name: inst.deployment.secretName, existed: false },
    ...(inst.config?.text !== undefined
      ? { configMap: { name: inst.config.name, key: CONTROLLER.configKey, text: inst.config.text } }
      : {}),
  };
}

/** Writes the backup (mode 0600, in a 0700 directory) and returns its path. */
export function saveBackup(backup: Backup, dir: string, write = writeFileSync): string {
  try {
    return writeBackupFile(backup, dir, write);
  } catch (error) {
    throw new InputError(
      `cannot write the backup to ${dir} (${errorCode(error) ?? 'error'}); pass another --backup-dir, or --no-backup. Nothing was written to the cluster.`,
    );
  }
}

/**
 * Written to a temporary name, then renamed: a full disk or any other write error leaves no empty
 * or partial backup behind.
 */
/** Where saveBackup writes a backup in `dir`. */
export function backupPathFor(backup: Backup, dir: string): string {
  const stamp = backup.createdAt.replace(/[:.]/g, '-');
  return join(dir, `antrea-certs-${backup.namespace}-${stamp}.json`);
}

function writeBackupFile(backup: Backup, dir: string, write: typeof writeFileSync): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = backupPathFor(backup, dir);
  if (existsSync(path)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
  const partial = join(dir, `.${basename(path)}.${process.pid}.partial`);
  try {
    write(partial, serialize(backup), { mode: 0o600, flag: 'wx' });
    chmodSync(partial, 0o600);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return path;
}

function serialize(backup: Backup): string {
  const file = {
    apiVersion: BACKUP_API_VERSION,
    kind: BACKUP_KIND,
    namespace: backup.namespace,
    createdAt: backup.createdAt,
    ...(backup.cluster ? { cluster: backup.cluster } : {}),
    secret: { ...backup.secret, ...(backup.secret.key ? { key: backup.secret.key.reveal() } : {}) },
    ...(backup.configMap ? { configMap: backup.configMap } : {}),
  };
  return `${JSON.stringify({ ...file, digest: digestOf(file) }, null, 2)}\n`;
}

/**
 * The digest of a backup file's content: sha256 of its compact JSON without the digest, so that
 * reformatting keeps it and any edit of a value breaks it.
 */
export function digestOf(content: Readonly<Record<string, unknown>>): string {
  const { digest: _digest, ...rest } = content;
  return `sha256:${createHash('sha256').update(JSON.stringify(rest)).digest('hex')}`;
}

/** Replaces a backup this run saved (a change planned again holds what it overwrites now). */
export function replaceBackup(path: string, backup: Backup): void {
  writeFileSync(path, serialize(backup), { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** What restore accepts: a file whose digest does not match, on purpose. */
export interface BackupReading {
  readonly acceptEdited?: boolean;
}

/** Reads a backup file for restore; an InputError for a file that is not one or is damaged. */
export function loadBackup(path: string, reading: BackupReading = {}): Backup {
  if (!existsSync(path)) throw new InputError(`the backup file ${path} does not exist.`);
  return parseBackup(readFileSync(path, 'utf8'), path, reading);
}

/** A backup file's text as a Backup; `path` names it in the InputError for anything else. */
export function parseBackup(text: string, path: string, reading: BackupReading = {}): Backup {
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
    parsed = value as Record<string, unknown>;
  } catch {
    throw new InputError(
      `${path} is not a backup of kubectl antrea-certs (it is not a JSON object); nothing was written.`,
    );
  }
  if (parsed.kind !== BACKUP_KIND || parsed.apiVersion !== BACKUP_API_VERSION) {
    throw new InputError(
      `${path} is not a backup of kubectl antrea-certs ` +
        `(kind ${JSON.stringify(parsed.kind ?? null)}); nothing was written.`,
    );
  }
  const edited = parsed.digest !== digestOf(parsed);
  if (edited && !reading.acceptEdited) {
    const why =
      typeof parsed.digest === 'string'
        ? 'its digest does not match its content'
        : 'it has no digest';
    throw new InputError(
      `${path} was edited or damaged: ${why}. Take a backup you trust, or pass ` +
        '--accept-edited-backup to restore it anyway (every check still runs). Nothing was written.',
    );
  }
  const secret = parsed.secret as
    | {
        name?: unknown;
        existed?: unknown;
        ca?: unknown;
        cert?: unknown;
        key?: unknown;
        annotations?: unknown;
        type?: unknown;
        otherData?: unknown;
      }
    | undefined;
  const cluster = parsed.cluster as
    { server?: unknown; kubeSystemUid?: unknown; antreaCaSha256?: unknown } | undefined;
  const configMap = parsed.configMap as
    { name?: unknown; key?: unknown; text?: unknown } | undefined;
  if (
    typeof parsed.namespace !== 'string' ||
    typeof secret?.name !== 'string' ||
    typeof secret.existed !== 'boolean'
  ) {
    throw new InputError(
      `${path} is a damaged backup: namespace or secret is missing; nothing was written.`,
    );
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const server = str(cluster?.server);
  const uid = str(cluster?.kubeSystemUid);
  const caSha256 = str(cluster?.antreaCaSha256);
  const otherData = stringMap(secret.otherData);
  return {
    ...(edited ? { edited: true as const } : {}),
    namespace: parsed.namespace,
    createdAt: str(parsed.createdAt) ?? '',
    ...(server !== undefined
      ? {
          cluster: {
            server,
            ...(uid ? { kubeSystemUid: uid } : {}),
            ...(caSha256 ? { antreaCaSha256: caSha256 } : {}),
          },
        }
      : {}),
    secret: {
      name: secret.name,
      existed: secret.existed,
      ...(str(secret.ca) ? { ca: str(secret.ca) } : {}),
      ...(str(secret.cert) ? { cert: str(secret.cert) } : {}),
      ...(str(secret.key) ? { key: new Sensitive(str(secret.key) ?? '') } : {}),
      ...(stringMap(secret.annotations) ? { annotations: stringMap(secret.annotations) } : {}),
      ...(str(secret.type) ? { type: str(secret.type) } : {}),
      ...(otherData ? { otherData } : {}),
    },
    ...(configMap && typeof configMap.name === 'string' && typeof configMap.text === 'string'
      ? {
          configMap: {
            name: configMap.name,
            key: str(configMap.key) ?? CONTROLLER.configKey,
            text: configMap.text,
          },
        }
      : {}),
  };
}

/** An object of strings, as annotations are; undefined for anything else. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string')
    ? (Object.fromEntries(entries) as Record<string, string>)
    : undefined;
}
