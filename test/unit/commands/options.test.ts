// Each command's flags become its typed options once (optionsFrom beside the
// command), through the same yargs parser the plugin runs: a table of command
// lines and the options, or the usage error, each gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseCommandLine } from '../../../src/cli/parser.ts';
import { defaultBackupDir } from '../../../src/change/backup-dir.ts';
import { UsageError } from '../../../src/errors.ts';

const DAY = 86_400_000;

async function optionsOf(argv: readonly string[]): Promise<unknown> {
  const { command, flags } = await parseCommandLine(argv, 100);
  return command?.toOptions(flags);
}

const change = {
  yes: false,
  dryRun: 'none',
  backupDir: defaultBackupDir(),
  wait: true,
  timeoutMs: 5 * 60_000,
  rollbackOnFailure: true,
  failWithin: 7 * DAY,
  forceUnlock: false,
};

const pairFiles = {
  cert: { path: 'c.pem', flag: '--cert' },
  key: { path: 'k.pem', flag: '--key' },
  ca: { path: 'ca.pem', flag: '--ca' },
};

const fleet = { all: false, parallel: 8, clusterTimeoutMs: 30_000 };

const cases: readonly (readonly [argv: string, expected: unknown])[] = [
  ['verify', { warnWithin: 30 * DAY, failWithin: 7 * DAY, strict: false, fleet, watch: false }],
  [
    'verify --warn-within 720h --fail-within 1d --strict -w',
    { warnWithin: 30 * DAY, failWithin: DAY, strict: true, fleet, watch: true },
  ],
  ['verify --fail-within soon', /--fail-within takes a duration like 30d, 720h or 90s, not "soon"/],
  ['version', { clientOnly: false }],
  ['version --client', { clientOnly: true }],
  ['completion zsh', 'zsh'],
  ['status', { fleet, all: false, watch: false }],
  ['status --watch', { fleet, all: false, watch: true }],
  ['status --all', { fleet, all: true, watch: false }],
  [
    'status --all --expiring-within 30d',
    { fleet, all: true, expiringWithinMs: 30 * DAY, expiringWithin: '30d', watch: false },
  ],
  ['status --expiring-within 30d', /--expiring-within goes with --all/],
  ['status --all --expiring-within soon', /--expiring-within takes a duration/],
  ['audit', { warnWithin: 30 * DAY, failWithin: 7 * DAY, strict: false, trustedNamespaces: [] }],
  [
    'audit --trust-namespace a,b --trust-namespace c --strict --cluster-label eu-1 --warn-within 60d',
    {
      warnWithin: 60 * DAY,
      failWithin: 7 * DAY,
      strict: true,
      trustedNamespaces: ['a', 'b', 'c'],
      clusterLabel: 'eu-1',
    },
  ],
  ['audit --fail-within never', /--fail-within takes a duration/],
  [
    'status --all-contexts --contexts-matching ^prod- --parallel 3 --cluster-timeout 10s',
    {
      fleet: { all: true, matching: /^prod-/, parallel: 3, clusterTimeoutMs: 10_000 },
      all: false,
      watch: false,
    },
  ],
  [
    'status --cluster-label eu-1',
    { fleet: { ...fleet, clusterLabel: 'eu-1' }, all: false, watch: false },
  ],
  [
    'exporter --all-contexts --audit --listen 127.0.0.1:9000 --inventory-interval 0 --trust-namespace m',
    {
      listen: { host: '127.0.0.1', port: 9000 },
      fleet: { ...fleet, parallel: 1, all: true },
      warnWithin: 30 * DAY,
      failWithin: 7 * DAY,
      servedIntervalMs: 300_000,
      probeIntervalMs: 60_000,
      auditIntervalMs: 3_600_000,
      trustedNamespaces: ['m'],
      readSecrets: true,
      metricsAuth: 'none',
    },
  ],
  [
    'exporter --read-secrets=false --metrics-auth rbac --tls-cert-file c.pem --tls-private-key-file k.pem',
    {
      listen: { port: 10027 },
      fleet: { ...fleet, parallel: 1 },
      warnWithin: 30 * DAY,
      failWithin: 7 * DAY,
      servedIntervalMs: 300_000,
      probeIntervalMs: 60_000,
      trustedNamespaces: [],
      inventoryIntervalMs: 600_000,
      readSecrets: false,
      metricsAuth: 'rbac',
      tlsFiles: { cert: 'c.pem', key: 'k.pem' },
    },
  ],
  ['exporter --tls-cert-file c.pem', /give --tls-cert-file and --tls-private-key-file together/],
  ['status --contexts-matching (', /--contexts-matching takes a regular expression, not "\("/],
  ['verify --parallel 0', /--parallel takes a whole number of clusters, 1 or more, not 0/],
  ['status --cluster-timeout 0', /--cluster-timeout must be longer than 0/],
  ['mode', { regenerate: false, force: false, change }],
  [
    'mode self-signed --regenerate -y',
    { target: 'self-signed', regenerate: true, force: false, change: { ...change, yes: true } },
  ],
  [
    'mode user-provided --dry-run',
    {
      target: 'user-provided',
      regenerate: false,
      force: false,
      change: { ...change, dryRun: 'client' },
    },
  ],
  [
    'mode user-provided --dry-run=server --no-backup --wait=false --force-unlock',
    {
      target: 'user-provided',
      regenerate: false,
      force: false,
      change: {
        yes: false,
        dryRun: 'server',
        wait: false,
        timeoutMs: 5 * 60_000,
        rollbackOnFailure: true,
        failWithin: 7 * DAY,
        forceUnlock: true,
      },
    },
  ],
  ['mode self-signed --dry-run=later', /--dry-run takes client or server, not "later"/],
  ['mode self-signed --timeout 0', /--timeout must be longer than 0/],
  [
    'restore backup.json --backup-dir /tmp/b --timeout 90s',
    {
      file: 'backup.json',
      forceOtherCluster: false,
      acceptEdited: false,
      change: { ...change, backupDir: '/tmp/b', timeoutMs: 90_000 },
    },
  ],
  [
    'import --cert c.pem --key k.pem --ca ca.pem',
    {
      files: pairFiles,
      clusterDomain: 'cluster.local',
      switchToUserProvided: false,
      force: false,
      change,
    },
  ],
  [
    'import --from-dir d --key-passphrase-file p --mode user-provided --cluster-domain corp.example --force',
    {
      files: {
        cert: { path: join('d', 'tls.crt'), flag: '--from-dir' },
        key: { path: join('d', 'tls.key'), flag: '--from-dir' },
        ca: { path: join('d', 'ca.crt'), flag: '--from-dir' },
        passphraseFile: 'p',
      },
      clusterDomain: 'corp.example',
      switchToUserProvided: true,
      force: true,
      change,
    },
  ],
  [
    'import --from-dir d --cert c.pem',
    /give either --from-dir or --cert, --key and --ca, not both/,
  ],
  [
    'import --cert c.pem',
    /import needs --key, --ca \(or --from-dir DIR holding tls.crt, tls.key and ca.crt\)/,
  ],
  ['rotate', { clusterDomain: 'cluster.local', change, pair: { from: 'controller' } }],
  ['rotate --ipsec-ca', { clusterDomain: 'cluster.local', change, pair: { from: 'ipsec-ca' } }],
  ['rotate --ipsec-ca --ca-cert ca.pem', /--ipsec-ca takes no files/],
  [
    'rotate --cert c.pem --key k.pem --ca ca.pem',
    { clusterDomain: 'cluster.local', change, pair: { from: 'files', files: pairFiles } },
  ],
  [
    'rotate --ca-cert ca.pem --ca-key ca.key --key-algorithm ecdsa-p256 --validity 90d --keep-key',
    {
      clusterDomain: 'cluster.local',
      change,
      pair: {
        from: 'ca',
        caCert: 'ca.pem',
        caKey: 'ca.key',
        keepKey: true,
        keyAlgorithm: 'ecdsa-p256',
        validityMs: 90 * DAY,
      },
    },
  ],
  ['rotate --ca-cert ca.pem', /--ca-cert and --ca-key go together/],
  [
    'rotate --cert c.pem --ca-key ca.key',
    /give either --cert, --key and --ca, or --ca-cert and --ca-key, not both/,
  ],
  [
    'rotate --cert c.pem --ca ca.pem',
    /rotate with files needs --cert, --key and --ca together \(missing --key\)/,
  ],
  ['rotate --validity a-year', /--validity takes a duration/],
  [
    'generate --out pki',
    {
      offline: false,
      extraDnsNames: [],
      ipAddresses: [],
      validityMs: 365 * DAY,
      keyAlgorithm: 'rsa-2048',
      target: { kind: 'files', out: 'pki', ca: { newValidityMs: 3650 * DAY } },
    },
  ],
  [
    'generate --out pki --offline --cluster-domain corp.example. --dns-name a.example --dns-name *.b.example --key-algorithm ecdsa-p384 --validity 30d --ca-cert ca.crt --ca-key ca.key --key-passphrase-file p',
    {
      clusterDomain: 'corp.example',
      offline: true,
      extraDnsNames: ['a.example', '*.b.example'],
      ipAddresses: [],
      validityMs: 30 * DAY,
      keyAlgorithm: 'ecdsa-p384',
      target: {
        kind: 'files',
        out: 'pki',
        ca: { existing: { caCert: 'ca.crt', caKey: 'ca.key', passphraseFile: 'p' } },
      },
    },
  ],
  [
    'generate --cert-manager --issuer ca --issuer-kind ClusterIssuer --apply -y --renew-before 10d',
    {
      offline: false,
      extraDnsNames: [],
      ipAddresses: [],
      validityMs: 365 * DAY,
      keyAlgorithm: 'rsa-2048',
      target: {
        kind: 'cert-manager',
        issuer: { name: 'ca', kind: 'ClusterIssuer' },
        apply: true,
        force: false,
        renewBeforeMs: 10 * DAY,
        change: { ...change, yes: true },
      },
    },
  ],
  ['generate', /generate needs --out DIR \(or --cert-manager --issuer NAME\)/],
  ['generate --cert-manager', /--cert-manager needs --issuer NAME/],
  ['generate --cert-manager --issuer x --out d', /--out do not apply/],
  [
    'generate --cert-manager --issuer x --apply --offline',
    /--apply writes to the cluster; it cannot be --offline/,
  ],
  [
    'generate --cert-manager --issuer x --renew-before 400d',
    /--renew-before must be shorter than --validity/,
  ],
  ['generate --out d --apply --issuer x', /--issuer, --apply go with --cert-manager/],
  [
    'generate --out d --force --yes',
    /--force, --yes go with --cert-manager --apply; generate --out writes only files/,
  ],
  ['generate --out d --timeout 1m', /--timeout goes with --cert-manager --apply/],
  [
    'generate --cert-manager --issuer x --dry-run=server',
    /--dry-run goes with --apply \(without it nothing is written\)/,
  ],
  ['generate --cert-manager --issuer x --no-backup --force', /--force, --backup go with --apply/],
  ['generate --out d --ca-key k', /--ca-cert and --ca-key go together/],
  ['generate --out d --key-passphrase-file p', /--key-passphrase-file is for --ca-key/],
  ['generate --out d --validity 30m', /--validity must be at least 1h/],
  ['generate --out d --dns-name a..b', /--dns-name "a\.\.b" is not a DNS name/],
  ['generate --out d --cluster-domain a_b', /--cluster-domain "a_b" is not a DNS domain/],
  [
    'generate --out d --offline --dns-name Trailing.Dot. --ip-address 10.0.0.1 --ip-address 2001:DB8:0:0::1',
    {
      offline: true,
      extraDnsNames: ['trailing.dot'],
      ipAddresses: ['10.0.0.1', '2001:db8::1'],
      validityMs: 365 * DAY,
      keyAlgorithm: 'rsa-2048',
      target: { kind: 'files', out: 'd', ca: { newValidityMs: 3650 * DAY } },
    },
  ],
  [
    'generate --out d --dns-name 10.0.0.1',
    /--dns-name "10\.0\.0\.1" is an IP address, not a DNS name: pass it with --ip-address 10\.0\.0\.1/,
  ],
  ['generate --out d --dns-name ::1', /"::1" is an IP address.*--ip-address ::1/],
  ['generate --out d --dns-name 1.2.3.999', /"1\.2\.3\.999" is neither a DNS name nor an IP/],
  ['generate --out d --ip-address 1.2.3.999', /--ip-address "1\.2\.3\.999" is not an IPv4 or IPv6/],
  ['generate --out d --ip-address host.example', /is not an IPv4 or IPv6 address/],
  ['generate --out d --dns-name -bad', /--dns-name was given "-bad", which starts with "-"/],
  ['generate --out d --dns-name=-bad', /--dns-name "-bad" is not a DNS name/],
  [
    'generate --cert-manager --issuer x --renew-before 0s',
    /shorter than 5m, which cert-manager refuses/,
  ],
  ['generate --cert-manager --issuer x --renew-before 90s', /shorter than 5m/],
  ['generate --cert-manager --issuer x --renew-before 4m', /shorter than 5m/],
  [
    'generate --out d --validity 3650000d',
    /--validity 3650000d ends after 9999-12-31, .* at most \d+d/,
  ],
  ['generate --out d --ca-validity 99999999d', /--ca-validity 99999999d ends after 9999-12-31/],
  [
    'rotate --ca-cert c --ca-key k --validity 3650000d',
    /--validity 3650000d ends after 9999-12-31/,
  ],
  ['status -n a_b', /-n "a_b" is not a namespace name/],
  ['status -n', /-n needs a namespace name/],
  ['generate --out d --ip-address 010.0.0.1', /--ip-address "010\.0\.0\.1" is not an IPv4 or IPv6/],
  ['generate --out d -n Kube-System', /-n "Kube-System" is not a namespace name/],
  [`verify -n ${'a'.repeat(70)}`, /is not a namespace name: Kubernetes takes at most 63/],
  [
    'import --cert c.pem --key k.pem --ca ca.pem --cluster-domain cluster.local.',
    {
      files: pairFiles,
      clusterDomain: 'cluster.local',
      switchToUserProvided: false,
      force: false,
      change,
    },
  ],
];

for (const [argv, expected] of cases) {
  test(`${argv}`, async () => {
    const words = argv.split(' ');
    if (expected instanceof RegExp) {
      await assert.rejects(optionsOf(words), (error: unknown) => {
        assert.ok(error instanceof UsageError, `a UsageError, not ${String(error)}`);
        assert.match(error.message, expected);
        return true;
      });
    } else {
      assert.deepEqual(await optionsOf(words), expected);
    }
  });
}

test('a flag of another command, or a value outside a choice, is refused by the parser', async () => {
  await assert.rejects(optionsOf(['status', '--regenerate']), /Unknown argument: regenerate/);
  await assert.rejects(optionsOf(['rotate', '--key-algorithm', 'dsa']), /Invalid values/);
  await assert.rejects(optionsOf(['mode', 'self-made']), /Invalid values/);
});
