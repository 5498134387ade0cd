// The checks of `audit`, as data: Antrea's security recommendations on the
// live cluster (who can reach Antrea's files on the Nodes, what stops a new
// Pod from doing so, the release's file permissions) and its encryption and
// agent keys. Pure: built from what the cluster layer read.
import { supportsIpsecCertAuth } from '../../antrea/ipsec.ts';
import { modeOf } from '../../antrea/mode.ts';
import { parseRelease } from '../../antrea/versions.ts';
import { installationOf, type Installation } from '../../antrea/installation.ts';
import type { IpsecObjects, SecurityObjects, Snapshot } from '../../antrea/snapshot.ts';
import { agentApiCertificates, type AgentApiCertificate } from '../agent-api.ts';
import { encryptionFrom, type EncryptionReport } from '../ipsec.ts';
import type { CertificateReport } from '../certificate-report.ts';
import { summaryOf, type Check, type CheckSummary } from '../check.ts';
import { describeWithin } from '../../certs/within.ts';
import type { NamespaceGuard } from './admission.ts';
import { expiryChecks, notReadWarning, plural, type Thresholds } from './common.ts';
import { encryptionChecks, ipsecCertificateChecks } from './encryption.ts';
import { hostAccessChecks } from './host-access.ts';
import type { HostPathPod } from './host-paths.ts';
import { releaseCheck } from './release.ts';

/** What audit is built from: the reads, the time, the expiry thresholds and the trusted namespaces. */
export interface AuditInputs extends Thresholds {
  readonly installation: Installation;
  readonly security: SecurityObjects;
  readonly ipsec: IpsecObjects;
  readonly now: Date;
  readonly trustedNamespaces: readonly string[];
}

/** What audit shows, and prints as JSON or YAML. */
export interface AuditReport {
  readonly namespace: string;
  readonly antreaVersion: string | null;
  readonly kubernetesVersion: string | null;
  readonly checks: Check[];
  readonly summary: CheckSummary;
  /** Every Pod whose hostPath reaches /var/run/antrea, Antrea's own and trusted ones included. */
  readonly hostPathPods: HostPathPod[];
  /** Each namespace that runs Pods (besides Antrea's and the trusted ones) and what guards it. */
  readonly namespaces: NamespaceGuard[];
  readonly trafficEncryption: EncryptionReport | { readonly error: string };
  readonly agentApiCertificates: AgentApiCertificate[];
}

/** Runs every audit check on one read of the cluster. */
export function auditFrom(inputs: AuditInputs): AuditReport {
  const inst = inputs.installation;
  const version = modeOf(inst).version;
  const access = hostAccessChecks(inputs.security, inst.namespace, inputs.trustedNamespaces);
  const encryption = encryptionFrom({
    agentConf: inst.config?.agentText,
    controllerConf: inst.config?.text,
    objects: inputs.ipsec,
    now: inputs.now,
  });
  const release = parseRelease(version);
  const agentInfos = inputs.security.agentInfos;
  const agentApi = agentApiCertificates('value' in agentInfos ? agentInfos.value : [], inputs.now);
  const checks: Check[] = [
    ...access.checks,
    releaseCheck(version),
    ...('error' in encryption
      ? [
          {
            id: 'traffic-encryption',
            status: 'warn' as const,
            message: `traffic encryption not checked: ${encryption.error}`,
            hint: "the agents' antrea-agent.conf says whether and how they encrypt; check their ConfigMap",
          },
        ]
      : [
          ...encryptionChecks(
            encryption,
            inst.namespace,
            !release || supportsIpsecCertAuth(release),
          ),
          ...(encryption.ipsec
            ? ipsecCertificateChecks(encryption.ipsec, inst.namespace, inputs)
            : []),
        ]),
    ...('refused' in agentInfos
      ? [notReadWarning('AntreaAgentInfos', "agents' API certificates", agentInfos)]
      : []),
    ...agentApiChecks(agentApi, inputs),
  ];
  return {
    namespace: inst.namespace,
    antreaVersion: version ?? null,
    kubernetesVersion: inputs.security.kubernetesVersion ?? null,
    checks,
    summary: summaryOf(checks),
    hostPathPods: access.hostPathPods,
    namespaces: access.namespaces,
    trafficEncryption: encryption,
    agentApiCertificates: agentApi,
  };
}

/** One check per agent certificate near expiry; one pass for all when none is. */
function agentApiChecks(certs: readonly AgentApiCertificate[], inputs: Thresholds): Check[] {
  const expiring = expiryChecks(
    certs.map((c) => ({
      cert: c,
      id: `agent-api-certificate:${c.node}`,
      what: `the API certificate of the agent on ${c.node}`,
    })),
    inputs,
    'restart antrea-agent on that Node: it makes a new certificate only when it starts',
  );
  if (expiring.length || !certs.length) return expiring;
  return [
    {
      id: 'agent-api-certificates',
      status: 'pass',
      message:
        `${plural(certs.length, 'agent API certificate')} valid for more than ` +
        `${describeWithin(inputs.warnWithin)}; the first expires ${earliest(certs)}`,
    },
  ];
}

const earliest = (certs: readonly CertificateReport[]) =>
  [...certs].sort((a, b) => a.notAfter.localeCompare(b.notAfter))[0]?.notAfter ?? '';

/** audit: Antrea's security recommendations checked on the snapshot. */
export function auditOf(
  snapshot: Snapshot & Required<Pick<Snapshot, 'security' | 'ipsec'>>,
  now: Date,
  options: Thresholds & { readonly trustedNamespaces: readonly string[] },
): AuditReport {
  const { security, ipsec } = snapshot;
  return auditFrom({ installation: installationOf(snapshot), security, ipsec, now, ...options });
}
