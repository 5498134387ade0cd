// The kubelet of a fake Node, for antrea-controller Pods only: binds them,
// runs the controller model as their container, reports readiness, restarts
// crashed containers with a back-off, and completes graceful deletion.
import { randomBytes } from 'node:crypto';
import * as yaml from 'js-yaml';
import {
  type Clients,
  k8s,
  keepRunning,
  readOptional,
  retryOnConflict,
  isNotFound,
  isAlreadyExists,
  describe,
  log,
} from './kube.ts';
import { containerFor, type Container, TLS_SECRET } from './controller.ts';
import { IpsecSigner, signerSettings } from './ipsec.ts';
import { SecretVolume } from './secret-volume.ts';
import { StreamingServer, KUBELET_PORT } from './streaming.ts';
import type { ModelServer } from './server.ts';
import type { Publisher } from './publisher.ts';
import type { ModelSettings } from './settings.ts';

const CONTROLLER_SELECTOR = 'app=antrea,component=antrea-controller';
const CONFIG_PATH = '/etc/antrea/antrea-controller.conf';
const TLS_PATH = '/var/run/antrea/antrea-controller-tls';
const MAX_BACKOFF_SECONDS = 300;

interface Shared {
  readonly api: Clients;
  readonly settings: ModelSettings;
  readonly server: ModelServer;
  readonly publisher: Publisher;
}

export class Kubelet {
  private readonly pods = new Map<string, PodRecord>();
  private readonly queues = new Map<string, Promise<void>>();
  private informer: k8s.Informer<k8s.V1Pod> | undefined;
  private stopped = false;
  private streaming: StreamingServer | undefined;

  constructor(private readonly shared: Shared) {}

  async start(): Promise<void> {
    const { settings } = this.shared;
    this.streaming = new StreamingServer(
      settings.address,
      { host: settings.address, port: 443 },
      (namespace, pod) =>
        namespace === settings.namespace &&
        [...this.pods.values()].some((record) => record.name === pod && record.running),
    );
    await this.streaming.listen();
    await this.registerNode();
    const { core } = this.shared.api;
    const namespace = this.shared.settings.namespace;
    const informer = k8s.makeInformer(
      this.shared.api.config,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector: CONTROLLER_SELECTOR }),
      CONTROLLER_SELECTOR,
    );
    informer.on('add', (pod) => this.enqueue(pod));
    informer.on('update', (pod) => this.enqueue(pod));
    informer.on('delete', (pod) => this.enqueue(pod, true));
    keepRunning(informer, this.shared.api.config, 'pod', () => this.stopped);
    this.informer = informer;
    await informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.streaming?.close();
    await this.informer?.stop();
    for (const record of this.pods.values()) record.stop();
  }

  private enqueue(pod: k8s.V1Pod, deleted = false): void {
    const uid = pod.metadata?.uid ?? '';
    const previous = this.queues.get(uid) ?? Promise.resolve();
    const next = previous
      .then(() => this.reconcile(pod, deleted))
      .catch((error) => {
        // As the kubelet's sync loop does: a step that failed (the API server gone) is tried
        // again. Without it a Pod whose final delete failed stayed Terminating for good, and a
        // Recreate Deployment never started the next one.
        log(`pod ${pod.metadata?.name}: ${describe(error)}; retrying in 1s`);
        setTimeout(() => {
          if (!this.stopped) this.enqueue(pod, deleted);
        }, 1000);
      });
    this.queues.set(uid, next);
  }

  private async reconcile(pod: k8s.V1Pod, deleted: boolean): Promise<void> {
    const { core } = this.shared.api;
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    const namespace = this.shared.settings.namespace;
    const record = this.pods.get(uid);
    if (deleted || pod.metadata?.deletionTimestamp) {
      if (record) {
        this.pods.delete(uid);
        // A real container gets SIGTERM and keeps running while it shuts down.
        const shutdownMs = (this.shared.settings.shutdownSeconds ?? 0) * 1000;
        if (shutdownMs > 0) await new Promise((resolve) => setTimeout(resolve, shutdownMs));
        record.stop();
        log(`pod ${name}: container stopped`);
      }
      if (!deleted) {
        await core
          .deleteNamespacedPod({
            name,
            namespace,
            gracePeriodSeconds: 0,
            body: { gracePeriodSeconds: 0, preconditions: { uid } },
          })
          .catch((error) => {
            if (!isNotFound(error)) throw error;
          });
      } else {
        this.queues.delete(uid);
      }
      return;
    }
    if (!pod.spec?.nodeName) {
      await core
        .createNamespacedBinding({
          namespace,
          body: {
            metadata: { name, namespace },
            target: { apiVersion: 'v1', kind: 'Node', name: this.shared.settings.nodeName },
          },
        })
        .catch((error) => {
          if (!isAlreadyExists(error)) throw error;
        });
      log(`pod ${name}: bound to ${this.shared.settings.nodeName}`);
      return;
    }
    if (
      !record &&
      pod.spec.nodeName === this.shared.settings.nodeName &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed'
    ) {
      const started = new PodRecord(this.shared, pod);
      this.pods.set(uid, started);
      await started.boot();
    }
  }

  private async registerNode(): Promise<void> {
    const { core } = this.shared.api;
    const name = this.shared.settings.nodeName;
    const existing = await readOptional(() => core.readNode({ name }));
    if (!existing) {
      await core.createNode({
        body: {
          metadata: {
            name,
            labels: {
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': 'amd64',
              'kubernetes.io/hostname': name,
            },
          },
        },
      });
    }
    await retryOnConflict(async () => {
      const node = await core.readNode({ name });
      const now = new Date();
      node.status = {
        ...node.status,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'antrea-certs testbed model',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        // kube-apiserver reaches the kubelet (port-forward) at the InternalIP: the model's own loopback address.
        addresses: [
          { type: 'InternalIP', address: this.shared.settings.address },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
      };
      await core.replaceNodeStatus({ name, body: node });
    });
  }
}

type ContainerState =
  | { kind: 'running'; startedAt: Date; ready: boolean; readyMessage?: string }
  | { kind: 'waiting'; reason: string; message: string };

class PodRecord {
  readonly name: string;
  private readonly uid: string;
  private readonly image: string;
  private readonly containerName: string;
  private readonly startedAt = new Date();
  private readonly volume: SecretVolume;
  private readonly configMap: { name: string; key: string } | undefined;
  private selfSignedCert: boolean | undefined;
  private container: Container | undefined;
  private ipsec: IpsecSigner | undefined;
  private state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating', message: '' };
  private lastTerminated: k8s.V1ContainerStateTerminated | undefined;
  private readyChangedAt = new Date();
  private restartCount = 0;
  private containerId = '';
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private infoTimer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();

  get running(): boolean {
    return this.state.kind === 'running';
  }

  constructor(
    private readonly shared: Shared,
    pod: k8s.V1Pod,
  ) {
    this.name = pod.metadata?.name ?? '';
    this.uid = pod.metadata?.uid ?? '';
    const container =
      pod.spec?.containers.find((c) => c.name === 'antrea-controller') ?? pod.spec?.containers[0];
    this.containerName = container?.name ?? 'antrea-controller';
    this.image = container?.image ?? '';
    const volumeFor = (path: string) => {
      const mount = container?.volumeMounts?.find((m) => m.mountPath === path);
      return mount
        ? { mount, volume: pod.spec?.volumes?.find((v) => v.name === mount.name) }
        : undefined;
    };
    const config = volumeFor(CONFIG_PATH);
    if (config?.volume?.configMap?.name) {
      this.configMap = {
        name: config.volume.configMap.name,
        key: config.mount.subPath ?? 'antrea-controller.conf',
      };
    }
    const secretName = volumeFor(TLS_PATH)?.volume?.secret?.secretName ?? TLS_SECRET;
    this.volume = new SecretVolume(
      shared.api,
      shared.settings.namespace,
      secretName,
      shared.settings.secretVolumeRefreshSeconds,
    );
  }

  async boot(): Promise<void> {
    await this.volume.start();
    this.startContainer();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.infoTimer);
    this.ipsec?.stop();
    this.container?.stop();
    this.volume.stop();
  }

  private startContainer(): void {
    if (this.stopped) return;
    this.containerId = randomBytes(32).toString('hex');
    this.state = { kind: 'running', startedAt: new Date(), ready: false };
    this.readyChangedAt = new Date();
    this.writeStatus();
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      if (this.selfSignedCert === undefined) this.selfSignedCert = await this.readSelfSignedCert();
    } catch (error) {
      this.exit(describe(error));
      return;
    }
    log(
      `pod ${this.name}: antrea-controller ${this.shared.settings.version} starting, selfSignedCert=${this.selfSignedCert}`,
    );
    const container = containerFor({
      ...this.shared,
      selfSignedCert: this.selfSignedCert,
      volume: this.volume,
      setReady: (ready, message) => this.setReady(container, ready, message),
      exit: (message) => this.container === container && this.exit(message),
    });
    this.container = container;
    try {
      await container.start();
    } catch (error) {
      if (this.container === container) this.exit(describe(error));
      return;
    }
    this.reportControllerInfo(container);
    await this.startIpsecSigner(container);
  }

  /** With IPsecCertAuth on in antrea-controller.conf, the controller also runs the IPsec CA and signer. */
  private async startIpsecSigner(container: Container): Promise<void> {
    if (!this.configMap) return;
    const cm = await this.shared.api.core.readNamespacedConfigMap({
      name: this.configMap.name,
      namespace: this.shared.settings.namespace,
    });
    const settings = signerSettings(cm.data?.[this.configMap.key] ?? '');
    if (!settings.gate || this.container !== container || this.stopped) return;
    this.ipsec?.stop();
    this.ipsec = new IpsecSigner(this.shared.api, this.shared.settings.namespace, settings);
    await this.ipsec.start().catch((error) => log(`IPsec signer: ${describe(error)}`));
  }

  /** Like antrea-controller, keeps AntreaControllerInfo current while it runs (every minute). */
  private reportControllerInfo(container: Container): void {
    if (this.container !== container || this.stopped) return;
    void this.updateControllerInfo()
      .catch((error) => log(`updating AntreaControllerInfo failed: ${describe(error)}`))
      .finally(() => {
        this.infoTimer = setTimeout(() => this.reportControllerInfo(container), 60_000);
      });
  }

  /** Reads selfSignedCert from antrea-controller.conf; absent means true. */
  private async readSelfSignedCert(): Promise<boolean> {
    if (!this.configMap) throw new Error(`no ConfigMap is mounted at ${CONFIG_PATH}`);
    const { name, key } = this.configMap;
    const cm = await this.shared.api.core.readNamespacedConfigMap({
      name,
      namespace: this.shared.settings.namespace,
    });
    const text = cm.data?.[key];
    if (text === undefined) throw new Error(`ConfigMap ${name} has no key ${key}`);
    const parsed = (yaml.load(text) ?? {}) as Record<string, unknown>;
    const value = parsed.selfSignedCert ?? true;
    if (typeof value !== 'boolean')
      throw new Error(
        `selfSignedCert in ${key} must be true or false, not ${JSON.stringify(value)}`,
      );
    return value;
  }

  private setReady(container: Container, ready: boolean, message?: string): void {
    if (this.container !== container || this.stopped || this.state.kind !== 'running') return;
    if (this.state.ready === ready && this.state.readyMessage === message) return;
    if (this.state.ready !== ready) this.readyChangedAt = new Date();
    this.state = { ...this.state, ready, readyMessage: message };
    if (!ready && message) this.event('Unhealthy', `Readiness probe failed: ${message}`);
    this.writeStatus();
  }

  private exit(message: string): void {
    if (this.stopped) return;
    log(`pod ${this.name}: antrea-controller exited: ${message}`);
    this.container?.stop();
    this.container = undefined;
    const startedAt = this.state.kind === 'running' ? this.state.startedAt : new Date();
    this.lastTerminated = {
      exitCode: 1,
      reason: 'Error',
      message,
      startedAt,
      finishedAt: new Date(),
      containerID: `containerd://${this.containerId}`,
    };
    this.restartCount++;
    const backoff = Math.min(
      this.shared.settings.crashBackoffSeconds * 2 ** (this.restartCount - 1),
      MAX_BACKOFF_SECONDS,
    );
    const backoffMessage = `back-off ${backoff}s restarting failed container=${this.containerName} pod=${this.name}_${this.shared.settings.namespace}(${this.uid})`;
    this.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: backoffMessage };
    this.readyChangedAt = new Date();
    this.event('BackOff', 'Back-off restarting failed container');
    this.writeStatus();
    this.restartTimer = setTimeout(() => this.startContainer(), backoff * 1000);
  }

  private event(reason: string, message: string): void {
    const namespace = this.shared.settings.namespace;
    const now = new Date();
    void this.shared.api.core
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${this.name}.`, namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: this.name,
            namespace,
            uid: this.uid,
            fieldPath: `spec.containers{${this.containerName}}`,
          },
          reason,
          message,
          type: 'Warning',
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: 'kubelet', host: this.shared.settings.nodeName },
        },
      })
      .catch((error) => log(`recording event failed: ${describe(error)}`));
  }

  private status(): k8s.V1PodStatus {
    const ready = this.state.kind === 'running' && this.state.ready;
    const readiness = {
      status: ready ? 'True' : 'False',
      lastTransitionTime: this.readyChangedAt,
      ...(ready
        ? {}
        : {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${this.containerName}]`,
          }),
    };
    const state: k8s.V1ContainerState =
      this.state.kind === 'running'
        ? { running: { startedAt: this.state.startedAt } }
        : { waiting: { reason: this.state.reason, message: this.state.message } };
    return {
      phase: 'Running',
      hostIP: '127.0.0.1',
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: this.startedAt,
      qosClass: 'Burstable',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: this.startedAt },
        { type: 'Ready', ...readiness },
        { type: 'ContainersReady', ...readiness },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: this.startedAt },
      ],
      containerStatuses: [
        {
          name: this.containerName,
          image: this.image,
          imageID: `docker-pullable://${this.image}`,
          containerID: `containerd://${this.containerId}`,
          ready,
          started: this.state.kind === 'running',
          restartCount: this.restartCount,
          state,
          ...(this.lastTerminated ? { lastState: { terminated: this.lastTerminated } } : {}),
        },
      ],
    };
  }

  /** Writes the status as it is when the write runs; writes are serialized. */
  private writeStatus(): void {
    const { core } = this.shared.api;
    const namespace = this.shared.settings.namespace;
    this.writes = this.writes.then(() =>
      retryOnConflict(async () => {
        if (this.stopped) return;
        const pod = await core.readNamespacedPod({ name: this.name, namespace });
        if (pod.metadata?.uid !== this.uid || pod.metadata?.deletionTimestamp) return;
        pod.status = this.status();
        await core.replaceNamespacedPodStatus({ name: this.name, namespace, body: pod });
      }).catch((error) => {
        if (!isNotFound(error)) log(`pod ${this.name}: status update failed: ${describe(error)}`);
      }),
    );
  }

  /** antrea-controller reports its version in AntreaControllerInfo antrea-controller. */
  private async updateControllerInfo(): Promise<void> {
    const { custom } = this.shared.api;
    const settings = this.shared.settings;
    for (const group of ['crd.antrea.io', 'clusterinformation.antrea.tanzu.vmware.com']) {
      const ref = {
        group,
        version: 'v1beta1',
        plural: 'antreacontrollerinfos',
        name: 'antrea-controller',
      };
      const content = {
        version: settings.version,
        podRef: { kind: 'Pod', name: this.name, namespace: settings.namespace },
        nodeRef: { kind: 'Node', name: settings.nodeName },
        serviceRef: { kind: 'Service', name: 'antrea', namespace: settings.namespace },
        connectedAgentNum: 0,
        controllerConditions: [
          {
            type: 'ControllerHealthy',
            status: 'True',
            lastHeartbeatTime: new Date().toISOString(),
          },
        ],
      };
      try {
        await retryOnConflict(async () => {
          const existing = (await readOptional(() => custom.getClusterCustomObject(ref))) as
            Record<string, unknown> | undefined;
          if (existing) {
            await custom.replaceClusterCustomObject({ ...ref, body: { ...existing, ...content } });
          } else {
            await custom.createClusterCustomObject({
              group,
              version: 'v1beta1',
              plural: 'antreacontrollerinfos',
              body: {
                apiVersion: `${group}/v1beta1`,
                kind: 'AntreaControllerInfo',
                metadata: { name: 'antrea-controller' },
                ...content,
              },
            });
          }
        });
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}
