// npm run bench: on a testbed, the single executable krew users run against
// the kubectl commands that read the same objects, against the bare start of
// its Node, and A/B against a baseline executable built the same way (a commit
// named here, or --baseline): medians of several runs taken round-robin (so
// machine load hits every row alike), peak RSS, API request counts, and the
// sizes of what is shipped. Speed is measured here, never in a test. It
// packages first (npm run package); the bundle under this Node has rows too.
//
//   npm run bench -- --runs 21 --baseline fc0a5a6   a commit (built once, cached), or
//   npm run bench -- --baseline path/to/kubectl-antrea_certs
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as yaml from 'js-yaml';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { up, down } from '../test/testbed/testbed.ts';
import { baselineExecutable, BASELINE_COMMIT } from './bench/baseline.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';
import { writeFleetKubeconfig, type FleetContext } from '../test/testbed/kubeconfigs.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    version: { type: 'string', default: 'v2.7.0' },
    baseline: { type: 'string', default: BASELINE_COMMIT },
  },
});
const runs = Number(values.runs);

for (const step of [['scripts/build.mjs'], ['--import', 'tsx', 'scripts/package.ts']])
  if (spawnSync(process.execPath, step, { stdio: 'inherit' }).status !== 0) process.exit(1);
const BUNDLE = resolve('dist/bin/kubectl-antrea_certs');
const EXECUTABLE = resolve('dist/sea/linux_amd64/kubectl-antrea_certs');
const NODE26 = resolve('dist/sea/base/builder-node');
const ARCHIVE = resolve('dist/release/kubectl-antrea_certs_linux_amd64.tar.gz');
const BASELINE = baselineExecutable(values.baseline);

const { kubectl } = ensureBinaries();
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-bench-'));
// Three testbeds: the first for every single-cluster row, all three for the fleet rows.
const bedDirs = [1, 2, 3].map((n) => join(dir, `bed-${n}`));
const beds = await Promise.all(
  bedDirs.map((bedDir) => up({ dir: bedDir, version: values.version, ownerPid: process.pid })),
);
const state = beds[0]!;
const fleet3 = writeFleetKubeconfig(
  join(dir, 'fleet-3.kubeconfig'),
  beds.map((bed, i) => ({ name: `testbed-${i + 1}`, kubeconfig: bed.kubeconfig })),
);
// 50 contexts: 47 spread over the three testbeds, 3 at closed ports (unreachable).
const fifty: FleetContext[] = Array.from({ length: 50 }, (_, i) =>
  i % 17 === 16
    ? { name: `closed-${i}`, closedPort: 1 + i }
    : { name: `context-${i}`, kubeconfig: beds[i % 3]!.kubeconfig },
);
const fleet50 = writeFleetKubeconfig(join(dir, 'fleet-50.kubeconfig'), fifty);

/** The requests of one status run (its -v lines), for the floor row. */
function floorTarget(): string {
  const verbose = spawnSync(process.execPath, [BUNDLE, 'status', '-v'], {
    env: { ...process.env, KUBECONFIG: state.kubeconfig, XDG_CACHE_HOME: join(dir, 'cache-floor') },
    encoding: 'utf8',
  }).stderr;
  const server = /server (https:\/\/\S+)/.exec(verbose)?.[1] ?? '';
  const paths = [...verbose.matchAll(/^GET (https:\/\/\S+) /gm)].map(
    (m) => new URL(m[1] ?? '').pathname + new URL(m[1] ?? '').search,
  );
  const config = yaml.load(readFileSync(state.kubeconfig, 'utf8')) as {
    clusters: { cluster: Record<string, string> }[];
    users: { user: Record<string, string> }[];
  };
  const file = join(dir, 'floor.json');
  writeFileSync(
    file,
    JSON.stringify({
      server,
      ca: config.clusters[0]?.cluster['certificate-authority-data'],
      cert: config.users[0]?.user['client-certificate-data'],
      key: config.users[0]?.user['client-key-data'],
      paths,
    }),
  );
  return file;
}
const warmCache = join(dir, 'cache-warm');
mkdirSync(warmCache);
// kubectl finds the plugin on PATH, as krew installs it.
const pluginDir = join(dir, 'path');
mkdirSync(pluginDir);
symlinkSync(EXECUTABLE, join(pluginDir, 'kubectl-antrea_certs'));
const baseEnv = {
  PATH: `${pluginDir}:${process.env.PATH ?? ''}`,
  HOME: dir,
  KUBECONFIG: state.kubeconfig,
  NO_COLOR: '1',
  XDG_CACHE_HOME: warmCache,
};

interface Row {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** A fresh, empty cache directory for every run (the first run on a machine). */
  readonly coldCache?: boolean;
  readonly kubeconfig?: string;
  /** The exit code expected (status exits 1 when a cluster could not be read). */
  readonly exitCode?: number;
}

const objects = [
  'deployments,pods,configmaps,secrets,apiservices,validatingwebhookconfigurations',
  'mutatingwebhookconfigurations,customresourcedefinitions,antreacontrollerinfos',
].join(',');
const ns = state.namespace;
/** The rows the ratios compare. */
const STATUS = 'status';
const VERIFY = 'verify';
const HELP = '--help';
const KUBECTL_GET = 'kubectl get, the same objects';
const NODE26_START = "node26 -e 0 (the executable's Node)";
const FLOOR = 'node26: TLS and the 11 GETs, nothing else';
const BUNDLE_STATUS = 'status (bundle, this Node)';
/** The executable's rows that are timed against the baseline too: [name, args]. */
const AB: readonly (readonly [string, readonly string[]])[] = [
  [STATUS, ['status']],
  [VERIFY, ['verify']],
  [HELP, ['--help']],
  ['status -o json', ['status', '-o', 'json']],
  ['audit', ['audit']],
  ['status --all', ['status', '--all']],
  ['version --client', ['version', '--client']],
];
const baselineName = (name: string) => `${name} (baseline)`;
const rows: Row[] = [
  ...AB.flatMap(([name, args]): Row[] => [
    { name, command: EXECUTABLE, args },
    { name: baselineName(name), command: BASELINE, args },
  ]),
  { name: 'status, empty cache', command: EXECUTABLE, args: ['status'], coldCache: true },
  { name: '--help, empty cache', command: EXECUTABLE, args: ['--help'], coldCache: true },
  {
    name: 'status --all-contexts, 3 testbeds',
    command: EXECUTABLE,
    args: ['status', '--all-contexts'],
    kubeconfig: fleet3,
  },
  {
    name: 'status --all-contexts, 50 contexts',
    command: EXECUTABLE,
    args: ['status', '--all-contexts'],
    kubeconfig: fleet50,
    exitCode: 1,
  },
  { name: 'kubectl antrea-certs status', command: kubectl, args: ['antrea-certs', 'status'] },
  { name: KUBECTL_GET, command: kubectl, args: ['get', '-n', ns, '-o', 'json', objects] },
  {
    name: 'kubectl get, what audit reads cluster-wide',
    command: kubectl,
    args: [
      'get',
      '-A',
      '-o',
      'json',
      'pods,replicasets,namespaces,podsecuritypolicies,certificatesigningrequests',
    ],
  },
  {
    name: 'kubectl get of the 4 objects status names',
    command: kubectl,
    args: [
      '-n',
      ns,
      'get',
      'secret/antrea-controller-tls',
      'cm/antrea-ca',
      'cm/antrea-config',
      'deploy/antrea-controller',
    ],
  },
  { name: NODE26_START, command: NODE26, args: ['-e', '0'] },
  { name: FLOOR, command: NODE26, args: [resolve('scripts/bench/floor.cjs'), floorTarget()] },
  { name: BUNDLE_STATUS, command: process.execPath, args: [BUNDLE, 'status'] },
  { name: '--help (bundle, this Node)', command: process.execPath, args: [BUNDLE, '--help'] },
  { name: `node -e 0 (node ${process.version})`, command: process.execPath, args: ['-e', '0'] },
];

function once(row: Row): number {
  const cache = row.coldCache ? mkdtempSync(join(dir, 'cache-cold-')) : warmCache;
  const start = performance.now();
  const result = spawnSync(row.command, row.args, {
    env: { ...baseEnv, XDG_CACHE_HOME: cache, KUBECONFIG: row.kubeconfig ?? baseEnv.KUBECONFIG },
    encoding: 'utf8',
  });
  const elapsed = performance.now() - start;
  if (row.coldCache) rmSync(cache, { recursive: true, force: true });
  if (result.status !== (row.exitCode ?? 0)) {
    throw new Error(
      `${row.command} ${row.args.join(' ')} exited ${result.status}: ${result.stderr}`,
    );
  }
  return elapsed;
}

/** Peak RSS in MiB, from GNU time. */
function peakRss(command: string, args: readonly string[], kubeconfig = state.kubeconfig): number {
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    env: { ...baseEnv, KUBECONFIG: kubeconfig },
    encoding: 'utf8',
  });
  const kib = Number(result.stderr.trim().split('\n').at(-1));
  return kib / 1024;
}

// Round-robin; the first round warms the page cache, kubectl's discovery cache and the code cache.
const samples: number[][] = rows.map(() => []);
for (let round = 0; round <= runs; round++) {
  rows.forEach((row, i) => {
    const elapsed = once(row);
    if (round > 0) samples[i]?.push(elapsed);
  });
}
const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const medians = new Map(rows.map((row, i) => [row.name, median(samples[i] ?? [])]));
const ms = (name: string) => medians.get(name) ?? Number.NaN;

const requestsOf = (command: string) =>
  spawnSync(EXECUTABLE, [command, '-v'], {
    env: baseEnv,
    encoding: 'utf8',
  }).stderr.match(/^(\d+) API requests$/m)?.[1];

console.log(
  `\n${runs} runs each after one warm-up, round-robin, Antrea ${values.version} testbed, ${new Date().toISOString()}`,
);
console.log(`${'command'.padEnd(48)}${'median'.padStart(10)}`);
for (const row of rows)
  console.log(`${row.name.padEnd(48)}${`${ms(row.name).toFixed(0)} ms`.padStart(10)}`);

/** One line of a section: the label padded to a column, then the value. */
const line = (label: string, value: string) => console.log(`  ${label.padEnd(50)}${value}`);
const ratio = (a: string, b: string) => `${(ms(a) / ms(b)).toFixed(2)}x`;

/** [what the line says, the row measured, the row it is measured against] */
const ratios: [string, string, string][] = [
  ['status / kubectl get of the same objects', STATUS, KUBECTL_GET],
  ['status / node26 -e 0', STATUS, NODE26_START],
  ['--help / node26 -e 0', HELP, NODE26_START],
  ['verify / status', VERIFY, STATUS],
  ['the bare requests (floor) / node26 -e 0', FLOOR, NODE26_START],
  ['status, empty cache / status, warm cache', 'status, empty cache', STATUS],
  ['--all-contexts, 3 testbeds / status', 'status --all-contexts, 3 testbeds', STATUS],
  ['--all-contexts, 50 contexts / status', 'status --all-contexts, 50 contexts', STATUS],
  [
    'kubectl antrea-certs status / kubectl get of 4',
    'kubectl antrea-certs status',
    'kubectl get of the 4 objects status names',
  ],
  ['status: bundle under this Node / executable', BUNDLE_STATUS, STATUS],
];
console.log('\nratios (the executable unless named)');
for (const [label, measured, against] of ratios) line(label, ratio(measured, against));

/** A row slower than its baseline by more than this is flagged. */
const REGRESSION = 1.05;
console.log(`\nA/B: this executable / the baseline's (${values.baseline})`);
for (const [name] of AB) {
  const ab = ms(name) / ms(baselineName(name));
  const flag = ab > REGRESSION ? `  REGRESSED (over ${REGRESSION.toFixed(2)})` : '';
  line(
    name,
    `${ms(name).toFixed(0)} ms / ${ms(baselineName(name)).toFixed(0)} ms = ${ab.toFixed(2)}${flag}`,
  );
}

const mib = (path: string) =>
  existsSync(path) ? `${(statSync(path).size / 1024 / 1024).toFixed(2)} MiB` : 'not built';
console.log('\nsizes and memory');
const kib = (path: string) => `${(statSync(resolve(path)).size / 1024).toFixed(0)} KiB`;
const kibOf = (...files: string[]) =>
  `${(files.reduce((sum, f) => sum + statSync(resolve(f)).size, 0) / 1024).toFixed(0)} KiB`;
line(
  'read at every start (launcher, plugin.cjs)',
  kibOf('dist/bin/kubectl-antrea_certs', 'dist/bin/plugin.cjs'),
);
line(
  'read by a command that runs (and commands.cjs)',
  kibOf('dist/bin/kubectl-antrea_certs', 'dist/bin/plugin.cjs', 'dist/bin/commands.cjs'),
);
line(
  '--help, <command> --help (launcher, help.json)',
  kibOf('dist/bin/kubectl-antrea_certs', 'dist/bin/help.json'),
);
line('plugin.cjs (the command line)', kib('dist/bin/plugin.cjs'));
line('commands.cjs', kib('dist/bin/commands.cjs'));
line('lazy.cjs (exporter, --watch, spinner, port-forward, proxies)', kib('dist/bin/lazy.cjs'));
line('executable (linux/amd64)', mib(EXECUTABLE));
line('archive (linux/amd64)', mib(ARCHIVE));
const singleRss = peakRss(EXECUTABLE, ['status']);
const fleetRss = peakRss(EXECUTABLE, ['status', '--all-contexts'], fleet50);
line('peak RSS, status', `${singleRss.toFixed(1)} MiB`);
line(
  'peak RSS, status --all-contexts, 50 contexts',
  `${fleetRss.toFixed(1)} MiB (${(fleetRss / singleRss).toFixed(2)}x)`,
);
line(
  'peak RSS, status (bundle, this Node)',
  `${peakRss(process.execPath, [BUNDLE, 'status']).toFixed(1)} MiB`,
);
line('API requests', `status ${requestsOf('status')}, verify ${requestsOf('verify')}`);

await Promise.all(bedDirs.map((bedDir) => down(bedDir)));
rmSync(dir, { recursive: true, force: true });
