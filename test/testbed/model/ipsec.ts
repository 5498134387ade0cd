// antrea-controller's IPsec pieces (IPsecCertAuth on), as its source has them:
// the self-signed CA in Secret antrea-ipsec-ca (made only when the Secret is
// missing and ipsecCSRSigner.selfSignedCA is true) published in ConfigMap
// antrea-ipsec-ca, and the signer of antrea.io/antrea-agent-ipsec-tunnel
// requests: approved when autoApprove is true, signed for 365 days.
import * as yaml from 'js-yaml';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { type Clients, k8s, readOptional, describe, log, FIELD_MANAGER } from './kube.ts';
import { issue, usage, x509, type Issued } from '../pki.ts';

const CA_NAME = 'antrea-ipsec-ca';
export const SIGNER = 'antrea.io/antrea-agent-ipsec-tunnel';
const DAY = 86_400_000;

interface SignerSettings {
  readonly gate: boolean;
  readonly autoApprove: boolean;
  readonly selfSignedCA: boolean;
}

/** The signer settings of antrea-controller.conf (defaults: gate off, both true). */
export function signerSettings(conf: string): SignerSettings {
  const parsed = (yaml.load(conf) ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const signer = parsed.ipsecCSRSigner ?? {};
  return {
    gate: parsed.featureGates?.IPsecCertAuth === true,
    autoApprove: signer.autoApprove !== false,
    selfSignedCA: signer.selfSignedCA !== false,
  };
}

/** Runs while the controller container runs; stop() ends it. */
export class IpsecSigner {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ca: { certPem: string; key: webcrypto.CryptoKey } | undefined;
  private readonly certificates: k8s.CertificatesV1Api;

  constructor(
    private readonly api: Clients,
    private readonly namespace: string,
    private readonly settings: SignerSettings,
  ) {
    this.certificates = api.config.makeApiClient(k8s.CertificatesV1Api);
  }

  async start(): Promise<void> {
    await this.syncCa();
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private tick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.signPending()
        .catch((error) => log(`IPsec signer: ${describe(error)}`))
        .finally(() => this.tick());
    }, 500);
  }

  /** Loads the CA from its Secret, or makes one when it is missing and selfSignedCA is on. */
  private async syncCa(): Promise<void> {
    const core = this.api.core;
    const namespace = this.namespace;
    let secret = await readOptional(() => core.readNamespacedSecret({ name: CA_NAME, namespace }));
    if (!secret) {
      if (!this.settings.selfSignedCA) {
        log('IPsec CA: no Secret and selfSignedCA is false; signing fails');
        return;
      }
      const ca: Issued = await issue({
        commonName: CA_NAME,
        organizations: ['antrea.io'],
        isCA: true,
        usages: usage.keyCertSign | usage.cRLSign | usage.digitalSignature,
        keyKind: 'rsa-2048',
        keyFormat: 'pkcs1',
        notBefore: new Date(Date.now() - 3600_000),
        notAfter: new Date(Date.now() + 3650 * DAY),
      });
      secret = await core.createNamespacedSecret({
        fieldManager: FIELD_MANAGER,
        namespace,
        body: {
          metadata: { name: CA_NAME, namespace },
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(ca.certPem).toString('base64'),
            'tls.key': Buffer.from(ca.keyPem).toString('base64'),
          },
        },
      });
      log('IPsec CA: made a self-signed CA');
    }
    const certPem = Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString();
    const keyPem = Buffer.from(secret.data?.['tls.key'] ?? '', 'base64').toString();
    const pkcs8 = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
      false,
      ['sign'],
    );
    this.ca = { certPem, key };
    const data = { 'ca.crt': certPem };
    const existing = await readOptional(() =>
      core.readNamespacedConfigMap({ name: CA_NAME, namespace }),
    );
    if (!existing)
      await core.createNamespacedConfigMap({
        fieldManager: FIELD_MANAGER,
        namespace,
        body: { metadata: { name: CA_NAME }, data },
      });
    else if (existing.data?.['ca.crt'] !== certPem)
      await core.replaceNamespacedConfigMap({
        fieldManager: FIELD_MANAGER,
        name: CA_NAME,
        namespace,
        body: { ...existing, data },
      });
  }

  private async signPending(): Promise<void> {
    const list = await this.certificates.listCertificateSigningRequest({
      fieldSelector: `spec.signerName=${SIGNER}`,
    });
    for (const csr of list.items) {
      const name = csr.metadata?.name ?? '';
      const conditions = csr.status?.conditions ?? [];
      const approved = conditions.some((c) => c.type === 'Approved' && c.status === 'True');
      const decided = approved || conditions.some((c) => c.type === 'Denied');
      if (!decided && this.settings.autoApprove) {
        await this.certificates.replaceCertificateSigningRequestApproval({
          name,
          body: {
            ...csr,
            status: {
              ...csr.status,
              conditions: [
                ...conditions,
                {
                  type: 'Approved',
                  status: 'True',
                  reason: 'AutoApproved',
                  message: 'Automatically approved by antrea-controller',
                },
              ],
            },
          },
        });
        continue; // signed at the next tick, from the approved object
      }
      if (approved && !csr.status?.certificate && this.ca) await this.sign(csr);
    }
  }

  private async sign(csr: k8s.V1CertificateSigningRequest): Promise<void> {
    if (!this.ca) return;
    const request = new x509.Pkcs10CertificateRequest(
      Buffer.from(csr.spec.request, 'base64').toString(),
    );
    const caCert = new x509.X509Certificate(this.ca.certPem);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: Date.now().toString(16),
      subject: request.subject,
      issuer: caCert.subject,
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(now + 365 * DAY),
      publicKey: request.publicKey,
      signingKey: this.ca.key,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
    });
    await this.certificates.replaceCertificateSigningRequestStatus({
      name: csr.metadata?.name ?? '',
      body: {
        ...csr,
        status: {
          ...csr.status,
          certificate: Buffer.from(cert.toString('pem')).toString('base64'),
        },
      },
    });
    log(`IPsec signer: signed ${csr.metadata?.name ?? ''} for ${request.subject}`);
  }
}
