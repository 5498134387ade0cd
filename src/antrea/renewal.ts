// Who renews each of Antrea's certificates, and when, as data: each renewer's
// rule and the release it starts at. A certificate past its renewal point, by
// more than the renewer's grace, means the renewer failed: months before the
// expiry that every other tool waits for.
import { SELF_SIGNED_REGENERATE_WITHIN_MS } from './names.ts';
import type { ModeInfo } from './mode.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A certificate's validity, as renewal rules read it. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** How one renewer renews. */
export interface RenewalRule {
  /** Who renews: antrea-controller, cert-manager, flow-aggregator, antrea-agent. */
  readonly renewer: string;
  /** The rule, in words. */
  readonly rule: string;
  /** The releases that follow it. */
  readonly since: string;
  /** How long past its point the renewer may take (how often it looks). */
  readonly graceMs: number;
  /** When the renewal is due; `renewalTime` is what the renewer itself published, if it did. */
  readonly dueAt: (validity: Validity, renewalTime?: Date) => Date;
  /** Where to look when it did not renew ({ns}: the Antrea namespace). */
  readonly causes: string;
}

const lifetime = (v: Validity) => v.notAfter.getTime() - v.notBefore.getTime();
const at = (ms: number) => new Date(ms);

/** The renewers of Antrea's certificates (shared/antrea-cert-behavior.md, Antrea's docs). */
export const RENEWAL_RULES = {
  controllerSecret: {
    renewer: 'antrea-controller',
    rule: 'replaces its self-signed pair when less than 90 days remain, checking every hour',
    since: 'v2.0, v1.13.4, v1.14.3 and v1.15.1',
    graceMs: HOUR_MS,
    dueAt: (v) => at(v.notAfter.getTime() - SELF_SIGNED_REGENERATE_WITHIN_MS),
    causes:
      "the controller's log (kubectl -n {ns} logs deploy/antrea-controller), its RBAC on Secret " +
      'antrea-controller-tls, an admission policy or GitOps tool that puts the old Secret back, a crash loop',
  },
  controllerPod: {
    renewer: 'antrea-controller',
    rule: 'rotates the pair it holds in the Pod at half its remaining lifetime, at most yearly',
    since: 'v1.0 to v1.12, v1.13.0-3, v1.14.0-2 and v1.15.0',
    graceMs: HOUR_MS,
    dueAt: (v) => at(v.notBefore.getTime() + Math.min(lifetime(v) / 2, 365 * DAY_MS)),
    causes:
      "the controller's log (kubectl -n {ns} logs deploy/antrea-controller); a restart of the " +
      'controller makes a new pair',
  },
  certManager: {
    renewer: 'cert-manager',
    rule: "renews at the Certificate's status.renewalTime (by default two thirds into the lifetime)",
    since: 'cert-manager',
    graceMs: HOUR_MS,
    dueAt: (v, renewalTime) => renewalTime ?? at(v.notAfter.getTime() - lifetime(v) / 3),
    causes:
      "the Certificate's conditions and events (kubectl -n {ns} describe certificate), its " +
      "CertificateRequests, and the issuer's Ready condition",
  },
  flowAggregator: {
    renewer: 'flow-aggregator',
    rule: 'replaces its certificates when less than 90 days remain, checking every hour',
    since: 'v2.6 (earlier releases make new ones only when they start)',
    graceMs: HOUR_MS,
    dueAt: (v) => at(v.notAfter.getTime() - 90 * DAY_MS),
    causes: "the flow-aggregator's log (kubectl -n flow-aggregator logs deploy/flow-aggregator)",
  },
  agentIpsec: {
    renewer: 'antrea-agent',
    rule: 'renews its IPsec certificate at 70 to 90 % of its lifetime (jittered)',
    since: 'v1.7',
    graceMs: HOUR_MS,
    dueAt: (v) => at(v.notBefore.getTime() + 0.9 * lifetime(v)),
    causes:
      "the agent's log on that Node, and the CertificateSigningRequests of signer " +
      'antrea.io/antrea-agent-ipsec-tunnel (approved, and signed by the controller)',
  },
} as const satisfies Record<string, RenewalRule>;

/** A certificate's renewal: who, when, and since when it is overdue (past the point and the grace). */
export interface Renewal {
  readonly renewer: string;
  readonly rule: string;
  readonly dueAt: string;
  readonly graceSeconds: number;
  readonly overdueSince?: string;
  /** Where to look when it is overdue. */
  readonly causes: string;
}

/** Nobody renews it: it is renewed by a restart, or by you. */
export interface NoRenewer {
  readonly renewer: null;
  readonly note: string;
}

/** The renewal of a certificate under `rule` at `now`. */
export function renewalOf(
  rule: RenewalRule,
  validity: Validity,
  now: Date,
  options: { readonly renewalTime?: Date; readonly namespace?: string } = {},
): Renewal {
  const due = rule.dueAt(validity, options.renewalTime);
  const overdue = due.getTime() + rule.graceMs;
  return {
    renewer: rule.renewer,
    rule: rule.rule,
    dueAt: due.toISOString(),
    graceSeconds: rule.graceMs / 1000,
    ...(now.getTime() > overdue ? { overdueSince: at(overdue).toISOString() } : {}),
    causes: rule.causes.replaceAll('{ns}', options.namespace ?? 'kube-system'),
  };
}

/** Who renews the serving certificate in this mode: a rule, or nobody (and why). */
export function servingRenewer(mode: ModeInfo): RenewalRule | NoRenewer {
  if (mode.certManagerCertificate) return RENEWAL_RULES.certManager;
  if (mode.mode === 'user-provided')
    return {
      renewer: null,
      note: 'user-provided and not managed by cert-manager: renewed by you (kubectl antrea-certs import)',
    };
  if (mode.pairStorage === 'pod') return RENEWAL_RULES.controllerPod;
  return RENEWAL_RULES.controllerSecret;
}
