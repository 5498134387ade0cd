// The executable the bench compares with: built from a commit the same way as
// this one (its own npm ci, build and package, in a scratch worktree), once,
// then kept in the cache; or an executable given by its path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir } from '../release/node-binaries.ts';

/**
 * The commit of the start-up figures the executable issue measured against (before the exporter
 * and the informers joined the bundle).
 */
export const BASELINE_COMMIT = 'fc0a5a6';

const run = (command: string, args: readonly string[], cwd: string) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

/** The baseline's linux/amd64 executable: `given` is a path to one, or a commit to build. */
export function baselineExecutable(given: string): string {
  if (existsSync(given)) return given;
  const commit = execFileSync('git', ['rev-parse', '--verify', `${given}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  // Beside the cached Node.js binaries: ~/.cache/kubectl-antrea-certs/baselines/<commit>/.
  const kept = join(dirname(cacheDir()), 'baselines', commit, 'kubectl-antrea_certs');
  if (existsSync(kept)) return kept;
  const tree = mkdtempSync(join(tmpdir(), 'antrea-certs-baseline-'));
  console.log(`building the baseline executable of ${commit} in ${tree}`);
  try {
    run('git', ['worktree', 'add', '--detach', tree, commit], process.cwd());
    run('npm', ['ci', '--no-audit', '--no-fund'], tree);
    run(process.execPath, ['scripts/build.mjs'], tree);
    run(process.execPath, ['--import', 'tsx', 'scripts/package.ts'], tree);
    mkdirSync(join(kept, '..'), { recursive: true });
    copyFileSync(join(tree, 'dist/sea/linux_amd64/kubectl-antrea_certs'), kept);
  } finally {
    run('git', ['worktree', 'remove', '--force', tree], process.cwd());
    rmSync(tree, { recursive: true, force: true });
  }
  return kept;
}
