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

const commands: readonly (readonly [string, string, string[]])[] = [
  [`${binary} --help`, binary, ['--help']],
  [`node ${bundle} --help (node ${process.version})`, process.execPath, [bundle, '--help']],
  [`${binary} version --client`, binary, ['version', '--client']],
  [`node ${bundle} version --client`, process.execPath, [bundle, 'version', '--client']],
  [`node26 ${bundle} --help (the same Node, not single-executable)`, node26, [bundle, '--help']],
  [`node -e 0 (the floor, node ${process.version})`, process.execPath, ['-e', '0']],
  ["node26 -e 0 (the floor of the executable's Node)", node26, ['-e', '0']],
];

function once(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  const elapsed = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

// Round-robin, so that a busy moment on the machine hits every command alike; the first round warms the page cache.
const times: number[][] = commands.map(() => []);
for (let round = 0; round <= runs; round++) {
  commands.forEach(([, command, args], i) => {
    const elapsed = once(command, args);
    if (round > 0) times[i]?.push(elapsed);
  });
}
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
};
const rows = commands.map(([name], i) => [name, stats(times[i] ?? [])] as const);

console.log(`\n${runs} runs each after one warm-up, ${new Date().toISOString()}`);
console.log(
  `${'command'.padEnd(76)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`,
);
for (const [name, t] of rows)
  console.log(
    `${name.padEnd(76)}${`${t.median.toFixed(0)} ms`.padStart(10)}${`${t.min.toFixed(0)} ms`.padStart(10)}${`${t.max.toFixed(0)} ms`.padStart(10)}`,
  );
console.log(
  `\nexecutable / node bundle (--help): ${((rows[0]?.[1].median ?? 0) / (rows[1]?.[1].median ?? 1)).toFixed(2)}x`,
);
