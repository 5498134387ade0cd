// Publishing the CA bundle: ConfigMap antrea-ca and the caBundle of every
// consumer, with full-object Updates that retry on conflict.
import {
  type Clients,
  k8s,
  retryOnConflict,
  readOptional,
  isNotFound,
  describe,
  log,
  FIELD_MANAGER,
} from './kube.ts';
import {
  CONSUMER_SELECTOR,
  LEGACY_CONSUMERS,
  parseRelease,
  selectsConsumersByLabel,
} from '../antrea/versions.ts';

export const CA_CONFIGMAP = 'antrea-ca';
export const CA_KEY = 'ca.crt';

export class Publisher {
  private readonly byLabel: boolean;

  constructor(
    private readonly api: Clients,
    private readonly namespace: string,
    version: string,
  ) {
    this.byLabel = selectsConsumersByLabel(parseRelease(version));
  }

  async publish(caPem: string): Promise<void> {
    const bundle = Buffer.from(caPem).toString('base64');
    const results = await Promise.allSettled([
      this.publishConfigMap(caPem),
      this.publishApiServices(bundle),
      this.publishValidatingWebhooks(bundle),
      this.publishMutatingWebhooks(bundle),
      this.publishConversionWebhooks(bundle),
    ]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length)
      throw new Error(
        `publishing the CA failed: ${failures.map((f) => describe(f.reason)).join('; ')}`,
      );
  }

  private async publishConfigMap(caPem: string): Promise<void> {
    const { core } = this.api;
    const name = CA_CONFIGMAP;
    const namespace = this.namespace;
    await retryOnConflict(async () => {
      const existing = await readOptional(() => core.readNamespacedConfigMap({ name, namespace }));
      if (!existing) {
        await core.createNamespacedConfigMap({
          fieldManager: FIELD_MANAGER,
          namespace,
          body: {
            metadata: { name, namespace, labels: { app: 'antrea' } },
            data: { [CA_KEY]: caPem },
          },
        });
        log(`created ConfigMap ${name}`);
        return;
      }
      if (existing.data?.[CA_KEY] === caPem) return;
      existing.data = { ...existing.data, [CA_KEY]: caPem };
      await core.replaceNamespacedConfigMap({
        name,
        namespace,
        body: existing,
        fieldManager: FIELD_MANAGER,
      });
      log(`updated ConfigMap ${name}`);
    });
  }

  private async names<T extends k8s.KubernetesObject>(
    list: (labelSelector: string) => Promise<{ items: T[] }>,
    legacy: readonly string[],
  ): Promise<string[]> {
    if (!this.byLabel) return [...legacy];
    return (await list(CONSUMER_SELECTOR)).items.map((o) => o.metadata?.name ?? '').filter(Boolean);
  }

  /** Updates each named object whose bundle differs; legacy names that do not exist are skipped. */
  private async update<T>(
    names: string[],
    read: (name: string) => Promise<T>,
    apply: (obj: T) => boolean,
    write: (name: string, obj: T) => Promise<unknown>,
    kind: string,
  ): Promise<void> {
    await Promise.all(
      names.map((name) =>
        retryOnConflict(async () => {
          let obj: T;
          try {
            obj = await read(name);
          } catch (error) {
            if (isNotFound(error)) return;
            throw error;
          }
          if (!apply(obj)) return;
          await write(name, obj);
          log(`updated caBundle of ${kind} ${name}`);
        }),
      ),
    );
  }

  private async publishApiServices(bundle: string): Promise<void> {
    const api = this.api.registration;
    const names = await this.names(
      (labelSelector) => api.listAPIService({ labelSelector }),
      LEGACY_CONSUMERS.apiServices,
    );
    await this.update(
      names,
      (name) => api.readAPIService({ name }),
      (o) => {
        if (!o.spec || o.spec.caBundle === bundle) return false;
        o.spec.caBundle = bundle;
        return true;
      },
      (name, body) => api.replaceAPIService({ name, body, fieldManager: FIELD_MANAGER }),
      'APIService',
    );
  }

  private async publishValidatingWebhooks(bundle: string): Promise<void> {
    const api = this.api.admission;
    const names = await this.names(
      (labelSelector) => api.listValidatingWebhookConfiguration({ labelSelector }),
      LEGACY_CONSUMERS.validatingWebhooks,
    );
    await this.update(
      names,
      (name) => api.readValidatingWebhookConfiguration({ name }),
      (o) => setWebhookBundles(o.webhooks ?? [], bundle),
      (name, body) =>
        api.replaceValidatingWebhookConfiguration({ name, body, fieldManager: FIELD_MANAGER }),
      'ValidatingWebhookConfiguration',
    );
  }

  private async publishMutatingWebhooks(bundle: string): Promise<void> {
    const api = this.api.admission;
    const names = await this.names(
      (labelSelector) => api.listMutatingWebhookConfiguration({ labelSelector }),
      LEGACY_CONSUMERS.mutatingWebhooks,
    );
    await this.update(
      names,
      (name) => api.readMutatingWebhookConfiguration({ name }),
      (o) => setWebhookBundles(o.webhooks ?? [], bundle),
      (name, body) =>
        api.replaceMutatingWebhookConfiguration({ name, body, fieldManager: FIELD_MANAGER }),
      'MutatingWebhookConfiguration',
    );
  }

  /** CRD conversion webhooks exist only in label-selecting releases. */
  private async publishConversionWebhooks(bundle: string): Promise<void> {
    if (!this.byLabel) return;
    const api = this.api.extensions;
    const names = await this.names(
      (labelSelector) => api.listCustomResourceDefinition({ labelSelector }),
      [],
    );
    await this.update(
      names,
      (name) => api.readCustomResourceDefinition({ name }),
      (o) => {
        const webhook =
          o.spec.conversion?.strategy === 'Webhook' ? o.spec.conversion.webhook : undefined;
        if (!webhook?.clientConfig || webhook.clientConfig.caBundle === bundle) return false;
        webhook.clientConfig.caBundle = bundle;
        return true;
      },
      (name, body) =>
        api.replaceCustomResourceDefinition({ name, body, fieldManager: FIELD_MANAGER }),
      'CustomResourceDefinition',
    );
  }
}

function setWebhookBundles(
  webhooks: { clientConfig: { caBundle?: string } }[],
  bundle: string,
): boolean {
  let changed = false;
  for (const webhook of webhooks) {
    if (webhook.clientConfig.caBundle !== bundle) {
      webhook.clientConfig.caBundle = bundle;
      changed = true;
    }
  }
  return changed;
}
