// npm run bench: on a testbed, `kubectl antrea-certs status` (the built bundle)
// against one `kubectl get` process that reads the same objects; medians of
// several runs and their ratio. Speed is measured here, never in a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { up, down } from '../test/testbed/testbed.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    version: { type: 'string', default: 'v2.7.0' },
  },
});
const runs = Number(values.runs);

if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0)
  process.exit(1);
const { kubectl } = ensureBinaries();
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-bench-'));
const state = await up({ dir, version: values.version, ownerPid: process.pid });
const env = { ...process.env, KUBECONFIG: state.kubeconfig, NO_COLOR: '1', HOME: dir };

function measure(command: string, args: string[]): { median: number; min: number; max: number } {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { env, encoding: 'utf8' });
    const elapsed = performance.now() - start;
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) times.push(elapsed); // the first run warms caches (kubectl's discovery cache, the page cache)
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)] ?? 0,
    min: times[0] ?? 0,
    max: times[times.length - 1] ?? 0,
  };
}

const plugin = ['dist/bin/kubectl-antrea_certs'];
const kubectlGet = [
  'get',
  '-n',
  state.namespace,
  '-o',
  'json',
  'deployments,pods,configmaps,secrets,apiservices,validatingwebhookconfigurations,mutatingwebhookconfigurations,customresourcedefinitions,antreacontrollerinfos',
];
const rows = [
  ['kubectl antrea-certs status', measure(process.execPath, [...plugin, 'status'])],
  [
    'kubectl antrea-certs status -o json',
    measure(process.execPath, [...plugin, 'status', '-o', 'json']),
  ],
  ['kubectl antrea-certs verify', measure(process.execPath, [...plugin, 'verify'])],
  ['kubectl get (the same objects, one process)', measure(kubectl, kubectlGet)],
  ['kubectl antrea-certs --help', measure(process.execPath, [...plugin, '--help'])],
  ['node -e 0 (the floor)', measure(process.execPath, ['-e', '0'])],
] as const;
const requests = spawnSync(process.execPath, [...plugin, 'status', '-v'], {
  env,
  encoding: 'utf8',
}).stderr.match(/^(\d+) API requests$/m)?.[1];

console.log(
  `\n${runs} runs each after one warm-up, Antrea ${values.version} testbed, ${new Date().toISOString()}`,
);
console.log(
  `${'command'.padEnd(46)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`,
);
for (const [name, t] of rows)
  console.log(
    `${name.padEnd(46)}${`${t.median.toFixed(0)} ms`.padStart(10)}${`${t.min.toFixed(0)} ms`.padStart(10)}${`${t.max.toFixed(0)} ms`.padStart(10)}`,
  );
const statusMedian = rows[0][1].median;
const kubectlMedian = rows[3][1].median;
console.log(
  `\nstatus / kubectl get: ${(statusMedian / kubectlMedian).toFixed(2)}x; status makes ${requests} API requests`,
);

await down(dir);
rmSync(dir, { recursive: true, force: true });
