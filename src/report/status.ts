// The status report: what `status` shows, as data (rendered elsewhere).
// Pure: built from what the cluster layer read, at a given time.
import { withinMs, type Within } from '../certs/within.ts';
import { sameCertificates, type Certificate } from '../certs/certificate.ts';
import { buildChain } from '../certs/chain.ts';
import { MIN_RSA_BITS, hasWeakRsaKey, isSha1Signed } from '../certs/strength.ts';
import { tryParse } from '../certs/try-parse.ts';
import { describeMode, modeOf, type ModeInfo } from '../antrea/mode.ts';
import { CA_CONFIGMAP, serviceDnsName } from '../antrea/names.ts';
import { renewalOf, servingRenewer, type NoRenewer, type Renewal } from '../antrea/renewal.ts';
import { lastChangeOf, type LastChange } from '../antrea/change-lease.ts';
import { servingChain } from '../antrea/serving.ts';
import {
  installationOf,
  type Installation,
  type Consumer,
  type ControllerPod,
} from '../antrea/installation.ts';
import type { Snapshot } from '../antrea/snapshot.ts';
import type { CertificateState } from '../antrea/cert-manager-certificate.ts';
import { formatDuration } from '../duration.ts';
import { notReadyDetail } from './pods.ts';
import { certificateReport, type CertificateReport } from './certificate-report.ts';
import { ipsecBlock, type IpsecReport } from './ipsec.ts';

export type { CertificateReport } from './certificate-report.ts';

const SECRET_KEYS = [
  ['ca', 'ca.crt'],
  ['cert', 'tls.crt'],
  ['key', 'tls.key'],
] as const;

/** One CA consumer compared with antrea-ca: whether its caBundle matches, and if not, why. */
export interface ConsumerReport {
  readonly kind: Consumer['kind'];
  readonly name: string;
  readonly webhook?: string;
  readonly caBundleMatches: boolean;
  /** empty, unparsable, different, matches */
  readonly caBundleState: 'matches' | 'different' | 'empty' | 'unparsable';
  /** SHA-256 of the bundle's first certificate. */
  readonly caBundleSha256?: string;
  readonly available?: Consumer['available'];
}

/**
 * What status shows, and prints as JSON or YAML: the mode, the Secret, the serving certificate and
 * its chain, the CA bundle, the consumers, the controller and the warnings.
 */
export interface StatusReport {
  readonly namespace: string;
  readonly namespaceSource: Installation['namespaceSource'];
  readonly antreaVersion: string | null;
  readonly versionSource: ModeInfo['versionSource'];
  readonly mode: ModeInfo['mode'];
  readonly modeDescription: string;
  readonly selfSignedPairStorage: ModeInfo['pairStorage'] | null;
  readonly certManagerCertificate: string | null;
  /** That Certificate as cert-manager reports it: Ready, issuer, renewal time (null: none, or not readable). */
  readonly certManager: CertificateState | null;
  readonly helmManaged: boolean;
  readonly configMap: string | null;
  readonly secret: { readonly name: string; readonly type: string; readonly keys: string[] } | null;
  readonly servingCertificate: CertificateReport | null;
  /** The last change this plugin made, from the Deployment's annotation (null: none recorded). */
  readonly lastChange: LastChange | null;
  /** Who renews the serving certificate and when; or that nobody does (null: no certificate). */
  readonly servingRenewal: Renewal | NoRenewer | null;
  readonly servingCertificateSource: string | null;
  readonly servingChain: {
    readonly chainsToPublishedCA: boolean;
    readonly reason?: string;
    readonly serviceName: string;
    readonly hasServiceName: boolean;
  } | null;
  readonly caBundle: {
    readonly configMap: string;
    readonly present: boolean;
    readonly certificates: CertificateReport[];
    readonly error?: string;
  };
  readonly consumers: ConsumerReport[];
  readonly controller: {
    readonly deployment: string;
    readonly replicas: number;
    readonly readyReplicas: number;
    readonly pods: ControllerPod[];
  };
  readonly warnings: string[];
  /** In IPsec mode: its authentication, keys, CA and agents' requests (status only; null otherwise). */
  readonly ipsec?: IpsecReport | null;
  /** What could not be read and what stands in for it (a refused detail), as sentences. */
  readonly notes: string[];
}

/**
 * What status is built from: the installation as read, the time to measure expiry against, and the
 * warning threshold.
 */
export interface StatusInputs {
  readonly installation: Installation;
  readonly now: Date;
  /** Expiry warning threshold (status: 30 days). */
  readonly warnWithin: Within;
}

/**
 * Compares a consumer's caBundle with the certificates antrea-ca publishes, as sets: order does not
 * count.
 */
export function consumerReport(consumer: Consumer, published: Certificate[]): ConsumerReport {
  const parsed = tryParse(consumer.caBundle, `${consumer.kind} ${consumer.name} caBundle`);
  const state: ConsumerReport['caBundleState'] =
    consumer.caBundle.trim() === ''
      ? 'empty'
      : parsed.error
        ? 'unparsable'
        : published.length > 0 && sameCertificates(parsed.certs, published)
          ? 'matches'
          : 'different';
  return {
    kind: consumer.kind,
    name: consumer.name,
    ...(consumer.webhook ? { webhook: consumer.webhook } : {}),
    caBundleMatches: state === 'matches',
    caBundleState: state,
    ...(parsed.certs[0] ? { caBundleSha256: parsed.certs[0].info.sha256 } : {}),
    ...(consumer.available ? { available: consumer.available } : {}),
  };
}

/** Builds the status report, warnings included, from one read of the installation. */
export function statusFrom({ installation: inst, now, warnWithin }: StatusInputs): StatusReport {
  const mode = modeOf(inst);
  const warnings: string[] = [];
  const published = tryParse(inst.caConfigMap?.bundle, `ConfigMap ${CA_CONFIGMAP}`);
  const serving = servingChain(inst, mode);
  const leaf = serving?.certs[0];
  const serviceName = serviceDnsName(inst.namespace);

  if (mode.configError)
    warnings.push(`${mode.configError}; the controller will not start with it.`);
  if (!inst.caConfigMap)
    warnings.push(
      `ConfigMap ${CA_CONFIGMAP} is missing: antrea-agents and antctl cannot verify the controller.`,
    );
  else if (published.error) warnings.push(`ConfigMap ${CA_CONFIGMAP}: ${published.error}.`);
  const secretRefused = inst.refusedDetails?.includes('Secret') ?? false;
  if (mode.mode === 'user-provided' && !secretRefused) {
    const missing = SECRET_KEYS.filter(([field]) => !inst.tlsSecret?.[field]).map(([, key]) => key);
    if (!inst.tlsSecret)
      warnings.push(
        `user-provided mode but Secret ${inst.deployment.secretName} does not exist: the controller cannot start.`,
      );
    else if (missing.length)
      warnings.push(
        `user-provided mode but Secret ${inst.tlsSecret.name} has no ${missing.join(', ')}: the controller cannot start.`,
      );
  }

  let chain: StatusReport['servingChain'] = null;
  if (leaf) {
    const result = buildChain(leaf, serving.certs.slice(1), published.certs);
    const hasServiceName = leaf.info.dnsNames.includes(serviceName);
    chain = {
      chainsToPublishedCA: result.ok,
      ...(result.ok ? {} : { reason: result.reason }),
      serviceName,
      hasServiceName,
    };
    if (!result.ok && published.certs.length)
      warnings.push(`the serving certificate does not chain to ${CA_CONFIGMAP}: ${result.reason}.`);
    if (!hasServiceName)
      warnings.push(
        `the serving certificate does not carry the DNS name ${serviceName} that clients verify.`,
      );
  }
  const renewal = leaf ? servingRenewal(inst, mode, leaf, now) : null;
  if (renewal && 'dueAt' in renewal && Date.parse(renewal.dueAt) <= now.getTime())
    warnings.push(
      renewal.overdueSince
        ? `renewal overdue since ${renewal.overdueSince}, by ${renewal.renewer} ` +
            `(it ${renewal.rule}); look at ${renewal.causes}.`
        : `the serving certificate's renewal is due since ${renewal.dueAt}: ${renewal.renewer} ${renewal.rule}.`,
    );

  const certs = [
    ...new Map(
      [...(serving?.certs ?? []), ...published.certs].map((c) => [c.info.sha256, c]),
    ).values(),
  ];
  for (const cert of certs) {
    const left = cert.notAfter.getTime() - now.getTime();
    const what = `certificate "${cert.info.subject}"`;
    if (left <= 0) warnings.push(`${what} expired ${formatDuration(-left)} ago.`);
    else if (left < withinMs(warnWithin, cert))
      warnings.push(`${what} expires in ${formatDuration(left)}.`);
    if (cert.notBefore.getTime() > now.getTime())
      warnings.push(`${what} is not valid before ${cert.info.notBefore}.`);
    if (hasWeakRsaKey(cert)) {
      warnings.push(
        `${what} has a ${cert.info.keySize}-bit RSA key; use ${MIN_RSA_BITS} bits or more.`,
      );
    }
    if (isSha1Signed(cert)) warnings.push(`${what} is signed with SHA-1; clients reject it.`);
  }

  const consumers = inst.consumers.map((c) => consumerReport(c, published.certs));
  const differing = consumers.filter((c) => !c.caBundleMatches);
  if (published.certs.length && differing.length) {
    warnings.push(
      `${differing.length} of ${consumers.length} CA consumers do not carry the CA of ` +
        `${CA_CONFIGMAP} (${[...new Set(differing.map((c) => c.name))].join(', ')}).`,
    );
  }
  if (consumers.length === 0)
    warnings.push(
      `no APIService, webhook or CRD conversion points at Service antrea in ${inst.namespace}.`,
    );
  for (const pod of inst.pods.filter((p) => !p.ready && !p.deleting)) {
    warnings.push(`controller Pod ${pod.name} is not ready${notReadyDetail(pod)}.`);
  }
  const podsRefused = inst.refusedDetails?.includes('Pods') ?? false;
  if (inst.pods.length === 0 && !podsRefused) warnings.push('no antrea-controller Pod exists.');
  if (podsRefused && inst.deployment.readyReplicas === 0)
    warnings.push(`Deployment ${inst.deployment.name} has no ready replica.`);

  return {
    namespace: inst.namespace,
    namespaceSource: inst.namespaceSource,
    antreaVersion: mode.version ?? null,
    versionSource: mode.versionSource,
    mode: mode.mode,
    modeDescription: describeMode(mode, inst.deployment.secretName),
    selfSignedPairStorage: mode.mode === 'self-signed' ? (mode.pairStorage ?? null) : null,
    certManagerCertificate: mode.certManagerCertificate ?? null,
    certManager: inst.certManager ?? null,
    helmManaged: mode.helmManaged,
    configMap: inst.config?.name ?? null,
    secret: inst.tlsSecret
      ? {
          name: inst.tlsSecret.name,
          type: inst.tlsSecret.type,
          keys: SECRET_KEYS.filter(([field]) => inst.tlsSecret?.[field]).map(([, key]) => key),
        }
      : null,
    servingCertificate: leaf ? certificateReport(leaf, now) : null,
    servingRenewal: renewal,
    lastChange: lastChangeOf(inst.deployment.annotations) ?? null,
    servingCertificateSource: serving?.source ?? null,
    servingChain: chain,
    caBundle: {
      configMap: CA_CONFIGMAP,
      present: Boolean(inst.caConfigMap),
      certificates: published.certs.map((c) => certificateReport(c, now)),
      ...(inst.caConfigMap && published.error ? { error: published.error } : {}),
    },
    consumers,
    controller: {
      deployment: inst.deployment.name,
      replicas: inst.deployment.replicas,
      readyReplicas: inst.deployment.readyReplicas,
      pods: inst.pods,
    },
    warnings,
    notes: notesOn(inst, mode),
  };
}

/** The serving certificate's renewal under its renewer's rule (cert-manager: its renewalTime). */
function servingRenewal(
  inst: Installation,
  mode: ModeInfo,
  leaf: Certificate,
  now: Date,
): Renewal | NoRenewer {
  const renewer = servingRenewer(mode);
  if (renewer.renewer === null) return renewer;
  const renewalTime = inst.certManager?.renewalTime;
  return renewalOf(renewer, leaf, now, {
    namespace: inst.namespace,
    ...(renewalTime ? { renewalTime: new Date(renewalTime) } : {}),
  });
}

/** What a refused detail read leaves out, and what stands in for it. */
function notesOn(inst: Installation, mode: ModeInfo): string[] {
  const notes: string[] = [];
  if (inst.refusedDetails?.includes('AntreaControllerInfo')) {
    const standIn =
      mode.versionSource === 'image tag'
        ? 'the Antrea version comes from the controller image tag'
        : 'the Antrea version is unknown';
    notes.push(`you may not get antreacontrollerinfos (403 Forbidden): ${standIn}.`);
  }
  if (inst.refusedDetails?.includes('Secret')) {
    const secret = inst.deployment.secretName;
    const served = inst.served;
    const standIn =
      served && 'pem' in served
        ? `the serving certificate is the one Pod ${served.pod} serves, seen through a port-forward`
        : served
          ? `the serving certificate cannot be seen (${served.unseen})`
          : `the serving certificate comes from ConfigMap ${CA_CONFIGMAP}`;
    const why = inst.withheldDetails?.includes('Secret')
      ? `Secret ${secret} is not read by choice (--read-secrets=false)`
      : `you may not get Secret ${secret} (403 Forbidden)`;
    notes.push(`${why}: ${standIn}; its key and ca.crt are not checked.`);
  }
  if (inst.refusedDetails?.includes('Pods')) {
    notes.push(
      `you may not list pods (403 Forbidden): the controller's readiness comes from Deployment ${inst.deployment.name}.`,
    );
  }
  if (inst.refusedDetails?.includes('Certificate')) {
    notes.push(
      `you may not get certificates.cert-manager.io (403 Forbidden): the readiness and renewal of ` +
        `Certificate ${mode.certManagerCertificate ?? ''} are not shown.`,
    );
  }
  return notes;
}

/** status: the certificates, CA bundles, consumers and, in IPsec mode, its keys and CA. */
export function statusOf(
  snapshot: Snapshot,
  now: Date,
  warnWithin: Within,
): StatusReport & { readonly ipsec: IpsecReport | null } {
  const installation = installationOf(snapshot);
  return {
    ...statusFrom({ installation, now, warnWithin }),
    ipsec: ipsecBlock(installation, snapshot.ipsec, now),
  };
}
