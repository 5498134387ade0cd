// What the tests need beyond `npm ci`, installed when missing, so that README's
// test command runs on a fresh Debian machine: the Debian packages (with
// apt-get, when run as root; otherwise one line naming the command to run),
// then, unless --unit, the testbed's control-plane binaries (cached after the
// first build). `npm test` and `npm run test:unit` run it first.
import { spawnSync } from 'node:child_process';

const TOOLS = [
  ['osslsigncode', 'osslsigncode', "npm run package strips the Windows binary's signature"],
  ['llvm-strip', 'llvm', 'npm run package strips the Linux binaries'],
  ['libdeflate-gzip', 'libdeflate-tools', 'npm run package compresses the archives'],
  ['openssl', 'openssl', 'the tests check certificates with openssl verify'],
  ['promtool', 'prometheus', 'the tests check the metrics and alert rules with promtool'],
  ['xmllint', 'libxml2-utils', 'the tests check the JUnit output with xmllint'],
  ['buildah', 'buildah', 'the tests build the exporter image with scripts/image.sh'],
  ['skopeo', 'skopeo', "the tests read the exporter image's config with skopeo"],
  ['podman', 'podman', 'the tests run the executable in the exporter image with podman'],
  ['runc', 'runc', "podman runs it with runc: crun refuses this machine's hybrid cgroups"],
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const missing = TOOLS.filter(([command]) => !has(command));
if (missing.length) {
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  const root = process.getuid?.() === 0;
  if (!root || !has('apt-get')) {
    for (const [command, pkg, why] of missing)
      console.error(`${command} is not installed: ${why} (Debian: apt-get install ${pkg}).`);
    console.error(`Install them with: sudo apt-get install -y ${packages.join(' ')}`);
    process.exit(1);
  }
  console.error(`installing ${packages.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(
        `apt-get ${args[0]} failed (exit ${r.status}); install ${packages.join(' ')} yourself.`,
      );
      process.exit(1);
    }
  }
}

if (!process.argv.includes('--unit')) {
  const r = spawnSync('npm', ['run', '--silent', 'testbed', '--', 'install'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
