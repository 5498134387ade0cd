// Turning the change flags into options, with usage errors before anything loads.
import type { ChangeFlags } from './options.ts';
import { parseDuration } from './duration.ts';
import { UsageError } from '../errors.ts';
import { defaultBackupDir } from '../backup.ts';
import type { ChangeOptions } from '../commands/change.ts';

export function parseChangeFlags(flags: ChangeFlags): ChangeOptions {
  const raw = flags['dry-run'] ?? 'none';
  const dryRun = raw === '' || raw === 'true' ? 'client' : raw;
  if (dryRun !== 'none' && dryRun !== 'client' && dryRun !== 'server')
    throw new UsageError(`--dry-run takes client or server, not "${raw}".`);
  const timeoutMs = parseDuration(flags.timeout ?? '5m', '--timeout');
  if (timeoutMs <= 0)
    throw new UsageError('--timeout must be longer than 0 (use --wait=false not to wait).');
  return {
    yes: flags.yes ?? false,
    dryRun,
    ...(flags.backup === false ? {} : { backupDir: flags['backup-dir'] ?? defaultBackupDir() }),
    wait: flags.wait ?? true,
    timeoutMs,
    rollbackOnFailure: flags['rollback-on-failure'] ?? true,
    failWithinMs: parseDuration(flags['fail-within'] ?? '7d', '--fail-within'),
  };
}
