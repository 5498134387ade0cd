// One run of the antrea-controller container: what it does with its
// certificate in each mode, as the behaviour page describes.
import {
  type Clients,
  k8s,
  keepRunning,
  readOptional,
  retryOnConflict,
  describe,
  log,
  FIELD_MANAGER,
} from './kube.ts';
import { generateSelfSignedPair, firstCertificateExpiry, type ServingPair } from './selfsigned.ts';
import type { ModelServer } from './server.ts';
import { X509Certificate } from 'node:crypto';
import type { Publisher } from './publisher.ts';
import type { ModelSettings } from './settings.ts';
import type { SecretVolume } from './secret-volume.ts';
import { parseRelease, persistsSelfSignedPair, rewritesSecretType } from '../antrea/versions.ts';

/**
 * A certificate the model refuses to load, as a controller refuses a pair its TLS library cannot
 * use: a valid pair that passes every check, for the tests of what a change does when the
 * controller does not come up on it.
 */
export const REFUSED_COMMON_NAME = 'antrea-certs-testbed-refused';

export const TLS_SECRET = 'antrea-controller-tls';
/** On the Secret, "true": the controller's renewal of its pair is refused (its renewer is broken). */
export const REFUSE_RENEWAL_ANNOTATION = 'testbed.antrea-certs.io/refuse-renewal';
const REGENERATE_WITHIN_MS = 90 * 24 * 3600 * 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ContainerContext {
  readonly api: Clients;
  readonly settings: ModelSettings;
  readonly server: ModelServer;
  readonly publisher: Publisher;
  /** selfSignedCert from antrea-controller.conf as it was when the Pod started. */
  readonly selfSignedCert: boolean;
  /** The Pod's view of Secret antrea-controller-tls through its volume. */
  readonly volume: SecretVolume;
  setReady(ready: boolean, message?: string): void;
  /** The process exits with an error: the kubelet restarts it after a back-off. */
  exit(message: string): void;
}

export interface Container {
  start(): Promise<void>;
  stop(): void;
}

export function containerFor(context: ContainerContext): Container {
  if (!context.selfSignedCert) return new UserProvided(context);
  return persistsSelfSignedPair(parseRelease(context.settings.version))
    ? new SelfSignedPersisted(context)
    : new SelfSignedInPod(context);
}

abstract class Base implements Container {
  protected stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private servedCa: string | undefined;
  private publishing: Promise<void> = Promise.resolve();

  constructor(protected readonly ctx: ContainerContext) {}

  abstract start(): Promise<void>;

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ctx.server.stopServing();
  }

  protected every(seconds: number, task: () => Promise<void>): void {
    const tick = () => {
      if (this.stopped) return;
      void task()
        .catch((error) => log(`periodic task failed: ${describe(error)}`))
        .finally(() => this.after(seconds * 1000, tick));
    };
    this.after(seconds * 1000, tick);
  }

  protected after(ms: number, task: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (ms > MAX_TIMER_MS) this.after(ms - MAX_TIMER_MS, task);
        else if (!this.stopped) task();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    this.timers.add(timer);
  }

  /** Serves a pair and publishes its CA bundle when that changed. */
  protected async serve(pair: ServingPair, caPem: string): Promise<void> {
    if (this.stopped) return;
    if (new X509Certificate(pair.certPem).subject.split('\n').includes(`CN=${REFUSED_COMMON_NAME}`))
      throw new Error(`the testbed's controller refuses to load CN=${REFUSED_COMMON_NAME}`);
    this.ctx.server.serve(pair);
    this.ctx.setReady(true);
    if (caPem !== this.servedCa) {
      this.servedCa = caPem;
      await this.publish();
    }
  }

  /** Publishes the current CA; runs one at a time, errors are logged and retried by the next call. */
  protected publish(): Promise<void> {
    this.publishing = this.publishing.then(async () => {
      if (this.stopped || this.servedCa === undefined) return;
      try {
        await this.ctx.publisher.publish(this.servedCa);
      } catch (error) {
        log(describe(error));
      }
    });
    return this.publishing;
  }

  protected publishPeriodically(): void {
    if (persistsSelfSignedPair(parseRelease(this.ctx.settings.version))) {
      this.every(this.ctx.settings.publishResyncSeconds, () => this.publish());
    }
  }
}

/** v2.x and late 1.13-1.15 patches: the pair lives in Secret antrea-controller-tls. */
class SelfSignedPersisted extends Base {
  private informer: k8s.Informer<k8s.V1Secret> | undefined;
  private checking: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    const { core } = this.ctx.api;
    const namespace = this.ctx.settings.namespace;
    const informer = k8s.makeInformer(
      this.ctx.api.config,
      `/api/v1/namespaces/${namespace}/secrets`,
      () => core.listNamespacedSecret({ namespace }),
    );
    const onEvent = (secret: k8s.V1Secret) => {
      if (secret.metadata?.name === TLS_SECRET) void this.check();
    };
    informer.on('add', onEvent);
    informer.on('update', onEvent);
    informer.on('delete', onEvent);
    keepRunning(informer, this.ctx.api.config, TLS_SECRET, () => this.stopped);
    this.informer = informer;
    // The first check runs as the controller starts: a failure makes it exit, as the real one does.
    await this.checkOnce();
    await informer.start();
    this.every(this.ctx.settings.secretRecheckSeconds, () => this.check());
    this.publishPeriodically();
  }

  override stop(): void {
    super.stop();
    void this.informer?.stop();
  }

  private check(): Promise<void> {
    // Like the controller's work queue: a failed check (the API server gone, say) is retried.
    this.checking = this.checking
      .then(() => this.checkOnce())
      .catch((error) => {
        log(`checking ${TLS_SECRET} failed: ${describe(error)}; retrying in 1s`);
        this.after(1000, () => void this.check());
      });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    if (this.stopped) return;
    const { core } = this.ctx.api;
    const namespace = this.ctx.settings.namespace;
    await retryOnConflict(async () => {
      const secret = await readOptional(() =>
        core.readNamespacedSecret({ name: TLS_SECRET, namespace }),
      );
      const certPem = decode(secret?.data?.['tls.crt']);
      const keyPem = decode(secret?.data?.['tls.key']);
      const expiry = certPem ? firstCertificateExpiry(certPem) : undefined;
      // A renewal the cluster refuses (RBAC, an admission policy, a GitOps tool putting the old
      // Secret back): the controller logs it, keeps serving the pair it has, and checks again.
      const refused = secret?.metadata?.annotations?.[REFUSE_RENEWAL_ANNOTATION] === 'true';
      if (
        refused &&
        certPem &&
        keyPem &&
        expiry &&
        expiry.getTime() - Date.now() < REGENERATE_WITHIN_MS
      ) {
        log(`cannot replace the pair in ${TLS_SECRET}: the write is refused (testbed annotation)`);
        await this.serve({ certPem, keyPem }, certPem);
        return;
      }
      if (certPem && keyPem && expiry && expiry.getTime() - Date.now() >= REGENERATE_WITHIN_MS) {
        try {
          await this.serve({ certPem, keyPem }, certPem);
          return;
        } catch (error) {
          log(
            `the pair in ${TLS_SECRET} cannot be served (${describe(error)}); generating a new one`,
          );
        }
      }
      const pair = await generateSelfSignedPair(namespace);
      const data = { 'tls.crt': encode(pair.certPem), 'tls.key': encode(pair.keyPem) };
      if (secret) {
        secret.data = data;
        if (rewritesSecretType(parseRelease(this.ctx.settings.version)))
          secret.type = 'kubernetes.io/tls';
        await core.replaceNamespacedSecret({
          name: TLS_SECRET,
          namespace,
          body: secret,
          fieldManager: FIELD_MANAGER,
        });
        log(`wrote a new self-signed pair to Secret ${TLS_SECRET}`);
      } else {
        await core.createNamespacedSecret({
          fieldManager: FIELD_MANAGER,
          namespace,
          body: { metadata: { name: TLS_SECRET, namespace }, type: 'kubernetes.io/tls', data },
        });
        log(`created Secret ${TLS_SECRET} with a new self-signed pair`);
      }
      await this.serve(pair, pair.certPem);
    });
  }
}

/** v1.0 to v1.12 and early 1.13-1.15 patches: the pair lives in the container and dies with it. */
class SelfSignedInPod extends Base {
  async start(): Promise<void> {
    await this.rotate();
  }

  private async rotate(): Promise<void> {
    if (this.stopped) return;
    const pair = await generateSelfSignedPair(this.ctx.settings.namespace);
    log('generated a self-signed pair held in the Pod');
    await this.serve(pair, pair.certPem);
    const expiry = firstCertificateExpiry(pair.certPem) ?? new Date();
    this.after((expiry.getTime() - Date.now()) / 2, () => void this.rotate());
  }
}

/** selfSignedCert: false — serve the files of the mounted Secret, publish its ca.crt. */
class UserProvided extends Base {
  private loaded: { ca: string; cert: string; key: string } | undefined;

  async start(): Promise<void> {
    const deadline = Date.now() + this.ctx.settings.userProvidedWaitSeconds * 1000;
    const missing = () => ['ca.crt', 'tls.crt', 'tls.key'].filter((k) => !this.ctx.volume.file(k));
    while (missing().length) {
      if (this.stopped) return;
      const message = `waiting for ${missing().join(', ')} in Secret ${TLS_SECRET} (selfSignedCert is false)`;
      if (Date.now() >= deadline) {
        this.ctx.exit(
          `error creating the API server: ${missing().join(', ')} not found in /var/run/antrea/antrea-controller-tls after ${this.ctx.settings.userProvidedWaitSeconds}s; provide them in Secret ${TLS_SECRET} or set selfSignedCert to true`,
        );
        return;
      }
      this.ctx.setReady(false, message);
      await new Promise((resolve) => this.after(500, () => resolve(undefined)));
    }
    if (this.stopped) return;
    try {
      await this.reload();
    } catch (error) {
      this.ctx.exit(`error loading the serving certificate: ${describe(error)}`);
      return;
    }
    this.every(this.ctx.settings.certReloadSeconds, () =>
      this.reload().catch((error) => log(`keeping the current certificate: ${describe(error)}`)),
    );
    this.publishPeriodically();
  }

  private async reload(): Promise<void> {
    const ca = this.ctx.volume.file('ca.crt');
    const cert = this.ctx.volume.file('tls.crt');
    const key = this.ctx.volume.file('tls.key');
    if (!ca || !cert || !key) throw new Error('ca.crt, tls.crt or tls.key is missing');
    if (
      this.loaded &&
      this.loaded.ca === ca &&
      this.loaded.cert === cert &&
      this.loaded.key === key
    )
      return;
    await this.serve({ certPem: cert, keyPem: key }, ca);
    if (this.loaded) log('reloaded the user-provided certificate files');
    this.loaded = { ca, cert, key };
  }
}

const decode = (value: string | undefined) =>
  value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
const encode = (value: string) => Buffer.from(value).toString('base64');
