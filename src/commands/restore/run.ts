// restore FILE: put back the objects a change backed up, into the cluster and
// namespace they came from.
import type { CommandContext } from '../../framework/context.ts';
import { InputError, type ExitCode } from '../../errors.ts';
import { readBeforeWriting } from '../../change/plan-read.ts';
import { readSelfSignedCert } from '../../antrea/config.ts';
import type { Installation } from '../../antrea/installation.ts';
import { loadBackup, type Backup } from '../../change/backup.ts';
import { carryOut } from '../../change/carry-out.ts';
import type { Change } from '../../change/change.ts';
import { applyBackup, goalForBackup } from '../../change/put-back.ts';
import {
  describeCluster,
  identityOf,
  sameCluster,
  type ClusterIdentity,
} from '../../change/cluster-identity.ts';
import { tryParse } from '../../certs/try-parse.ts';
import type { Certificate } from '../../certs/certificate.ts';
import { certificatesLine } from '../../render/certificate-line.ts';
import { findingLines } from '../../render/findings.ts';
import { backupFindings } from '../../change/backup-checks.ts';
import { unifiedDiff } from '../../render/unified-diff.ts';
import type { RestoreOptions } from './command.ts';

/**
 * Puts a backup back into the cluster and namespace it came from (another is refused unless
 * --force-other-cluster), restarts the controller and verifies.
 */
export async function run(
  ctx: CommandContext,
  { file, change, forceOtherCluster, acceptEdited }: RestoreOptions,
): Promise<ExitCode> {
  const backup = loadBackup(file, { acceptEdited });
  if (backup.edited)
    ctx.note(`‼ ${file} was edited (its digest does not match): restoring it as asked.`);
  const client = await ctx.connect();
  const inst = await readBeforeWriting(client, ctx.flags.namespace ?? backup.namespace);
  if (inst.namespace !== backup.namespace) {
    throw new InputError(
      `${file} is a backup of namespace ${backup.namespace}, not of ${inst.namespace}; ` +
        'nothing was written.',
    );
  }
  checkCluster(ctx, file, backup.cluster, identityOf(inst, client.server), forceOtherCluster);
  checkContent(ctx, file, backup, inst);
  const plan: Change = {
    lines: restoredLines(backup, inst),
    restarts: true,
    goal: goalForBackup(backup),
    apply: async (dryRun) => {
      await applyBackup(client, inst, backup, dryRun);
    },
  };
  return (await carryOut(ctx, client, inst, plan, change)).exitCode;
}

/** Refuses a backup of another cluster (unless forced); warns when it cannot tell. */
function checkCluster(
  ctx: CommandContext,
  file: string,
  from: ClusterIdentity | undefined,
  here: ClusterIdentity,
  force: boolean,
): void {
  const verdict = sameCluster(from, here);
  if (verdict === 'same') return;
  if (!from) {
    if (force) {
      ctx.note(`‼ ${file} does not record which cluster it came from; restoring it here as asked.`);
      return;
    }
    throw new InputError(
      `${file} does not record which cluster it came from, so it may be another cluster's; ` +
        `pass --force-other-cluster if it is a backup of this one, ${describeCluster(here)}. ` +
        'Nothing was written.',
    );
  }
  const both = `it was read from ${describeCluster(from)}, and this is ${describeCluster(here)}`;
  if (verdict === 'unknown') {
    ctx.note(`‼ ${file} may be a backup of another cluster: ${both}.`);
    return;
  }
  if (force) {
    ctx.note(`‼ ${file} is a backup of another cluster (${both}); restoring it here as asked.`);
    return;
  }
  throw new InputError(
    `${file} is a backup of another cluster: ${both}; restoring it would put that cluster's key ` +
      'and configuration here. Pass --force-other-cluster if you mean to. Nothing was written.',
  );
}

/** Refuses a backup the controller could not use, with import's checks; notes the warnings. */
function checkContent(ctx: CommandContext, file: string, backup: Backup, inst: Installation) {
  const findings = backupFindings(backup, inst.config?.text, new Date());
  if (!findings.length) return;
  const errors = findings.filter((f) => f.severity === 'error');
  ctx.note(errors.length ? `${file} fails these checks:` : `${file}: warnings`);
  findingLines(findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
  const [first] = errors;
  if (!first) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more above)` : '';
  throw new InputError(
    `${file} would not work: ${first.message.replace(/\.$/, '')}${more}. Nothing was written.`,
  );
}

/** What the backup puts back and what it replaces: fingerprints, and the config as a diff. */
function restoredLines(backup: Backup, inst: Installation): string[] {
  const { secret, configMap, createdAt } = backup;
  const now = inst.tlsSecret;
  const certificates = (pem: string | undefined, what: string) => tryParse(pem, what).certs;
  const fingerprints = (certs: readonly Certificate[]) => certs.map((c) => c.info.sha256).join();
  const pemLine = (key: 'ca.crt' | 'tls.crt', saved?: string, current?: string) => {
    if (saved === undefined) return [];
    const restored = certificates(saved, `the backup's ${key}`);
    const replaced = certificates(current, `the ${key} of Secret ${secret.name}`);
    const same = fingerprints(restored) === fingerprints(replaced);
    const was = now ? (same ? ' (unchanged)' : `, replacing ${certificatesLine(replaced)}`) : '';
    return [`Secret ${secret.name}: ${key} ${certificatesLine(restored)}${was}`];
  };
  const retype =
    now && secret.type !== undefined && now.type !== secret.type
      ? [
          `Secret ${secret.name}: deleted and created again as type ${secret.type} ` +
            `(it is ${now.type} now; a type cannot change in place)`,
        ]
      : [];
  const secretLines = secret.existed
    ? [
        ...retype,
        ...pemLine('tls.crt', secret.cert, now?.cert),
        ...pemLine('ca.crt', secret.ca, now?.ca),
        ...(secret.key ? [`Secret ${secret.name}: tls.key as of ${createdAt} (not shown)`] : []),
      ]
    : [`Secret ${secret.name}: deleted (it did not exist at ${createdAt})`];
  const setting = configMap ? readSelfSignedCert(configMap.text) : undefined;
  const selfSigned = setting && !('error' in setting) ? ` (selfSignedCert ${setting.value})` : '';
  const diff = configMap
    ? unifiedDiff(inst.config?.text ?? '', configMap.text, {
        before: `${configMap.key} now`,
        after: `${configMap.key} as of ${createdAt}`,
      })
    : [];
  const configLines = configMap
    ? [
        `ConfigMap ${configMap.name}: ${configMap.key} as of ${createdAt}${selfSigned}` +
          (diff.length ? ':' : ' (unchanged)'),
        ...diff.map((line) => `  ${line}`),
      ]
    : [];
  return [...secretLines, ...configLines];
}
