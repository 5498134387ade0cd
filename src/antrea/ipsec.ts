// Antrea's traffic encryption and the key material behind it, as the source
// of antrea-io/antrea has them (the release each came in is noted), and how
// the settings are read from antrea-agent.conf and antrea-controller.conf.
import { createHash } from 'node:crypto';
import * as yaml from 'js-yaml';
import { messageOf } from '../errors.ts';
import type { Release } from './versions.ts';
import type { Outcome, PskSecret, RequestState, SigningRequest } from './snapshot.ts';
import type * as k8s from '../kube/objects.ts';
import { decodeBase64 } from '../base64.ts';

/**
 * The IPsec objects: the pre-shared key's Secret (v0.3.0), and in certificate
 * mode (IPsecCertAuth, v1.7.0) the CA's Secret and ConfigMap and the signer of
 * the agents' CertificateSigningRequests.
 */
export const IPSEC = {
  /** Secret with the PSK under key `psk` (type Opaque); the agents read it into ANTREA_IPSEC_PSK. */
  pskSecret: 'antrea-ipsec',
  pskKey: 'psk',
  /** Secret (kubernetes.io/tls) with the self-signed CA's pair; nothing rotates it. */
  caSecret: 'antrea-ipsec-ca',
  /** ConfigMap publishing that CA (key ca.crt), mounted into every agent. The CA (RSA 2048, CN
   * antrea-ipsec-ca) is valid 10 years; agent certificates a year, renewed at 70 to 90 %. */
  caConfigMap: 'antrea-ipsec-ca',
  caKey: 'ca.crt',
  signerName: 'antrea.io/antrea-agent-ipsec-tunnel',
  featureGate: 'IPsecCertAuth',
} as const;

/** IPsec certificate authentication came with v1.7.0. */
export const supportsIpsecCertAuth = (r: Release) => r.major > 1 || (r.major === 1 && r.minor >= 7);

/** The Helm chart's and antrea-ipsec.yml's default PSK, known here only by its SHA-256. */
const DEFAULT_PSK_SHA256 = '057ba03d6c44104863dc7361fe4578965d1887360f90a0895882e58a6248fc86';

/** Whether a PSK is the published default ("changeme"); the key itself is never kept or shown. */
export const isDefaultPsk = (psk: string) =>
  createHash('sha256').update(psk.trim()).digest('hex') === DEFAULT_PSK_SHA256;

/** none, IPsec or WireGuard, as antrea-agent.conf selects it. */
export type EncryptionMode = 'none' | 'ipsec' | 'wireguard';

/** How the agents encrypt traffic between Nodes, and which key of the config says so. */
export interface TrafficEncryption {
  readonly mode: EncryptionMode;
  /** psk (the default) or cert, in IPsec mode. */
  readonly ipsecAuthentication?: 'psk' | 'cert';
  /** Whether the agents' IPsecCertAuth gate is on (cert mode fails validation without it). */
  readonly certAuthGate: boolean;
  /** trafficEncryptionMode (v1.3.0+), enableIPSecTunnel (before v2.0), or neither set. */
  readonly source: 'trafficEncryptionMode' | 'enableIPSecTunnel' | 'default';
}

/** The controller's IPsec CSR signer settings (v1.7.0+, only with the IPsecCertAuth gate). */
export interface IpsecSigner {
  readonly certAuthGate: boolean;
  /** ipsecCSRSigner.autoApprove, default true. */
  readonly autoApprove: boolean;
  /** ipsecCSRSigner.selfSignedCA, default true: the controller makes the CA when its Secret is missing. */
  readonly selfSignedCa: boolean;
}

type Conf = Readonly<Record<string, unknown>>;

function load(text: string, file: string): { conf: Conf } | { error: string } {
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    return { error: `${file} is not valid YAML (${messageOf(error).split('\n')[0]})` };
  }
  if (parsed === undefined || parsed === null) return { conf: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return { error: `${file} is not a YAML mapping` };
  return { conf: parsed as Conf };
}

const section = (conf: Conf, key: string): Conf => {
  const value = conf[key];
  return typeof value === 'object' && value !== null ? (value as Conf) : {};
};

/** The gate, set by name or (it is alpha) by AllAlpha, as component-base's feature gates read it. */
const gateOn = (conf: Conf) => {
  const gates = section(conf, 'featureGates');
  const named = gates[IPSEC.featureGate];
  return typeof named === 'boolean' ? named : gates.AllAlpha === true;
};

/** A boolean setting; absent, or not a boolean, gives the default. */
const flag = (conf: Conf, key: string, fallback: boolean) =>
  typeof conf[key] === 'boolean' ? (conf[key] as boolean) : fallback;

/** The encryption mode antrea-agent.conf selects (case-insensitive values, as the agent reads them). */
export function readTrafficEncryption(agentConf: string): TrafficEncryption | { error: string } {
  const loaded = load(agentConf, 'antrea-agent.conf');
  if ('error' in loaded) return loaded;
  const { conf } = loaded;
  const certAuthGate = gateOn(conf);
  const auth = String(section(conf, 'ipsec').authenticationMode ?? 'psk').toLowerCase();
  const ipsecAuthentication = auth === 'cert' ? 'cert' : 'psk';
  // Before v2.0, enableIPSecTunnel: true turns IPsec on whatever trafficEncryptionMode says.
  if (conf.enableIPSecTunnel === true)
    return { mode: 'ipsec', ipsecAuthentication, certAuthGate, source: 'enableIPSecTunnel' };
  const raw = conf.trafficEncryptionMode;
  if (typeof raw !== 'string' || raw.trim() === '')
    return { mode: 'none', certAuthGate, source: 'default' };
  const mode = raw.trim().toLowerCase();
  if (mode !== 'none' && mode !== 'ipsec' && mode !== 'wireguard')
    return {
      error: `trafficEncryptionMode in antrea-agent.conf is "${raw}", not none, ipsec or wireGuard`,
    };
  return {
    mode,
    ...(mode === 'ipsec' ? { ipsecAuthentication } : {}),
    certAuthGate,
    source: 'trafficEncryptionMode',
  };
}

/** The signer settings antrea-controller.conf holds. */
export function readIpsecSigner(controllerConf: string): IpsecSigner | { error: string } {
  const loaded = load(controllerConf, 'antrea-controller.conf');
  if ('error' in loaded) return loaded;
  const { conf } = loaded;
  const signer = section(conf, 'ipsecCSRSigner');
  return {
    certAuthGate: gateOn(conf),
    autoApprove: flag(signer, 'autoApprove', true),
    selfSignedCa: flag(signer, 'selfSignedCA', true),
  };
}

const condition = (csr: k8s.CertificateSigningRequest, type: string) =>
  csr.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** A CertificateSigningRequest's state, as kubectl get csr shows its condition. */
export function requestState(csr: k8s.CertificateSigningRequest): RequestState {
  if (condition(csr, 'Denied')) return 'denied';
  if (condition(csr, 'Failed')) return 'failed';
  if (!condition(csr, 'Approved')) return 'pending';
  return csr.status?.certificate ? 'issued' : 'approved';
}

/** One of the IPsec signer's requests as the reports show it. */
export const signingRequestOf = (csr: k8s.CertificateSigningRequest): SigningRequest => {
  const pem = decodeBase64(csr.status?.certificate);
  return {
    name: csr.metadata?.name ?? '',
    ...(csr.spec?.username ? { requester: csr.spec.username } : {}),
    ...(csr.metadata?.creationTimestamp ? { created: csr.metadata.creationTimestamp } : {}),
    state: requestState(csr),
    ...(pem ? { certificate: pem } : {}),
  };
};

/** Whether the PSK Secret exists and holds the default; the key itself goes no further. */
export function pskSecretOf(read: Outcome<k8s.Secret>): Outcome<PskSecret> {
  if ('notServed' in read) return { value: { exists: false } };
  if (!('value' in read)) return read;
  const psk = decodeBase64(read.value.data?.[IPSEC.pskKey]) ?? '';
  return { value: { exists: true, isDefault: isDefaultPsk(psk) } };
}

/** Whether antrea-agent.conf selects IPsec (a file that cannot be read selects nothing). */
export function selectsIpsec(agentConf: string | undefined): boolean {
  const encryption = agentConf === undefined ? undefined : readTrafficEncryption(agentConf);
  return encryption !== undefined && !('error' in encryption) && encryption.mode === 'ipsec';
}
