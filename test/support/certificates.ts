// Certificates for unit tests, issued by the testbed's PKI (which does not
// share the plugin's code), with validity counted from one `now` that the
// tests also give the reports.
import { issue, usage, extendedUsage, type Issued, type KeyKind } from '../testbed/pki.ts';
import { NAMESPACE } from './installation.ts';

export const DAY = 86400e3;

/**
 * The moment every report in the unit tests is made at: half a second into a
 * second, so that a certificate issued for whole days from it ends (X.509
 * times are whole seconds) just short of them, never exactly on them.
 */
export const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 500);

export interface PairOptions {
  /** Days from `now` until the serving certificate expires (365). */
  readonly days?: number;
  /** The serving certificate's DNS names (antrea and antrea.kube-system.svc). */
  readonly dnsNames?: string[];
  /** The key of both, and so the CA's signature (rsa-2048). */
  readonly keyKind?: KeyKind;
  /** The serving certificate's extended key usages (serverAuth). */
  readonly eku?: string[];
  readonly caName?: string;
}

/** A CA (CN=antrea-ca@1) and the serving certificate it issued (CN=antrea@1). */
export async function servingPair(
  options: PairOptions = {},
): Promise<{ ca: Issued; leaf: Issued }> {
  const ca = await issue({
    commonName: options.caName ?? 'antrea-ca@1',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature | usage.keyEncipherment,
    keyKind: options.keyKind ?? 'rsa-2048',
  });
  const leaf = await issue({
    commonName: 'antrea@1',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: options.eku ?? [extendedUsage.serverAuth],
    dnsNames: options.dnsNames ?? ['antrea', `antrea.${NAMESPACE}.svc`],
    notAfter: new Date(now.getTime() + (options.days ?? 365) * DAY),
    keyKind: options.keyKind ?? 'rsa-2048',
  });
  return { ca, leaf };
}

/** The signer-side usages of the CAs of `chainOfThree`. */
export const CA_USAGES = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;

/**
 * A root CA (CN=Test Root, RSA 2048), an intermediate it issued (CN=Test Intermediate) and a
 * serving certificate the intermediate issued (CN=antrea, ECDSA P-256, serverAuth, two DNS names
 * and 127.0.0.1).
 */
export async function chainOfThree(): Promise<{
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
}> {
  const root = await issue({
    commonName: 'Test Root',
    isCA: true,
    usages: CA_USAGES,
    keyKind: 'rsa-2048',
  });
  const intermediate = await issue({
    commonName: 'Test Intermediate',
    isCA: true,
    usages: CA_USAGES,
    issuer: root,
  });
  const leaf = await issue({
    commonName: 'antrea',
    issuer: intermediate,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${NAMESPACE}.svc`, `antrea.${NAMESPACE}.svc.cluster.local`],
    ipAddresses: ['127.0.0.1'],
  });
  return { root, intermediate, leaf };
}
