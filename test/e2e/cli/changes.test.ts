// import, mode and restore on a v2.7.0 testbed: preflight refusals that write
// nothing, full switches both ways, reloads without restart, restore, rollback,
// dry runs, conflicts, and no key material in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  writeFileSync,
  statSync,
  readdirSync,
  mkdirSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { testbed, controllerPods, userProvidedPair, type Testbed } from '../../testbed/fixture.ts';
import { issue, usage, extendedUsage, type IssueOptions } from '../../testbed/pki.ts';
import { plugin, json } from '../plugin.ts';
import type { ConnectionFlags } from '../../../src/framework/global-flags.ts';
import { digestOf } from '../../../src/change/backup.ts';

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
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-changes-'));
const backups = join(work, 'backups');
const run = (...args: string[]) => plugin(bed.kubeconfig, [...args, '--backup-dir', backups]);
/** The plugin with backups in a directory of the test's own, to count what it wrote. */
const runBackingUpTo = (dir: string, ...args: string[]) =>
  plugin(bed.kubeconfig, [...args, '--backup-dir', dir]);
let backupDirs = 0;
const freshBackupDir = () => join(work, `backups-${backupDirs++}`);

/** A backup file's content with the digest it would have if the plugin had written it. */
const signed = (content: Record<string, unknown>) =>
  JSON.stringify({ ...content, digest: digestOf(content) });

async function versions() {
  const [secret, config] = await Promise.all([
    bed.api.core
      .readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns })
      .catch(() => undefined),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  return `${secret?.metadata?.resourceVersion}/${config.metadata?.resourceVersion}`;
}

let dirs = 0;
function pairDir(files: { cert?: string; key?: string; ca?: string; passphrase?: string }): string {
  const dir = join(work, `pair-${dirs++}`);
  mkdirSync(dir);
  if (files.cert !== undefined) writeFileSync(join(dir, 'tls.crt'), files.cert);
  if (files.key !== undefined) writeFileSync(join(dir, 'tls.key'), files.key);
  if (files.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), files.ca);
  if (files.passphrase !== undefined) writeFileSync(join(dir, 'passphrase'), files.passphrase);
  return dir;
}

const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
const adminCa = await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages });
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
const goodFiles = { cert: good.certPem, key: good.keyPem, ca: adminCa.certPem };

// Each test sets up the mode it needs, so that none depends on the tests before it;
// a mode already in place is left as it is. What these switches back up goes elsewhere.
const setupBackups = join(work, 'setup-backups');
const currentMode = () => plugin(bed.kubeconfig, ['mode']).stdout;

/** Self-signed with the pair persisted in the Secret (no ca.crt), as the testbed comes up. */
function selfSignedMode(): void {
  if (/^self-signed/.test(currentMode())) return;
  const switched = runBackingUpTo(setupBackups, 'mode', 'self-signed', '--regenerate', '--yes');
  assert.equal(switched.status, 0, switched.stderr + switched.stdout);
}

/** Imports the admin's pair into user-provided mode, backing up to `backups`; it must succeed. */
function importGoodPair(backups: string, ...extra: string[]) {
  const imported = runBackingUpTo(
    backups,
    'import',
    '--from-dir',
    pairDir(goodFiles),
    '--mode',
    'user-provided',
    '--yes',
    ...extra,
  );
  assert.equal(imported.status, 0, imported.stderr + imported.stdout);
  return imported;
}

/** User-provided, serving the admin's pair. */
function userProvidedMode(): void {
  if (/^user-provided/.test(currentMode())) return;
  importGoodPair(setupBackups);
}

test('a corpus of 30 bad inputs: each exits 1 with one clear sentence and writes nothing', async () => {
  const DAY = 86400e3;
  const other = await serving();
  const otherCa = await issue({ commonName: 'Other CA', isCA: true, usages: caUsages });
  const flagless = await issue({ commonName: 'Flagless CA', usages: caUsages });
  const underFlagless = await issue({
    commonName: 'antrea',
    issuer: flagless,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`],
  });
  const encrypted = createPrivateKey(good.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  const leafWith = async (o: Partial<IssueOptions>) => {
    const leaf = await serving(o);
    return { ...goodFiles, cert: leaf.certPem, key: leaf.keyPem };
  };
  const cases: [
    string,
    { cert?: string; key?: string; ca?: string; passphrase?: string },
    RegExp,
  ][] = [
    ['wrong key', { ...goodFiles, key: other.keyPem }, /tls\.key does not match .*tls\.crt/],
    [
      'RSA key for an ECDSA certificate',
      { ...goodFiles, key: (await serving({ keyKind: 'rsa-2048' })).keyPem },
      /does not match/,
    ],
    [
      'missing SAN',
      await leafWith({ dnsNames: ['antrea'] }),
      /lacks the DNS name antrea\.kube-system\.svc/,
    ],
    [
      'client auth only',
      await leafWith({ extendedUsages: [extendedUsage.clientAuth] }),
      /server auth extended key usage/,
    ],
    [
      'no digital signature',
      await leafWith({ usages: usage.keyEncipherment }),
      /digital signature key usage/,
    ],
    [
      'RSA without key encipherment',
      await leafWith({ usages: usage.digitalSignature, keyKind: 'rsa-2048' }),
      /key encipherment key usage\./,
    ],
    [
      'expired',
      await leafWith({
        notBefore: new Date(Date.now() - 30 * DAY),
        notAfter: new Date(Date.now() - DAY),
      }),
      /expired/,
    ],
    [
      'not yet valid',
      await leafWith({ notBefore: new Date(Date.now() + DAY) }),
      /not valid before/,
    ],
    [
      'expires within --fail-within',
      await leafWith({ notAfter: new Date(Date.now() + 2 * DAY) }),
      /within --fail-within/,
    ],
    ['1024-bit RSA', await leafWith({ keyKind: 'rsa-1024' }), /1024-bit RSA key/],
    [
      'CA without CA flag',
      { cert: underFlagless.certPem, key: underFlagless.keyPem, ca: flagless.certPem },
      /is not a CA certificate/,
    ],
    ['chain to another CA', { ...goodFiles, ca: otherCa.certPem }, /does not chain to a CA/],
    ['truncated certificate', { ...goodFiles, cert: good.certPem.slice(0, 150) }, /is truncated/],
    [
      'corrupt base64',
      { ...goodFiles, cert: good.certPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n**********') },
      /not valid base64/,
    ],
    [
      'DER certificate',
      { ...goodFiles, cert: Buffer.from(good.cert.rawData).toString('latin1') },
      /DER \(binary\), not PEM/,
    ],
    ['empty certificate', { ...goodFiles, cert: '' }, /tls\.crt is empty/],
    [
      'a key as certificate',
      { ...goodFiles, cert: good.keyPem },
      /holds a private key where certificates were expected/,
    ],
    ['empty key', { ...goodFiles, key: '' }, /holds no PEM private key/],
    [
      'a certificate as key',
      { ...goodFiles, key: good.certPem },
      /holds a certificate, not a private key/,
    ],
    [
      'truncated key',
      { ...goodFiles, key: good.keyPem.slice(0, 90) + '\n-----END PRIVATE KEY-----\n' },
      /corrupt or truncated/,
    ],
    [
      'encrypted key, no passphrase',
      { ...goodFiles, key: encrypted },
      /encrypted and no passphrase was given/,
    ],
    [
      'encrypted key, wrong passphrase',
      { ...goodFiles, key: encrypted, passphrase: 'nope' },
      /passphrase does not decrypt it/,
    ],
    ['empty CA', { ...goodFiles, ca: '' }, /ca\.crt is empty/],
    ['garbage CA', { ...goodFiles, ca: 'hello' }, /holds no PEM data/],
    [
      'DER CA',
      { ...goodFiles, ca: Buffer.from(adminCa.cert.rawData).toString('latin1') },
      /DER \(binary\)/,
    ],
    [
      'missing tls.crt',
      { key: good.keyPem, ca: adminCa.certPem },
      /tls\.crt given with --from-dir does not exist/,
    ],
    [
      'missing tls.key',
      { cert: good.certPem, ca: adminCa.certPem },
      /tls\.key given with --from-dir does not exist/,
    ],
    [
      'missing ca.crt',
      { cert: good.certPem, key: good.keyPem },
      /ca\.crt given with --from-dir does not exist/,
    ],
    [
      'intermediate not given',
      await (async () => {
        const intermediate = await issue({
          commonName: 'Intermediate',
          isCA: true,
          usages: caUsages,
          issuer: adminCa,
        });
        const leaf = await serving({ issuer: intermediate });
        return { ...goodFiles, cert: leaf.certPem, key: leaf.keyPem };
      })(),
      /no certificate given is the issuer "CN=Intermediate"/,
    ],
    [
      'impostor CA',
      {
        ...goodFiles,
        ca: (await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages })).certPem,
      },
      /did not sign it/,
    ],
  ];
  assert.ok(cases.length >= 30);
  const before = await versions();
  const keyLines = [good.keyPem, other.keyPem, encrypted].flatMap((k) => k.split('\n').slice(1, 3));
  for (const [name, files, message] of cases) {
    const dir = pairDir(files);
    const args = [
      'import',
      '--from-dir',
      dir,
      '--mode',
      'user-provided',
      '--yes',
      ...(files.passphrase ? ['--key-passphrase-file', join(dir, 'passphrase')] : []),
    ];
    const result = run(...args);
    assert.equal(result.status, 1, `${name}: ${result.stderr}`);
    assert.match(result.stderr, message, name);
    assert.match(result.stderr, /nothing was written|does not exist/i, name);
    assert.doesNotMatch(result.stderr, /\n\s+at /, `${name}: no stack trace`);
    assert.ok(
      keyLines.every((line) => !result.stderr.includes(line) && !result.stdout.includes(line)),
      `${name}: no key material`,
    );
  }
  // Endless or silent inputs are refused at once, not read until memory runs out.
  const given = pairDir(goodFiles);
  const fifo = join(given, 'silent.fifo');
  execFileSync('mkfifo', [fifo]);
  const endless: [string, RegExp][] = [
    ['/dev/zero', /\/dev\/zero given with --cert is larger than 4 MiB/],
    [fifo, /nothing came from \S+silent\.fifo given with --cert within 1 s/],
  ];
  for (const [cert, message] of endless) {
    const result = run(
      'import',
      ...['--cert', cert, '--key', join(given, 'tls.key'), '--ca', join(given, 'ca.crt')],
      ...['--mode', 'user-provided', '--yes'],
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(await versions(), before, 'the Secret and the ConfigMap were not touched');
});

test('importing in self-signed mode without switching is explained and refused', async () => {
  selfSignedMode();
  const before = await versions();
  const result = run('import', '--from-dir', pairDir(goodFiles), '--yes');
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /self-signed mode: it would take this pair as its "self-signed" one only while 90\+ days remain .* add --mode user-provided/,
  );
  assert.equal(await versions(), before);
});

test('dry runs (client and server) and a missing --yes without a terminal write nothing', async () => {
  selfSignedMode();
  const before = await versions();
  for (const dryRun of ['client', 'server']) {
    const result = run(
      'import',
      '--from-dir',
      pairDir(goodFiles),
      '--mode',
      'user-provided',
      `--dry-run=${dryRun}`,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Would change/);
    assert.match(result.stderr, /ConfigMap antrea-config: selfSignedCert true -> false/);
    assert.match(
      result.stderr,
      dryRun === 'server'
        ? /the API server accepted every write; nothing was written/
        : /Dry run: nothing was written/,
    );
  }
  const noYes = run('import', '--from-dir', pairDir(goodFiles), '--mode', 'user-provided');
  assert.equal(noYes.status, 1);
  assert.match(noYes.stderr, /without a terminal to confirm on, pass --yes/);
  assert.equal(await versions(), before);
});

test('a write whose object changed since it was read is a conflict, and nothing is overwritten', async () => {
  const { Client } = await import('../../../src/kube/client.ts');
  const { loadKubeconfig } = await import('../../../src/kube/kubeconfig.ts');
  const { writeConfigMapKey } = await import('../../../src/kube/writes.ts');
  const { ConflictError } = await import('../../../src/errors.ts');
  const client = new Client(
    loadKubeconfig({ kubeconfig: bed.kubeconfig, 'request-timeout': '0' } as ConnectionFlags),
    { timeoutMs: 0, verbosity: 0, log: () => undefined },
  );
  const read = await bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns });
  bed.kubectl('-n', ns, 'annotate', 'configmap', 'antrea-config', 'someone=else');
  await assert.rejects(
    writeConfigMapKey(
      client,
      ns,
      'antrea-config',
      'antrea-controller.conf',
      'selfSignedCert: false\n',
      read.metadata?.resourceVersion ?? '',
      'none',
    ),
    ConflictError,
  );
  const after = await bed.api.core.readNamespacedConfigMap({
    name: 'antrea-config',
    namespace: ns,
  });
  assert.equal(after.data?.['antrea-controller.conf'], read.data?.['antrea-controller.conf']);
});

test('import --mode user-provided: backup (0600), switch, wait, verify; -v shows no key material', async () => {
  selfSignedMode();
  const own = freshBackupDir();
  const before = json<{ mode: string }>(plugin(bed.kubeconfig, ['status', '-o', 'json']));
  assert.equal(before.mode, 'self-signed');
  const result = importGoodPair(own, '-vv');
  assert.match(result.stderr, /converged/);
  assert.match(result.stdout, /0 failed/);
  for (const out of [result.stdout, result.stderr]) {
    assert.doesNotMatch(out, /PRIVATE KEY/);
    assert.ok(!out.includes(good.keyPem.split('\n')[1] ?? 'unreachable'));
  }
  const status = json<{ mode: string; servingCertificate: { issuer: string } }>(
    plugin(bed.kubeconfig, ['status', '-o', 'json']),
  );
  assert.equal(status.mode, 'user-provided');
  assert.equal(status.servingCertificate.issuer, 'CN=Admin CA');
  const files = readdirSync(own);
  assert.equal(files.length, 1);
  const backup = join(own, files[0] ?? '');
  assert.equal(statSync(backup).mode & 0o777, 0o600);
});

test('import while already user-provided: no restart, the controller reloads and republishes', async () => {
  userProvidedMode();
  const [podBefore] = await controllerPods(bed);
  const next = await userProvidedPair(ns, 'antrea-next');
  const result = run(
    'import',
    '--from-dir',
    pairDir({ cert: next.cert, key: next.key, ca: next.ca }),
    '--yes',
  );
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.doesNotMatch(result.stderr, /restart/);
  assert.match(result.stderr, /kubelet refreshes the Secret volume/);
  assert.equal(await bed.publishedCa(), next.ca);
  const [podAfter] = await controllerPods(bed);
  assert.equal(podAfter?.metadata?.uid, podBefore?.metadata?.uid);
});

test('mode self-signed refuses to keep a user pair unless --regenerate, which makes a fresh pair', async () => {
  userProvidedMode();
  const before = await versions();
  const refused = run('mode', 'self-signed', '--yes');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /holds a user-provided pair: .* Pass --regenerate/);
  assert.equal(await versions(), before);
  const caBefore = await bed.publishedCa();
  const switched = run('mode', 'self-signed', '--regenerate', '--yes');
  assert.equal(switched.status, 0, switched.stderr + switched.stdout);
  assert.notEqual(await bed.publishedCa(), caBefore);
  assert.match(
    plugin(bed.kubeconfig, ['mode']).stdout,
    /^self-signed, pair persisted in Secret antrea-controller-tls$/m,
  );
});

test('mode user-provided is refused while the Secret holds no usable pair', async () => {
  selfSignedMode();
  const before = await versions();
  const result = run('mode', 'user-provided', '--yes');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /ca\.crt of Secret antrea-controller-tls is missing/);
  assert.match(
    result.stderr,
    /switching now would leave antrea-controller crash-looping; import a pair first/,
  );
  assert.equal(await versions(), before);
});

test('a forced switch that leaves the controller not ready is rolled back', async () => {
  selfSignedMode();
  const caBefore = await bed.publishedCa();
  const result = run('mode', 'user-provided', '--force', '--yes', '--timeout', '1m');
  assert.equal(result.status, 124, result.stderr);
  // One deadline: the rollback's time is kept out of --timeout, and the plan says so.
  assert.match(
    result.stderr,
    /Waits up to 30s for the controller; if it does not come up, rolls back within the 30s left of --timeout 1m/,
  );
  assert.match(
    result.stderr,
    /timed out waiting for the controller Pod to be ready \((NotReady|CrashLoopBackOff)/,
  );
  assert.match(
    result.stderr,
    /Rolled back: the controller runs with the objects it had before\. The cluster now:/,
  );
  assert.match(
    result.stdout,
    /✔ controller Pod .* is ready/,
    'the cluster as it is after the rollback',
  );
  assert.match(
    result.stderr,
    /error: the change did not converge within 30s \(still waiting for the controller Pod to be ready.*\); it was rolled back to the backup\./,
  );
  assert.match(plugin(bed.kubeconfig, ['mode']).stdout, /^self-signed/);
  assert.equal(await bed.publishedCa(), caBefore, 'the persisted pair was kept');
  assert.equal(plugin(bed.kubeconfig, ['verify']).status, 0);
});

test('restore puts a backup back: the self-signed pair from before an import', async () => {
  // The backup an import to user-provided mode takes of the self-signed objects.
  selfSignedMode();
  const own = freshBackupDir();
  importGoodPair(own);
  const backup = join(own, readdirSync(own)[0] ?? '');

  assert.ok(backup);
  const wrongNamespace = plugin(bed.kubeconfig, ['restore', backup, '--yes', '-n', 'other']);
  assert.equal(wrongNamespace.status, 1);
  const notBackup = join(work, 'not-a-backup.json');
  writeFileSync(notBackup, '{"kind":"Something"}');
  const refused = plugin(bed.kubeconfig, ['restore', notBackup, '--yes']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /is not a backup of kubectl antrea-certs/);

  // The same backup as if read from another cluster: refused, naming both, nothing written.
  const saved = JSON.parse(readFileSync(backup, 'utf8')) as {
    cluster: { server: string; kubeSystemUid: string; antreaCaSha256: string };
  };
  assert.match(saved.cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(saved.cluster.kubeSystemUid, /^[0-9a-f-]{36}$/);
  const other = join(work, 'other-cluster.json');
  const otherUid = '00000000-0000-4000-8000-000000000000';
  // As another cluster's own backup would be: its digest matches its content.
  writeFileSync(
    other,
    signed({ ...saved, cluster: { server: 'https://b.example:6443', kubeSystemUid: otherUid } }),
  );
  const before = await versions();
  const foreign = plugin(bed.kubeconfig, ['restore', other, '--yes']);
  assert.equal(foreign.status, 1);
  assert.match(
    foreign.stderr,
    new RegExp(
      `is a backup of another cluster: it was read from https://b\\.example:6443 \\(kube-system UID ${otherUid}\\), ` +
        `and this is https://127\\.0\\.0\\.1:\\d+ \\(kube-system UID ${saved.cluster.kubeSystemUid}\\); .*--force-other-cluster`,
    ),
  );
  assert.equal(await versions(), before, 'nothing was written');
  // Without a cluster identity it may be any cluster's: refused unless forced.
  const { cluster: _cluster, ...older } = saved;
  const unlabelled = join(work, 'older-backup.json');
  writeFileSync(unlabelled, signed(older));
  const unknown = plugin(bed.kubeconfig, ['restore', unlabelled, '--dry-run=server']);
  assert.equal(unknown.status, 1, unknown.stderr);
  assert.match(unknown.stderr, /does not record which cluster it came from.*--force-other-cluster/);
  const forced = ['restore', unlabelled, '--dry-run=server', '--force-other-cluster'];
  const dry = plugin(bed.kubeconfig, forced);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(
    dry.stderr,
    /does not record which cluster it came from; restoring it here as asked/,
  );

  const result = run('restore', backup, '--yes');
  assert.equal(result.status, 0, result.stderr + result.stdout);
  // The plan names what it puts back and what it replaces, and the config as a diff.
  assert.match(
    result.stderr,
    /Secret antrea-controller-tls: tls\.crt CN=.*SHA-256 [0-9a-f]{16}…, .*, replacing CN=/,
  );
  assert.match(
    result.stderr,
    /--- antrea-controller\.conf now\n.*\+\+\+ antrea-controller\.conf as of /,
  );
  assert.match(result.stderr, /^ +-selfSignedCert: false\n +\+selfSignedCert: true$/m);
  // The backup was taken before the import: self-signed with the persisted pair of then.
  assert.match(plugin(bed.kubeconfig, ['mode']).stdout, /^self-signed/);
});

test('a Secret owned by cert-manager is refused without --force, and a backup of another namespace is refused', async () => {
  bed.kubectl(
    '-n',
    ns,
    'annotate',
    'secret',
    'antrea-controller-tls',
    'cert-manager.io/certificate-name=antrea-controller-tls',
    '--overwrite',
  );
  try {
    const before = await versions();
    const result = run(
      'import',
      '--from-dir',
      pairDir(goodFiles),
      '--mode',
      'user-provided',
      '--yes',
    );
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /cert-manager owns Secret antrea-controller-tls \(Certificate antrea-controller-tls\) and would overwrite the import; .* pass --force/,
    );
    assert.equal(await versions(), before);
    assert.match(
      plugin(bed.kubeconfig, ['status']).stdout,
      /^Managed by +cert-manager \(Certificate antrea-controller-tls owns the Secret\)$/m,
    );
  } finally {
    bed.kubectl(
      '-n',
      ns,
      'annotate',
      'secret',
      'antrea-controller-tls',
      'cert-manager.io/certificate-name-',
    );
  }
  const elsewhere = join(work, 'elsewhere.json');
  writeFileSync(
    elsewhere,
    signed({
      apiVersion: 'antrea-certs.antrea.io/v1',
      kind: 'AntreaCertsBackup',
      namespace: 'elsewhere',
      createdAt: '',
      secret: { name: 'antrea-controller-tls', existed: false },
    }),
  );
  const refused = plugin(bed.kubeconfig, ['restore', elsewhere, '--yes', '-n', ns]);
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    /is a backup of namespace elsewhere, not of kube-system; nothing was written/,
  );
});
