// status --all as data: every certificate and key Antrea keeps, kubeadm-style
// (where it lives, when it expires, its CA, who manages it), then the CAs.
// Pure: built from the status report and the other reads.
import type { Within } from '../certs/within.ts';
import { FLOW_AGGREGATOR, MEMBERLIST_KEYS } from '../antrea/names.ts';
import { IPSEC } from '../antrea/ipsec.ts';
import { tryParse } from '../certs/try-parse.ts';
import type { FoundBundle, KeyMaterial, Snapshot } from '../antrea/snapshot.ts';
import type { Outcome } from '../kube/outcome.ts';
import { agentApiCertificates, type AgentApiCertificate } from './agent-api.ts';
import { encryptionFrom, type EncryptionReport } from './ipsec.ts';
import { statusFrom, type StatusReport } from './status.ts';
import { installationOf } from '../antrea/installation.ts';
import { certificateReport, type CertificateReport } from './certificate-report.ts';
import {
  RENEWAL_RULES,
  renewalOf,
  type NoRenewer,
  type Renewal,
  type RenewalRule,
} from '../antrea/renewal.ts';
import { parseRelease } from '../antrea/versions.ts';

/** One certificate or key of the inventory. */
export interface InventoryEntry {
  readonly name: string;
  readonly kind: 'certificate' | 'key';
  readonly location: string;
  readonly subject?: string;
  readonly notAfter?: string;
  readonly expiresIn?: string;
  readonly expiresInSeconds?: number;
  /** The CA that signed it, by its inventory name; its issuer's subject when that CA is not listed. */
  readonly ca?: string;
  /** Who renews it: antrea-controller, antrea-agent, cert-manager, Helm, or you. */
  readonly managedBy: string;
  readonly sha256?: string;
  readonly note?: string;
  /** Who renews it and when, or that nobody does; absent when the plugin cannot tell. */
  readonly renewal?: Renewal | NoRenewer;
}

/** status --all: the certificates and keys, the CAs, and what could not be read. */
export interface InventoryReport {
  readonly namespace: string;
  readonly certificates: InventoryEntry[];
  readonly authorities: InventoryEntry[];
  readonly notRead: { readonly what: string; readonly reason: string }[];
  /** With --expiring-within: only entries that expire within this. */
  readonly expiringWithin?: string;
}

/** What the inventory is built from. */
export interface InventoryInputs {
  readonly status: StatusReport;
  readonly encryption: EncryptionReport | { readonly error: string };
  readonly agentApi: Outcome<AgentApiCertificate[]>;
  readonly keys: KeyMaterial;
  readonly now: Date;
  readonly expiringWithinMs?: number;
  readonly expiringWithin?: string;
}

const entry = (
  name: string,
  location: string,
  cert: CertificateReport,
  managedBy: string,
): InventoryEntry => ({
  name,
  kind: 'certificate',
  location,
  subject: cert.subject,
  notAfter: cert.notAfter,
  expiresIn: cert.expiresIn,
  expiresInSeconds: cert.expiresInSeconds,
  ca: cert.issuer === cert.subject ? 'self-signed' : cert.issuer,
  managedBy,
  sha256: cert.sha256,
});

/** A renewal under `renewer` of a certificate as reports hold it (ISO dates), or nobody. */
function renewalFor(
  renewer: RenewalRule | NoRenewer,
  cert: { readonly notBefore: string; readonly notAfter: string },
  now: Date,
  namespace: string,
): Renewal | NoRenewer {
  if (renewer.renewer === null) return renewer;
  const validity = { notBefore: new Date(cert.notBefore), notAfter: new Date(cert.notAfter) };
  return renewalOf(renewer, validity, now, { namespace });
}

/** The flow-aggregator renews its certificates from v2.6 (by the release of the controller). */
function flowAggregatorRenewer(status: StatusReport): RenewalRule | NoRenewer {
  const release = parseRelease(status.antreaVersion ?? undefined);
  const renews = release && (release.major > 2 || (release.major === 2 && release.minor >= 6));
  return renews
    ? RENEWAL_RULES.flowAggregator
    : { renewer: null, note: 'made anew only when the flow-aggregator starts (before v2.6)' };
}

/** Builds the inventory; CA names replace issuer subjects where the CA is listed. */
export function inventoryFrom(inputs: InventoryInputs): InventoryReport {
  const { status, now } = inputs;
  const ns = status.namespace;
  const certificates: InventoryEntry[] = [];
  const authorities: InventoryEntry[] = [];
  const notRead: InventoryReport['notRead'][number][] = [];
  const note = (what: string, outcome: Outcome<unknown>) => {
    if ('refused' in outcome) notRead.push({ what, reason: outcome.refused });
  };
  const bundle = (
    found: FoundBundle,
    name: string,
    managedBy: string,
    into: InventoryEntry[],
    renewer?: RenewalRule | NoRenewer,
  ) =>
    tryParse(found.pem, found.location).certs.forEach((c, i) =>
      into.push({
        ...entry(
          i ? `${name} #${i + 1}` : name,
          found.location,
          certificateReport(c, now),
          found.managedBy ?? managedBy,
        ),
        ...(renewer ? { renewal: renewalFor(renewer, c.info, now, ns) } : {}),
      }),
    );

  const controllerManager = status.certManagerCertificate
    ? `cert-manager (Certificate ${status.certManagerCertificate})`
    : status.mode === 'user-provided'
      ? 'you (user-provided)'
      : 'antrea-controller';
  const servingRenewal = status.servingRenewal ? { renewal: status.servingRenewal } : {};
  if (status.servingCertificate)
    certificates.push({
      ...entry(
        'controller serving',
        status.servingCertificateSource ?? '',
        status.servingCertificate,
        controllerManager,
      ),
      ...servingRenewal,
    });
  status.caBundle.certificates
    .filter((c) => c.isCA)
    .forEach((c, i) =>
      authorities.push({
        ...entry(
          i ? `antrea-ca #${i + 1}` : 'antrea-ca',
          `ConfigMap ${ns}/${status.caBundle.configMap}`,
          c,
          controllerManager,
        ),
        // Self-signed: one pair, renewed together; otherwise the CA is the admin's or an issuer's.
        ...(status.mode === 'self-signed' ? servingRenewal : {}),
      }),
    );

  const ipsec = 'error' in inputs.encryption ? null : inputs.encryption.ipsec;
  if (ipsec) {
    const psk = ipsec.pskSecret;
    if ('notRead' in psk) notRead.push({ what: `Secret ${IPSEC.pskSecret}`, reason: psk.notRead });
    else if (psk.exists)
      certificates.push({
        name: 'IPsec pre-shared key',
        kind: 'key',
        location: `Secret ${ns}/${IPSEC.pskSecret}`,
        managedBy: 'you',
        note: psk.defaultKey
          ? 'the published default: replace it'
          : 'no expiry; never rotated by Antrea',
      });
    const ca = ipsec.ca;
    if (ca && 'notRead' in ca)
      notRead.push({ what: `ConfigMap ${IPSEC.caConfigMap}`, reason: ca.notRead });
    else if (ca?.certificates[0])
      authorities.push({
        ...entry(
          'IPsec CA',
          `ConfigMap ${ns}/${IPSEC.caConfigMap}`,
          ca.certificates[0],
          'antrea-controller (never rotated)',
        ),
        renewal: { renewer: null, note: 'never rotated by Antrea' },
      });
    for (const cert of ipsec.agentCertificates)
      certificates.push({
        ...entry(
          `IPsec ${/CN=([^,]+)/.exec(cert.subject)?.[1] ?? cert.subject}`,
          `CertificateSigningRequest ${cert.request}`,
          cert,
          'antrea-agent',
        ),
        renewal: renewalFor(RENEWAL_RULES.agentIpsec, cert, now, ns),
      });
  }

  if ('value' in inputs.agentApi)
    for (const cert of inputs.agentApi.value)
      certificates.push({
        ...entry(`agent API ${cert.node}`, `AntreaAgentInfo ${cert.node}`, cert, 'antrea-agent'),
        note: 'in memory, new only when the agent restarts',
        renewal: { renewer: null, note: 'new only when the agent restarts' },
      });
  else note('AntreaAgentInfos', inputs.agentApi);

  const keys = inputs.keys;
  if ('value' in keys.memberlistKeys && keys.memberlistKeys.value !== undefined)
    certificates.push({
      name: 'memberlist gossip keys',
      kind: 'key',
      location: `Secret ${ns}/${MEMBERLIST_KEYS.secret}`,
      managedBy: 'antrea-controller',
      note: `${keys.memberlistKeys.value} key${keys.memberlistKeys.value === 1 ? '' : 's'}; not rotated`,
    });
  else note(`Secret ${MEMBERLIST_KEYS.secret}`, keys.memberlistKeys);
  const fa = FLOW_AGGREGATOR;
  for (const [outcome, name, into, what] of [
    [
      keys.flowAggregatorCa,
      'flow-aggregator CA',
      authorities,
      `ConfigMap ${fa.namespace}/${fa.caConfigMap}`,
    ],
    [
      keys.flowAggregatorCaPair,
      'flow-aggregator CA pair',
      authorities,
      `Secret ${fa.namespace}/${fa.caSecret}`,
    ],
    [
      keys.flowAggregatorClient,
      'flow-aggregator client',
      certificates,
      `Secret ${fa.namespace}/${fa.clientSecret}`,
    ],
  ] as const) {
    if ('value' in outcome && outcome.value)
      bundle(outcome.value, name, 'flow-aggregator', into, flowAggregatorRenewer(status));
    else note(what, outcome);
  }
  if ('value' in keys.multiclusterCas)
    keys.multiclusterCas.value.forEach((found) =>
      bundle(found, 'multi-cluster CA', 'antrea-mc-controller', authorities),
    );
  else note('ConfigMaps antrea-mc-ca', keys.multiclusterCas);

  // The CA column names a listed CA where one has the issuer's subject.
  const named = new Map(authorities.map((a) => [a.subject, a.name]));
  const withCa = (e: InventoryEntry): InventoryEntry =>
    e.ca && e.ca !== 'self-signed' && named.has(e.ca) ? { ...e, ca: named.get(e.ca) ?? e.ca } : e;
  const within = inputs.expiringWithinMs;
  const keep = (e: InventoryEntry) =>
    within === undefined ||
    (e.expiresInSeconds !== undefined && e.expiresInSeconds * 1000 <= within);
  return {
    namespace: ns,
    certificates: certificates.map(withCa).filter(keep),
    authorities: authorities.map(withCa).filter(keep),
    notRead,
    ...(inputs.expiringWithin ? { expiringWithin: inputs.expiringWithin } : {}),
  };
}

/** status --all: every certificate and key of Antrea, from the snapshot's key material. */
export function inventoryOf(
  snapshot: Snapshot & Required<Pick<Snapshot, 'keyMaterial' | 'agentInfos'>>,
  now: Date,
  options: {
    readonly warnWithin: Within;
    readonly expiringWithinMs?: number;
    readonly expiringWithin?: string;
  },
): InventoryReport {
  const { keyMaterial, agentInfos } = snapshot;
  const installation = installationOf(snapshot);
  return inventoryFrom({
    status: statusFrom({ installation, now, warnWithin: options.warnWithin }),
    encryption: encryptionFrom({
      agentConf: installation.config?.agentText,
      controllerConf: installation.config?.text,
      ...(snapshot.ipsec ? { objects: snapshot.ipsec } : {}),
      now,
    }),
    agentApi:
      'value' in agentInfos ? { value: agentApiCertificates(agentInfos.value, now) } : agentInfos,
    keys: keyMaterial,
    now,
    ...(options.expiringWithinMs !== undefined
      ? { expiringWithinMs: options.expiringWithinMs, expiringWithin: options.expiringWithin }
      : {}),
  });
}
