// npm run demo: build the plugin, bring a testbed up (or reuse the one in
// .testbed), and run the plugin through kubectl's plugin discovery.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { join, resolve, delimiter } from 'node:path';
import { up, readState, DEFAULT_DIR } from '../test/testbed/testbed.ts';
import { ensureBinaries } from '../test/testbed/binaries.ts';
import { isAlive } from '../test/testbed/processes.ts';

const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);
const say = (line: string) => console.log(`\n${bold(line)}`);

say('Building the plugin (npm run build)');
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0)
  process.exit(1);

const { kubectl } = ensureBinaries();
const running = readState(DEFAULT_DIR);
const state =
  running && Object.values(running.processes).every((p) => isAlive(p.pid))
    ? running
    : (say('Bringing a testbed up (npm run testbed -- up)'),
      await up({ dir: DEFAULT_DIR, progress: (line) => console.log(`  ${line}`) }));

// kubectl finds plugins on PATH: kubectl-antrea_certs answers `kubectl antrea-certs`.
const bin = resolve(DEFAULT_DIR, 'bin');
rmSync(bin, { recursive: true, force: true });
mkdirSync(bin, { recursive: true });
symlinkSync(resolve('dist/bin/kubectl-antrea_certs'), join(bin, 'kubectl-antrea_certs'));
const env = {
  ...process.env,
  PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
  KUBECONFIG: state.kubeconfig,
};

for (const command of [
  ['plugin', 'list'],
  ['antrea-certs', 'status'],
  ['antrea-certs', 'verify'],
]) {
  say(`$ kubectl ${command.join(' ')}`);
  const result = spawnSync(kubectl, command, { stdio: 'inherit', env });
  if (command[0] === 'antrea-certs' && result.status !== 0)
    console.log(`(exit code ${result.status})`);
}

say('Try it yourself');
console.log(`  export KUBECONFIG=${state.kubeconfig}
  export PATH=${bin}${delimiter}$PATH
  kubectl antrea-certs status -o wide
  kubectl antrea-certs verify
  kubectl -n kube-system delete secret antrea-controller-tls   # the controller makes a new CA
  kubectl antrea-certs status

Take it down with: npm run testbed -- down`);
