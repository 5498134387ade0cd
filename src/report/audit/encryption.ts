// audit's traffic encryption checks: the mode, the IPsec pre-shared key
// (compared with the published default by hash, never shown), and in
// certificate mode the CA, the signer, the agents' requests and certificates.
import { OVSDB_FILE, ANTREA_RUN_DIR } from '../../antrea/host-files.ts';
import { IPSEC } from '../../antrea/ipsec.ts';
import type { EncryptionReport, IpsecReport } from '../ipsec.ts';
import type { Check } from '../check.ts';
import { expiryChecks, plural, type Thresholds } from './common.ts';

/** What audit says when the agents do not use IPsec. */
const WITHOUT_IPSEC = {
  none: 'Antrea does not encrypt traffic between Nodes (trafficEncryptionMode none): no IPsec key to protect',
  wireguard: 'traffic between Nodes is encrypted with WireGuard; its keys never leave the Nodes',
} as const;

/** The mode and the PSK; `certAuthAvailable`: the release has certificate mode (v1.7.0+). */
export function encryptionChecks(
  report: EncryptionReport,
  ns: string,
  certAuthAvailable: boolean,
): Check[] {
  const ipsec = report.ipsec;
  if (report.mode !== 'ipsec')
    return [{ id: 'traffic-encryption', status: 'pass', message: WITHOUT_IPSEC[report.mode] }];
  if (!ipsec) return [];
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
            message:
              `ipsec.authenticationMode is cert but the agents' ${IPSEC.featureGate} ` +
              'feature gate is off: the agents do not start',
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
        : 'upgrade to Antrea v1.7.0 or later for certificate authentication; ' +
          `meanwhile keep hostPath away from ${ANTREA_RUN_DIR}`,
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
    checks.push(
      ipsec.authenticationMode === 'psk'
        ? {
            id: 'ipsec-psk',
            status: 'fail',
            message:
              `Secret ${IPSEC.pskSecret} holds the published default PSK: ` +
              'anyone can decrypt or forge tunnel traffic',
            hint: rotatePsk,
          }
        : {
            id: 'ipsec-psk',
            status: 'warn',
            message:
              `Secret ${IPSEC.pskSecret} holds the published default PSK; certificates authenticate ` +
              'the tunnels now, but a switch back to psk mode would use it',
            hint: rotatePsk,
          },
    );
  else if (psk.exists)
    checks.push({
      id: 'ipsec-psk',
      status: 'pass',
      message: `Secret ${IPSEC.pskSecret} holds a PSK other than the published default`,
    });
  return checks;
}

/** Certificate mode: the CA, the signer's gate, the requests and the agents' certificates. */
export function ipsecCertificateChecks(
  ipsec: IpsecReport,
  namespace: string,
  inputs: Thresholds,
): Check[] {
  if (ipsec.authenticationMode !== 'cert') return [];
  const checks: Check[] = [];
  const ns = namespace;
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
        `in a maintenance window, delete Secret ${IPSEC.caSecret} and restart the controller, ` +
          'then every antrea-agent (rotate --ipsec-ca says why no safer way exists)',
      );
      checks.push(
        ...(expiry.length
          ? expiry
          : [
              {
                id: 'ipsec-ca',
                status: 'pass' as const,
                message:
                  `the IPsec CA ${first.subject} is published in ConfigMap ${IPSEC.caConfigMap} ` +
                  `and expires ${first.notAfter}`,
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
      message:
        `the controller's ${IPSEC.featureGate} feature gate is off: ` +
        "nobody signs the agents' certificate requests",
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
        message:
          `${plural(requests.denied + requests.failed, 'certificate request')} ` +
          `of signer ${IPSEC.signerName} were denied or failed`,
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
