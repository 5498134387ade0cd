// Every writing command speaks -o json and -o yaml: on a v2.7.0 testbed, each
// of import, mode, rotate, restore and generate --apply is run as a dry run
// (client and server), refused (another run's Lease), timed out and
// interrupted (the controller frozen), and carried out; each document parses
// and validates against docs/change.schema.json, says where the change stands,
// and never carries key material.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  FAST_TIMINGS,
  eventually,
  testbed,
  userProvidedPair,
  type Testbed,
} from '../../testbed/fixture.ts';
import { CertManager } from '../../testbed/cert-manager.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { pluginAsync, pluginInBackground, type Run } from '../plugin.ts';
import type { ChangeDocument } from '../../../src/change/change-record.ts';
import { REFUSED_COMMON_NAME } from '../../testbed/model/controller.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../../docs/change.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile<ChangeDocument>(schema);

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-change-docs-'));
const backups = join(work, 'backups');
const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
const adminCa = await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages });
const pairs: string[] = [adminCa.keyPem];

/** A CA and serving pair an admin brings, in a directory, for --from-dir. */
async function pairDir(commonName = 'antrea'): Promise<string> {
  const pair = await userProvidedPair(ns, commonName);
  const dir = join(work, `pair-${pairs.length}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), pair.cert);
  writeFileSync(join(dir, 'tls.key'), pair.key);
  writeFileSync(join(dir, 'ca.crt'), pair.ca);
  pairs.push(pair.key);
  return dir;
}

const manager = await CertManager.start(bed, adminCa);
after(() => manager.stop());
await manager.createIssuer('Issuer', 'ca-issuer', 'ca', true);

const run = (args: readonly string[]) =>
  pluginAsync(bed.kubeconfig, [...args, '--backup-dir', backups]);

/** The document on stdout, parsed as -o asked, validated against the schema. */
function documentOf(result: Run, format: 'json' | 'yaml'): ChangeDocument {
  const text = result.stdout;
  const parsed: unknown = format === 'json' ? JSON.parse(text) : yaml.load(text);
  if (!validate(parsed)) {
    assert.fail(`${JSON.stringify(validate.errors, null, 1)}\n${text}\n${result.stderr}`);
  }
  for (const key of pairs) {
    const body = key.split('\n').find((l) => l.length > 40) ?? key;
    assert.ok(!text.includes(body), 'a private key reached the document');
  }
  assert.equal(parsed.exitCode, result.status, result.stderr);
  return parsed;
}

async function versions(): Promise<string> {
  const [secret, config] = await Promise.all([
    bed.api.core
      .readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns })
      .catch(() => undefined),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  return `${secret?.metadata?.resourceVersion ?? 'none'}/${config.metadata?.resourceVersion}`;
}

/** Waits until verify passes: the cluster has converged after a change that stopped. */
/**
 * verify passes without a warning: a self-signed pair's Secret deleted while the controller was
 * paused warns until the controller has written it again, so the next test's change finds it.
 */
async function healthy(): Promise<void> {
  await eventually(
    'verify --strict to pass',
    async () => (await pluginAsync(bed.kubeconfig, ['verify', '--strict'])).status === 0,
    60_000,
  );
}

const mode = async () =>
  /^user-provided/.test((await pluginAsync(bed.kubeconfig, ['mode'])).stdout)
    ? 'user-provided'
    : 'self-signed';

/** Removes the Certificate generate --apply made, so that the Secret is the controller's again. */
async function noCertificate(): Promise<void> {
  await bed.api.custom
    .deleteNamespacedCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      namespace: ns,
      plural: 'certificates',
      name: 'antrea-controller-tls',
    })
    .catch(() => undefined);
}

async function selfSigned(): Promise<void> {
  await noCertificate();
  if ((await mode()) === 'self-signed') return;
  const r = await run(['mode', 'self-signed', '--regenerate', '--yes']);
  assert.equal(r.status, 0, r.stderr);
}

async function userProvided(): Promise<void> {
  await selfSigned();
  const r = await run(['import', '--from-dir', await pairDir(), '--mode', 'user-provided', '-y']);
  assert.equal(r.status, 0, r.stderr);
}

/** A backup of the cluster in self-signed mode, taken by a change made from there. */
async function selfSignedBackup(): Promise<string> {
  await selfSigned();
  const dir = join(work, `backup-${Date.now()}`);
  const args = ['import', '--from-dir', await pairDir(), '--mode', 'user-provided', '-y'];
  const r = await pluginAsync(bed.kubeconfig, [...args, '--backup-dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  return join(dir, readdirSync(dir)[0] ?? '');
}

/** Now, as a Lease's MicroTime (client-node sends a Date as milliseconds, which the API refuses). */
const microTime = () => new Date().toISOString().replace(/Z$/, '000Z') as unknown as Date;

interface Scenario {
  readonly command: string;
  /** Brings the cluster where the command has work to do. */
  setup(): Promise<void>;
  /** Its arguments (new files each time). */
  args(): Promise<string[]>;
  /** Whether the change restarts the controller (its plan has a Deployment write). */
  readonly restarts: boolean;
}

const scenarios: Scenario[] = [
  {
    command: 'rotate',
    setup: selfSigned,
    args: () => Promise.resolve(['rotate']),
    restarts: false,
  },
  {
    command: 'import',
    setup: selfSigned,
    args: async () => ['import', '--from-dir', await pairDir(), '--mode', 'user-provided'],
    restarts: true,
  },
  {
    command: 'mode',
    setup: userProvided,
    args: () => Promise.resolve(['mode', 'self-signed', '--regenerate']),
    restarts: true,
  },
  {
    command: 'restore',
    setup: userProvided,
    args: async () => {
      const file = await selfSignedBackup();
      await userProvided();
      return ['restore', file];
    },
    restarts: true,
  },
  {
    command: 'generate',
    setup: selfSigned,
    args: () => Promise.resolve(['generate', '--cert-manager', '--apply', '--issuer', 'ca-issuer']),
    restarts: true,
  },
];

for (const s of scenarios) {
  test(`${s.command}: dry runs print the plan as data and write nothing`, async () => {
    await s.setup();
    const args = await s.args();
    const before = await versions();
    const client = await run([...args, '--dry-run=client', '-o', 'json']);
    assert.equal(client.status, 0, client.stderr);
    const planned = documentOf(client, 'json');
    assert.equal(planned.command, s.command);
    assert.equal(planned.dryRun, 'client');
    assert.equal(planned.outcome, 'dry-run');
    assert.deepEqual([planned.written, planned.backup, planned.lease], [[], null, null]);
    assert.ok(planned.plan.writes.length > 0, client.stdout);
    assert.equal(
      planned.plan.writes.some((w) => w.kind === 'Deployment'),
      s.restarts,
    );
    assert.equal(planned.plan.restartsController, s.restarts);
    const server = await run([...args, '--dry-run=server', '-o', 'yaml']);
    assert.equal(server.status, 0, server.stderr);
    const checked = documentOf(server, 'yaml');
    assert.equal(checked.dryRun, 'server');
    assert.deepEqual(
      checked.plan.writes.map((w) => `${w.verb} ${w.kind}/${w.name}`),
      planned.plan.writes.map((w) => `${w.verb} ${w.kind}/${w.name}`),
    );
    assert.equal(await versions(), before);
  });

  test(`${s.command}: refused by another run's Lease, the document says nothing was written`, async () => {
    await s.setup();
    const args = await s.args();
    const before = await versions();
    await bed.api.coordination.createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: 'antrea-certs-change' },
        spec: {
          holderIdentity: 'alice@elsewhere pid 1 (kubectl antrea-certs rotate)',
          leaseDurationSeconds: 60,
          renewTime: microTime(),
          acquireTime: microTime(),
        },
      },
    });
    try {
      const refused = await run([...args, '-y', '-o', 'json']);
      assert.equal(refused.status, 1, refused.stderr);
      const document = documentOf(refused, 'json');
      assert.equal(document.outcome, 'not-written');
      assert.match(document.error ?? '', /another change is in progress .*alice@elsewhere/);
      assert.deepEqual([document.written, document.lease, document.verify], [[], null, null]);
      assert.match(refused.stderr, /^error: another change is in progress/m);
    } finally {
      await bed.api.coordination.deleteNamespacedLease({
        name: 'antrea-certs-change',
        namespace: ns,
      });
    }
    assert.equal(await versions(), before);
  });

  test(`${s.command}: a wait that runs out prints where the change stands`, async () => {
    await s.setup();
    const args = await s.args();
    bed.pauseController();
    let result: Run;
    try {
      result = await run([...args, '-y', '-o', 'yaml', '--timeout', '6s']);
    } finally {
      bed.resumeController();
    }
    assert.equal(result.status, 124, result.stderr);
    const document = documentOf(result, 'yaml');
    assert.equal(document.wait?.result, 'timed-out');
    assert.ok(document.written.length > 0, result.stdout);
    assert.ok(document.backup, 'a backup was written');
    assert.match(document.lease?.holder ?? '', /\(kubectl antrea-certs /);
    assert.match(document.error ?? '', /timed out|did not converge/);
    // With the controller frozen, a rollback cannot converge either.
    assert.equal(document.outcome, 'stopped');
    assert.equal(document.rollback?.completed ?? false, false);
    assert.equal(document.rollback !== null, s.restarts);
    await healthy();
  });

  test(`${s.command}: interrupted while waiting, the document says so`, async () => {
    await s.setup();
    const args = await s.args();
    bed.pauseController();
    let result: Run;
    try {
      const running = pluginInBackground(bed.kubeconfig, [
        ...args,
        '-y',
        '-o',
        'json',
        '--backup-dir',
        backups,
      ]);
      // The wait for the cluster, after the writes (generate also waits for cert-manager while writing).
      await running.stderrMatches(/^Written\.$[^]*waiting for/m);
      running.kill('SIGTERM');
      result = await running.done;
    } finally {
      bed.resumeController();
    }
    assert.equal(result.status, 143, result.stderr);
    const document = documentOf(result, 'json');
    assert.equal(document.outcome, 'stopped');
    assert.equal(document.wait?.result, 'interrupted');
    assert.ok(document.wait?.waitingFor, result.stdout);
    assert.ok(document.written.length > 0);
    await healthy();
  });

  test(`${s.command}: carried out, the document holds the writes, the wait and verify's report`, async () => {
    await s.setup();
    const args = await s.args();
    const result = await run([...args, '-y', '-o', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const document = documentOf(result, 'json');
    assert.equal(document.outcome, 'converged');
    assert.equal(document.wait?.result, 'converged');
    assert.equal(document.verify?.summary.failed, 0);
    const verify = JSON.parse(
      (await pluginAsync(bed.kubeconfig, ['verify', '-o', 'json'])).stdout,
    ) as {
      checks: { id: string }[];
    };
    assert.deepEqual(
      document.verify?.checks.map((c) => c.id).sort(),
      verify.checks.map((c) => c.id).sort(),
    );
    const planned = document.plan.writes.map((w) => `${w.kind}/${w.name}`);
    for (const w of document.written) {
      // cert-manager writes the Secret a Certificate names (the plan's lines say so).
      if (s.command === 'generate' && w.kind === 'Secret') continue;
      assert.ok(planned.includes(`${w.kind}/${w.name}`), `${w.kind}/${w.name} was not planned`);
    }
    assert.ok(!/[✔×‼]/.test(result.stdout), 'the check list went to stdout');
  });
}

test('a controller that does not come up: rolled back, with the checks of the cluster after', async () => {
  await selfSigned();
  const before = await versions();
  const args = [
    'import',
    '--from-dir',
    await pairDir(REFUSED_COMMON_NAME),
    '--mode',
    'user-provided',
  ];
  // Half of --timeout is the rollback's: the aggregator may take its 30 s resync to see the
  // APIServices' endpoint back, so the rollback gets 40 s.
  const result = await run([...args, '-y', '-o', 'json', '--timeout', '80s']);
  assert.equal(result.status, 124, result.stderr);
  const document = documentOf(result, 'json');
  assert.equal(document.outcome, 'rolled-back', result.stderr);
  assert.equal(document.wait?.result, 'timed-out');
  assert.equal(document.rollback?.completed, true);
  assert.equal(document.rollback?.verify?.summary.failed, 0);
  assert.equal(document.verify, null);
  assert.match(document.error ?? '', /rolled back to the backup/);
  assert.notEqual(await versions(), before, 'the rollback writes the old objects again');
  assert.equal(await mode(), 'self-signed');
});

test('a change with nothing to write prints its document too', async () => {
  await selfSigned();
  const result = await run(['mode', 'self-signed', '-o', 'json']);
  assert.equal(result.status, 0, result.stderr);
  const document = documentOf(result, 'json');
  assert.equal(document.outcome, 'unchanged');
  assert.deepEqual(document.plan.writes, []);
});

test('an error before the plan prints nothing on stdout', async () => {
  const dir = join(work, 'broken');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), 'not a certificate');
  writeFileSync(join(dir, 'tls.key'), 'not a key');
  writeFileSync(join(dir, 'ca.crt'), adminCa.certPem);
  const result = await run([
    'import',
    '--from-dir',
    dir,
    '--mode',
    'user-provided',
    '-y',
    '-o',
    'json',
  ]);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^error: /m);
});
