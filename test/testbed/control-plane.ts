// The testbed's real control plane: etcd, kube-apiserver, kube-controller-manager
// on 127.0.0.1, with a fresh PKI for every testbed.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import * as yaml from 'js-yaml';
import { issue, usage, extendedUsage, generateKey, privateKeyPem, publicKeyPem } from './pki.ts';
import { startDetached, isAlive, freePort, type Started } from './processes.ts';
import type { Binaries } from './binaries.ts';

export const SERVICE_CIDR = '10.96.0.0/16';

export interface ControlPlanePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
}

interface Pki {
  readonly dir: string;
  file(name: string): string;
}

function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
}

/** The PKI a testbed wrote earlier into dir. */
export function pkiIn(dir: string): Pki {
  return { dir, file: (name: string) => join(dir, name) };
}

/** Writes the cluster CA, serving and client certificates, front proxy PKI and service-account keys. */
export async function writePki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(dir, name);
  const save = (name: string, issued: { certPem: string; keyPem: string }) => {
    writeFileSync(file(`${name}.crt`), issued.certPem);
    writeSecret(file(`${name}.key`), issued.keyPem);
  };
  const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
  const [ca, frontProxyCa, saKey] = await Promise.all([
    issue({
      commonName: 'testbed-ca',
      isCA: true,
      usages: caUsages,
      notAfter: new Date(Date.now() + 10 * 365 * 86400e3),
    }),
    issue({ commonName: 'testbed-front-proxy-ca', isCA: true, usages: caUsages }),
    generateKey('ecdsa-p256'),
  ]);
  const clientUsage = {
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.clientAuth],
  };
  const [apiserver, admin, frontProxyClient] = await Promise.all([
    issue({
      commonName: 'kube-apiserver',
      issuer: ca,
      usages: usage.digitalSignature | usage.keyEncipherment,
      extendedUsages: [extendedUsage.serverAuth],
      dnsNames: [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ],
      ipAddresses: ['127.0.0.1', '10.96.0.1'],
    }),
    issue({
      commonName: 'testbed-admin',
      organizations: ['system:masters'],
      issuer: ca,
      ...clientUsage,
    }),
    issue({ commonName: 'front-proxy-client', issuer: frontProxyCa, ...clientUsage }),
  ]);
  save('ca', ca);
  save('front-proxy-ca', frontProxyCa);
  save('apiserver', apiserver);
  save('admin', admin);
  save('front-proxy-client', frontProxyClient);
  writeSecret(file('sa.key'), await privateKeyPem(saKey));
  writeFileSync(file('sa.pub'), await publicKeyPem(saKey));
  return { dir, file };
}

export async function choosePorts(): Promise<ControlPlanePorts> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [etcdClient, etcdPeer, apiserver] = [...ports] as [number, number, number];
  return { etcdClient, etcdPeer, apiserver };
}

export function writeKubeconfig(path: string, server: string, pki: Pki): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'testbed',
        cluster: { server, 'certificate-authority-data': b64(readFileSync(pki.file('ca.crt'))) },
      },
    ],
    users: [
      {
        name: 'testbed-admin',
        user: {
          'client-certificate-data': b64(readFileSync(pki.file('admin.crt'))),
          'client-key-data': b64(readFileSync(pki.file('admin.key'))),
        },
      },
    ],
    contexts: [{ name: 'testbed', context: { cluster: 'testbed', user: 'testbed-admin' } }],
    'current-context': 'testbed',
  };
  writeSecret(path, yaml.dump(config));
}

const b64 = (data: Buffer) => data.toString('base64');

export function startEtcd(bins: Binaries, dir: string, ports: ControlPlanePorts): Started {
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  return startDetached(
    'etcd',
    bins.etcd,
    [
      '--name=testbed',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=testbed=${peer}`,
      '--initial-cluster-state=new',
      '--log-level=warn',
    ],
    join(dir, 'etcd.log'),
  );
}

export function startApiserver(
  bins: Binaries,
  dir: string,
  ports: ControlPlanePorts,
  pki: Pki,
  extraArgs: readonly string[] = [],
): Started {
  const f = pki.file;
  return startDetached(
    'kube-apiserver',
    bins.kubeApiserver,
    [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      '--insecure-port=0',
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${f('apiserver.crt')}`,
      `--tls-private-key-file=${f('apiserver.key')}`,
      `--client-ca-file=${f('ca.crt')}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${f('sa.pub')}`,
      `--service-account-signing-key-file=${f('sa.key')}`,
      `--requestheader-client-ca-file=${f('front-proxy-ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${f('front-proxy-client.crt')}`,
      `--proxy-client-key-file=${f('front-proxy-client.key')}`,
      // As kubeadm: the model's Node has no resolvable host name; port-forward goes to its InternalIP.
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
      '--v=1',
      ...extraArgs,
    ],
    join(dir, 'kube-apiserver.log'),
  );
}

export function startControllerManager(
  bins: Binaries,
  dir: string,
  kubeconfig: string,
  pki: Pki,
): Started {
  return startDetached(
    'kube-controller-manager',
    bins.kubeControllerManager,
    [
      `--kubeconfig=${kubeconfig}`,
      '--controllers=deployment,replicaset,garbagecollector,serviceaccount,serviceaccount-token,namespace',
      '--leader-elect=false',
      `--service-account-private-key-file=${pki.file('sa.key')}`,
      `--root-ca-file=${pki.file('ca.crt')}`,
      '--port=0',
      '--secure-port=0',
      '--concurrent-deployment-syncs=2',
      '--v=1',
    ],
    join(dir, 'kube-controller-manager.log'),
  );
}

/** GET a path of the API server with the admin credentials; 0 when there is no answer. */
export function adminGet(port: number, pki: Pki, path: string): Promise<number> {
  const tls = {
    ca: readFileSync(pki.file('ca.crt')),
    cert: readFileSync(pki.file('admin.crt')),
    key: readFileSync(pki.file('admin.key')),
  };
  return new Promise<number>((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', timeout: 2000, ...tls },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Polls /readyz until it answers 200. */
export async function waitApiserverReady(
  port: number,
  pki: Pki,
  process: Started,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(process.pid))
      throw new Error(`kube-apiserver exited during start; see ${process.log}`);
    if ((await adminGet(port, pki, '/readyz')) === 200) return;
    await sleep(250);
  }
  throw new Error(
    `kube-apiserver did not become ready within ${timeoutMs / 1000}s; see ${process.log}`,
  );
}
