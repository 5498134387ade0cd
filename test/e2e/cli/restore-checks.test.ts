// restore checks what it would write before anything is written: a real
// backup taken on a v2.7.0 testbed, mutated in each way a backup can be
// damaged, edited or misplaced, is refused in one sentence naming the check,
// by both dry runs and by a real run, and the Secret's and the ConfigMap's
// resourceVersions stay as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { issue, usage, extendedUsage, type IssueOptions } from '../../testbed/pki.ts';
import { plugin } from '../plugin.ts';
import { digestOf } from '../../../src/change/backup.ts';
import { REFUSED_COMMON_NAME } from '../../testbed/model/controller.ts';

const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: {
    userProvidedWaitSeconds: 4,
    crashBackoffSeconds: 1,
    secretVolumeRefreshSeconds: 1,
    certReloadSeconds: 1,
    publishResyncSeconds: 3,
  },
});
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-restore-checks-'));
const DAY = 86_400_000;

const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
const adminCa = await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages });
const otherCa = await issue({ commonName: 'Other CA', isCA: true, usages: caUsages });
const serving = (o: Partial<IssueOptions> = {}) =>
  issue({
    commonName: 'antrea',
    issuer: adminCa,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    ...o,
  });
const good = await serving();
const another = await serving();
const rsa = await serving({ keyKind: 'rsa-2048' });
const unnamed = await serving({ dnsNames: ['example.com'] });
const refused = await serving({ commonName: REFUSED_COMMON_NAME });
const expired = await serving({
  notBefore: new Date(Date.now() - 30 * DAY),
  notAfter: new Date(Date.now() - DAY),
});

async function versions() {
  const [secret, config] = await Promise.all([
    bed.api.core.readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns }),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  return `${secret.metadata?.resourceVersion}/${config.metadata?.resourceVersion}`;
}

/** Imports the admin's pair (user-provided), backing up to `dir`; returns the backup's content. */
function importGood(dir: string): Record<string, unknown> {
  const pair = join(work, `pair-${readdirSync(work).length}`);
  mkdirSync(pair);
  writeFileSync(join(pair, 'tls.crt'), good.certPem);
  writeFileSync(join(pair, 'tls.key'), good.keyPem);
  writeFileSync(join(pair, 'ca.crt'), adminCa.certPem);
  const args = ['import', '--from-dir', pair, '--mode', 'user-provided', '--yes'];
  const imported = plugin(bed.kubeconfig, [...args, '--backup-dir', dir]);
  assert.equal(imported.status, 0, imported.stderr + imported.stdout);
  const [file = ''] = readdirSync(dir);
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
}

// The first import switches to user-provided; the second backs up the admin's pair it replaces.
importGood(join(work, 'first'));
const base = importGood(join(work, 'second'));
const secretOf = (content: Record<string, unknown>) => content.secret as Record<string, unknown>;
const withSecret = (fields: Record<string, unknown>) => ({
  ...base,
  secret: { ...secretOf(base), ...fields },
});
const signed = (content: Record<string, unknown>) =>
  JSON.stringify({ ...content, digest: digestOf(content) });

/** [what, the file's text, what the refusal says] */
const MUTATIONS: [string, string, RegExp][] = [
  [
    'tls.key swapped for another valid key',
    signed(withSecret({ key: another.keyPem })),
    /would not work: the backup's tls\.key does not match the backup's tls\.crt/,
  ],
  [
    'tls.key of another algorithm (RSA for an ECDSA certificate)',
    signed(withSecret({ key: rsa.keyPem })),
    /would not work: the backup's tls\.key (does not match|cannot be used)/,
  ],
  [
    'tls.key truncated',
    signed(withSecret({ key: good.keyPem.slice(0, 120) })),
    /would not work: the backup's tls\.key cannot be used/,
  ],
  [
    'tls.key garbage',
    signed(withSecret({ key: 'garbage' })),
    /would not work: the backup's tls\.key cannot be used/,
  ],
  [
    'tls.crt truncated',
    signed(withSecret({ cert: good.certPem.slice(0, 300) })),
    /would not work: the backup's tls\.crt is truncated/,
  ],
  [
    'tls.crt garbage',
    signed(withSecret({ cert: 'garbage' })),
    /would not work: the backup's tls\.crt holds no PEM data/,
  ],
  [
    "tls.crt swapped for another certificate (the key is the old one's)",
    signed(withSecret({ cert: another.certPem })),
    /would not work: the backup's tls\.key does not match/,
  ],
  [
    'ca.crt that does not sign tls.crt',
    signed(withSecret({ ca: otherCa.certPem })),
    /would not work: the backup's tls\.crt does not chain to a CA in the backup's ca\.crt/,
  ],
  [
    "a certificate without Antrea's names",
    signed(withSecret({ cert: unnamed.certPem, key: unnamed.keyPem })),
    new RegExp(`would not work: the backup's tls\\.crt lacks the DNS name antrea\\.${ns}\\.svc`),
  ],
  [
    'an expired certificate',
    signed(withSecret({ cert: expired.certPem, key: expired.keyPem })),
    /would not work: "CN=antrea" expired/,
  ],
  [
    'a config the controller cannot parse',
    signed({
      ...base,
      configMap: { ...(base.configMap as object), text: 'selfSignedCert: [\n' },
    }),
    /would not work: the backup's antrea-controller\.conf is not valid YAML/,
  ],
  [
    'selfSignedCert neither true nor false',
    signed({
      ...base,
      configMap: { ...(base.configMap as object), text: 'selfSignedCert: maybe\n' },
    }),
    /would not work: the backup's selfSignedCert in antrea-controller\.conf is "maybe"/,
  ],
  [
    '.cluster deleted',
    signed(Object.fromEntries(Object.entries(base).filter(([key]) => key !== 'cluster'))),
    /does not record which cluster it came from.*--force-other-cluster/,
  ],
  [
    '.cluster altered (another kube-system UID)',
    signed({
      ...base,
      cluster: {
        ...(base.cluster as object),
        kubeSystemUid: '00000000-0000-4000-8000-000000000000',
      },
    }),
    /is a backup of another cluster/,
  ],
  [
    'the digest changed',
    JSON.stringify({ ...base, digest: `sha256:${'1'.repeat(64)}` }),
    /was edited or damaged: its digest does not match its content/,
  ],
  [
    'a value edited without its digest',
    JSON.stringify(withSecret({ key: another.keyPem })),
    /was edited or damaged: its digest does not match its content.*--accept-edited-backup/,
  ],
  ['an empty file', '', /is not a backup of kubectl antrea-certs \(it is not a JSON object\)/],
  ['a JSON array', '[]', /is not a backup of kubectl antrea-certs \(it is not a JSON object\)/],
];

test('the backup itself passes every check: a dry run of it plans the restore', () => {
  const file = join(work, 'base.json');
  writeFileSync(file, `${JSON.stringify(base, null, 2)}\n`);
  const dry = plugin(bed.kubeconfig, ['restore', file, '--dry-run=server']);
  assert.equal(dry.status, 0, dry.stderr);
});

test(`${MUTATIONS.length} damaged backups: each refused before any write, by both dry runs and a real run`, async () => {
  assert.ok(MUTATIONS.length >= 15);
  for (const [i, [what, text, refusal]] of MUTATIONS.entries()) {
    const file = join(work, `mutation-${i}.json`);
    writeFileSync(file, text, { mode: 0o600 });
    for (const mode of ['--dry-run=client', '--dry-run=server', '--yes']) {
      const before = await versions();
      const result = plugin(bed.kubeconfig, ['restore', file, mode, '--backup-dir', work]);
      assert.equal(result.status, 1, `${what} ${mode}: ${result.stderr}`);
      assert.match(result.stderr, refusal, `${what} ${mode}`);
      assert.match(result.stderr, /Nothing was written|nothing was written/i, `${what} ${mode}`);
      assert.doesNotMatch(result.stderr, /PRIVATE KEY/, `${what} ${mode}`);
      assert.equal(await versions(), before, `${what} ${mode}: nothing was written`);
    }
  }
});

test('--accept-edited-backup restores an edited file only if it passes every check', async () => {
  const edited = join(work, 'edited-bad.json');
  writeFileSync(edited, JSON.stringify(withSecret({ key: another.keyPem })));
  const before = await versions();
  const bad = plugin(bed.kubeconfig, ['restore', edited, '--yes', '--accept-edited-backup']);
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /was edited \(its digest does not match\): restoring it as asked/);
  assert.match(bad.stderr, /would not work: the backup's tls\.key does not match/);
  assert.equal(await versions(), before);
  const reformatted = join(work, 'edited-good.json');
  writeFileSync(reformatted, JSON.stringify({ ...base, createdAt: new Date().toISOString() }));
  const dry = plugin(bed.kubeconfig, [
    'restore',
    reformatted,
    '--dry-run=server',
    '--accept-edited-backup',
  ]);
  assert.equal(dry.status, 0, dry.stderr);
});

test('a backup that passes every check but the controller does not come up on: rolled back within --timeout', async () => {
  const file = join(work, 'refused.json');
  writeFileSync(file, signed(withSecret({ cert: refused.certPem, key: refused.keyPem })));
  const started = Date.now();
  const result = plugin(bed.kubeconfig, [
    'restore',
    file,
    '--yes',
    '--timeout',
    '1m',
    '--backup-dir',
    work,
  ]);
  assert.equal(result.status, 124, result.stderr);
  assert.ok(Date.now() - started < 70_000, `took ${Date.now() - started} ms`);
  assert.match(
    result.stderr,
    /Waits up to 30s for the controller; if it does not come up, rolls back within the 30s left of --timeout 1m/,
  );
  assert.match(
    result.stderr,
    new RegExp(
      `The controller cannot start: Pod \\S+ \\((CrashLoopBackOff|Error|NotReady): .*refuses to load CN=${REFUSED_COMMON_NAME}`,
    ),
  );
  assert.match(result.stderr, /Rolled back: the controller runs with the objects it had before/);
  assert.match(result.stderr, /it was rolled back to the backup\./);
  assert.doesNotMatch(result.stderr, /finishes the change by itself/);
  // The admin's pair again, served and verified.
  const secret = await bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: ns,
  });
  assert.equal(Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString(), good.certPem);
  assert.equal(plugin(bed.kubeconfig, ['verify']).status, 0);
});
