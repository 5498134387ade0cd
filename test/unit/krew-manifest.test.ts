// krew-manifest.yaml against krew's rules and the archives in dist/release/
// (npm test packages them first), and the archive writers themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync, deflateRawSync } from 'node:zlib';
import * as yaml from 'js-yaml';
import { krewViolations } from '../../scripts/release/krew-rules.ts';
import {
  renderManifest,
  archiveName,
  binName,
  helperName,
  MANIFEST_FILE,
  type BuiltArchive,
  type PackageJson,
} from '../../scripts/release/manifest.ts';
import { TARGETS } from '../../scripts/release/node-binaries.ts';
import {
  tar,
  tarGz,
  zip,
  listArchive,
  untar,
  type Compress,
  type Entry,
} from '../../scripts/release/archive.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const releaseDir = join(root, 'dist/release');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function releaseArchive(file: string): Buffer {
  const path = join(releaseDir, file);
  assert.ok(existsSync(path), `${path} is missing: run npm run package (npm test does it)`);
  return readFileSync(path);
}

interface ManifestPlatforms {
  spec: {
    version: string;
    platforms: { selector: { matchLabels: { os: string; arch: string } }; uri: string }[];
  };
}

const platformsOf = (manifest: ManifestPlatforms) =>
  manifest.spec.platforms
    .map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`)
    .sort();
const FIVE = ['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64', 'windows/amd64'];

test("the krew manifest npm run package writes follows krew's rules, and its sha256 and bin match the archives", () => {
  const text = readFileSync(join(releaseDir, MANIFEST_FILE), 'utf8');
  for (const t of TARGETS) releaseArchive(archiveName(t.os, t.arch));
  assert.deepEqual(
    krewViolations(text, 'antrea-certs', (file) =>
      existsSync(join(releaseDir, file)) ? readFileSync(join(releaseDir, file)) : undefined,
    ),
    [],
  );
  const manifest = yaml.load(text) as ManifestPlatforms;
  assert.equal(manifest.spec.version, `v${pkg.version}`);
  assert.deepEqual(platformsOf(manifest), FIVE);
  for (const p of manifest.spec.platforms) assert.ok(p.uri.includes(`/v${pkg.version}/`), p.uri);
});

test("the committed krew-manifest.yaml is a release's: krew's rules hold, and every uri names its version", () => {
  const text = readFileSync(join(root, MANIFEST_FILE), 'utf8');
  assert.deepEqual(krewViolations(text, 'antrea-certs'), []);
  const manifest = yaml.load(text) as ManifestPlatforms;
  assert.deepEqual(platformsOf(manifest), FIVE);
  for (const p of manifest.spec.platforms)
    assert.ok(p.uri.includes(`/download/${manifest.spec.version}/`), p.uri);
});

test('npm run package writes the manifest of its archives, from package.json, and leaves the committed one alone', () => {
  const archives: BuiltArchive[] = TARGETS.map((t) => {
    const file = archiveName(t.os, t.arch);
    return {
      os: t.os,
      arch: t.arch,
      file,
      sha256: sha256(releaseArchive(file)),
      bin: binName(t.os),
    };
  });
  assert.equal(
    readFileSync(join(releaseDir, MANIFEST_FILE), 'utf8'),
    renderManifest(pkg, archives),
  );
  const committed = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', MANIFEST_FILE], {
    cwd: root,
  });
  assert.equal(committed.status, 0, `npm run package changed the committed ${MANIFEST_FILE}`);
  const sums = readFileSync(join(releaseDir, 'sha256sums.txt'), 'utf8');
  for (const a of archives)
    assert.match(sums, new RegExp(`^${a.sha256}  ${a.file.replaceAll('.', '\\.')}$`, 'm'));
});

test('every archive holds the executable, the completion helper, LICENSE and README, with their modes', () => {
  const license = readFileSync(join(root, 'LICENSE'));
  for (const t of TARGETS) {
    const file = archiveName(t.os, t.arch);
    const entries = listArchive(file, releaseArchive(file));
    assert.deepEqual(
      entries.map((e) => e.name),
      ['LICENSE', 'README.md', binName(t.os), helperName(t.os)].sort(),
      file,
    );
    const mode = (name: string) => entries.find((e) => e.name === name)?.mode;
    assert.equal(mode(binName(t.os)), 0o755, file);
    assert.equal(mode(helperName(t.os)), 0o755, file);
    assert.equal(mode('LICENSE'), 0o644, file);
    assert.ok(entries.find((e) => e.name === 'LICENSE')?.data.equals(license), file);
    const bin = entries.find((e) => e.name === binName(t.os))?.data ?? Buffer.alloc(0);
    const magic = { linux: '7f454c46', darwin: 'cffaedfe', windows: '4d5a' }[t.os];
    assert.equal(
      bin.subarray(0, magic.length / 2).toString('hex'),
      magic,
      `${file}: the executable's format`,
    );
    assert.ok(
      bin.includes("See and check the TLS certificates of Antrea's control plane"),
      `${file}: the bundle is injected`,
    );
    assert.ok(
      bin.includes(`${SEA_FUSE}:1`) && !bin.includes(`${SEA_FUSE}:0`),
      `${file}: Node's single-executable fuse is set`,
    );
    if (t.os === 'windows')
      assert.equal(
        authenticodeSize(bin),
        0,
        `${file}: no Authenticode signature (a broken one would be worse than none)`,
      );
  }
});

/** The sentinel Node flips from :0 to :1 when a blob is injected. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** The size of a PE32+ file's certificate table (data directory 4): 0 when unsigned. */
function authenticodeSize(pe: Buffer): number {
  const header = pe.readUInt32LE(0x3c);
  assert.equal(pe.subarray(header, header + 4).toString('binary'), 'PE\0\0');
  const optional = header + 24;
  assert.equal(pe.readUInt16LE(optional), 0x20b, 'PE32+');
  return pe.readUInt32LE(optional + 112 + 4 * 8 + 4);
}

test('the Windows base binary was signed, so stripping the signature is what leaves none', () => {
  const base = join(root, 'dist/sea/base/windows_amd64/node.exe');
  assert.ok(existsSync(base), `${base} is missing: run npm run package (npm test does it)`);
  assert.ok(authenticodeSize(readFileSync(base)) > 0);
});

// Small archives for the rule checks, compressed here (the release uses the pinned Node's zlib).
const localCompress: Compress = async (data, format) =>
  format === 'gzip' ? gzipSync(data) : deflateRawSync(data);
const entries: Entry[] = [
  { name: 'kubectl-antrea_certs', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { name: 'LICENSE', data: Buffer.from('Apache'), mode: 0o644 },
];

test('the archive writers are reproducible and readable by tar and by the readers', async () => {
  const a = await tarGz(entries, 315_532_800, localCompress);
  const b = await tarGz([...entries].reverse(), 315_532_800, localCompress);
  assert.ok(a.equals(b), 'entry order does not matter');
  assert.equal(a[9], 3, 'gzip OS byte fixed');
  assert.equal(a.readUInt32LE(4), 0, 'no gzip timestamp');
  assert.notEqual(
    sha256(await tarGz(entries, 315_532_801, localCompress)),
    sha256(a),
    'the mtime is in the archive',
  );
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-archive-'));
  writeFileSync(join(dir, 'a.tar.gz'), a);
  const listing = spawnSync(
    'tar',
    ['--numeric-owner', '--full-time', '-tvzf', join(dir, 'a.tar.gz')],
    { encoding: 'utf8', env: { TZ: 'UTC', PATH: process.env.PATH ?? '' } },
  );
  assert.equal(listing.status, 0, listing.stderr);
  assert.match(listing.stdout, /^-rw-r--r-- 0\/0 +6 1980-01-01 00:00:00 LICENSE$/m);
  assert.match(listing.stdout, /^-rwxr-xr-x 0\/0 +18 1980-01-01 00:00:00 kubectl-antrea_certs$/m);
  assert.deepEqual(
    untar(tar(entries, 0)).map((e) => [e.name, e.mode, e.data.toString()]),
    [
      ['LICENSE', 0o644, 'Apache'],
      ['kubectl-antrea_certs', 0o755, '#!/bin/sh\necho hi\n'],
    ],
  );
  const z = await zip(entries, 315_532_800, localCompress);
  assert.ok(z.equals(await zip([...entries].reverse(), 315_532_800, localCompress)));
  assert.deepEqual(
    listArchive('x.zip', z).map((e) => [e.name, e.mode, e.data.toString()]),
    [
      ['LICENSE', 0o644, 'Apache'],
      ['kubectl-antrea_certs', 0o755, '#!/bin/sh\necho hi\n'],
    ],
  );
});

test("krew's rules: each broken one is reported", async () => {
  const archive = await tarGz(entries, 0, localCompress);
  const noLicense = await tarGz(
    entries.filter((e) => e.name !== 'LICENSE'),
    0,
    localCompress,
  );
  const files: Record<string, Buffer> = {
    'p_linux_amd64.tar.gz': archive,
    'p_linux_amd64.tgz': archive,
    'p_darwin_amd64.tar.gz': archive,
    'nolicense.tar.gz': noLicense,
  };
  const platform = (
    os: string,
    arch: string,
    file: string,
    extra: Record<string, unknown> = {},
  ) => ({
    selector: { matchLabels: { os, arch } },
    uri: `https://example.com/v1.0.0/${file}`,
    sha256: sha256(files[file] ?? Buffer.alloc(0)),
    bin: 'kubectl-antrea_certs',
    ...extra,
  });
  const manifest = (
    change: (m: Record<string, unknown> & { spec: Record<string, unknown> }) => void,
  ) => {
    const m = {
      apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
      kind: 'Plugin',
      metadata: { name: 'antrea-certs' },
      spec: {
        version: 'v1.0.0',
        shortDescription: 'Short',
        platforms: [
          platform('linux', 'amd64', 'p_linux_amd64.tar.gz'),
          platform('darwin', 'amd64', 'p_darwin_amd64.tar.gz'),
        ],
      },
    };
    change(m);
    return krewViolations(yaml.dump(m), 'antrea-certs', (f) => files[f]);
  };
  assert.deepEqual(
    manifest(() => {}),
    [],
  );
  const one = (change: Parameters<typeof manifest>[0], expected: RegExp) => {
    const problems = manifest(change);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', expected);
  };
  one(
    (m) => void (m.metadata = { name: 'antrea_certs' }),
    /differs from the file's plugin name antrea-certs/,
  );
  assert.match(
    krewViolations(yaml.dump({ metadata: { name: 'a b' } }), 'a b', () => undefined).join('\n'),
    /not a safe plugin name/,
  );
  one((m) => void (m.spec.version = '1.0.0'), /not a semantic version with a leading v/);
  one((m) => void (m.spec.version = 'v1.0'), /not a semantic version/);
  one((m) => void (m.spec.shortDescription = 'two\nlines'), /line break/);
  one((m) => void (m.spec.shortDescription = 'x'.repeat(51)), /51 characters; .* at most 50/);
  assert.deepEqual(
    manifest((m) => void (m.spec.shortDescription = 'x'.repeat(50))),
    [],
  );
  one((m) => void (m.spec.platforms = []), /platforms is empty/);
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', {
          selector: { matchLabels: { os: 'linux', arch: 'amd64', distro: 'debian' } },
        }),
      ]),
    /selects on distro/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz'),
        platform('linux', 'amd64', 'p_darwin_amd64.tar.gz'),
      ]),
    /overlaps/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', {
          selector: { matchLabels: { os: 'linux' } },
        }),
        platform('linux', 'arm64', 'p_darwin_amd64.tar.gz'),
      ]),
    /overlaps/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', {
          uri: 'https://example.com/p_linux_amd64.tgz',
        }),
      ]),
    /does not end in \.tar\.gz or \.zip/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', {
          sha256: sha256(archive).toUpperCase(),
        }),
      ]),
    /not 64 lowercase hex/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', {
          sha256: sha256(Buffer.from('other')),
        }),
      ]),
    /has sha256 [0-9a-f]{64}, the manifest says/,
  );
  one(
    (m) =>
      void (m.spec.platforms = [
        platform('linux', 'amd64', 'p_linux_amd64.tar.gz', { bin: 'kubectl-other' }),
      ]),
    /holds no kubectl-other/,
  );
  one(
    (m) => void (m.spec.platforms = [platform('linux', 'amd64', 'nolicense.tar.gz')]),
    /holds no LICENSE/,
  );
  one(
    (m) => void (m.spec.platforms = [platform('linux', 'amd64', 'gone.tar.gz')]),
    /the archive gone\.tar\.gz is missing/,
  );
});
