// import: bring your own certificate, checked before anything is written.
import type { CommandContext } from '../../framework/context.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readInstallation } from '../../read/snapshot.ts';
import { readBeforeWriting } from '../../change/plan-read.ts';
import { writeTlsSecret } from '../../kube/writes.ts';
import { writeControllerConfig } from '../../change/controller-writes.ts';
import { InputError, type ExitCode } from '../../errors.ts';
import { preflight } from '../../certs/preflight.ts';
import { storableKey } from '../../certs/keys.ts';
import { modeOf } from '../../antrea/mode.ts';
import {
  serviceDnsName,
  fqdnServiceName,
  SELF_SIGNED_REGENERATE_WITHIN_MS,
} from '../../antrea/names.ts';
import type { DryRun } from '../../kube/client.ts';
import { configMissing, helmRevertsSwitch, setSelfSignedCert } from '../../antrea/config.ts';
import { reloadWaitNote } from '../../antrea/reload.ts';
import { carryOut, type ChangeResult } from '../../change/carry-out.ts';
import type { Change, Planner } from '../../change/change.ts';
import { readPair, type PairInput } from '../../input/pair.ts';
import { findingLines } from '../../render/findings.ts';
import { certificateLine, certificatesLine } from '../../render/certificate-line.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { switchNotApplied } from '../../report/verify/unfinished-change.ts';
import type { ImportOptions } from './command.ts';

const DAY_MS = 86_400_000;

const SELF_SIGNED_NEEDS_SWITCH =
  'the controller is in self-signed mode: it would take this pair as its "self-signed" one ' +
  'only while 90+ days remain (and publish tls.crt, not ca.crt, as the CA), ' +
  'or ignore it (Antrea before v2.0); add --mode user-provided to switch in the same run. ' +
  'Nothing was written.';

/** Imports the pair as importPair does and returns the change's exit code. */
export async function run(ctx: CommandContext, options: ImportOptions): Promise<ExitCode> {
  return (await importPair(ctx, options)).exitCode;
}

/** Also how rotate installs new files; `read` is the installation it has just read. */
export async function importPair(
  ctx: CommandContext,
  options: ImportOptions,
  read?: Installation,
): Promise<ChangeResult> {
  const pair = readPair(options.files);
  const client = await ctx.connect();
  const inst = read ?? (await readBeforeWriting(client, ctx.flags.namespace));
  const planning = { ctx, client, pair, options };
  return carryOut(ctx, client, inst, planImport(planning, inst, false), options.change);
}

interface Planning extends Planner {
  readonly pair: PairInput;
  readonly options: ImportOptions;
}

/** `quiet`: planned again after a conflict, so the warnings were already printed. */
function planImport(planning: Planning, inst: Installation, quiet: boolean): Change {
  const { ctx, client, pair, options } = planning;
  const ns = inst.namespace;
  const result = preflight({
    ...pair,
    requiredName: serviceDnsName(ns),
    recommendedNames: [fqdnServiceName(ns, options.clusterDomain)],
    now: new Date(),
    failWithin: options.change.failWithin,
  });
  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    ctx.note('Preflight found these problems:');
    findingLines(result.findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
    throw new InputError(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} with the certificate files; ` +
        'nothing was written to the cluster.',
    );
  }
  if (result.findings.length && !quiet) {
    ctx.note('Preflight warnings:');
    findingLines(result.findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
  }
  const mode = modeOf(inst);
  const switching = options.switchToUserProvided && mode.mode !== 'user-provided';
  // An earlier switch wrote selfSignedCert: false and stopped before its restart: the controller
  // still runs self-signed, so this run restarts it (the config says the mode already).
  const published = tryParse(inst.caConfigMap?.bundle, 'antrea-ca').certs;
  const restartPending =
    options.switchToUserProvided && !switching && switchNotApplied(inst, published);
  if (mode.mode === 'self-signed' && !switching) throw new InputError(SELF_SIGNED_NEEDS_SWITCH);
  if (mode.certManagerCertificate && !options.force) {
    throw new InputError(
      `cert-manager owns Secret ${inst.deployment.secretName} ` +
        `(Certificate ${mode.certManagerCertificate}) and would overwrite the import; ` +
        'change the Certificate instead, or pass --force. Nothing was written.',
    );
  }
  if (switching && mode.helmManaged && !quiet) ctx.note(helmRevertsSwitch(false));
  const conf = inst.config;
  if (switching && conf?.text === undefined) {
    throw new InputError(configMissing(inst.deployment.configMapName));
  }
  const editedConf =
    switching && conf?.text !== undefined ? setSelfSignedCert(conf.text, false) : undefined;
  const secretName = inst.deployment.secretName;
  // A v2 controller in self-signed mode replaces a pair with 90 days or less left as soon as it
  // sees it: then the Secret is written only once that controller has stopped.
  const leafLeft = result.leaf ? result.leaf.notAfter.getTime() - Date.now() : Infinity;
  const afterStop =
    switching &&
    mode.mode === 'self-signed' &&
    mode.selfSignedStorage === 'secret' &&
    leafLeft <= SELF_SIGNED_REGENERATE_WITHIN_MS + DAY_MS;
  const created = inst.tlsSecret ? '' : ' (created, type kubernetes.io/tls)';
  const oldSetting = mode.mode === 'self-signed' ? 'true' : 'false';
  const writeSecret = async (dryRun: DryRun) => {
    const data = {
      'ca.crt': pair.ca.pem,
      'tls.crt': pair.cert.pem,
      'tls.key': storableKey(pair.key.pem, pair.key.passphrase),
    };
    await writeTlsSecret(client, ns, secretName, data, inst.tlsSecret, dryRun);
  };
  const whenStopped = afterStop
    ? [
        `Secret ${secretName}: written once the self-signed controller has stopped ` +
          '(it replaces a pair with 90 days or less left as soon as it sees it)',
      ]
    : [];
  return {
    basis: inst,
    lines: [
      `Secret ${secretName}${created}: tls.crt ${result.leaf ? certificateLine(result.leaf) : ''}`,
      `Secret ${secretName}: ca.crt ${certificatesLine(result.cas)}`,
      `Secret ${secretName}: tls.key replaced (not shown)`,
      ...(switching ? [`ConfigMap ${conf?.name}: selfSignedCert ${oldSetting} -> false`] : []),
      ...(restartPending
        ? [
            `Deployment ${inst.deployment.name}: restarted, to run the selfSignedCert: false an ` +
              'earlier change wrote and did not restart on',
          ]
        : []),
      ...whenStopped,
    ],
    restarts: switching || restartPending,
    ...(switching || restartPending ? {} : { waitNote: reloadWaitNote() }),
    goal: { expectedCa: pair.ca.pem, servedMatchesSecret: true },
    apply: async (dryRun) => {
      if (!afterStop) await writeSecret(dryRun);
      if (editedConf !== undefined && conf) {
        await writeControllerConfig(client, ns, conf, editedConf, dryRun);
      }
    },
    ...(afterStop ? { afterRestart: writeSecret } : {}),
    replan: async () =>
      planImport(planning, await readInstallation(client, ctx.flags.namespace), true),
  };
}
