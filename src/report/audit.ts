// The checks of `audit`, as data: Antrea's security recommendations on the
// live cluster (who can reach Antrea's files on the Nodes, what stops a new
// Pod from doing so, the release's file permissions) and its traffic
// encryption keys. Pure: built from what the cluster layer read.
import { ANTREA_RUN_DIR, OVSDB_FILE, missingPermissionFixes } from '../antrea/host-files.ts';
import { IPSEC, supportsIpsecCertAuth } from '../antrea/ipsec.ts';
import { modeOf } from '../antrea/mode.ts';
import { ANTREA_POD_SELECTOR, CONTROLLER } from '../antrea/names.ts';
import { parseRelease } from '../antrea/versions.ts';
import type { Installation } from '../cluster/installation.ts';
import type { IpsecObjects } from '../cluster/ipsec.ts';
import { valueOf, type Outcome } from '../cluster/outcome.ts';
import type { SecurityObjects } from '../cluster/security.ts';
import {
  PSP_ANNOTATION,
  allowsAntreaHostPath,
  guardOf,
  kubernetesMinor,
  type NamespaceGuard,
} from './admission.ts';
import { agentApiCertificates, type AgentApiCertificate } from './agent-api.ts';
import { hostPathPods, type HostPathPod } from './host-paths.ts';
import { buildEncryption, type EncryptionReport, type IpsecReport } from './ipsec.ts';
import type { CertificateReport } from './status.ts';
import type { Check, CheckStatus } from './verify.ts';

/** What audit is built from: the reads, the time, the expiry thresholds and the trusted namespaces. */
export interface AuditInputs {
  readonly installation: Installation;
  readonly security: SecurityObjects;
  readonly ipsec: IpsecObjects;
  readonly now: Date;
  readonly warnWithinMs: number;
  readonly failWithinMs: number;
  readonly trustedNamespaces: readonly string[];
}

/** What audit shows, and prints as JSON or YAML. */
export interface AuditReport {
  readonly namespace: string;
  readonly antreaVersion: string | null;
  readonly kubernetesVersion: string | null;
  readonly checks: Check[];
  readonly summary: { readonly passed: number; readonly warnings: number; readonly failed: number };
  /** Every Pod whose hostPath reaches /var/run/antrea, Antrea's own and trusted ones included. */
  readonly hostPathPods: HostPathPod[];
  /** Each namespace that runs Pods (besides Antrea's and the trusted ones) and what guards it. */
  readonly namespaces: NamespaceGuard[];
  readonly trafficEncryption: EncryptionReport | { readonly error: string };
  readonly agentApiCertificates: AgentApiCertificate[];
}

const notReadWarning = (id: string, what: string, outcome: Outcome<unknown>): Check => ({
  id: `not-checked:${id}`,
  status: 'warn',
  message: `${what} not checked: ${'refused' in outcome ? outcome.refused : 'the API does not serve it'}`,
  hint: 'grant list on it to whoever runs audit (README: RBAC)',
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Runs every audit check on one read of the cluster. */
export function runAudit(inputs: AuditInputs): AuditReport {
  const inst = inputs.installation;
  const ns = inst.namespace;
  const mode = modeOf(inst);
  const checks: Check[] = [];
  const add = (id: string, status: CheckStatus, message: string, hint?: string) =>
    checks.push({ id, status, message, ...(hint ? { hint } : {}) });
  const sec = inputs.security;

  // 1. Pods that reach Antrea's files through a hostPath volume.
  const pods = valueOf(sec.pods);
  const reaching = pods
    ? hostPathPods(pods, valueOf(sec.replicaSets) ?? [], {
        antreaNamespace: ns,
        antreaLabel: ['app', ANTREA_POD_SELECTOR.split('=')[1] ?? 'antrea'],
        trustedNamespaces: inputs.trustedNamespaces,
      })
    : [];
  if (!pods) checks.push(notReadWarning('Pods', 'hostPath volumes of Pods', sec.pods));
  else {
    const untrusted = reaching.filter((p) => !p.trust);
    for (const pod of untrusted) checks.push(hostPathCheck(pod));
    if (!untrusted.length)
      add(
        'host-path',
        'pass',
        `no Pod outside Antrea's own reaches ${ANTREA_RUN_DIR} through a hostPath volume ` +
          `(${plural(pods.length, 'Pod')} read)`,
      );
    const trusted = reaching.filter((p) => p.trust === 'trusted-namespace');
    if (trusted.length)
      add(
        'host-path-trusted',
        'pass',
        `${plural(trusted.length, 'Pod')} of trusted namespaces reach ${ANTREA_RUN_DIR}: ` +
          trusted.map((p) => `${p.namespace}/${p.pod}`).join(', '),
      );
  }

  // 2. What stops a new Pod from doing so, namespace by namespace, and PodSecurityPolicy.
  const psps = valueOf(sec.podSecurityPolicies);
  const permissive = (psps ?? []).flatMap((psp) => {
    const allows = allowsAntreaHostPath(psp);
    return allows ? [{ name: psp.metadata?.name ?? '', allows }] : [];
  });
  if (psps) {
    for (const psp of permissive)
      add(
        `psp:${psp.name}`,
        'warn',
        `PodSecurityPolicy ${psp.name} allows hostPath volumes on ${psp.allows}, ${ANTREA_RUN_DIR} included`,
        `limit its allowedHostPaths to paths outside ${ANTREA_RUN_DIR}, or drop hostPath from its volumes`,
      );
    if (!permissive.length)
      add(
        'psp',
        'pass',
        `no PodSecurityPolicy allows a hostPath to ${ANTREA_RUN_DIR} (${plural(psps.length, 'policy')})`.replace(
          'policys',
          'policies',
        ),
      );
  } else if ('refused' in sec.podSecurityPolicies)
    checks.push(
      notReadWarning('PodSecurityPolicies', 'PodSecurityPolicies', sec.podSecurityPolicies),
    );
  const pspAdmission = (pods ?? []).some((p) => p.metadata?.annotations?.[PSP_ANNOTATION]);
  const gatekeeper = valueOf(sec.gatekeeper);
  if ('refused' in sec.gatekeeper)
    checks.push(notReadWarning('Gatekeeper', 'Gatekeeper constraints', sec.gatekeeper));
  const namespaces = namespaceGuards(inputs, pods, {
    kubernetesMinor: kubernetesMinor(sec.kubernetesVersion),
    constraints: gatekeeper?.constraints ?? [],
    ...(psps?.length && pspAdmission && !permissive.length
      ? { podSecurityPolicy: 'PodSecurityPolicy (admission is on: Pods carry kubernetes.io/psp)' }
      : {}),
  });
  if (!valueOf(sec.namespaces) && pods)
    checks.push(notReadWarning('Namespaces', 'Pod Security labels of namespaces', sec.namespaces));
  for (const guard of namespaces) {
    if (guard.guardedBy)
      add(
        `admission:${guard.namespace}`,
        'pass',
        `namespace ${guard.namespace}: ${guard.guardedBy} forbids hostPath volumes`,
      );
    else
      add(
        `admission:${guard.namespace}`,
        'warn',
        `nothing stops a new Pod in namespace ${guard.namespace} from mounting ${ANTREA_RUN_DIR} from the host` +
          (guard.notGuarding.length ? ` (${guard.notGuarding.join('; ')})` : ''),
        `label it ${'pod-security.kubernetes.io/enforce=baseline'} (Kubernetes 1.23+), ` +
          'or constrain it with Gatekeeper K8sPSPHostFilesystem',
      );
  }

  // 3. The release's file permissions.
  const release = parseRelease(mode.version);
  if (!release)
    add(
      'antrea-release',
      'warn',
      `the Antrea release is unknown (${mode.version ?? 'no version'}), so its file permissions are unknown`,
      `see ${CONTROLLER.deployment}'s image tag`,
    );
  else {
    const missing = missingPermissionFixes(release);
    if (missing.length)
      add(
        'antrea-release',
        'fail',
        `Antrea ${mode.version ?? ''} predates ${missing.map((m) => m.release).join(' and ')}: ` +
          `${missing.map((m) => m.what).join('; ')}`,
        'upgrade Antrea; until then treat every Node user as able to read the IPsec PSK',
      );
    else
      add(
        'antrea-release',
        'pass',
        `Antrea ${mode.version ?? ''} keeps ${OVSDB_FILE} and ${ANTREA_RUN_DIR} from non-root users of the Node`,
      );
  }

  // 4. Traffic encryption and its keys.
  const encryption = buildEncryption({
    agentConf: inst.config?.agentText,
    controllerConf: inst.config?.text,
    objects: inputs.ipsec,
    now: inputs.now,
  });
  if ('error' in encryption)
    add('traffic-encryption', 'warn', `traffic encryption not checked: ${encryption.error}`);
  else {
    encryptionChecks(encryption, ns, release ? supportsIpsecCertAuth(release) : true).forEach((c) =>
      checks.push(c),
    );
    if (encryption.ipsec)
      ipsecCertificateChecks(encryption.ipsec, inputs).forEach((c) => checks.push(c));
  }

  // 5. The agents' API certificates.
  const infos = valueOf(sec.agentInfos);
  const agentApi = agentApiCertificates(infos ?? [], inputs.now);
  if ('refused' in sec.agentInfos)
    checks.push(notReadWarning('AntreaAgentInfos', "agents' API certificates", sec.agentInfos));
  expiryChecks(
    agentApi.map((c) => ({
      cert: c,
      id: `agent-api-certificate:${c.node}`,
      what: `the API certificate of the agent on ${c.node}`,
    })),
    inputs,
    'restart antrea-agent on that Node: it makes a new certificate only when it starts',
  ).forEach((c) => checks.push(c));
  if (agentApi.length && !checks.some((c) => c.id.startsWith('agent-api-certificate:')))
    add(
      'agent-api-certificates',
      'pass',
      `${plural(agentApi.length, 'agent API certificate')} valid for more than ${days(inputs.warnWithinMs)}; ` +
        `the first expires ${earliest(agentApi)}`,
    );

  return {
    namespace: ns,
    antreaVersion: mode.version ?? null,
    kubernetesVersion: sec.kubernetesVersion ?? null,
    checks,
    summary: {
      passed: checks.filter((c) => c.status === 'pass').length,
      warnings: checks.filter((c) => c.status === 'warn').length,
      failed: checks.filter((c) => c.status === 'fail').length,
    },
    hostPathPods: reaching,
    namespaces,
    trafficEncryption: encryption,
    agentApiCertificates: agentApi,
  };
}

const days = (ms: number) => `${Math.round(ms / 86_400_000)} days`;
const earliest = (certs: readonly CertificateReport[]) =>
  [...certs].sort((a, b) => a.notAfter.localeCompare(b.notAfter))[0]?.notAfter ?? '';

function hostPathCheck(pod: HostPathPod): Check {
  const writable = pod.volumes.some((v) => !v.readOnly);
  const paths = pod.volumes
    .map((v) => `${v.path}${v.reach === 'inside' ? ` (inside ${ANTREA_RUN_DIR})` : ''}`)
    .join(', ');
  return {
    id: `host-path:${pod.namespace}/${pod.pod}`,
    status: writable ? 'fail' : 'warn',
    message:
      `Pod ${pod.namespace}/${pod.pod} (${pod.owner}) mounts hostPath ${paths} ` +
      `${writable ? 'read-write' : 'read-only'}${pod.privileged ? ', privileged' : ''}: ` +
      `it can ${writable ? 'read and change' : 'read'} ${OVSDB_FILE}`,
    hint:
      `move the volume outside ${ANTREA_RUN_DIR}, or if you trust this workload, ` +
      `pass --trust-namespace ${pod.namespace}`,
  };
}

/** The namespaces with Pods, less Antrea's and the trusted ones, with what guards each. */
function namespaceGuards(
  inputs: AuditInputs,
  pods: readonly { metadata?: { namespace?: string } }[] | undefined,
  context: Parameters<typeof guardOf>[1],
): NamespaceGuard[] {
  if (!pods) return [];
  const skip = new Set([inputs.installation.namespace, ...inputs.trustedNamespaces]);
  const running = [...new Set(pods.map((p) => p.metadata?.namespace ?? ''))]
    .filter((n) => n && !skip.has(n))
    .sort();
  const known = new Map(
    (valueOf(inputs.security.namespaces) ?? []).map((n) => [n.metadata?.name ?? '', n]),
  );
  return running.map((name) => guardOf(known.get(name) ?? { metadata: { name } }, context));
}

function encryptionChecks(
  report: EncryptionReport,
  ns: string,
  certAuthAvailable: boolean,
): Check[] {
  const ipsec = report.ipsec;
  if (report.mode === 'none')
    return [
      {
        id: 'traffic-encryption',
        status: 'pass',
        message:
          'Antrea does not encrypt traffic between Nodes (trafficEncryptionMode none): no IPsec key to protect',
      },
    ];
  if (report.mode === 'wireguard' || !ipsec)
    return [
      {
        id: 'traffic-encryption',
        status: 'pass',
        message:
          'traffic between Nodes is encrypted with WireGuard; its keys never leave the Nodes',
      },
    ];
  const checks: Check[] = [];
  if (ipsec.authenticationMode === 'cert') {
    checks.push(
      ipsec.certAuthGate
        ? {
            id: 'traffic-encryption',
            status: 'pass',
            message: 'traffic between Nodes is encrypted with IPsec, authenticated by certificates',
          }
        : {
            id: 'traffic-encryption',
            status: 'fail',
            message: `ipsec.authenticationMode is cert but the agents' ${IPSEC.featureGate} feature gate is off: the agents do not start`,
            hint: `set featureGates.${IPSEC.featureGate}: true in antrea-agent.conf and antrea-controller.conf`,
          },
    );
  } else
    checks.push({
      id: 'traffic-encryption',
      status: 'warn',
      message:
        `IPsec uses a pre-shared key, stored in plaintext in ${OVSDB_FILE} on every Node ` +
        `and in Secret ${IPSEC.pskSecret}`,
      hint: certAuthAvailable
        ? `switch to certificates: ipsec.authenticationMode cert with the ${IPSEC.featureGate} feature gate ` +
          'on agents and controller'
        : `upgrade to Antrea v1.7.0 or later for certificate authentication; meanwhile keep hostPath away from ${ANTREA_RUN_DIR}`,
    });
  const psk = ipsec.pskSecret;
  const rotatePsk =
    `write a random key: kubectl -n ${ns} create secret generic ${IPSEC.pskSecret} ` +
    `--from-literal=psk="$(openssl rand -base64 32)" --dry-run=client -o yaml | kubectl apply -f -, ` +
    `then kubectl -n ${ns} rollout restart daemonset/antrea-agent`;
  if ('notRead' in psk)
    checks.push({
      id: `not-checked:Secret/${IPSEC.pskSecret}`,
      status: 'warn',
      message: `the IPsec PSK was not compared with the default: ${psk.notRead}`,
      hint: `grant get on Secret ${IPSEC.pskSecret}; only a hash of the key is compared, it is never shown`,
    });
  else if (ipsec.authenticationMode === 'psk' && !psk.exists)
    checks.push({
      id: 'ipsec-psk',
      status: 'fail',
      message: `Secret ${IPSEC.pskSecret} does not exist: the agents have no IPsec key`,
      hint: rotatePsk,
    });
  else if (psk.defaultKey)
    checks.push({
      id: 'ipsec-psk',
      status: 'fail',
      message: `Secret ${IPSEC.pskSecret} holds the published default PSK: anyone can decrypt or forge tunnel traffic`,
      hint: rotatePsk,
    });
  else if (psk.exists)
    checks.push({
      id: 'ipsec-psk',
      status: 'pass',
      message: `Secret ${IPSEC.pskSecret} holds a PSK other than the published default`,
    });
  return checks;
}

/** The expiry of some certificates, as checks; those far from expiry make none. */
function expiryChecks(
  items: readonly { cert: CertificateReport; id: string; what: string }[],
  inputs: AuditInputs,
  hint: string,
): Check[] {
  return items.flatMap(({ cert, id, what }): Check[] => {
    const left = cert.expiresInSeconds * 1000;
    if (left > inputs.warnWithinMs) return [];
    const status: CheckStatus = left <= inputs.failWithinMs ? 'fail' : 'warn';
    const when =
      left <= 0 ? `expired ${cert.notAfter}` : `expires ${cert.notAfter} (in ${cert.expiresIn})`;
    return [{ id, status, message: `${what} ${when}`, hint }];
  });
}

function ipsecCertificateChecks(ipsec: IpsecReport, inputs: AuditInputs): Check[] {
  if (ipsec.authenticationMode !== 'cert') return [];
  const checks: Check[] = [];
  const ns = inputs.installation.namespace;
  const ca = ipsec.ca;
  if (ca && 'notRead' in ca)
    checks.push({
      id: `not-checked:ConfigMap/${IPSEC.caConfigMap}`,
      status: 'warn',
      message: `the IPsec CA was not checked: ${ca.notRead}`,
    });
  else if (ca && !ca.present)
    checks.push({
      id: 'ipsec-ca',
      status: 'fail',
      message: `ConfigMap ${IPSEC.caConfigMap} does not exist: the agents cannot verify each other's certificates`,
      hint:
        `turn on ${IPSEC.featureGate} in antrea-controller.conf; with ipsecCSRSigner.selfSignedCA false, ` +
        `create Secret ${IPSEC.caSecret} (type kubernetes.io/tls) in ${ns}`,
    });
  else if (ca) {
    const [first] = ca.certificates;
    if (!first)
      checks.push({
        id: 'ipsec-ca',
        status: 'fail',
        message: `ConfigMap ${IPSEC.caConfigMap} holds no usable CA: ${ca.error ?? 'it is empty'}`,
        hint: `delete it; the controller publishes it again from Secret ${IPSEC.caSecret}`,
      });
    else {
      const expiry = expiryChecks(
        [{ cert: first, id: 'ipsec-ca', what: `the IPsec CA ${first.subject}` }],
        inputs,
        `replace Secret ${IPSEC.caSecret} in a maintenance window, then restart every antrea-agent (see rotate --ipsec-ca)`,
      );
      checks.push(
        ...(expiry.length
          ? expiry
          : [
              {
                id: 'ipsec-ca',
                status: 'pass' as const,
                message: `the IPsec CA ${first.subject} is published in ConfigMap ${IPSEC.caConfigMap} and expires ${first.notAfter}`,
              },
            ]),
      );
    }
  }
  const signer = ipsec.signer;
  if (signer && !signer.certAuthGate)
    checks.push({
      id: 'ipsec-signer',
      status: 'fail',
      message: `the controller's ${IPSEC.featureGate} feature gate is off: nobody signs the agents' certificate requests`,
      hint: `set featureGates.${IPSEC.featureGate}: true in antrea-controller.conf and restart the controller`,
    });
  const requests = ipsec.requests;
  if ('notRead' in requests)
    checks.push({
      id: 'not-checked:CertificateSigningRequests',
      status: 'warn',
      message: `the agents' certificate requests were not checked: ${requests.notRead}`,
      hint: 'grant list on certificatesigningrequests.certificates.k8s.io',
    });
  else {
    if (requests.pending)
      checks.push({
        id: 'ipsec-requests-pending',
        status: 'warn',
        message: `${plural(requests.pending, 'certificate request')} of signer ${IPSEC.signerName} wait for approval`,
        hint:
          signer && !signer.autoApprove
            ? 'ipsecCSRSigner.autoApprove is false: check each and run kubectl certificate approve NAME'
            : "the controller approves agents' requests itself: see its log for why it did not",
      });
    if (requests.denied || requests.failed)
      checks.push({
        id: 'ipsec-requests-denied',
        status: 'warn',
        message: `${plural(requests.denied + requests.failed, 'certificate request')} of signer ${IPSEC.signerName} were denied or failed`,
        hint: 'kubectl get csr shows which; an agent without a certificate cannot build tunnels',
      });
    if (!requests.pending && !requests.denied && !requests.failed)
      checks.push({
        id: 'ipsec-requests',
        status: 'pass',
        message:
          `no certificate request of signer ${IPSEC.signerName} is pending or denied` +
          (signer ? ` (auto-approval ${signer.autoApprove ? 'on' : 'off'})` : ''),
      });
  }
  checks.push(
    ...expiryChecks(
      ipsec.agentCertificates.map((c) => ({
        cert: c,
        id: `ipsec-agent-certificate:${c.subject}`,
        what: `the IPsec certificate ${c.subject} (request ${c.request})`,
      })),
      inputs,
      'the agent renews it at 70 to 90 % of its life; restart antrea-agent on that Node to renew it now',
    ),
  );
  return checks;
}
