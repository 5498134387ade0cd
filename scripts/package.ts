// npm run package: the plugin as a single executable for each platform krew
// serves, archived with LICENSE, README and the completion helper, with
// dist/release/sha256sums.txt and dist/release/krew-manifest.yaml. The
// repository's krew-manifest.yaml is the last release's: only a release
// commit changes it (docs/development.md, Releasing).
//
//   --darwin-binaries DIR  take the darwin executables from DIR/darwin_<arch>/
//                          (signed on macOS by the release workflow) instead of building them
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BUILDER,
  NODE_VERSION,
  TARGETS,
  nodeBinary,
  nodeTarball,
  targetName,
  type Target,
} from './release/node-binaries.ts';
import { buildSea, removeSignature, stripSymbols } from './release/sea.ts';
import { tarGz, zip, type Entry } from './release/archive.ts';
import { compressorVersion, libdeflateCompress } from './release/compress.ts';
import {
  MANIFEST_FILE,
  archiveName,
  binName,
  helperName,
  renderManifest,
  type BuiltArchive,
  type PackageJson,
} from './release/manifest.ts';
import { KUBECTL_HELPER_UNIX, KUBECTL_HELPER_WINDOWS } from '../src/commands/completion/scripts.ts';
import { mapPool } from '../src/fleet/pool.ts';

// A missing tool or input is its one sentence, not a stack trace.
process.on('uncaughtException', (error) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const { values: args } = parseArgs({
  options: {
    'darwin-binaries': { type: 'string' },
  },
});
const root = resolve(import.meta.dirname, '..');
const at = (...parts: string[]) => join(root, ...parts);
const LAUNCHER = at('dist/bin/kubectl-antrea_certs');
/** The launcher's assets: the command line, the commands, the lazily loaded part, the help texts. */
const BUNDLES = ['plugin.cjs', 'commands.cjs', 'lazy.cjs', 'help.json'].map((f) =>
  at('dist/bin', f),
);
const SEA_DIR = at('dist/sea');
const RELEASE_DIR = at('dist/release');
/** Archive timestamps: SOURCE_DATE_EPOCH, else 1980-01-01 (the earliest zip can hold), never the clock. */
const MTIME = Number(process.env.SOURCE_DATE_EPOCH ?? 315_532_800);

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;

if (process.platform !== 'linux' || process.arch !== 'x64')
  throw new Error(
    'npm run package runs on linux/amd64: it builds every platform with the linux-x64 Node.',
  );
const missing = [...BUNDLES, LAUNCHER].find((file) => !existsSync(file));
if (missing) {
  throw new Error(`${missing} is missing: run npm run build first.`);
}
if (!Number.isInteger(MTIME) || MTIME < 0)
  throw new Error(
    `SOURCE_DATE_EPOCH must be a Unix time in seconds, not "${process.env.SOURCE_DATE_EPOCH}".`,
  );
const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as PackageJson;
const signedDarwin = args['darwin-binaries'] ? resolve(args['darwin-binaries']) : undefined;
const executable = (t: Target) => join(SEA_DIR, targetName(t), binName(t.os));

const compressor = await compressorVersion();

/** Everything the archives are made of; unchanged inputs leave the archives as they are. */
function inputsKey(): string {
  const hash = createHash('sha256');
  const sources = [
    join('scripts', 'package.ts'),
    ...readdirSync(at('scripts/release'))
      .sort()
      .map((f) => join('scripts/release', f)),
    'src/commands/completion/scripts.ts',
  ];
  for (const file of [
    'dist/bin/kubectl-antrea_certs',
    'dist/bin/plugin.cjs',
    'dist/bin/commands.cjs',
    'dist/bin/lazy.cjs',
    'dist/bin/help.json',
    'LICENSE',
    'README.md',
    'package.json',
    ...sources,
  ])
    hash.update(file).update(readFileSync(at(file)));
  hash.update(JSON.stringify({ NODE_VERSION, TARGETS, MTIME, compressor }));
  for (const t of TARGETS.filter((t) => t.os === 'darwin' && signedDarwin)) {
    const signed = join(signedDarwin ?? '', targetName(t), binName(t.os));
    if (!existsSync(signed)) throw new Error(`--darwin-binaries: ${signed} is missing.`);
    hash.update(readFileSync(signed));
  }
  return hash.digest('hex');
}
const key = inputsKey();
const keyFile = join(RELEASE_DIR, '.inputs');
const upToDate =
  existsSync(keyFile) &&
  readFileSync(keyFile, 'utf8') === key &&
  existsSync(join(RELEASE_DIR, 'sha256sums.txt')) &&
  TARGETS.every(
    (t) => existsSync(join(RELEASE_DIR, archiveName(t.os, t.arch))) && existsSync(executable(t)),
  );

let archives: BuiltArchive[];
if (upToDate) {
  archives = TARGETS.map((t) => {
    const file = archiveName(t.os, t.arch);
    return {
      os: t.os,
      arch: t.arch,
      file,
      sha256: createHash('sha256')
        .update(readFileSync(join(RELEASE_DIR, file)))
        .digest('hex'),
      bin: binName(t.os),
    };
  });
  console.log(`dist/release/ is up to date with its inputs (${elapsed()})`);
} else {
  archives = await build();
  writeFileSync(keyFile, key);
}

async function build(): Promise<BuiltArchive[]> {
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  mkdirSync(RELEASE_DIR, { recursive: true });
  mkdirSync(join(SEA_DIR, 'base'), { recursive: true });

  // 1. The Node binaries, downloaded once and checked every time.
  const tarballs = await Promise.all(TARGETS.map(nodeTarball));
  const downloads = tarballs.filter((t) => t.downloaded).length;
  console.log(
    `Node.js ${NODE_VERSION} for ${TARGETS.length} platforms: ${downloads ? `${downloads} downloaded` : 'all cached'} (${elapsed()})`,
  );
  const builder = join(SEA_DIR, 'base', 'builder-node');
  writeFileSync(builder, nodeBinary(tarballs[0]?.file ?? '', BUILDER), { mode: 0o755 });
  chmodSync(builder, 0o755);

  // 2. The executables.
  // Two at a time: each holds a ~150 MB binary.
  await mapPool(TARGETS, 2, async (target) => {
    mkdirSync(join(SEA_DIR, targetName(target)), { recursive: true });
    const out = executable(target);
    if (target.os === 'darwin' && signedDarwin) {
      copyFileSync(join(signedDarwin, targetName(target), binName(target.os)), out);
      return;
    }
    const i = TARGETS.indexOf(target);
    mkdirSync(join(SEA_DIR, 'base', targetName(target)), { recursive: true });
    let base = join(SEA_DIR, 'base', targetName(target), basename(target.nodeEntry));
    writeFileSync(base, nodeBinary(tarballs[i]?.file ?? '', target), { mode: 0o755 });
    if (target.os === 'linux') {
      const stripped = `${base}-stripped`;
      rmSync(stripped, { force: true });
      await stripSymbols(base, stripped);
      base = stripped;
    }
    if (target.os === 'windows') {
      const unsigned = base.replace(/\.exe$/, '-unsigned.exe');
      rmSync(unsigned, { force: true });
      await removeSignature(base, unsigned);
      base = unsigned;
    }
    rmSync(out, { force: true });
    await buildSea({ builder, main: LAUNCHER, bundles: BUNDLES, base, output: out });
  });
  console.log(
    `executables in ${SEA_DIR}${signedDarwin ? ` (darwin from ${signedDarwin})` : ''} (${elapsed()})`,
  );

  // 3. The archives.
  const text = (file: string) => readFileSync(at(file));
  const archives = await mapPool(TARGETS, 2, async (target) => {
    const windows = target.os === 'windows';
    const entries: Entry[] = [
      { name: binName(target.os), data: readFileSync(executable(target)), mode: 0o755 },
      {
        name: helperName(target.os),
        data: Buffer.from(windows ? KUBECTL_HELPER_WINDOWS : KUBECTL_HELPER_UNIX),
        mode: 0o755,
      },
      { name: 'LICENSE', data: text('LICENSE'), mode: 0o644 },
      { name: 'README.md', data: text('README.md'), mode: 0o644 },
    ];
    const bytes = windows
      ? await zip(entries, MTIME, libdeflateCompress)
      : await tarGz(entries, MTIME, libdeflateCompress);
    const file = archiveName(target.os, target.arch);
    writeFileSync(join(RELEASE_DIR, file), bytes);
    return {
      os: target.os,
      arch: target.arch,
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bin: binName(target.os),
    };
  });
  const sums = [...archives]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((a) => `${a.sha256}  ${a.file}\n`)
    .join('');
  writeFileSync(join(RELEASE_DIR, 'sha256sums.txt'), sums);
  return archives;
}

// 4. The krew manifest of these archives, for the release.
writeFileSync(join(RELEASE_DIR, MANIFEST_FILE), renderManifest(pkg, archives));

console.log(`\n${'archive'.padEnd(44)}${'bytes'.padStart(12)}${'MiB'.padStart(9)}`);
for (const a of archives) {
  const size = statSync(join(RELEASE_DIR, a.file)).size;
  console.log(
    `${a.file.padEnd(44)}${String(size).padStart(12)}${(size / 1024 / 1024).toFixed(1).padStart(9)}`,
  );
}
console.log(
  `\ndist/release/: the archives, sha256sums.txt and ${MANIFEST_FILE}. Done in ${elapsed()}.`,
);
