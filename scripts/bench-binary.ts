// npm run bench:binary: startup of the single executable (Node 26 inside)
// against the bundle run by the system's node: medians of several runs of
// --help, which loads no Kubernetes client. Run npm run package first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);
const binary = 'dist/sea/linux_amd64/kubectl-antrea_certs';
const bundle = 'dist/bin/kubectl-antrea_certs';
/** The Node 26 the executable is made from, as npm run package left it. */
const node26 = 'dist/sea/base/builder-node';
if (!existsSync(binary) || !existsSync(bundle) || !existsSync(node26)) {
  console.error(`${binary} is missing: run npm run package first.`);
  process.exit(1);
}

function measure(command: string, args: string[]): { median: number; min: number; max: number } {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    const elapsed = performance.now() - start;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) times.push(elapsed); // the first run warms the page cache
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, min: times[0] ?? 0, max: times[times.length - 1] ?? 0 };
}

const rows = [
  [`${binary} --help`, measure(binary, ['--help'])],
  [`node ${bundle} --help (node ${process.version})`, measure(process.execPath, [bundle, '--help'])],
  [`${binary} version --client`, measure(binary, ['version', '--client'])],
  [`node ${bundle} version --client`, measure(process.execPath, [bundle, 'version', '--client'])],
  [`node26 ${bundle} --help (the same Node, not single-executable)`, measure(node26, [bundle, '--help'])],
  [`node -e 0 (the floor, node ${process.version})`, measure(process.execPath, ['-e', '0'])],
  ['node26 -e 0 (the floor of the executable\'s Node)', measure(node26, ['-e', '0'])],
] as const;

console.log(`\n${runs} runs each after one warm-up, ${new Date().toISOString()}`);
console.log(`${'command'.padEnd(72)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`);
for (const [name, t] of rows) console.log(`${name.padEnd(72)}${`${t.median.toFixed(0)} ms`.padStart(10)}${`${t.min.toFixed(0)} ms`.padStart(10)}${`${t.max.toFixed(0)} ms`.padStart(10)}`);
console.log(`\nexecutable / node bundle (--help): ${(rows[0][1].median / rows[1][1].median).toFixed(2)}x`);
