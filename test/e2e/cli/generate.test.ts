// generate on a v2.7.0 testbed: the cluster domain read from CoreDNS's
// Corefile, then for every key algorithm generate --out and import --from-dir
// unchanged, verified with the aggregated APIs answering through the new CA;
// a CA of the admin's own; offline use; refusals that write nothing; and no
// key material on any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import { plugin, json } from '../plugin.ts';
import { KEY_ALGORITHMS } from '../../../src/certs/issue.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-generate-'));
const backups = join(work, 'backups');
const run = (...args: string[]) => plugin(bed.kubeconfig, [...args, '--backup-dir', backups]);
const offline = (...args: string[]) => plugin(undefined, args);
/** Commands that write nothing take no --backup-dir. */
const read = (...args: string[]) => plugin(bed.kubeconfig, args);
let dirs = 0;
const newDir = () => join(work, `pki-${dirs++}`);

// As kubeadm writes it: the kubernetes plugin names the cluster domain first.
await bed.api.core.createNamespacedConfigMap({
  namespace: 'kube-system',
  body: {
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: {
      Corefile: [
        '.:53 {',
        '    errors',
        '    kubernetes corp.example in-addr.arpa ip6.arpa {',
        '       pods insecure',
        '       fallthrough in-addr.arpa ip6.arpa',
        '    }',
        '    forward . /etc/resolv.conf',
        '}',
      ].join('\n'),
    },
  },
});

async function versions() {
  const [secret, config] = await Promise.all([
    bed.api.core.readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns }),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  return `${secret.metadata?.resourceVersion}/${config.metadata?.resourceVersion}`;
}

/** Nothing that looks like a key, and not a line of any key file in the directory. */
function assertNoKeyMaterial(output: string, dir?: string) {
  assert.doesNotMatch(output, /PRIVATE KEY/);
  for (const name of dir ? readdirSync(dir).filter((n) => n.endsWith('.key')) : []) {
    const lines = readFileSync(join(dir ?? '', name), 'utf8')
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----'));
    for (const line of lines) assert.ok(!output.includes(line), `${name} leaked`);
  }
}

type Report = {
  namespace: string;
  namespaceSource: string;
  clusterDomain: string;
  clusterDomainSource: string;
  files: { name: string; mode: string }[];
  certificate: { dnsNames: string[]; keyAlgorithm: string; sha256: string };
  ca: { new: boolean; sha256: string };
  next: string;
};

test('reads the namespace and the cluster domain, writes 0700/0600, and says what comes next', () => {
  const dir = newDir();
  const result = read('generate', '--out', dir, '--dns-name', 'antrea.example.org', '-o', 'json');
  assert.equal(result.status, 0, result.stderr);
  const report = json<Report>(result);
  assert.equal(report.namespace, ns);
  assert.equal(report.namespaceSource, 'found');
  assert.equal(report.clusterDomain, 'corp.example');
  assert.equal(report.clusterDomainSource, 'ConfigMap kube-system/coredns (Corefile)');
  assert.deepEqual(report.certificate.dnsNames, [
    'antrea',
    `antrea.${ns}`,
    `antrea.${ns}.svc`,
    `antrea.${ns}.svc.corp.example`,
    'antrea.example.org',
  ]);
  assert.equal(report.next, `kubectl antrea-certs import --from-dir ${dir} --mode user-provided`);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const modes = Object.fromEntries(
    readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mode & 0o777]),
  );
  assert.deepEqual(modes, { 'ca.crt': 0o644, 'ca.key': 0o600, 'tls.crt': 0o644, 'tls.key': 0o600 });
  assertNoKeyMaterial(result.stdout + result.stderr, dir);
});

for (const [i, algorithm] of KEY_ALGORITHMS.entries()) {
  test(`${algorithm}: generate, then import --from-dir unchanged, passes verify with the APIs answering`, () => {
    const dir = newDir();
    const made = read('generate', '--out', dir, '--key-algorithm', algorithm, '-v');
    assert.equal(made.status, 0, made.stderr);
    assert.match(
      made.stdout,
      new RegExp(
        `Serving +CN=antrea, ${algorithm === 'ecdsa-p256' ? 'ECDSA' : algorithm === 'ecdsa-p384' ? 'ECDSA' : `RSA-${algorithm.slice(4)}`}`,
      ),
    );
    assertNoKeyMaterial(made.stdout + made.stderr, dir);
    // The first import switches the mode (a restart); the next ones reload in place.
    const mode = i === 0 ? ['--mode', 'user-provided'] : [];
    const imported = run('import', '--from-dir', dir, ...mode, '--yes', '-vv');
    assert.equal(imported.status, 0, imported.stderr + imported.stdout);
    assert.match(imported.stderr, /converged/);
    assertNoKeyMaterial(imported.stdout + imported.stderr, dir);
    const verify = read('verify');
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /answers through the API server/);
    assert.match(verify.stdout, / 0 failed/);
    const status = json<{ servingCertificate: { sha256: string } }>(read('status', '-o', 'json'));
    const generated = json<Report>(
      offline('generate', '--offline', '--out', newDir(), '-o', 'json'),
    );
    assert.notEqual(generated.certificate.sha256, status.servingCertificate.sha256);
  });
}

test('from an existing CA: no ca.key is written, and import takes it', async () => {
  const first = newDir();
  assert.equal(read('generate', '--out', first).status, 0);
  const dir = newDir();
  const result = read(
    'generate',
    '--out',
    dir,
    '--ca-cert',
    join(first, 'ca.crt'),
    '--ca-key',
    join(first, 'ca.key'),
    '-o',
    'json',
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  assert.equal(json<Report>(result).ca.new, false);
  assert.equal(
    readFileSync(join(dir, 'ca.crt'), 'utf8'),
    readFileSync(join(first, 'ca.crt'), 'utf8'),
  );
  const imported = run('import', '--from-dir', dir, '--yes');
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(await bed.publishedCa(), readFileSync(join(first, 'ca.crt'), 'utf8'));
});

test('offline: no kubeconfig needed; with -n and --cluster-domain nothing is read, so a dead cluster is fine', () => {
  const alone = offline('generate', '--offline', '-n', 'antrea', '--out', newDir(), '-o', 'json');
  assert.equal(alone.status, 0, alone.stderr);
  const report = json<Report>(alone);
  assert.equal(report.namespace, 'antrea');
  assert.equal(report.clusterDomain, 'cluster.local');
  assert.match(alone.stderr, /using cluster\.local: pass --cluster-domain/);
  const dead = join(work, 'dead.kubeconfig');
  writeFileSync(
    dead,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  const given = plugin(dead, [
    'generate',
    '-n',
    'antrea',
    '--cluster-domain',
    'c.test',
    '--out',
    newDir(),
  ]);
  assert.equal(given.status, 0, given.stderr);
  assert.equal(given.stderr, '');
  const guessing = plugin(dead, ['generate', '--out', newDir()]);
  assert.notEqual(guessing.status, 0);
  assert.match(guessing.stderr, /^error: .*to generate without a cluster, pass --offline\.\n$/);
});

test('refusals: one sentence, exit 1, nothing written to the directory or the cluster', async () => {
  const before = await versions();
  const full = newDir();
  mkdirSync(full);
  writeFileSync(join(full, 'keep.txt'), 'x');
  const cases: [string[], number, RegExp][] = [
    [['generate', '--out', full], 1, /--out .* is not empty \(keep\.txt\)/],
    [
      ['generate', '--out', newDir(), '--ca-cert', join(full, 'keep.txt')],
      1,
      /--ca-cert and --ca-key go together/,
    ],
    [
      [
        'generate',
        '--out',
        newDir(),
        '--ca-cert',
        join(full, 'keep.txt'),
        '--ca-key',
        join(full, 'keep.txt'),
      ],
      1,
      /keep\.txt/,
    ],
    [
      ['generate', '--out', newDir(), '--validity', '20d', '--ca-validity', '10d'],
      1,
      /--ca-validity must be longer than --validity/,
    ],
    [
      ['generate', '--out', newDir(), '--dns-name', 'not a name'],
      1,
      /--dns-name "not a name" is not a DNS name/,
    ],
    [['generate', '--out', newDir(), '--key-algorithm', 'ed25519'], 1, /ed25519/],
    [['generate'], 1, /generate needs --out DIR/],
    [['generate', '--out', newDir(), '--issuer', 'x'], 1, /--issuer goes with --cert-manager/],
  ];
  for (const [args, status, message] of cases) {
    const result = read(...args);
    assert.equal(result.status, status, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n {4}at /, 'no stack trace');
  }
  assert.deepEqual(readdirSync(full), ['keep.txt']);
  assert.equal(await versions(), before);
});

test('a certificate of 90 days or less is made, with the warning about the self-signed controller', () => {
  const result = read('generate', '--out', newDir(), '--validity', '30d');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /‼ the certificate is valid for 90 days or less/);
});
