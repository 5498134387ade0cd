// kubectl antrea-certs restore FILE: put back the objects a change backed up.
import type { CommandContext } from '../cli/context.ts';

import { InputError, type ExitCode } from '../errors.ts';
import { readInstallation } from '../cluster/installation.ts';
import { loadBackup } from '../backup.ts';
import { readSelfSignedCert } from '../antrea/config.ts';
import { carryOut, applyBackup, goalForBackup, type ChangeOptions } from './change.ts';

export async function restore(
  ctx: CommandContext,
  file: string,
  change: ChangeOptions,
): Promise<ExitCode> {
  const backup = loadBackup(file);
  const client = await ctx.connect();
  const inst = await readInstallation(client, ctx.flags.namespace ?? backup.namespace);
  if (inst.namespace !== backup.namespace) {
    throw new InputError(
      `${file} is a backup of namespace ${backup.namespace}, not of ${inst.namespace}; nothing was written.`,
    );
  }
  const setting = backup.configMap ? readSelfSignedCert(backup.configMap.text) : undefined;
  const lines = [
    backup.secret.existed
      ? `Secret ${backup.secret.name}: ${['ca.crt', 'tls.crt', 'tls.key'].filter((k, i) => [backup.secret.ca, backup.secret.cert, backup.secret.key][i]).join(', ')} as of ${backup.createdAt}`
      : `Secret ${backup.secret.name}: deleted (it did not exist at ${backup.createdAt})`,
    ...(backup.configMap
      ? [
          `ConfigMap ${backup.configMap.name}: ${backup.configMap.key} as of ${backup.createdAt}${setting && !('error' in setting) ? ` (selfSignedCert ${setting.value})` : ''}`,
        ]
      : []),
  ];
  return carryOut(
    ctx,
    client,
    inst,
    {
      lines,
      restarts: true,
      goal: goalForBackup(backup),
      apply: (dryRun) => applyBackup(client, inst, backup, dryRun),
    },
    { ...change, rollbackOnFailure: false },
  );
}
