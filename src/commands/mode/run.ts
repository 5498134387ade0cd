// mode: show the certificate mode, or switch selfSignedCert and restart safely.
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readInstallation } from '../../read/snapshot.ts';
import { readBeforeWriting } from '../../change/plan-read.ts';
import { finishEarlierChange } from '../../change/finish-earlier.ts';
import { leftUnfinished } from '../../change/lock.ts';
import { switchNotApplied } from '../../report/verify/unfinished-change.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { deleteSecret } from '../../kube/writes.ts';
import { writeControllerConfig } from '../../change/controller-writes.ts';
import { ExitCode, InputError } from '../../errors.ts';
import { preflight } from '../../certs/preflight.ts';
import { describeMode, modeOf, type Mode } from '../../antrea/mode.ts';
import { serviceDnsName, TLS_SECRET_TYPE } from '../../antrea/names.ts';
import { parseRelease, rewritesSecretType } from '../../antrea/versions.ts';
import { configMissing, helmRevertsSwitch, setSelfSignedCert } from '../../antrea/config.ts';
import { carryOut } from '../../change/carry-out.ts';
import type { Change, Planner } from '../../change/change.ts';
import { findingLines } from '../../render/findings.ts';
import type { ModeOptions } from './command.ts';

const WOULD_CRASH_LOOP =
  'switching now would leave antrea-controller crash-looping; import a pair first: ' +
  'kubectl antrea-certs import --cert tls.crt --key tls.key --ca ca.crt --mode user-provided. ' +
  'Nothing was written.';

/**
 * Shows the mode (as data with -o json or yaml), or plans the switch and carries it out; the mode
 * it is in already is not an error.
 */
export async function run(ctx: CommandContext, options: ModeOptions): Promise<ExitCode> {
  const client = await ctx.connect();
  const inst = await readBeforeWriting(client, ctx.flags.namespace);
  const current = modeOf(inst);
  const target = options.target;
  if (!target) {
    const report = {
      namespace: inst.namespace,
      mode: current.mode,
      selfSignedPairStorage: current.pairStorage ?? null,
      explicit: current.explicit,
    };
    await printReport(ctx, report, () => `${describeMode(current, inst.deployment.secretName)}\n`);
    return ExitCode.ok;
  }
  const published = tryParse(inst.caConfigMap?.bundle, 'antrea-ca').certs;
  // A run that stopped after writing the config leaves its Lease, or antrea-ca still shows the
  // other mode: its restart may be what is missing, so the switch is carried out again (a restart
  // at most) rather than waited for.
  if (
    target === current.mode &&
    !switchNotApplied(inst, published) &&
    !(await leftUnfinished(client, inst.namespace))
  ) {
    const done = `The controller is already in ${target} mode`;
    return finishEarlierChange(ctx, client, inst, done, options.change);
  }
  // Otherwise an earlier switch wrote the config and stopped before the restart: complete it.
  const planning = { ctx, client, target, options };
  return (await carryOut(ctx, client, inst, planSwitch(planning, inst, false), options.change))
    .exitCode;
}

interface Planning extends Planner {
  readonly target: Mode;
  readonly options: ModeOptions;
}

/** `quiet`: planned again after a conflict, so the notes were already printed. */
function planSwitch(planning: Planning, inst: Installation, quiet: boolean): Change {
  const { ctx, client, target, options } = planning;
  const current = modeOf(inst);
  const secretName = inst.deployment.secretName;
  const conf = inst.config;
  if (conf?.text === undefined) {
    throw new InputError(configMissing(inst.deployment.configMapName));
  }
  const ns = inst.namespace;
  const secret = inst.tlsSecret;
  let deleteUserPair = false;

  if (target === 'user-provided') {
    const result = preflight({
      cert: { pem: secret?.cert, source: `the tls.crt of Secret ${secretName}` },
      key: { pem: secret?.key, source: `the tls.key of Secret ${secretName}` },
      ca: { pem: secret?.ca, source: `the ca.crt of Secret ${secretName}` },
      requiredName: serviceDnsName(ns),
      recommendedNames: [],
      now: new Date(),
      failWithin: options.change.failWithin,
    });
    if (!result.ok && !options.force) {
      ctx.note(`Secret ${secretName} is not ready for user-provided mode:`);
      findingLines(result.findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
      throw new InputError(WOULD_CRASH_LOOP);
    }
  } else if (secret?.ca && current.selfSignedStorage !== 'pod') {
    if (!options.regenerate) {
      throw new InputError(
        `Secret ${secretName} holds a user-provided pair: in self-signed mode the controller ` +
          'would keep serving it while 90+ days remain, and publish its tls.crt as the CA. ' +
          'Pass --regenerate to delete it (after the backup) so the controller makes a fresh ' +
          'self-signed pair. Nothing was written.',
      );
    }
    deleteUserPair = true;
  }
  const release = parseRelease(current.version);
  const replacesOpaque =
    target === 'self-signed' &&
    !deleteUserPair &&
    secret !== undefined &&
    secret.type !== TLS_SECRET_TYPE &&
    release !== undefined &&
    rewritesSecretType(release);
  const selfSigned = target === 'self-signed';
  const editedConf = setSelfSignedCert(conf.text, selfSigned);
  if (current.helmManaged && !quiet) {
    ctx.note(helmRevertsSwitch(selfSigned));
  }
  const regenerates = `Secret ${secretName}: deleted, so that the controller makes a fresh self-signed pair`;
  const oldBundle = inst.caConfigMap?.bundle;
  return {
    basis: inst,
    lines: [
      current.mode === target
        ? `ConfigMap ${conf.name}: selfSignedCert ${selfSigned} ` +
          '(written by an earlier run that stopped before the restart)'
        : `ConfigMap ${conf.name}: selfSignedCert ${current.mode === 'self-signed'} -> ${selfSigned}`,
      ...(deleteUserPair ? [regenerates] : []),
      ...(replacesOpaque
        ? [
            `Secret ${secretName}: deleted, because it is of type ${secret.type} and Antrea ` +
              `${current.version ?? ''} can only write a ${TLS_SECRET_TYPE} one (fixed in v1.15.2 ` +
              'and v2.0.0); the controller creates it anew',
          ]
        : []),
    ],
    restarts: true,
    goal: !selfSigned
      ? { expectedCa: secret?.ca ?? '', servedMatchesSecret: true }
      : oldBundle
        ? { caDiffersFrom: oldBundle }
        : {},
    apply: async (dryRun) => {
      await writeControllerConfig(client, ns, conf, editedConf, dryRun);
      if ((deleteUserPair || replacesOpaque) && secret) {
        await deleteSecret(client, ns, secret.name, secret.resourceVersion, dryRun);
      }
    },
    replan: async () =>
      planSwitch(planning, await readInstallation(client, ctx.flags.namespace), true),
  };
}
