// cert-manager on the testbed: its Certificate, Issuer and ClusterIssuer CRDs
// (the v1 fields the plugin reads and writes, with the status subresource
// cert-manager uses) and a controller that behaves like cert-manager's: a
// Certificate whose issuer is missing or not Ready gets Ready=False and no
// Secret; otherwise it issues when the Certificate has no Secret of its own yet
// or its Issuing condition is True, writes the Secret with cert-manager's
// annotations (a CA issuer's CA in ca.crt, nothing there for an ACME issuer),
// and sets Ready, the revision and the validity on the status, removing Issuing.
// At status.renewalTime (renewBefore before expiry, or two thirds into the
// lifetime) it renews, as cert-manager's trigger controller does; when the
// issuer is not Ready then, the renewal fails as cert-manager records it
// (Issuing=False, Failed, lastFailureTime), the old Secret stays, and it is
// tried again an hour later.
import { k8s, readOptional, retryOnConflict, describe, log } from './model/kube.ts';
import { X509Certificate } from 'node:crypto';
import { issue, usage, extendedUsage, type Issued } from './pki.ts';
import type { Clients } from './model/kube.ts';

/** What the helper needs of a testbed: its API clients and the Antrea namespace. */
export interface Cluster {
  readonly api: Clients;
  readonly namespace: string;
}

const GROUP = 'cert-manager.io';
const VERSION = 'v1';
const PLURAL = 'certificates';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface Certificate {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string; generation?: number };
  spec: {
    secretName: string;
    commonName?: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    duration?: string;
    renewBefore?: string;
    issuerRef: { name: string; kind?: string; group?: string };
  };
  status?: {
    conditions?: Condition[];
    revision?: number;
    notBefore?: string;
    notAfter?: string;
    renewalTime?: string;
    lastFailureTime?: string;
    failedIssuanceAttempts?: number;
  };
}

const conditionSchema = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64' },
  },
};

/** The Certificate CRD: cert-manager's group, names and status subresource; the schema covers the fields used here. */
export const certificateCrd: k8s.V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: `${PLURAL}.${GROUP}`,
    labels: { app: 'cert-manager', 'app.kubernetes.io/name': 'cert-manager' },
  },
  spec: {
    group: GROUP,
    names: {
      kind: 'Certificate',
      listKind: 'CertificateList',
      plural: PLURAL,
      singular: 'certificate',
      shortNames: ['cert', 'certs'],
      categories: ['cert-manager'],
    },
    scope: 'Namespaced',
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['issuerRef', 'secretName'],
                properties: {
                  secretName: { type: 'string' },
                  commonName: { type: 'string' },
                  dnsNames: { type: 'array', items: { type: 'string' } },
                  ipAddresses: { type: 'array', items: { type: 'string' } },
                  duration: { type: 'string' },
                  renewBefore: { type: 'string' },
                  usages: { type: 'array', items: { type: 'string' } },
                  privateKey: {
                    type: 'object',
                    properties: {
                      algorithm: { type: 'string' },
                      rotationPolicy: { type: 'string' },
                      size: { type: 'integer' },
                    },
                  },
                  issuerRef: {
                    type: 'object',
                    required: ['name'],
                    properties: {
                      name: { type: 'string' },
                      kind: { type: 'string' },
                      group: { type: 'string' },
                    },
                  },
                },
              },
              status: {
                type: 'object',
                properties: {
                  conditions: {
                    type: 'array',
                    items: conditionSchema,
                    x_kubernetes_list_map_keys: ['type'],
                    x_kubernetes_list_type: 'map',
                  },
                  revision: { type: 'integer' },
                  notBefore: { type: 'string', format: 'date-time' },
                  notAfter: { type: 'string', format: 'date-time' },
                  renewalTime: { type: 'string', format: 'date-time' },
                  lastFailureTime: { type: 'string', format: 'date-time' },
                  failedIssuanceAttempts: { type: 'integer' },
                  nextPrivateKeySecretName: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/**
 * The kinds of issuer the helper plays: a CA issuer, and two whose Secrets carry no ca.crt, as
 * cert-manager's ACME and Venafi issuers leave it.
 */
export type IssuerType = 'ca' | 'acme' | 'venafi';

const issuerCrd = (kind: 'Issuer' | 'ClusterIssuer'): k8s.V1CustomResourceDefinition => {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}`, labels: { app: 'cert-manager' } },
    spec: {
      group: GROUP,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: kind === 'Issuer' ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
                status: {
                  type: 'object',
                  properties: { conditions: { type: 'array', items: conditionSchema } },
                },
              },
            },
          },
        },
      ],
    },
  };
};

/** An Issuer or ClusterIssuer as the helper reads it. */
interface IssuerObject {
  metadata: { name: string; namespace?: string };
  spec?: { ca?: unknown; acme?: unknown; venafi?: unknown };
  status?: { conditions?: Condition[] };
}

const stamp = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');
const HOUR_MS = 3_600_000;
const decode = (base64?: string) => Buffer.from(base64 ?? '', 'base64').toString();

/** Seconds of a Go duration (8760h, 8760h0m0s, 45s); undefined when there is none. */
function goSeconds(text: string | undefined): number | undefined {
  const go = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text ?? '');
  return go?.[0]
    ? Number(go[1] ?? 0) * 3600 + Number(go[2] ?? 0) * 60 + Number(go[3] ?? 0)
    : undefined;
}

/** cert-manager's renewalTime: renewBefore before expiry, or two thirds into the lifetime. */
function renewalTimeOf(
  spec: Certificate['spec'],
  validity: { notBefore: Date; notAfter: Date },
): Date {
  const lifetime = validity.notAfter.getTime() - validity.notBefore.getTime();
  const before = goSeconds(spec.renewBefore);
  return new Date(
    validity.notAfter.getTime() - (before !== undefined ? before * 1000 : lifetime / 3),
  );
}

export class CertManager {
  /** The reasons of every Issuing=True condition it acted on, in order. */
  readonly triggers: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly bed: Cluster,
    private ca: Issued,
  ) {}

  /** Installs the CRD and starts issuing from the CA. */
  static async start(bed: Cluster, ca: Issued): Promise<CertManager> {
    for (const body of [certificateCrd, issuerCrd('Issuer'), issuerCrd('ClusterIssuer')]) {
      const name = body.metadata?.name ?? '';
      const existing = await readOptional(() =>
        bed.api.extensions.readCustomResourceDefinition({ name }),
      );
      if (!existing) await bed.api.extensions.createCustomResourceDefinition({ body });
      // A CRD is usable once it is Established.
      for (let i = 0; i < 100; i++) {
        const crd = await bed.api.extensions.readCustomResourceDefinition({ name });
        if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const manager = new CertManager(bed, ca);
    manager.loop();
    return manager;
  }

  /** Issues from another CA from now on (an Issuer whose CA was replaced). */
  useCa(ca: Issued): void {
    this.ca = ca;
  }

  /**
   * Creates an Issuer (in the Antrea namespace) or a ClusterIssuer of the given type, Ready or not
   * (as cert-manager would set it once it checked the issuer's CA or ACME account).
   */
  async createIssuer(
    kind: 'Issuer' | 'ClusterIssuer',
    name: string,
    type: IssuerType,
    ready: boolean,
  ): Promise<void> {
    const plural = `${kind.toLowerCase()}s`;
    const namespaced = kind === 'Issuer';
    const spec = {
      ca: { ca: { secretName: `${name}-ca` } },
      acme: { acme: { server: 'https://acme.invalid/directory', solvers: [] } },
      venafi: { venafi: { zone: 'antrea', tpp: { url: 'https://tpp.invalid' } } },
    }[type];
    const where = { group: GROUP, version: VERSION, plural };
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind,
      metadata: { name, ...(namespaced ? { namespace: this.bed.namespace } : {}) },
      spec,
    };
    const created = (
      namespaced
        ? await this.bed.api.custom.createNamespacedCustomObject({
            ...where,
            namespace: this.bed.namespace,
            body,
          })
        : await this.bed.api.custom.createClusterCustomObject({ ...where, body })
    ) as IssuerObject;
    const condition: Condition = ready
      ? { type: 'Ready', status: 'True', reason: 'KeyPairVerified', message: 'Signing CA verified' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'ErrGetKeyPair',
          message: `Error getting keypair for CA issuer: secret "${name}-ca" not found`,
        };
    const withStatus = { ...created, status: { conditions: [condition] } };
    if (namespaced) {
      await this.bed.api.custom.replaceNamespacedCustomObjectStatus({
        ...where,
        namespace: this.bed.namespace,
        name,
        body: withStatus,
      });
    } else {
      await this.bed.api.custom.replaceClusterCustomObjectStatus({
        ...where,
        name,
        body: withStatus,
      });
    }
  }

  private async readIssuer(
    ref: Certificate['spec']['issuerRef'],
    namespace: string,
  ): Promise<IssuerObject | undefined> {
    const kind = ref.kind ?? 'Issuer';
    const where = {
      group: GROUP,
      version: VERSION,
      plural: `${kind.toLowerCase()}s`,
      name: ref.name,
    };
    return readOptional(
      async () =>
        (kind === 'Issuer'
          ? await this.bed.api.custom.getNamespacedCustomObject({ ...where, namespace })
          : await this.bed.api.custom.getClusterCustomObject(where)) as IssuerObject,
    );
  }

  async createCertificate(certificate: Certificate): Promise<void> {
    await this.bed.api.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: certificate.metadata.namespace,
      plural: PLURAL,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Certificate', ...certificate },
    });
  }

  async read(namespace: string, name: string): Promise<Certificate> {
    return (await this.bed.api.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
    })) as Certificate;
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    return this.working;
  }

  private loop(): void {
    if (this.stopped) return;
    this.working = this.reconcileAll()
      .catch((error) => log(`cert-manager helper: ${describe(error)}`))
      .finally(() => {
        this.timer = setTimeout(() => this.loop(), 200);
      });
  }

  /** Ready=False with cert-manager's reason for a Certificate it cannot issue yet (once). */
  private async setNotReady(certificate: Certificate, message: string): Promise<void> {
    const ready = certificate.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'False' && ready.message === message) return;
    await this.updateStatus(certificate, (fresh) => ({
      ...fresh.status,
      conditions: [
        ...(fresh.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
        {
          type: 'Ready',
          status: 'False',
          reason: 'DoesNotExist',
          message,
          lastTransitionTime: stamp(new Date()),
        },
      ],
    }));
  }

  /** The validity and renewalTime of the certificate in the Secret, on the status; returns the renewalTime. */
  private async recordValidity(certificate: Certificate, certPem: string): Promise<Date> {
    const cert = new X509Certificate(certPem);
    const validity = { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
    const renewalTime = renewalTimeOf(certificate.spec, validity);
    const wanted = {
      notBefore: stamp(validity.notBefore),
      notAfter: stamp(validity.notAfter),
      renewalTime: stamp(renewalTime),
    };
    const status = certificate.status ?? {};
    if (Object.entries(wanted).every(([k, v]) => status[k as keyof typeof wanted] === v))
      return renewalTime;
    await this.updateStatus(certificate, (fresh) => ({ ...fresh.status, ...wanted }));
    return renewalTime;
  }

  /** A renewal that failed, as cert-manager records it: Issuing=False (Failed), the old Secret kept. */
  private async recordFailure(certificate: Certificate, why: string): Promise<void> {
    const failed = certificate.status?.conditions?.find((c) => c.type === 'Issuing');
    if (failed?.reason === 'Failed' && certificate.status?.lastFailureTime) {
      const since = Date.parse(certificate.status.lastFailureTime);
      if (Date.now() < since + HOUR_MS) return;
    }
    const now = stamp(new Date());
    await this.updateStatus(certificate, (fresh) => ({
      ...fresh.status,
      conditions: [
        ...(fresh.status?.conditions ?? []).filter((c) => c.type !== 'Issuing'),
        {
          type: 'Issuing',
          status: 'False',
          reason: 'Failed',
          message: `The certificate request has failed to complete and will be retried: ${why}`,
          lastTransitionTime: now,
        },
      ],
      lastFailureTime: now,
      failedIssuanceAttempts: (fresh.status?.failedIssuanceAttempts ?? 0) + 1,
    }));
    log(`cert-manager helper: renewal of Certificate ${certificate.metadata.name} failed: ${why}`);
  }

  private async updateStatus(
    certificate: Certificate,
    change: (fresh: Certificate) => NonNullable<Certificate['status']>,
  ): Promise<void> {
    const { namespace, name } = certificate.metadata;
    await retryOnConflict(async () => {
      const fresh = await this.read(namespace, name);
      fresh.status = change(fresh);
      await this.bed.api.custom.replaceNamespacedCustomObjectStatus({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
        body: fresh,
      });
    });
  }

  private async reconcileAll(): Promise<void> {
    const list = (await this.bed.api.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.bed.namespace,
      plural: PLURAL,
    })) as { items: Certificate[] };
    for (const certificate of list.items) await this.reconcile(certificate);
  }

  private async reconcile(certificate: Certificate): Promise<void> {
    const { core } = this.bed.api;
    const { namespace, name } = certificate.metadata;
    const secret = await readOptional(() =>
      core.readNamespacedSecret({ name: certificate.spec.secretName, namespace }),
    );
    const issuing = certificate.status?.conditions?.find(
      (c) => c.type === 'Issuing' && c.status === 'True',
    );
    // cert-manager issues when the Secret is missing, is not its own for this Certificate, or a renewal was triggered.
    // As cert-manager's readiness policies: a Secret issued for another issuer is re-issued.
    const ours =
      secret?.data?.['tls.crt'] &&
      secret.metadata?.annotations?.['cert-manager.io/certificate-name'] === name &&
      secret.metadata.annotations['cert-manager.io/issuer-name'] ===
        certificate.spec.issuerRef.name;
    let trigger = issuing?.reason;
    if (ours && !issuing) {
      // The trigger controller: renew at renewalTime, an hour after a failed attempt at the soonest.
      const renewalTime = await this.recordValidity(certificate, decode(secret.data?.['tls.crt']));
      const lastFailure = Date.parse(certificate.status?.lastFailureTime ?? '') || 0;
      if (Date.now() < Math.max(renewalTime.getTime(), lastFailure + HOUR_MS)) return;
      trigger = 'Renewing';
    }
    const issuer = await this.readIssuer(certificate.spec.issuerRef, namespace);
    const issuerReady = issuer?.status?.conditions?.some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
    if (!issuerReady) {
      const kind = certificate.spec.issuerRef.kind ?? 'Issuer';
      const ref = `${kind} ${certificate.spec.issuerRef.name}`;
      if (ours) {
        await this.recordFailure(certificate, `${ref} ${issuer ? 'is not Ready' : 'not found'}`);
        return;
      }
      const message = issuer
        ? `Issuing certificate as Secret does not exist; ${ref} is not Ready`
        : `Issuing certificate as Secret does not exist; ${ref} not found`;
      await this.setNotReady(certificate, message);
      return;
    }
    if (trigger) this.triggers.push(trigger);

    // Whole seconds, as the certificate holds them: the status matches what recordValidity reads.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    // cert-manager's default duration is 90 days; spec.duration is a Go duration (8760h, 8760h0m0s).
    const seconds = goSeconds(certificate.spec.duration) ?? 90 * 86_400;
    const days = seconds / 86_400;
    const leaf = await issue({
      commonName: certificate.spec.commonName ?? certificate.spec.dnsNames?.[0] ?? name,
      issuer: this.ca,
      usages: usage.digitalSignature | usage.keyEncipherment,
      extendedUsages: [extendedUsage.serverAuth],
      dnsNames: certificate.spec.dnsNames ?? [],
      ipAddresses: certificate.spec.ipAddresses ?? [],
      notBefore: now,
      notAfter: new Date(now.getTime() + days * 86_400_000),
    });
    // ACME and Venafi issuers' Secrets have no ca.crt: those protocols do not hand out the CA.
    const caCrt = issuer?.spec?.ca !== undefined ? this.ca.certPem : '';
    const data = { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem, 'ca.crt': caCrt };
    const encoded = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    const annotations = {
      'cert-manager.io/certificate-name': name,
      'cert-manager.io/issuer-name': certificate.spec.issuerRef.name,
      'cert-manager.io/issuer-kind': certificate.spec.issuerRef.kind ?? 'Issuer',
      'cert-manager.io/issuer-group': certificate.spec.issuerRef.group ?? GROUP,
      'cert-manager.io/common-name': certificate.spec.commonName ?? '',
      'cert-manager.io/alt-names': (certificate.spec.dnsNames ?? []).join(','),
      'cert-manager.io/ip-sans': (certificate.spec.ipAddresses ?? []).join(','),
      'cert-manager.io/uri-sans': '',
    };
    await retryOnConflict(async () => {
      const current = await readOptional(() =>
        core.readNamespacedSecret({ name: certificate.spec.secretName, namespace }),
      );
      if (current) {
        current.data = encoded;
        current.metadata = {
          ...current.metadata,
          annotations: { ...current.metadata?.annotations, ...annotations },
        };
        await core.replaceNamespacedSecret({
          name: certificate.spec.secretName,
          namespace,
          body: current,
        });
      } else {
        await core.createNamespacedSecret({
          namespace,
          body: {
            metadata: { name: certificate.spec.secretName, namespace, annotations },
            type: 'kubernetes.io/tls',
            data: encoded,
          },
        });
      }
    });
    const notAfter = new Date(now.getTime() + days * 86_400_000);
    await this.updateStatus(certificate, (fresh) => {
      // An issuance that succeeded clears the record of the failed ones, as cert-manager does.
      const { lastFailureTime: _t, failedIssuanceAttempts: _n, ...status } = fresh.status ?? {};
      return {
        ...status,
        conditions: [
          ...(status.conditions ?? []).filter((c) => c.type !== 'Issuing' && c.type !== 'Ready'),
          {
            type: 'Ready',
            status: 'True',
            reason: 'Ready',
            message: 'Certificate is up to date and has not expired',
            lastTransitionTime: stamp(now),
            ...(fresh.metadata.generation !== undefined
              ? { observedGeneration: fresh.metadata.generation }
              : {}),
          },
        ],
        revision: (status.revision ?? 0) + 1,
        notBefore: stamp(now),
        notAfter: stamp(notAfter),
        renewalTime: stamp(renewalTimeOf(fresh.spec, { notBefore: now, notAfter })),
      };
    });
    log(
      `cert-manager helper: issued revision ${(certificate.status?.revision ?? 0) + 1} of Certificate ${name}`,
    );
  }
}
