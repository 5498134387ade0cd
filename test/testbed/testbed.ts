// The testbed: bring a control plane with Antrea and its controller model up,
// and down again. Used by `npm run testbed` and by the tests.
import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBinaries, type Binaries } from './binaries.ts';
import {
  writePki,
  pkiIn,
  choosePorts,
  writeKubeconfig,
  startEtcd,
  startApiserver,
  startControllerManager,
  waitApiserverReady,
  adminGet,
  type ControlPlanePorts,
} from './control-plane.ts';
import { startDetached, stopAll, isAlive, canListen, type Started } from './processes.ts';
import { manifestObjects, toYaml } from './antrea/install.ts';
import { parseRelease } from './antrea/versions.ts';
import { REAL_TIMINGS, type ModelSettings, type Timings } from './model/settings.ts';
import { clients, readOptional } from './model/kube.ts';

export const DEFAULT_DIR = '.testbed';
export const DEFAULT_VERSION = 'v2.7.0';
export const NODE_NAME = 'antrea-testbed-node';

export interface UpOptions {
  readonly dir?: string;
  readonly namespace?: string;
  readonly version?: string;
  /** A real Antrea release manifest to apply instead of the minimal one. */
  readonly manifest?: string;
  readonly timings?: Partial<Timings>;
  /** Tear the testbed down when this process ends (tests pass their own pid). */
  readonly ownerPid?: number;
  readonly progress?: (line: string) => void;
  /** More kube-apiserver flags (e.g. --goaway-chance=0.5), kept for its restarts. */
  readonly apiserverArgs?: readonly string[];
}

export interface TestbedState {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly namespace: string;
  readonly version: string;
  readonly manifest?: string;
  readonly address: string;
  readonly ports: ControlPlanePorts;
  readonly processes: Record<string, Started>;
  readonly startedAt: string;
  readonly apiserverArgs?: readonly string[];
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const stateFile = (dir: string) => join(dir, 'state.json');

export function readState(dir = DEFAULT_DIR): TestbedState | undefined {
  const file = stateFile(resolve(dir));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TestbedState) : undefined;
}

function writeState(state: TestbedState): void {
  writeFileSync(stateFile(state.dir), JSON.stringify(state, null, 2));
}

export async function up(options: UpOptions = {}): Promise<TestbedState> {
  const dir = resolve(options.dir ?? DEFAULT_DIR);
  const namespace = options.namespace ?? 'kube-system';
  const version = options.version ?? DEFAULT_VERSION;
  parseRelease(version);
  const progress = options.progress ?? (() => undefined);
  const existing = readState(dir);
  if (existing && Object.values(existing.processes).some((p) => isAlive(p.pid))) {
    throw new Error(
      `a testbed is already up in ${dir}; run 'npm run testbed -- down --dir ${dir}' first`,
    );
  }
  if (options.manifest && !existsSync(options.manifest))
    throw new Error(`the manifest ${options.manifest} does not exist`);
  const bins = ensureBinaries();

  mkdirSync(dir, { recursive: true });
  for (const leftover of ['etcd', 'pki', 'apiserver-certs'])
    rmSync(join(dir, leftover), { recursive: true, force: true });
  const started: Record<string, Started> = {};
  const t0 = Date.now();
  const step = (what: string) => progress(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);
  try {
    const [pki, ports, address] = await Promise.all([
      writePki(join(dir, 'pki')),
      choosePorts(),
      chooseModelAddress(),
    ]);
    const kubeconfig = join(dir, 'kubeconfig');
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const record = (): TestbedState => ({
      dir,
      kubeconfig,
      server,
      namespace,
      version,
      address,
      ports,
      processes: started,
      startedAt: new Date(t0).toISOString(),
      ...(options.manifest ? { manifest: resolve(options.manifest) } : {}),
      ...(options.apiserverArgs ? { apiserverArgs: options.apiserverArgs } : {}),
    });
    step('PKI written');

    started.etcd = startEtcd(bins, dir, ports);
    started.apiserver = startApiserver(bins, dir, ports, pki, options.apiserverArgs);
    writeKubeconfig(kubeconfig, server, pki);
    writeState(record());
    if (options.ownerPid) started.watchdog = startWatchdog(dir, options.ownerPid);
    await waitApiserverReady(ports.apiserver, pki, started.apiserver);
    step('kube-apiserver ready');
    started.controllerManager = startControllerManager(bins, dir, kubeconfig, pki);
    writeState(record());

    installAntrea(
      bins,
      kubeconfig,
      manifestObjects({ namespace, version, modelAddress: address, manifest: options.manifest }),
    );
    step(
      `Antrea installed (${options.manifest ? options.manifest : `minimal manifest, ${version}`})`,
    );

    const settings: ModelSettings = {
      kubeconfig,
      namespace,
      version,
      address,
      nodeName: NODE_NAME,
      ...REAL_TIMINGS,
      ...options.timings,
    };
    const settingsFile = join(dir, 'model.json');
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    started.model = startDetached(
      'antrea-controller model',
      process.execPath,
      ['--import', tsxLoader(), here('./model/main.ts'), settingsFile],
      join(dir, 'model.log'),
    );
    writeState(record());
    await waitForPublishedCa(kubeconfig, namespace, started.model);
    await waitForAggregatedApis(kubeconfig, namespace, (path) =>
      adminGet(ports.apiserver, pki, path),
    );
    step('antrea-controller model ready, CA published, aggregated APIs answering');
    return record();
  } catch (error) {
    await stopAll(Object.values(started).map((p) => p.pid));
    rmSync(stateFile(dir), { force: true });
    throw error;
  }
}

export async function down(dir = DEFAULT_DIR): Promise<boolean> {
  const state = readState(dir);
  if (!state) return false;
  const { watchdog, ...rest } = state.processes;
  await stopAll(Object.values(rest).map((p) => p.pid));
  rmSync(join(state.dir, 'etcd'), { recursive: true, force: true });
  rmSync(stateFile(state.dir), { force: true });
  if (watchdog && watchdog.pid !== process.pid) await stopAll([watchdog.pid]);
  return true;
}

/** Stops kube-apiserver (etcd keeps the cluster's state); everything else keeps running and retries. */
export async function stopApiserver(dir = DEFAULT_DIR): Promise<void> {
  const state = readState(dir);
  if (!state?.processes.apiserver) throw new Error(`no testbed is up in ${dir}`);
  await stopAll([state.processes.apiserver.pid]);
}

/** Starts kube-apiserver again with the same flags, certificates and port, and waits until it is ready. */
export async function startApiserverAgain(dir = DEFAULT_DIR): Promise<void> {
  const state = readState(dir);
  if (!state?.processes.apiserver) throw new Error(`no testbed is up in ${dir}`);
  if (isAlive(state.processes.apiserver.pid)) throw new Error('kube-apiserver is still running');
  const pki = pkiIn(join(state.dir, 'pki'));
  const apiserver = startApiserver(
    ensureBinaries(),
    state.dir,
    state.ports,
    pki,
    state.apiserverArgs,
  );
  writeState({ ...state, processes: { ...state.processes, apiserver } });
  await waitApiserverReady(state.ports.apiserver, pki, apiserver);
}

/** A kube-apiserver restart, as an upgrade or a crash of the control plane does it. */
export async function restartApiserver(dir = DEFAULT_DIR, downMs = 0): Promise<void> {
  await stopApiserver(dir);
  if (downMs > 0) await sleep(downMs);
  await startApiserverAgain(dir);
}

export function describeState(state: TestbedState): string {
  const lines = [
    `testbed in ${state.dir}, up since ${state.startedAt}`,
    `kubeconfig: ${state.kubeconfig}`,
    `API server: ${state.server}`,
    `Antrea ${state.version} in namespace ${state.namespace}${state.manifest ? ` from ${state.manifest}` : ' (minimal manifest)'}, model on ${state.address}:443`,
    ...Object.values(state.processes).map(
      (p) =>
        `  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${isAlive(p.pid) ? 'running' : 'NOT RUNNING'}  log ${p.log}`,
    ),
  ];
  return lines.join('\n');
}

function tsxLoader(): string {
  return import.meta.resolve('tsx');
}

function startWatchdog(dir: string, ownerPid: number): Started {
  return startDetached(
    'watchdog',
    process.execPath,
    ['--import', tsxLoader(), here('./watchdog.ts'), dir, String(ownerPid)],
    join(dir, 'watchdog.log'),
  );
}

/** A loopback address where port 443 is free, for the model (Service antrea points there). */
async function chooseModelAddress(): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const address = `127.${50 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    if (await canListen(address, 443)) return address;
  }
  throw new Error(
    'found no loopback address where port 443 is free; the model needs one (run as root)',
  );
}

function installAntrea(
  bins: Binaries,
  kubeconfig: string,
  objects: ReturnType<typeof manifestObjects>,
): void {
  // CRDs first, so that objects of their kinds in the same manifest find them.
  const crds = objects.filter(
    (o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace',
  );
  const rest = objects.filter((o) => !crds.includes(o));
  for (const batch of [crds, rest]) {
    const result = spawnSync(
      bins.kubectl,
      ['--kubeconfig', kubeconfig, 'create', '--validate=false', '-f', '-'],
      {
        input: toYaml(batch),
        encoding: 'utf8',
      },
    );
    if (result.status !== 0)
      throw new Error(`applying the Antrea manifest failed:\n${result.stderr}`);
    if (batch === crds && crds.length) {
      execFileSync(
        bins.kubectl,
        [
          '--kubeconfig',
          kubeconfig,
          'wait',
          '--for=condition=Established',
          '--timeout=60s',
          'crd',
          '--all',
        ],
        { stdio: 'ignore' },
      );
    }
  }
}

/** Until every APIService backed by Service antrea answers its discovery GET through the aggregation layer. */
async function waitForAggregatedApis(
  kubeconfig: string,
  namespace: string,
  get: (path: string) => Promise<number>,
  timeoutMs = 60_000,
): Promise<void> {
  const { registration } = clients(kubeconfig);
  const groupVersions = (await registration.listAPIService()).items
    .filter((a) => a.spec?.service?.name === 'antrea' && a.spec.service.namespace === namespace)
    .map((a) => `${a.spec?.group}/${a.spec?.version}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answers = await Promise.all(groupVersions.map((gv) => get(`/apis/${gv}`)));
    if (answers.every((status) => status === 200)) return;
    await sleep(200);
  }
  throw new Error(`the aggregated Antrea APIs did not answer within ${timeoutMs / 1000}s`);
}

async function waitForPublishedCa(
  kubeconfig: string,
  namespace: string,
  model: Started,
  timeoutMs = 120_000,
): Promise<void> {
  const { core } = clients(kubeconfig);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(model.pid))
      throw new Error(`the antrea-controller model exited; see ${model.log}`);
    const ca = await readOptional(() =>
      core.readNamespacedConfigMap({ name: 'antrea-ca', namespace }),
    ).catch(() => undefined);
    if (ca?.data?.['ca.crt']) {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: 'app=antrea,component=antrea-controller',
      });
      if (
        pods.items.some((p) =>
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
      )
        return;
    }
    await sleep(200);
  }
  throw new Error(
    `the antrea-controller model did not publish its CA within ${timeoutMs / 1000}s; see ${model.log}`,
  );
}
