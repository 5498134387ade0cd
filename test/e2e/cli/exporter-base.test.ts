// The exporter as deploy/base and overlays/secure-metrics deploy it, on a
// testbed whose kube-apiserver writes an audit log: the Deployment's own
// arguments, the base's RBAC (no Secrets), and /metrics over HTTPS only to a
// token that may get it. What the API server saw is read from its audit log:
// no request of the exporter is refused. A real Prometheus scrapes through the
// overlay's scrape settings with its ServiceAccount's token.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  eventually,
  serviceAccountKubeconfig,
  serviceAccountToken,
  testbed,
  type Testbed,
} from '../../testbed/fixture.ts';
import { auditLog, isRefused, requestsOf } from '../../testbed/audit-log.ts';
import { pluginInBackground } from '../plugin.ts';
import { freePort, startPrometheus } from '../../support/prometheus.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-exporter-base-'));
const audit = auditLog(work);
const bed: Testbed = await testbed({ version: 'v2.7.0', apiserverArgs: audit.apiserverArgs });
const EXPORTER_USER = 'system:serviceaccount:antrea-certs:antrea-certs-exporter';

// The base without overlays/secret-reads, and the RBAC of overlays/secure-metrics, which binds
// monitoring/prometheus-k8s to the metrics reader role; a ServiceAccount bound to nothing as well.
bed.kubectl('create', 'namespace', 'monitoring');
for (const file of [
  'deploy/base/namespace.yaml',
  'deploy/base/rbac.yaml',
  'deploy/overlays/secure-metrics/rbac.yaml',
])
  bed.kubectl('apply', '-f', new URL(file, root).pathname);
bed.kubectl('-n', 'monitoring', 'create', 'serviceaccount', 'prometheus-k8s');
bed.kubectl('-n', 'default', 'create', 'serviceaccount', 'stranger');

/** The exporter's arguments as the Deployment gives them, plus the overlay's. */
function deployedArgs(): string[] {
  type Deployment = { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const deployment = yaml.load(read('deploy/base/deployment.yaml')) as Deployment;
  const args = deployment.spec.template.spec.containers[0]?.args ?? [];
  const overlay = read('deploy/overlays/secure-metrics/kustomization.yaml');
  const added = [...overlay.matchAll(/args\/-, value: (\S+) \}/g)].map((m) => m[1] ?? '');
  assert.deepEqual(added, ['--metrics-auth=rbac']);
  return [...args.map((a) => a.replace('$(CLUSTER_NAME)', 'testbed')), ...added];
}

const port = await freePort();
const exporterArgs = deployedArgs();
assert.ok(exporterArgs.includes('--read-secrets=false'), exporterArgs.join(' '));
const startedAt = new Date();
const exporter = pluginInBackground(
  await serviceAccountKubeconfig(
    bed,
    'antrea-certs',
    'antrea-certs-exporter',
    join(work, 'exporter.kubeconfig'),
  ),
  [
    'exporter',
    ...exporterArgs,
    ...['--listen', `127.0.0.1:${port}`, '--inventory-interval', '5s', '--served-interval', '5s'],
  ],
);
after(() => exporter.kill('SIGKILL'));
await exporter.stderrMatches(/Serving \/metrics.* on https:/, 30_000);

const tokenOf = async (namespace: string, name: string) =>
  (await serviceAccountToken(bed, namespace, name)).token;
const prometheusToken = await tokenOf('monitoring', 'prometheus-k8s');
const strangerToken = await tokenOf('default', 'stranger');

/** A GET of the exporter over HTTPS (its certificate is self-made: not verified). */
function get(path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        path,
        rejectUnauthorized: false,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => void (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}
const metrics = async () => {
  const answer = await get('/metrics', prometheusToken);
  assert.equal(answer.status, 200, answer.body);
  return answer.body;
};

test('/metrics over HTTPS: 401 without a token or with one of no one, 403 for a token that may not, 200 for Prometheus', async () => {
  await eventually('/readyz', async () => (await get('/readyz')).status === 200, 30_000);
  assert.equal((await get('/healthz')).status, 200);
  assert.equal((await get('/metrics')).status, 401);
  assert.equal((await get('/metrics', 'not-a-token')).status, 401);
  const stranger = await get('/metrics', strangerToken);
  assert.equal(stranger.status, 403);
  assert.match(stranger.body, /system:serviceaccount:default:stranger may not get \/metrics/);
  assert.match(await metrics(), /^antrea_certs_up\{cluster="testbed"\} 1$/m);
});

test('deploy/base: the Secret shows as not checked by choice (-1), and the API server refuses nothing', async () => {
  const text = await metrics();
  assert.match(
    text,
    /^antrea_certs_check_status\{[^}]*check="not-checked:Secret\/antrea-controller-tls"\} -1$/m,
  );
  assert.doesNotMatch(text, /antrea_certs_exporter_read_errors_total\{[^}]*kind="forbidden"/);
  // Three inventory runs at least (every 5 s) since the first sync, and the watches.
  await new Promise((resolve) => setTimeout(resolve, 16_000));
  assert.match(await metrics(), /^antrea_certs_inventory_not_after_timestamp_seconds\{/m);
  const requests = requestsOf(audit.path, EXPORTER_USER, startedAt.getTime());
  assert.ok(requests.length > 20, `${requests.length} requests in the audit log`);
  const refused = requests.filter(isRefused);
  assert.deepEqual(refused, [], 'refused requests of the exporter');
  assert.ok(!requests.some((r) => /\/secrets/.test(r.uri)), 'no Secret is asked for');
  assert.ok(
    requests.some((r) => r.uri.includes('/tokenreviews')),
    'scrapes were reviewed',
  );
});

test('antrea-ca deleted: the serving certificate is still known, from what the controller serves', async () => {
  const serving = (text: string) =>
    /^antrea_certs_certificate_not_after_timestamp_seconds\{[^}]*certificate="serving"[^}]*sha256="([0-9a-f]+)"/m.exec(
      text,
    )?.[1];
  const before = serving(await metrics());
  assert.ok(before);
  const saved = bed.kubectl('-n', bed.namespace, 'get', 'configmap', 'antrea-ca', '-o', 'json');
  bed.pauseController();
  try {
    bed.kubectl('-n', bed.namespace, 'delete', 'configmap', 'antrea-ca');
    await eventually(
      'antrea-ca missing in the checks',
      async () => /check="ca-published"\} 2$/m.test(await metrics()),
      20_000,
    );
    // Sampled for 8 s: the serving certificate's series never goes.
    for (let i = 0; i < 16; i++) {
      assert.equal(serving(await metrics()), before, `sample ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    const object = JSON.parse(saved) as { metadata: Record<string, unknown> };
    delete object.metadata.resourceVersion;
    delete object.metadata.uid;
    writeFileSync(join(work, 'antrea-ca.json'), JSON.stringify(object));
    bed.kubectlResult('apply', '-f', join(work, 'antrea-ca.json'));
    bed.resumeController();
  }
});

test('a real Prometheus scrapes through the overlay: HTTPS and its ServiceAccount token', async (t) => {
  const config = yaml.load(read('deploy/prometheus/scrape-config-secure.yaml')) as {
    scrape_configs: Record<string, unknown>[];
  };
  const job = config.scrape_configs[0] ?? {};
  const tokenFile = join(work, 'prometheus-token');
  writeFileSync(tokenFile, prometheusToken, { mode: 0o600 });
  const strangerFile = join(work, 'stranger-token');
  writeFileSync(strangerFile, strangerToken, { mode: 0o600 });
  const settings = {
    scheme: job.scheme,
    tls_config: job.tls_config,
    targets: [`127.0.0.1:${port}`],
  };
  const prometheus = await startPrometheus(
    {
      'antrea-certs-exporter': { ...settings, authorization: { credentials_file: tokenFile } },
      stranger: { ...settings, authorization: { credentials_file: strangerFile } },
    },
    [],
  );
  t.after(() => prometheus.stop());
  const up = async (job: string) => (await prometheus.query(`up{job="${job}"}`))[0]?.value;
  await eventually(
    'up 1 for the overlay job',
    async () => (await up('antrea-certs-exporter')) === 1,
  );
  await eventually('up 0 for the stranger', async () => (await up('stranger')) === 0);
  const series = await prometheus.query('antrea_certs_up{job="antrea-certs-exporter"}');
  assert.equal(series[0]?.value, 1);
});
