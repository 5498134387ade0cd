// The fault matrix of issue 24: for each writing command (rotate, import,
// mode, restore), a fault at each step (planning, right after the backup,
// between writes, in the wait): kube-apiserver frozen 5 s and 30 s (1.5 Lease
// renewals), killed and started again 2 s later, and SIGINT / SIGTERM to the
// plugin. Each cell checks the invariant: exit 0 only if the change converged
// and verify passes; otherwise a non-zero exit saying where the change stands;
// then the same command completes it, verify passes and the Lease is gone.
//
//   npm run test:faults                   the whole matrix (about 30 minutes)
//   npm run test:faults -- --subset       one cell per fault and per step (CI)
//   npm run test:faults -- --command rotate --step wait --fault kill
//   FAULTS_DEBUG=1 …                      also prints the objects and verify after each fault
//   ANTREA_CERTS_E2E=bundle …             the bundle under this Node, not the executable
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { down, readState, startApiserverAgain, up } from '../test/testbed/testbed.ts';
import { isAlive } from '../test/testbed/processes.ts';
import { findBinaries } from '../test/testbed/binaries.ts';
import { FAST_TIMINGS } from '../test/testbed/model/settings.ts';
import { PLUGIN } from '../test/e2e/plugin.ts';
import { SAYS_WHERE_IT_STANDS } from '../test/e2e/where-it-stands.ts';

const [COMMAND, ...BEFORE] = PLUGIN;

const STEPS = ['planning', 'backup', 'writes', 'wait'] as const;
const FAULTS = ['stop-5s', 'stop-30s', 'kill', 'SIGINT', 'SIGTERM'] as const;
const COMMANDS = ['rotate', 'import', 'mode', 'restore'] as const;
type Step = (typeof STEPS)[number];
type Fault = (typeof FAULTS)[number];
type Command = (typeof COMMANDS)[number];

/** CI's subset: every fault and every step at least once, over every command. */
const SUBSET: readonly [Command, Step, Fault][] = [
  ['rotate', 'wait', 'stop-30s'],
  ['import', 'writes', 'kill'],
  ['mode', 'backup', 'stop-5s'],
  ['restore', 'writes', 'SIGTERM'],
  ['rotate', 'planning', 'SIGINT'],
];

const { values: args } = parseArgs({
  options: {
    subset: { type: 'boolean', default: false },
    command: { type: 'string', multiple: true },
    step: { type: 'string', multiple: true },
    fault: { type: 'string', multiple: true },
  },
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-faults-'));
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-faults-work-'));
const started = Date.now();
const state = await up({ dir, version: 'v2.7.0', timings: FAST_TIMINGS, ownerPid: process.pid });
const env = {
  PATH: process.env.PATH ?? '',
  HOME: work,
  NO_COLOR: '1',
  KUBECONFIG: state.kubeconfig,
};
const kubectl = findBinaries()?.kubectl ?? 'kubectl';

const plugin = (...argv: string[]): Run => {
  const r = spawnSync(COMMAND, [...BEFORE, ...argv], { env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const apiserverPid = () => readState(dir)?.processes.apiserver?.pid ?? 0;
async function apiserverAnswers(): Promise<void> {
  for (;;) {
    const r = spawnSync(kubectl, ['--kubeconfig', state.kubeconfig, 'get', '--raw', '/readyz']);
    if (r.status === 0) return;
    await sleep(200);
  }
}
const leaseLeft = () =>
  spawnSync(kubectl, [
    '--kubeconfig',
    state.kubeconfig,
    '-n',
    'kube-system',
    'get',
    'lease',
    'antrea-certs-change',
  ]).status === 0;

/** A generated pair to import. */
function pairDir(): string {
  const out = join(mkdtempSync(join(work, 'pki-')), 'pair');
  const r = plugin('generate', '--out', out);
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  return out;
}
const mode = () => (/^user-provided/.test(plugin('mode').stdout) ? 'user-provided' : 'self-signed');
function selfSigned(): void {
  if (mode() === 'self-signed') return;
  const r = plugin('mode', 'self-signed', '--regenerate', '--yes', '--no-backup');
  if (r.status !== 0) throw new Error(`back to self-signed failed: ${r.stderr}`);
}
function userProvided(): string {
  selfSigned();
  const backups = mkdtempSync(join(work, 'before-import-'));
  const r = plugin(
    'import',
    '--from-dir',
    pairDir(),
    '--mode',
    'user-provided',
    '--yes',
    '--backup-dir',
    backups,
  );
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  return join(backups, readdirSync(backups)[0] ?? '');
}

/** Puts the cluster where the command has work to do; returns its arguments. */
function prepare(command: Command): string[] {
  switch (command) {
    case 'rotate':
      selfSigned();
      return ['rotate', '--yes'];
    case 'import':
      selfSigned();
      return ['import', '--from-dir', pairDir(), '--mode', 'user-provided', '--yes'];
    case 'mode':
      userProvided();
      return ['mode', 'self-signed', '--regenerate', '--yes'];
    case 'restore':
      return ['restore', userProvided(), '--yes'];
  }
}

/** The stderr line (with -v) or file that says the run reached the step. */
function reached(step: Step, stderr: string, backups: string): boolean {
  switch (step) {
    case 'planning':
      return /^using context/m.test(stderr);
    case 'backup':
      return existsSync(backups) && readdirSync(backups).some((f) => f.endsWith('.json'));
    case 'writes':
      return /^(PUT|DELETE|POST) \S+\/(secrets|configmaps|deployments)\//m.test(stderr);
    case 'wait':
      return /waiting for/.test(stderr);
  }
}

async function inject(fault: Fault, child: ReturnType<typeof spawn>): Promise<void> {
  const pid = apiserverPid();
  switch (fault) {
    case 'stop-5s':
    case 'stop-30s':
      process.kill(pid, 'SIGSTOP');
      await sleep(fault === 'stop-5s' ? 5_000 : 30_000);
      process.kill(pid, 'SIGCONT');
      return;
    case 'kill':
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(20);
      await sleep(2_000);
      await startApiserverAgain(dir);
      return;
    case 'SIGINT':
    case 'SIGTERM':
      child.kill(fault);
  }
}

/** One cell: its outcome in a few words, and whether it kept the invariant. */
async function cell(
  command: Command,
  step: Step,
  fault: Fault,
): Promise<{ text: string; ok: boolean; said?: string }> {
  const argv = prepare(command);
  const backups = mkdtempSync(join(work, 'backups-'));
  rmSync(backups, { recursive: true });
  const child = spawn(
    COMMAND,
    [...BEFORE, ...argv, '-v', '--backup-dir', backups, '--timeout', '3m'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let ended = false;
  void exited.then(() => (ended = true));
  while (!ended && !reached(step, stderr, backups)) await sleep(5);
  const injected = !ended;
  if (injected) await inject(fault, child);
  const status = await exited;
  await apiserverAnswers();
  const problems: string[] = [];
  if (status === 0) {
    if (!/ 0 failed/.test(stdout)) problems.push('exit 0 without its closing checks');
    const after = plugin('verify');
    if (after.status !== 0) {
      const failing = after.stdout.split('\n').filter((l) => /^\s*×/.test(l));
      problems.push(`exit 0 but verify fails (${failing.join('; ').trim()})`);
    }
  } else if (!/^(error: |Interrupted)/m.test(stderr) || !SAYS_WHERE_IT_STANDS.test(stderr)) {
    problems.push(`exit ${status} without saying where the change stands`);
  }
  if (process.env.FAULTS_DEBUG) {
    const k = (...a: string[]) =>
      spawnSync(kubectl, ['--kubeconfig', state.kubeconfig, '-n', 'kube-system', ...a], {
        encoding: 'utf8',
      }).stdout;
    console.log(k('get', 'pods', '-o', 'yaml', '--show-managed-fields=false'));
    console.log(k('get', 'cm', 'antrea-config', '-o', 'yaml', '--show-managed-fields'));
    console.log(k('get', 'cm', 'antrea-ca', '-o', 'yaml'));
    console.log(k('get', 'secret', 'antrea-controller-tls', '-o', 'yaml'));
    console.log(plugin('verify').stdout);
  }
  // The same command completes it (a stale Lease of this machine is taken over).
  let again = plugin(...argv, '--backup-dir', backups);
  if (process.env.FAULTS_DEBUG) console.log(again.stderr);
  if (again.status !== 0 && /another change is in progress/.test(again.stderr)) {
    await sleep(61_000);
    again = plugin(...argv, '--backup-dir', backups);
  }
  if (again.status !== 0 && !/nothing to do/.test(again.stderr))
    problems.push(
      `the re-run exited ${again.status}: ${again.stderr.trim().split('\n').at(-1) ?? ''}`,
    );
  const verified = plugin('verify');
  if (verified.status !== 0) {
    const failing = verified.stdout.split('\n').filter((l) => /^\s*[×‼]/.test(l));
    const rerun = again.stderr
      .split('\n')
      .filter((l) => l && !/^ +\d+s /.test(l))
      .slice(-3);
    problems.push(
      `verify fails after the re-run (${failing.join('; ').trim()}; the re-run said: ${rerun.join(' / ')})`,
    );
  }
  if (leaseLeft()) problems.push('the Lease is left');
  const why = problems.length ? `: ${problems.join('; ')}` : '';
  const text = `${injected ? '' : '(step not reached) '}exit ${status}${why}`;
  const said = stderr
    .split('\n')
    .filter((l) => l && !/^(GET|PUT|POST|DELETE|WATCH|PORT-FORWARD|using context) /.test(l))
    .slice(-4)
    .join('\n    ');
  return { text, ok: problems.length === 0, ...(problems.length ? { said } : {}) };
}

const pick = <T extends string>(all: readonly T[], given: string[] | undefined) =>
  given?.length ? all.filter((x) => given.includes(x)) : all;
const cells: [Command, Step, Fault][] = args.subset
  ? [...SUBSET]
  : pick(COMMANDS, args.command).flatMap((c) =>
      pick(STEPS, args.step).flatMap((s) =>
        pick(FAULTS, args.fault).map((f) => [c, s, f] as [Command, Step, Fault]),
      ),
    );

const results = new Map<string, { text: string; ok: boolean; seconds: number }>();
let failed = 0;
try {
  for (const [command, step, fault] of cells) {
    const t = Date.now();
    const result = await cell(command, step, fault);
    const seconds = Math.round((Date.now() - t) / 1000);
    results.set(`${command}/${step}/${fault}`, { ...result, seconds });
    if (!result.ok) failed++;
    console.log(
      `${result.ok ? 'ok  ' : 'FAIL'} ${command} ${step} ${fault}: ${result.text} (${seconds}s)`,
    );
    if (result.said) console.log(`    ${result.said}`);
  }
} finally {
  await down(dir);
}

console.log('');
for (const command of pick(COMMANDS, args.command)) {
  const rows = STEPS.filter((s) => FAULTS.some((f) => results.has(`${command}/${s}/${f}`)));
  if (!rows.length) continue;
  console.log(`| ${command} | ${FAULTS.join(' | ')} |`);
  console.log(`| --- |${FAULTS.map(() => ' --- |').join('')}`);
  for (const step of rows) {
    const line = FAULTS.map((f) => {
      const r = results.get(`${command}/${step}/${f}`);
      return r ? `${r.ok ? '✔' : '✘'} ${r.text}` : '';
    });
    console.log(`| ${step} | ${line.join(' | ')} |`);
  }
  console.log('');
}
console.log(
  `${cells.length} cells, ${failed} broke the invariant, in ${Math.round((Date.now() - started) / 1000)}s`,
);
process.exitCode = failed ? 1 : 0;
