// The checks of `verify`, as data: each passes, warns or fails, with a hint.
// Pure: built from the installation and the discovery probes, one family of
// checks per module of this folder, in the order verify prints them.
import type { Within } from '../../certs/within.ts';
import { CA_CONFIGMAP } from '../../antrea/names.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { modeOf } from '../../antrea/mode.ts';
import { servingChain } from '../../antrea/serving.ts';
import { renewalChecks } from './renewal.ts';
import { installationOf, type Installation } from '../../antrea/installation.ts';
import type { Snapshot } from '../../antrea/snapshot.ts';
import { statusFrom } from '../status.ts';
import { summaryOf, type Check, type CheckSummary } from '../check.ts';
import { publishedCaCheck, caBundleChecks } from './published-ca.ts';
import { fieldOwnerChecks } from './field-owners.ts';
import { secretChecks } from './secret.ts';
import { answerChecks, type Probe } from './answers.ts';
import { certificateChecks } from './expiry.ts';
import { certManagerChecks } from './cert-manager.ts';
import { unfinishedChecks } from './unfinished-change.ts';
import { controllerCountChecks, controllerReadyCheck } from './controller.ts';
import type { Thresholds } from '../audit/common.ts';

export type { Probe } from './answers.ts';

/**
 * What the checks are built from: the installation, the discovery probes, the time and both expiry
 * thresholds.
 */
export interface VerifyInputs {
  readonly installation: Installation;
  readonly probes: readonly Probe[];
  readonly now: Date;
  readonly warnWithin: Within;
  readonly failWithin: Within;
}

/**
 * What verify shows, and prints as JSON or YAML: every check, and how many passed, warned or
 * failed.
 */
export interface VerifyReport {
  readonly namespace: string;
  readonly checks: Check[];
  readonly summary: CheckSummary;
}

/**
 * Every check on one read of the installation: the published CA and its consumers, other field
 * owners, the Secret, the aggregated APIs, expiry and strength, cert-manager, a change left half
 * done, the controller.
 */
export function verifyFrom(inputs: VerifyInputs): VerifyReport {
  const inst = inputs.installation;
  const ns = inst.namespace;
  const status = statusFrom({
    installation: inst,
    now: inputs.now,
    warnWithin: inputs.warnWithin,
  });
  const published = tryParse(inst.caConfigMap?.bundle, `ConfigMap ${CA_CONFIGMAP}`);
  const serving = servingChain(inst, modeOf(inst));
  const checks: Check[] = [
    publishedCaCheck(inst, published),
    ...caBundleChecks(status.consumers, published.certs, ns),
    ...fieldOwnerChecks(inst),
    ...secretChecks(inst, status, published.certs, inputs.now),
    ...answerChecks(inst, inputs.probes),
    ...certificateChecks([...(serving?.certs ?? []), ...published.certs], inputs, status),
    ...renewalChecks(status, serving?.certs[0], inputs),
    ...certManagerChecks(inst.certManager, ns),
    ...unfinishedChecks(inst, published.certs, inputs.now),
    controllerReadyCheck(inst),
    ...controllerCountChecks(inst),
  ];
  return { namespace: ns, checks, summary: summaryOf(checks) };
}

/** verify: the checks, the discovery probes among them. */
export function verifyOf(snapshot: Snapshot, now: Date, thresholds: Thresholds): VerifyReport {
  const installation = installationOf(snapshot);
  return verifyFrom({ installation, probes: snapshot.probes ?? [], now, ...thresholds });
}
