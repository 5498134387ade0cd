// Traffic encryption as data: the mode the agents run, and in IPsec mode the
// PSK Secret (whether it holds the published default, never the key), the CA
// the controller publishes, its signer settings and the agents' requests.
import {
  IPSEC,
  readIpsecSigner,
  readTrafficEncryption,
  type EncryptionMode,
  type IpsecSigner,
  type TrafficEncryption,
} from '../antrea/ipsec.ts';
import { tryParse } from '../certs/try-parse.ts';
import type { IpsecObjects, RequestState, SigningRequest } from '../antrea/snapshot.ts';
import type { Outcome } from '../kube/outcome.ts';
import { certificateReport, type CertificateReport } from './certificate-report.ts';

/** What could not be read, as the refusal's sentence. */
export interface NotRead {
  readonly notRead: string;
}

/** An agent's IPsec certificate, as its issued CertificateSigningRequest shows it. */
export interface AgentCertificate extends CertificateReport {
  readonly request: string;
}

/** IPsec as status and audit show it. */
export interface IpsecReport {
  readonly authenticationMode: 'psk' | 'cert';
  /** The agents' IPsecCertAuth gate (cert mode needs it). */
  readonly certAuthGate: boolean;
  readonly pskSecret:
    | { readonly name: string; readonly exists: boolean; readonly defaultKey: boolean }
    | (NotRead & { readonly name: string });
  /** Certificate mode: the CA of ConfigMap antrea-ipsec-ca (present false: no such ConfigMap). */
  readonly ca:
    | {
        readonly configMap: string;
        readonly present: boolean;
        readonly certificates: CertificateReport[];
        readonly error?: string;
      }
    | (NotRead & { readonly configMap: string })
    | null;
  /** Certificate mode: the controller's signer settings. */
  readonly signer: (IpsecSigner & { readonly name: string }) | null;
  /** The signer's CertificateSigningRequests by state. */
  readonly requests: Readonly<Record<RequestState, number>> | NotRead;
  /** The newest issued certificate of each requester still visible (CSRs are deleted after an hour). */
  readonly agentCertificates: AgentCertificate[];
}

/** The encryption mode, and in IPsec mode its report. */
export interface EncryptionReport {
  readonly mode: EncryptionMode;
  readonly source: TrafficEncryption['source'];
  readonly ipsec: IpsecReport | null;
}

const notRead = (outcome: Outcome<unknown>): string =>
  'refused' in outcome ? outcome.refused : 'the API does not serve it';

/**
 * Traffic encryption from antrea-agent.conf, and IPsec's objects when it is on; an error when the
 * config cannot be read.
 */
export function encryptionFrom(inputs: {
  readonly agentConf?: string;
  readonly controllerConf?: string;
  readonly objects?: IpsecObjects;
  readonly now: Date;
}): EncryptionReport | { readonly error: string } {
  if (inputs.agentConf === undefined)
    return { error: 'antrea-agent.conf is not in the ConfigMap of the controller' };
  const encryption = readTrafficEncryption(inputs.agentConf);
  if ('error' in encryption) return encryption;
  const base = { mode: encryption.mode, source: encryption.source };
  if (encryption.mode !== 'ipsec' || !inputs.objects) return { ...base, ipsec: null };
  const { objects, now } = inputs;
  const cert = encryption.ipsecAuthentication === 'cert';
  const psk = objects.pskSecret;
  const signer = readIpsecSigner(inputs.controllerConf ?? '');
  const requests = 'value' in objects.requests ? objects.requests.value : undefined;
  return {
    ...base,
    ipsec: {
      authenticationMode: cert ? 'cert' : 'psk',
      certAuthGate: encryption.certAuthGate,
      pskSecret:
        'value' in psk
          ? {
              name: IPSEC.pskSecret,
              exists: psk.value.exists,
              defaultKey: psk.value.exists && psk.value.isDefault,
            }
          : { name: IPSEC.pskSecret, notRead: notRead(psk) },
      ca: cert ? caReport(objects.caBundle, now) : null,
      signer: cert && !('error' in signer) ? { name: IPSEC.signerName, ...signer } : null,
      requests: requests
        ? {
            pending: requests.filter((r) => r.state === 'pending').length,
            approved: requests.filter((r) => r.state === 'approved').length,
            issued: requests.filter((r) => r.state === 'issued').length,
            denied: requests.filter((r) => r.state === 'denied').length,
            failed: requests.filter((r) => r.state === 'failed').length,
          }
        : { notRead: notRead(objects.requests) },
      agentCertificates: agentCertificates(requests ?? [], now),
    },
  };
}

function caReport(read: Outcome<string | undefined>, now: Date): IpsecReport['ca'] {
  const configMap = IPSEC.caConfigMap;
  if (!('value' in read)) return { configMap, notRead: notRead(read) };
  if (read.value === undefined) return { configMap, present: false, certificates: [] };
  const parsed = tryParse(read.value, `ConfigMap ${configMap}`);
  return {
    configMap,
    present: true,
    certificates: parsed.certs.map((c) => certificateReport(c, now)),
    ...(parsed.error ? { error: parsed.error } : {}),
  };
}

/** The newest issued certificate per subject. */
function agentCertificates(requests: readonly SigningRequest[], now: Date): AgentCertificate[] {
  const newest = new Map<string, AgentCertificate>();
  for (const request of requests) {
    const [cert] = tryParse(request.certificate, `CertificateSigningRequest ${request.name}`).certs;
    if (!cert) continue;
    const seen = newest.get(cert.info.subject);
    if (!seen || seen.notAfter < cert.info.notAfter)
      newest.set(cert.info.subject, { ...certificateReport(cert, now), request: request.name });
  }
  return [...newest.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}

/** status's IPsec block: the report when IPsec is on and its objects were read, else null. */
export function ipsecBlock(
  inst: { readonly config?: { readonly text?: string; readonly agentText?: string } },
  objects: IpsecObjects | undefined,
  now: Date,
): IpsecReport | null {
  if (!objects) return null;
  const report = encryptionFrom({
    agentConf: inst.config?.agentText,
    controllerConf: inst.config?.text,
    objects,
    now,
  });
  return 'error' in report ? null : report.ipsec;
}
