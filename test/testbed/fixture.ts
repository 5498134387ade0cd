// A testbed for one test file: brought up in a temporary directory, taken down
// after the file's tests (and by the watchdog if the test process dies).
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  up,
  down,
  stopApiserver,
  startApiserverAgain,
  readState,
  type UpOptions,
  type TestbedState,
} from './testbed.ts';
import { findBinaries } from './binaries.ts';
import { writeTokenKubeconfig } from './kubeconfigs.ts';
import { isAlive } from './processes.ts';
import { clients, readOptional, type Clients } from './model/kube.ts';
import { issue, usage, extendedUsage } from './pki.ts';

export interface Testbed extends TestbedState {
  readonly api: Clients;
  /** Runs kubectl against the testbed; throws with its stderr when it fails. */
  kubectl(...args: string[]): string;
  /** Runs kubectl and returns its exit status and output, without throwing. */
  kubectlResult(...args: string[]): { status: number; stdout: string; stderr: string };
  /** The CA bundle in ConfigMap antrea-ca, or undefined. */
  publishedCa(): Promise<string | undefined>;
  /** Freezes the antrea-controller model (SIGSTOP): the controller does nothing until resumeController(). */
  pauseController(): void;
  resumeController(): void;
  /** Stops kube-apiserver; the rest of the testbed keeps running. */
  stopApiserver(): Promise<void>;
  /** The pid of the kube-apiserver running now (it changes with each start). */
  apiserverPid(): number;
  /** Kills kube-apiserver at once (SIGKILL, as a crash), stopped or not. */
  killApiserver(): Promise<void>;
  /** Starts kube-apiserver again and waits until it is ready. */
  startApiserver(): Promise<void>;
  down(): Promise<void>;
}

export { FAST_TIMINGS } from './model/settings.ts';

/** Brings a testbed up for the current test file; call it at the file's top level (await), where `after` belongs to the file. */
export async function testbed(options: Omit<UpOptions, 'dir' | 'ownerPid'> = {}): Promise<Testbed> {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-testbed-'));
  const state = await up({ ...options, dir, ownerPid: process.pid });
  const kubectlPath = findBinaries()?.kubectl ?? 'kubectl';
  const kubectlResult = (...args: string[]) => {
    const result = spawnSync(kubectlPath, ['--kubeconfig', state.kubeconfig, ...args], {
      encoding: 'utf8',
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  let isDown = false;
  const bed: Testbed = {
    ...state,
    api: clients(state.kubeconfig),
    kubectl: (...args) => {
      const result = kubectlResult(...args);
      if (result.status !== 0)
        throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    kubectlResult,
    publishedCa: async () =>
      (
        await readOptional(() =>
          bed.api.core.readNamespacedConfigMap({ name: 'antrea-ca', namespace: state.namespace }),
        )
      )?.data?.['ca.crt'],
    pauseController: () => process.kill(modelPid(state), 'SIGSTOP'),
    resumeController: () => process.kill(modelPid(state), 'SIGCONT'),
    stopApiserver: () => stopApiserver(dir),
    apiserverPid: () => {
      const pid = readState(dir)?.processes.apiserver?.pid;
      if (!pid) throw new Error(`no kube-apiserver in ${dir}`);
      return pid;
    },
    killApiserver: async () => {
      const pid = bed.apiserverPid();
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(20);
    },
    startApiserver: () => startApiserverAgain(dir),
    down: async () => {
      if (isDown) return;
      isDown = true;
      await down(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  after(() => bed.down());
  return bed;
}

function modelPid(state: TestbedState): number {
  const pid = state.processes.model?.pid;
  if (!pid) throw new Error('this testbed runs no antrea-controller model');
  return pid;
}

/** Polls until the check returns a value other than undefined/false, or fails with the description. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
  );
}

/** The CA bundle (decoded PEM) of every consumer that points at Service antrea, by "Kind/name[/webhook]". */
export async function consumerBundles(bed: Testbed): Promise<Map<string, string>> {
  const { registration, admission, extensions } = bed.api;
  const pointsHere = (service?: { name?: string; namespace?: string }) =>
    service?.name === 'antrea' && service.namespace === bed.namespace;
  const decode = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : '');
  const [apiServices, validating, mutating, crds] = await Promise.all([
    registration.listAPIService(),
    admission.listValidatingWebhookConfiguration(),
    admission.listMutatingWebhookConfiguration(),
    extensions.listCustomResourceDefinition(),
  ]);
  const bundles = new Map<string, string>();
  for (const o of apiServices.items)
    if (pointsHere(o.spec?.service))
      bundles.set(`APIService/${o.metadata?.name}`, decode(o.spec?.caBundle));
  for (const [kind, list] of [
    ['ValidatingWebhookConfiguration', validating],
    ['MutatingWebhookConfiguration', mutating],
  ] as const) {
    for (const o of list.items) {
      for (const w of o.webhooks ?? []) {
        if (pointsHere(w.clientConfig.service))
          bundles.set(`${kind}/${o.metadata?.name}/${w.name}`, decode(w.clientConfig.caBundle));
      }
    }
  }
  for (const o of crds.items) {
    const client = o.spec.conversion?.webhook?.clientConfig;
    if (o.spec.conversion?.strategy === 'Webhook' && pointsHere(client?.service))
      bundles.set(`CustomResourceDefinition/${o.metadata?.name}`, decode(client?.caBundle));
  }
  return bundles;
}

/** True when antrea-ca is set and every consumer carries exactly it. */
export async function converged(bed: Testbed, ca: string): Promise<boolean> {
  if ((await bed.publishedCa()) !== ca) return false;
  const bundles = await consumerBundles(bed);
  return bundles.size > 0 && [...bundles.values()].every((b) => b === ca);
}

/** The controller Pods of the testbed's Antrea. */
export async function controllerPods(bed: Testbed) {
  return (
    await bed.api.core.listNamespacedPod({
      namespace: bed.namespace,
      labelSelector: 'app=antrea,component=antrea-controller',
    })
  ).items;
}

export const isReady = (pod: { status?: { conditions?: { type: string; status: string }[] } }) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Sets selfSignedCert in the ConfigMap the controller mounts (its name from the Deployment's
 * volume), as `fieldManager` when given (the plugin's: a switch that stopped before its restart).
 */
export async function setSelfSignedCert(
  bed: Testbed,
  value: boolean,
  fieldManager?: string,
): Promise<void> {
  const { core, config } = bed.api;
  const apps = config.makeApiClient((await import('@kubernetes/client-node')).AppsV1Api);
  const deployment = await apps.readNamespacedDeployment({
    name: 'antrea-controller',
    namespace: bed.namespace,
  });
  const name =
    deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'antrea-config')?.configMap
      ?.name ?? 'antrea-config';
  const cm = await core.readNamespacedConfigMap({ name, namespace: bed.namespace });
  const conf = cm.data?.['antrea-controller.conf'] ?? '';
  cm.data = {
    ...cm.data,
    'antrea-controller.conf': conf.replace(/^#?selfSignedCert:.*$/m, `selfSignedCert: ${value}`),
  };
  await core.replaceNamespacedConfigMap({
    name,
    namespace: bed.namespace,
    body: cm,
    ...(fieldManager ? { fieldManager } : {}),
  });
}

/** Restarts the controller as `kubectl rollout restart` does and returns the new Pod once it runs. */
export async function restartController(bed: Testbed) {
  const before = new Set((await controllerPods(bed)).map((p) => p.metadata?.uid));
  // kubectl stamps the restart to the second and refuses a second one within the same second.
  for (let attempt = 1; ; attempt++) {
    const restart = ['-n', bed.namespace, 'rollout', 'restart', 'deployment/antrea-controller'];
    const result = bed.kubectlResult(...restart);
    if (result.status === 0) break;
    if (attempt === 5 || !/already been triggered within the past second/.test(result.stderr))
      throw new Error(`kubectl ${restart.join(' ')} failed: ${result.stderr}`);
    await sleep(1000);
  }
  return eventually(
    'a new controller Pod to run',
    async () => {
      const pods = await controllerPods(bed);
      const fresh = pods.filter((p) => !before.has(p.metadata?.uid));
      return pods.length === 1 && fresh.length === 1 && fresh[0]?.status?.containerStatuses?.length
        ? fresh[0]
        : undefined;
    },
    60_000,
  );
}

/** A CA and a serving certificate as an admin would bring them for user-provided mode. */
export async function userProvidedPair(namespace: string, commonName: string) {
  const ca = await issue({
    commonName: `${commonName}-ca`,
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
  });
  const leaf = await issue({
    commonName,
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${namespace}.svc`, `antrea.${namespace}.svc.cluster.local`],
  });
  return { ca: ca.certPem, cert: leaf.certPem, key: leaf.keyPem };
}

/** Replaces the data of Secret antrea-controller-tls (keys to PEM text), adding annotations. */
export async function writeTlsSecret(
  bed: Testbed,
  data: Record<string, string>,
  annotations: Record<string, string> = {},
): Promise<void> {
  const { core } = bed.api;
  const secret = await core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: bed.namespace,
  });
  secret.data = Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  secret.metadata = {
    ...secret.metadata,
    annotations: { ...secret.metadata?.annotations, ...annotations },
  };
  await core.replaceNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: bed.namespace,
    body: secret,
  });
}

/**
 * Puts the caBundle of a CA nobody uses into one APIService while the controller is paused (else
 * it puts its own back at its next resync), runs the check, then puts the original back.
 */
export async function withForeignCaBundle(
  bed: Testbed,
  apiService: string,
  whileForeign: () => Promise<void>,
): Promise<void> {
  const original = bed.kubectl('get', 'apiservice', apiService, '-o', 'jsonpath={.spec.caBundle}');
  const ca = spawnSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-subj', '/CN=foreign-ca', '-days', '1', '-keyout', '/dev/null'],
    ],
    { encoding: 'utf8' },
  );
  if (ca.status !== 0) throw new Error(`openssl req failed: ${ca.stderr}`);
  const patch = (caBundle: string) =>
    bed.kubectl(
      ...['patch', 'apiservice', apiService, '--type', 'merge'],
      ...['-p', JSON.stringify({ spec: { caBundle } })],
    );
  bed.pauseController();
  try {
    patch(Buffer.from(ca.stdout).toString('base64'));
    await whileForeign();
  } finally {
    patch(original);
    bed.resumeController();
  }
}

/** The token and CA of a ServiceAccount, from the Secret the token controller made for it. */
export async function serviceAccountToken(
  bed: Testbed,
  namespace: string,
  name: string,
): Promise<{ token: string; ca: string }> {
  return eventually(`the token of ServiceAccount ${namespace}/${name}`, () => {
    const secret = bed.kubectlResult(
      ...['-n', namespace, 'get', 'sa', name, '-o', 'jsonpath={.secrets[0].name}'],
    ).stdout;
    if (!secret) return undefined;
    const field = (key: string) =>
      Buffer.from(
        bed.kubectl('-n', namespace, 'get', 'secret', secret, '-o', `jsonpath={.data.${key}}`),
        'base64',
      ).toString();
    const token = field('token');
    return token ? { token, ca: field('ca\\.crt') } : undefined;
  });
}

/**
 * A kubeconfig at `path` whose only credential is the ServiceAccount's token; its server is
 * `server` when given (a path in front of the API server).
 */
export async function serviceAccountKubeconfig(
  bed: Testbed,
  namespace: string,
  name: string,
  path: string,
  server?: string,
): Promise<string> {
  const { token } = await serviceAccountToken(bed, namespace, name);
  return writeTokenKubeconfig(path, bed.kubeconfig, { name, token }, server);
}

/** A ClusterRoleBinding of a ClusterRole to a user, as a test's RBAC list holds it. */
export const clusterRoleBinding = (name: string, role: string, user: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
});
