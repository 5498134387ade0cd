// rotate: a new certificate now, in every mode, and wait until the cluster uses it.
import type { CommandContext } from '../../framework/context.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readBeforeWriting } from '../../change/plan-read.ts';
import { InputError, UsageError, type ExitCode } from '../../errors.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { modeOf, type Mode } from '../../antrea/mode.ts';
import { CA_CONFIGMAP, CONTROLLER } from '../../antrea/names.ts';
import { lastConfigWrite, runsOtherMode } from '../../report/verify/unfinished-change.ts';
import { servingChain } from '../../antrea/serving.ts';
import { carryOut, type ChangeResult } from '../../change/carry-out.ts';
import { renderRotation, type RotationSides } from '../../render/rotation.ts';
import { importPair } from '../import/run.ts';
import { planSelfSigned } from './self-signed.ts';
import { renewWithCertManager } from './cert-manager.ts';
import { issueFromCa } from './issue-from-ca.ts';
import type { RotateOptions } from './command.ts';

const NEEDS_NEW_PAIR =
  'in user-provided mode, rotate needs new files (--cert, --key, --ca) ' +
  'or the CA to issue from (--ca-cert, --ca-key).';
const SELF_SIGNED_TAKES_NO_FILES =
  'the controller is in self-signed mode: it makes its own pair, so rotate takes no files ' +
  '(to bring your own, use import --mode user-provided).';

/**
 * The config says one mode and antrea-ca shows the controller serving the other (a switch written
 * without its restart, by this plugin or by hand): a rotation planned for the configured mode would
 * wait for what the running controller never does. Either mode may be the one the admin wants.
 */
function otherModeRunning(inst: Installation, configured: Mode, runs: Mode): string {
  const last = lastConfigWrite(inst);
  const written = last ? ` (last written by ${last.manager} at ${last.time ?? ''})` : '';
  const regenerate = configured === 'self-signed' && inst.tlsSecret?.ca ? ' --regenerate' : '';
  return (
    `${CONTROLLER.configKey} says ${configured} mode${written}, but antrea-ca publishes what ` +
    `${runs} mode serves: the controller still runs with the configuration from before. Keep ` +
    `what runs with kubectl antrea-certs mode ${runs}, or complete the switch with kubectl ` +
    `antrea-certs mode ${configured}${regenerate}; then rotate. Nothing was written.`
  );
}

/** Files or flags the mode does not take: the sentence that says so. */
function usageProblem(inst: Installation, pair: RotateOptions['pair']): string | undefined {
  const mode = modeOf(inst);
  const certificate = mode.certManagerCertificate;
  if (certificate) {
    return pair.from === 'controller'
      ? undefined
      : `cert-manager owns Secret ${inst.deployment.secretName} (Certificate ${certificate}): ` +
          'rotate renews it through cert-manager and takes no files.';
  }
  if (mode.mode === 'self-signed') {
    return pair.from === 'controller' ? undefined : SELF_SIGNED_TAKES_NO_FILES;
  }
  return pair.from === 'controller' ? NEEDS_NEW_PAIR : undefined;
}

/** Rotates as the mode allows, then shows the serving certificate and the CA before and after. */
export async function run(ctx: CommandContext, options: RotateOptions): Promise<ExitCode> {
  const client = await ctx.connect();
  const inst = await readBeforeWriting(client, ctx.flags.namespace);
  if (options.pair.from === 'ipsec-ca') {
    const { refuseIpsecCaRotation } = await import('./ipsec-ca.ts');
    return refuseIpsecCaRotation(client, inst);
  }
  const problem = usageProblem(inst, options.pair);
  if (problem) throw new UsageError(problem);
  const other = runsOtherMode(inst, tryParse(inst.caConfigMap?.bundle, CA_CONFIGMAP).certs);
  if (other) throw new InputError(otherModeRunning(inst, other.configured, other.runs));
  const result = await rotateIn(ctx, inst, options);
  // The installation the closing checks read: no read of its own.
  if (result.installation) {
    ctx.note(
      renderRotation(servingAndCa(inst), servingAndCa(result.installation), ctx.textOptions.width),
    );
  }
  return result.exitCode;
}

/**
 * The rotation each mode allows (its flags checked): cert-manager renews, user-provided takes a new
 * pair, self-signed regenerates.
 */
async function rotateIn(
  ctx: CommandContext,
  inst: Installation,
  options: RotateOptions,
): Promise<ChangeResult> {
  const client = await ctx.connect();
  const mode = modeOf(inst);
  const { pair, change } = options;
  const certificate = mode.certManagerCertificate;
  if (certificate) {
    const userProvided = mode.mode === 'user-provided';
    const renewal = await renewWithCertManager(client, inst, certificate, userProvided);
    return carryOut(ctx, client, inst, renewal, change);
  }
  if (mode.mode === 'self-signed') {
    return carryOut(ctx, client, inst, planSelfSigned(client, inst), change);
  }
  switch (pair.from) {
    case 'files': {
      const importing = { files: pair.files, switchToUserProvided: false, force: false };
      return importPair(ctx, { ...importing, clusterDomain: options.clusterDomain, change }, inst);
    }
    case 'ca':
      return carryOut(
        ctx,
        client,
        inst,
        await issueFromCa(ctx, client, inst, pair, options),
        change,
      );
    case 'controller':
    case 'ipsec-ca':
      // Refused before: ipsec-ca in run, controller by usageProblem.
      throw new UsageError(NEEDS_NEW_PAIR);
  }
}

function servingAndCa(inst: Installation): RotationSides {
  const serving = servingChain(inst, modeOf(inst))?.certs[0];
  const ca = tryParse(inst.caConfigMap?.bundle, CA_CONFIGMAP).certs.find((c) => c.info.isCA);
  return { ...(serving ? { serving } : {}), ...(ca ? { ca } : {}) };
}
