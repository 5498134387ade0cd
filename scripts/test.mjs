// Runs the test files under test/ (or under the folders given) with Node's
// test runner and tsx; Node 20's runner does not expand globs itself.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = (roots.length ? roots : ['test'])
  .flatMap((root) => (statSync(root).isDirectory() ? find(root) : [root]))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Unit tests first: they are fast and say the most when they fail.
files.sort((a, b) => Number(!a.includes('/unit/')) - Number(!b.includes('/unit/')));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...flags, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
