// npm run bench:rotate: for each certificate mode, on a testbed with the real
// timings (kubelet Secret refresh 60 s, controller reload 60 s), the time from
// `kubectl antrea-certs rotate --yes` to the controller serving the new
// certificate, and the plugin's own share: its whole run minus the time it
// spent waiting for the cluster. The served certificate is read with a TLS
// handshake to the controller model, which the plugin itself cannot do.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { up, down, type TestbedState } from '../test/testbed/testbed.ts';
import { clients } from '../test/testbed/model/kube.ts';
import { issue, usage, extendedUsage, type Issued } from '../test/testbed/pki.ts';
import { CertManager } from '../test/testbed/cert-manager.ts';

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'self-signed,pod-held,user-provided,cert-manager' },
  },
});
const modes = new Set(values.modes.split(','));
const BIN = 'dist/bin/kubectl-antrea_certs';
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0)
  process.exit(1);
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-rotate-timings-'));

/** SHA-256 of the certificate the controller serves now. */
function served(state: TestbedState): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: state.address,
        port: 443,
        servername: `antrea.${state.namespace}.svc`,
        rejectUnauthorized: false,
      },
      () => {
        const der = socket.getPeerCertificate().raw;
        socket.end();
        resolve(createHash('sha256').update(der).digest('hex'));
      },
    );
    socket.on('error', reject);
  });
}

interface Timing {
  readonly mode: string;
  readonly totalMs: number;
  readonly servedMs: number;
  readonly waitMs: number;
  readonly exit: number;
}

/** Runs the plugin, timing its lines, while polling what the controller serves. */
async function timeRotate(mode: string, state: TestbedState, args: string[]): Promise<Timing> {
  const before = await served(state);
  const start = performance.now();
  let servedMs = Number.NaN;
  const poll = setInterval(() => {
    void served(state).then(
      (now) => {
        if (now !== before && Number.isNaN(servedMs)) servedMs = performance.now() - start;
      },
      () => undefined,
    );
  }, 100);
  const child = spawn(
    process.execPath,
    [BIN, 'rotate', '--yes', '--backup-dir', join(work, 'backups'), ...args],
    { env: { ...process.env, KUBECONFIG: state.kubeconfig, NO_COLOR: '1' } },
  );
  let written = Number.NaN;
  let converged = Number.NaN;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (Number.isNaN(written) && /Written\./.test(stderr)) written = performance.now() - start;
    if (Number.isNaN(converged) && /converged/.test(stderr)) converged = performance.now() - start;
  });
  child.stdout.resume();
  const exit = await new Promise<number>((resolve) =>
    child.on('close', (code) => resolve(code ?? -1)),
  );
  const totalMs = performance.now() - start;
  // A user-provided rotation with the same CA ends before the reload can be seen: keep watching what is served.
  while (Number.isNaN(servedMs) && performance.now() - start < 300_000)
    await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(poll);
  if (exit !== 0) console.error(stderr);
  return { mode, totalMs, servedMs, waitMs: converged - written, exit };
}

async function bring(version: string): Promise<TestbedState> {
  const dir = join(work, version);
  mkdirSync(dir, { recursive: true });
  return up({ dir, version, ownerPid: process.pid });
}

async function userPairFiles(state: TestbedState, ca: Issued, name: string): Promise<string> {
  const leaf = await issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${state.namespace}.svc`, `antrea.${state.namespace}.svc.cluster.local`],
  });
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  return dir;
}

const plugin = (state: TestbedState, ...args: string[]) => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, KUBECONFIG: state.kubeconfig, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
};

const results: Timing[] = [];
try {
  if (modes.has('pod-held')) {
    const state = await bring('v1.12.3');
    results.push(await timeRotate('self-signed, pair held in the Pod (v1.12.3)', state, []));
    await down(state.dir);
  }
  if (modes.has('self-signed') || modes.has('user-provided') || modes.has('cert-manager')) {
    const state = await bring('v2.7.0');
    if (modes.has('self-signed'))
      results.push(await timeRotate('self-signed, pair in the Secret (v2.7.0)', state, []));
    const ca = await issue({
      commonName: 'timings CA',
      isCA: true,
      usages: usage.keyCertSign | usage.digitalSignature,
      keyKind: 'ecdsa-p256',
    });
    if (modes.has('user-provided') || modes.has('cert-manager')) {
      plugin(
        state,
        'import',
        '--from-dir',
        await userPairFiles(state, ca, 'first'),
        '--mode',
        'user-provided',
        '--yes',
        '--backup-dir',
        join(work, 'backups'),
      );
    }
    if (modes.has('user-provided')) {
      writeFileSync(join(work, 'ca.crt'), ca.certPem);
      writeFileSync(join(work, 'ca.key'), ca.keyPem, { mode: 0o600 });
      results.push(
        await timeRotate('user-provided, issued from the same CA (--ca-cert/--ca-key)', state, [
          '--ca-cert',
          join(work, 'ca.crt'),
          '--ca-key',
          join(work, 'ca.key'),
        ]),
      );
      const next = await issue({
        commonName: 'timings CA two',
        isCA: true,
        usages: usage.keyCertSign | usage.digitalSignature,
        keyKind: 'ecdsa-p256',
      });
      const dir = await userPairFiles(state, next, 'second');
      results.push(
        await timeRotate('user-provided, new files from a new CA (--cert/--key/--ca)', state, [
          '--cert',
          join(dir, 'tls.crt'),
          '--key',
          join(dir, 'tls.key'),
          '--ca',
          join(dir, 'ca.crt'),
        ]),
      );
    }
    if (modes.has('cert-manager')) {
      const manager = await CertManager.start(
        { api: clients(state.kubeconfig), namespace: state.namespace },
        ca,
      );
      await manager.createCertificate({
        metadata: { name: 'antrea-controller-tls', namespace: state.namespace },
        spec: {
          secretName: 'antrea-controller-tls',
          commonName: 'antrea',
          duration: '8760h',
          dnsNames: [`antrea.${state.namespace}.svc`],
          issuerRef: { name: 'ca-issuer', kind: 'Issuer' },
        },
      });
      // Let the first issuance reach the controller before timing a renewal.
      const first = await served(state);
      while ((await served(state)) === first)
        await new Promise((resolve) => setTimeout(resolve, 500));
      results.push(await timeRotate('cert-manager (same CA Issuer)', state, []));
      await manager.stop();
    }
    await down(state.dir);
  }
} finally {
  const s = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(1)} s`);
  console.log(
    "\nmode | rotate exit | command ran | controller serves the new certificate after | plugin waited for the cluster | plugin's own share",
  );
  for (const r of results)
    console.log(
      `${r.mode} | ${r.exit} | ${s(r.totalMs)} | ${s(r.servedMs)} | ${s(r.waitMs)} | ${s(r.totalMs - r.waitMs)}`,
    );
}
