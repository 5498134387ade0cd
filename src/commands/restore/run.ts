// restore FILE: put back the objects a change backed up.
import type { CommandContext } from '../../options/context.ts';
import { InputError, type ExitCode } from '../../errors.ts';
import { readBeforeWriting } from '../../change/plan-read.ts';
import { readSelfSignedCert } from '../../antrea/config.ts';
import { loadBackup, type Backup } from '../../change/backup.ts';
import { carryOut } from '../../change/carry-out.ts';
import { applyBackup, goalForBackup } from '../../change/put-back.ts';
import type { RestoreOptions } from './command.ts';

/**
 * Puts a backup back into the namespace it came from (a backup of another one is refused), restarts
 * the controller and verifies.
 */
export async function run(
  ctx: CommandContext,
  { file, change }: RestoreOptions,
): Promise<ExitCode> {
  const backup = loadBackup(file);
  const client = await ctx.connect();
  const inst = await readBeforeWriting(client, ctx.flags.namespace ?? backup.namespace);
  if (inst.namespace !== backup.namespace) {
    throw new InputError(
      `${file} is a backup of namespace ${backup.namespace}, not of ${inst.namespace}; ` +
        'nothing was written.',
    );
  }
  const plan = {
    lines: restoredLines(backup),
    restarts: true,
    goal: goalForBackup(backup),
    apply: async (dryRun: 'none' | 'server') => {
      await applyBackup(client, inst, backup, dryRun);
    },
  };
  return (await carryOut(ctx, client, inst, plan, change)).exitCode;
}

/** What the backup puts back, one line per object. */
function restoredLines(backup: Backup): string[] {
  const { secret, configMap, createdAt } = backup;
  const keys = (
    [
      ['ca.crt', secret.ca],
      ['tls.crt', secret.cert],
      ['tls.key', secret.key],
    ] as const
  )
    .filter(([, value]) => value)
    .map(([key]) => key);
  const setting = configMap ? readSelfSignedCert(configMap.text) : undefined;
  const selfSigned = setting && !('error' in setting) ? ` (selfSignedCert ${setting.value})` : '';
  return [
    secret.existed
      ? `Secret ${secret.name}: ${keys.join(', ')} as of ${createdAt}`
      : `Secret ${secret.name}: deleted (it did not exist at ${createdAt})`,
    ...(configMap
      ? [`ConfigMap ${configMap.name}: ${configMap.key} as of ${createdAt}${selfSigned}`]
      : []),
  ];
}
