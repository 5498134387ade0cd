// The checks of `verify`, as data: each passes, warns or fails, with a hint.
// Pure: built from what the cluster layer read and from the discovery probes.
import { ExitCode } from '../errors.ts';
import {
  CA_CONFIGMAP,
  CONTROLLER,
  SELF_SIGNED_REGENERATE_WITHIN_MS,
  serviceDnsName,
} from '../antrea/names.ts';
import { preflight } from '../certs/preflight.ts';
import type { Certificate } from '../certs/certificate.ts';
import { MIN_RSA_BITS, hasWeakRsaKey, isSha1Signed } from '../certs/strength.ts';
import { tryParse } from '../certs/try-parse.ts';
import { modeOf } from '../antrea/mode.ts';
import { servingChain } from '../antrea/serving.ts';
import type { Installation } from '../antrea/installation.ts';
import { buildStatus, type ConsumerReport, type StatusReport } from './status.ts';
import { notReadyDetail } from './pods.ts';
import { formatDuration } from '../duration.ts';
import { certManagerChecks } from './cert-manager-checks.ts';
import { CONTROLLER_FIELD_MANAGER, argoIgnoreDifferences } from '../antrea/gitops.ts';
import { PLUGIN_FIELD_MANAGER } from '../kube/field-owners.ts';
import { unfinishedChecks } from './unfinished.ts';

/** " (reason: message)" of an APIService's Available condition, if it gives a reason. */
const availability = (available: Installation['consumers'][number]['available']) =>
  available?.reason
    ? ` (${available.reason}${available.message ? `: ${available.message}` : ''})`
    : '';

/** The outcome of a check; a fail makes verify exit 2, a warn exit 3 with --strict. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One verify check: its outcome, its sentence, and a hint on what to do when it did not pass. */
export interface Check {
  /** Stable across runs: what is checked, and on which object (the metrics' check label). */
  readonly id: string;
  readonly status: CheckStatus;
  readonly message: string;
  readonly hint?: string;
  /** The object the check is about, e.g. "APIService/v1beta2.controlplane.antrea.io". */
  readonly object?: string;
  /** Lines to copy that go with the hint (e.g. a configuration snippet), shown under it. */
  readonly detail?: readonly string[];
}

/**
 * How a group-version's discovery answered through the API server, as cluster/probe.ts gives it.
 */
export interface Probe {
  readonly groupVersion: string;
  readonly status: number;
  readonly message?: string;
}

/**
 * What the checks are built from: the installation, the discovery probes, the time and both expiry
 * thresholds.
 */
export interface VerifyInputs {
  readonly installation: Installation;
  readonly probes: readonly Probe[];
  readonly now: Date;
  readonly warnWithinMs: number;
  readonly failWithinMs: number;
}

/**
 * What verify shows, and prints as JSON or YAML: every check, and how many passed, warned or
 * failed.
 */
export interface VerifyReport {
  readonly namespace: string;
  readonly checks: Check[];
  readonly summary: { readonly passed: number; readonly warnings: number; readonly failed: number };
}

/** The exit code of a verify report: 2 for a failed check, 3 for warnings with --strict, else 0. */
export function exitCodeForChecks(report: VerifyReport, strict: boolean): ExitCode {
  if (report.summary.failed > 0) return ExitCode.checkFailed;
  if (strict && report.summary.warnings > 0) return ExitCode.warnings;
  return ExitCode.ok;
}

const restartHint = (ns: string) =>
  `restart the controller to re-publish: kubectl -n ${ns} rollout restart deployment/${CONTROLLER.deployment}`;

/**
 * Runs every check on one read of the installation: the published CA, the consumers, the Secret,
 * the aggregated APIs, expiry and strength, the controller.
 */
export function runChecks(inputs: VerifyInputs): VerifyReport {
  const inst = inputs.installation;
  const ns = inst.namespace;
  const status = buildStatus({
    installation: inst,
    now: inputs.now,
    warnWithinMs: inputs.warnWithinMs,
  });
  const published = tryParse(inst.caConfigMap?.bundle, `ConfigMap ${CA_CONFIGMAP}`);
  const checks: Check[] = [];
  const add = (id: string, status: CheckStatus, message: string, hint?: string, object?: string) =>
    checks.push({ id, status, message, ...(hint ? { hint } : {}), ...(object ? { object } : {}) });

  // 1. The published CA.
  if (!inst.caConfigMap)
    add(
      'ca-published',
      'fail',
      `ConfigMap ${CA_CONFIGMAP} does not exist`,
      restartHint(ns),
      `ConfigMap/${CA_CONFIGMAP}`,
    );
  else if (published.error)
    add(
      'ca-published',
      'fail',
      `ConfigMap ${CA_CONFIGMAP} does not hold a usable CA: ${published.error}`,
      restartHint(ns),
      `ConfigMap/${CA_CONFIGMAP}`,
    );
  else
    add(
      'ca-published',
      'pass',
      `ConfigMap ${CA_CONFIGMAP} holds ${published.certs.length} certificate${published.certs.length === 1 ? '' : 's'}`,
    );

  // 2. Every consumer carries it.
  if (published.certs.length) consumerChecks(status.consumers, ns).forEach((c) => checks.push(c));
  else if (status.consumers.length)
    add(
      'ca-bundles',
      'warn',
      `${status.consumers.length} CA consumers not compared: there is no CA in ${CA_CONFIGMAP} to compare with`,
    );
  if (status.consumers.length === 0)
    add(
      'ca-bundles',
      'fail',
      `no APIService, webhook or CRD conversion points at Service antrea in ${ns}`,
      'the Antrea manifest may be incomplete; re-apply it',
    );

  // 2b. Fields another writer owns: a GitOps tool that syncs them reverts the published CA.
  ownerChecks(inst).forEach((c) => checks.push(c));

  // 3. The Secret agrees with what is published.
  secretChecks(inputs, status, published.certs).forEach((c) => checks.push(c));

  // 4. The aggregation layer reaches the controller through the caBundle.
  for (const consumer of inst.consumers.filter((c) => c.kind === 'APIService')) {
    const object = `APIService/${consumer.name}`;
    const probe = inputs.probes.find((p) => p.groupVersion === consumer.groupVersion);
    const available = consumer.available?.status === 'True';
    if (probe?.status === 200 && available)
      add(
        `answers:${object}`,
        'pass',
        `${consumer.groupVersion} answers through the API server and ${consumer.name} is Available`,
        undefined,
        object,
      );
    else {
      const why = [
        available ? undefined : `not Available${availability(consumer.available)}`,
        probe && probe.status !== 200
          ? `GET /apis/${consumer.groupVersion} answered ${probe.status}${probe.message ? ` (${probe.message})` : ''}`
          : undefined,
      ].filter(Boolean);
      add(
        `answers:${object}`,
        'fail',
        `${consumer.name} does not answer: ${why.join('; ')}`,
        'the caBundle must verify the certificate the controller serves, and the controller Pod must be ready',
        object,
      );
    }
  }

  // 5. Expiry.
  const serving = servingChain(inst, modeOf(inst));
  const seen = new Set<string>();
  for (const cert of [...(serving?.certs ?? []), ...published.certs]) {
    if (seen.has(cert.info.sha256)) continue;
    seen.add(cert.info.sha256);
    checks.push(expiryCheck(cert, inputs, status), ...strengthChecks(cert));
  }

  // 6. The cert-manager Certificate that renews the pair.
  certManagerChecks(inst.certManager, ns).forEach((c) => checks.push(c));

  // 7. Nothing is left half done by a change.
  checks.push(...unfinishedChecks(inst, published.certs, inputs.now));

  // 8. The controller runs.
  const ready = inst.pods.filter((p) => p.ready && !p.deleting);
  const deployment = inst.deployment;
  if (inst.refusedDetails?.includes('Pods')) {
    const enough = deployment.readyReplicas > 0;
    add(
      'controller-ready',
      enough ? 'pass' : 'fail',
      `Deployment ${deployment.name} has ${deployment.readyReplicas} of ${deployment.replicas} replicas ready (its Pods may not be listed)`,
      enough ? undefined : `kubectl -n ${ns} describe deployment ${deployment.name}`,
    );
  } else if (ready.length)
    add(
      'controller-ready',
      'pass',
      `controller Pod ${ready.map((p) => p.name).join(', ')} is ready`,
    );
  else {
    const pod = inst.pods.find((p) => !p.deleting);
    add(
      'controller-ready',
      'fail',
      pod
        ? `controller Pod ${pod.name} is not ready${notReadyDetail(pod)}`
        : 'no antrea-controller Pod exists',
      `kubectl -n ${ns} describe pod -l ${CONTROLLER.selector}`,
    );
  }

  // 8. Several controllers of a release that keeps its pair in the Pod: each makes its own CA.
  const running = inst.pods.filter(
    (p) => !p.deleting && (p.phase === 'Running' || p.phase === 'Pending'),
  );
  const controllers = Math.max(running.length, deployment.replicas);
  if (controllers > 1 && modeOf(inst).pairStorage === 'pod')
    add(
      'controller-count',
      'fail',
      `${controllers} antrea-controller Pods each make their own self-signed CA in this release ` +
        "(the pair lives in the Pod) and overwrite each other's caBundles",
      `kubectl -n ${ns} scale deployment/${deployment.name} --replicas=1`,
    );

  const summary = {
    passed: checks.filter((c) => c.status === 'pass').length,
    warnings: checks.filter((c) => c.status === 'warn').length,
    failed: checks.filter((c) => c.status === 'fail').length,
  };
  return { namespace: ns, checks, summary };
}

function consumerChecks(consumers: readonly ConsumerReport[], ns: string): Check[] {
  const groups = new Map<string, ConsumerReport[]>();
  for (const c of consumers)
    groups.set(`${c.kind}/${c.name}`, [...(groups.get(`${c.kind}/${c.name}`) ?? []), c]);
  const hint =
    'the controller re-publishes on every CA change (v2: also every 2 minutes); ' +
    `if it keeps differing, a GitOps tool may be reverting caBundle. Otherwise ${restartHint(ns)}`;
  return [...groups].map(([object, entries]) => {
    const bad = entries.filter((e) => !e.caBundleMatches);
    if (bad.length === 0) {
      return {
        id: `ca-bundle:${object}`,
        status: 'pass' as const,
        message: `${object} carries the CA of ${CA_CONFIGMAP}${entries.length > 1 ? ` (${entries.length} webhooks)` : ''}`,
        object,
      };
    }
    const what = bad
      .map((e) => `${e.webhook ? `webhook ${e.webhook}: ` : ''}${describeState(e.caBundleState)}`)
      .join('; ');
    const id = `ca-bundle:${object}`;
    return { id, status: 'fail' as const, message: `${object}: ${what}`, hint, object };
  });
}

const describeState = (state: ConsumerReport['caBundleState']) =>
  ({
    empty: 'caBundle is empty',
    unparsable: 'caBundle does not parse',
    different: `caBundle differs from ${CA_CONFIGMAP}`,
    matches: 'matches',
  })[state];

function secretChecks(
  inputs: VerifyInputs,
  status: StatusReport,
  published: Certificate[],
): Check[] {
  const inst = inputs.installation;
  const secret = inst.tlsSecret;
  const checks: Check[] = [];
  const object = `Secret/${inst.deployment.secretName}`;
  const add = (aspect: string, s: CheckStatus, message: string, hint?: string) =>
    checks.push({
      id: `${aspect}:${object}`,
      status: s,
      message,
      ...(hint ? { hint } : {}),
      object,
    });
  if (inst.refusedDetails?.includes('Secret')) {
    add(
      'not-checked',
      'warn',
      `${object} may not be read (403 Forbidden): its key, its ca.crt and what antrea-ca publishes of it were not checked`,
      `with get on secrets/${inst.deployment.secretName} (README: antrea-certs-reader) verify checks them`,
    );
    const served = inst.served;
    if (served && 'unseen' in served) {
      checks.push({
        id: 'not-checked:serving-certificate',
        status: 'warn',
        message: `the serving certificate could not be seen: ${served.unseen}; its chain, names and expiry were not checked`,
        hint: 'with create on pods/portforward verify reads it from the controller (README: antrea-certs-viewer)',
      });
    }
    return checks;
  }
  if (status.mode === 'self-signed') {
    if (status.selfSignedPairStorage === 'secret' && secret?.cert && published.length) {
      const certs = tryParse(secret.cert, `${object} tls.crt`).certs;
      const same =
        certs.length > 0 &&
        certs.map((c) => c.info.sha256).join() === published.map((c) => c.info.sha256).join();
      if (same) add('published', 'pass', `${CA_CONFIGMAP} publishes the pair in ${object}`);
      else
        add(
          'published',
          'fail',
          `${CA_CONFIGMAP} does not hold the tls.crt of ${object}`,
          'the controller publishes tls.crt after each change (v2: every 2 minutes); wait, or restart it',
        );
    }
    return checks;
  }
  if (!secret) {
    add(
      'exists',
      'fail',
      `user-provided mode but ${object} does not exist`,
      'create it with kubectl antrea-certs import, or switch back with kubectl antrea-certs mode self-signed',
    );
    return checks;
  }
  const ca = tryParse(secret.ca, `${object} ca.crt`);
  if (ca.certs.length) {
    const same =
      published.length &&
      ca.certs
        .map((c) => c.info.sha256)
        .sort()
        .join() ===
        published
          .map((c) => c.info.sha256)
          .sort()
          .join();
    if (same)
      add('ca-published', 'pass', `the ca.crt of ${object} is what ${CA_CONFIGMAP} publishes`);
    else
      add(
        'ca-published',
        'fail',
        `the ca.crt of ${object} differs from ${CA_CONFIGMAP}`,
        'the controller reloads ca.crt within a minute of the kubelet refreshing the Secret volume; wait, or restart it',
      );
  }
  const result = preflight({
    cert: { pem: secret.cert, source: `the tls.crt of ${object}` },
    key: { pem: secret.key, source: `the tls.key of ${object}` },
    ca: { pem: secret.ca, source: `the ca.crt of ${object}` },
    requiredName: serviceDnsName(inst.namespace),
    recommendedNames: [],
    now: inputs.now,
    // Expiry has checks of its own, with --warn-within and --fail-within.
    checkValidity: false,
  });
  const failHint =
    'the controller cannot serve this pair (it waits for all three keys, then crash-loops); fix it with kubectl antrea-certs import';
  const warnHint =
    'the controller serves it; reissue it when you next rotate (kubectl antrea-certs rotate)';
  result.findings.forEach((finding, i) => {
    const error = finding.severity === 'error';
    const message = finding.message.replace(/\.$/, '');
    add(`pair-finding-${i + 1}`, error ? 'fail' : 'warn', message, error ? failHint : warnHint);
  });
  if (result.ok)
    add(
      'pair',
      'pass',
      `${object} holds a usable pair: tls.crt chains to ca.crt, carries ${serviceDnsName(inst.namespace)} and matches tls.key`,
    );
  return checks;
}

function strengthChecks(cert: Certificate): Check[] {
  const what = `certificate "${cert.info.subject}"`;
  const checks: Check[] = [];
  if (hasWeakRsaKey(cert))
    checks.push({
      id: `rsa-key-size:${cert.info.sha256}`,
      status: 'warn',
      message: `${what} has a ${cert.info.keySize}-bit RSA key`,
      hint: `use ${MIN_RSA_BITS} bits or more`,
    });
  if (isSha1Signed(cert))
    checks.push({
      id: `sha1-signature:${cert.info.sha256}`,
      status: 'warn',
      message: `${what} is signed with SHA-1`,
      hint: 'current TLS clients reject SHA-1 signatures; reissue it with SHA-256',
    });
  return checks;
}

function expiryCheck(cert: Certificate, inputs: VerifyInputs, status: StatusReport): Check {
  const left = cert.notAfter.getTime() - inputs.now.getTime();
  const what = `certificate "${cert.info.subject}"`;
  const id = `expiry:${cert.info.sha256}`;
  const renewHint =
    status.mode === 'self-signed'
      ? 'kubectl antrea-certs rotate makes a new one now'
      : 'import a renewed certificate with kubectl antrea-certs import';
  if (cert.notBefore.getTime() > inputs.now.getTime())
    return {
      id,
      status: 'fail',
      message: `${what} is not valid before ${cert.info.notBefore}`,
      hint: 'check the clocks, or reissue it',
    };
  if (left <= 0)
    return {
      id,
      status: 'fail',
      message: `${what} expired ${formatDuration(-left)} ago`,
      hint: renewHint,
    };
  if (left < inputs.failWithinMs)
    return {
      id,
      status: 'fail',
      message: `${what} expires in ${formatDuration(left)}`,
      hint: renewHint,
    };
  if (left < inputs.warnWithinMs) {
    const selfRenews =
      status.mode === 'self-signed' &&
      status.selfSignedPairStorage === 'secret' &&
      left < SELF_SIGNED_REGENERATE_WITHIN_MS;
    return {
      id,
      status: 'warn',
      message: `${what} expires in ${formatDuration(left)}`,
      hint: selfRenews ? 'the controller replaces it within an hour' : renewHint,
    };
  }
  return { id, status: 'pass', message: `${what} is valid for ${formatDuration(left)}` };
}

/** The managers of a field that are neither antrea-controller nor this plugin. */
const foreignOwners = (owners: readonly string[] | undefined) =>
  [...new Set(owners ?? [])].filter(
    (o) => o !== CONTROLLER_FIELD_MANAGER && o !== PLUGIN_FIELD_MANAGER,
  );

/**
 * A warning for each object whose CA copy another field manager owns (Argo CD, kapp, Flux...), with
 * Argo CD's ignoreDifferences for all of them under the first.
 */
function ownerChecks(inst: Installation): Check[] {
  const found = new Map<string, { kind: string; owners: Set<string> }>();
  for (const c of inst.consumers) {
    const owners = foreignOwners(c.caBundleOwners);
    if (!owners.length) continue;
    const object = `${c.kind}/${c.name}`;
    const entry = found.get(object) ?? { kind: c.kind, owners: new Set<string>() };
    owners.forEach((o) => entry.owners.add(o));
    found.set(object, entry);
  }
  const caOwners = foreignOwners(inst.caConfigMap?.owners);
  if (caOwners.length)
    found.set(`ConfigMap/${CA_CONFIGMAP}`, { kind: 'ConfigMap', owners: new Set(caOwners) });
  const snippet = argoIgnoreDifferences([...found.values()].map((f) => f.kind));
  return [...found].map(([object, { owners }], i) => ({
    id: `field-owner:${object}`,
    status: 'warn' as const,
    message:
      `${object === `ConfigMap/${CA_CONFIGMAP}` ? `ca.crt of ${object}` : `the caBundle of ${object}`} ` +
      `is also owned by ${[...owners].join(', ')}: a tool that syncs it reverts the CA antrea-controller publishes`,
    hint: `make ${[...owners].join(', ')} ignore the field (README: GitOps; Argo CD below)`,
    object,
    ...(i === 0 ? { detail: snippet } : {}),
  }));
}
