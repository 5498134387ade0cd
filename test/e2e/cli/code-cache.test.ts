// The launcher's code cache (cmd/launcher.ts): made at a command's first run,
// used after, and never in the way: a missing, corrupt, stale or unwritable
// cache gives the same output and exit code as no cache at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN } from '../plugin.ts';

// Help that yargs lays out (the prerendered --help reads no part: help.test.ts).
const HELP = ['-v', '--help'];
const commands: readonly (readonly string[])[] = [
  HELP,
  ['version', '--client', '-o', 'json'],
  ['completion', 'zsh'],
  ['verify', '--warn-within', 'soon'],
];

function run(args: readonly string[], env: Record<string, string>) {
  const r = spawnSync(PLUGIN[0], [...PLUGIN.slice(1), ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(join(tmpdir(), 'antrea-certs-home-')),
      NO_COLOR: '1',
      ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const uncached = new Map(
  commands.map((args) => [args.join(' '), run(args, { ANTREA_CERTS_CODE_CACHE: 'off' })]),
);
const same = (args: readonly string[], env: Record<string, string>) =>
  assert.deepEqual(run(args, env), uncached.get(args.join(' ')), args.join(' '));
const cacheDir = (xdg: string) => join(xdg, 'kubectl-antrea-certs', 'code-cache');

test('the first run of each command makes its cache (0600 in a 0700 directory); later runs read it; the output is the same', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  for (const args of commands) same(args, { XDG_CACHE_HOME: xdg });
  const files = readdirSync(cacheDir(xdg)).sort();
  // One cache per command name and part: the flags-first lines share "other"; a usage error
  // (verify's) never loads commands.cjs.
  assert.deepEqual(files.map((f) => f.replace(/^[0-9a-f]{16}-v[\d.]+-\w+-/, '')).sort(), [
    'completion-commands.bin',
    'completion.bin',
    'other.bin',
    'verify.bin',
    'version-commands.bin',
    'version.bin',
  ]);
  assert.equal(statSync(cacheDir(xdg)).mode & 0o777, 0o700);
  for (const file of files) assert.equal(statSync(join(cacheDir(xdg), file)).mode & 0o777, 0o600);
  const before = files.map((f) => readFileSync(join(cacheDir(xdg), f)));
  for (const args of commands) same(args, { XDG_CACHE_HOME: xdg });
  // A cache V8 accepted is not written again.
  assert.deepEqual(
    files.map((f) => readFileSync(join(cacheDir(xdg), f))),
    before,
  );
});

test('a corrupt cache is rejected and made again, with the same output', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  same(HELP, { XDG_CACHE_HOME: xdg });
  const [file = ''] = readdirSync(cacheDir(xdg));
  const path = join(cacheDir(xdg), file);
  writeFileSync(path, Buffer.alloc(4096, 0x5a));
  same(HELP, { XDG_CACHE_HOME: xdg });
  const remade = readFileSync(path);
  assert.notDeepEqual(remade, Buffer.alloc(4096, 0x5a));
  assert.ok(remade.length > 4096, 'a real code cache again');
});

test('a cache of another bundle or Node version is left alone and not used', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  mkdirSync(cacheDir(xdg), { recursive: true });
  const stale = join(
    cacheDir(xdg),
    `0000000000000000-${process.version}-${process.arch}-other.bin`,
  );
  writeFileSync(stale, 'stale');
  same(HELP, { XDG_CACHE_HOME: xdg });
  assert.equal(readFileSync(stale, 'utf8'), 'stale');
  assert.equal(readdirSync(cacheDir(xdg)).length, 2);
});

test('an unwritable or impossible cache directory changes nothing', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-')), 'a-file');
  writeFileSync(file, '');
  for (const args of commands) same(args, { XDG_CACHE_HOME: file });
  const locked = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  chmodSync(locked, 0o500);
  for (const args of commands) same(args, { XDG_CACHE_HOME: join(locked, 'sub') });
  // As root the mode does not stop the write; as anyone else nothing was made.
  if (process.getuid?.() !== 0) assert.equal(existsSync(join(locked, 'sub')), false);
});

test('only a command that needs lazy.cjs reads it: the exporter makes its cache, the commands above none', async () => {
  const xdg = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  for (const args of commands) same(args, { XDG_CACHE_HOME: xdg });
  assert.deepEqual(
    readdirSync(cacheDir(xdg)).filter((f) => f.endsWith('-lazy.bin')),
    [],
  );
  const exporter = spawn(
    PLUGIN[0],
    [...PLUGIN.slice(1), 'exporter', '--server', 'https://127.0.0.1:1', '--listen', '127.0.0.1:0'],
    { env: { PATH: process.env.PATH ?? '', HOME: xdg, XDG_CACHE_HOME: xdg, NO_COLOR: '1' } },
  );
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    exporter.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Serving \/metrics/.test(stderr)) resolve();
    });
    exporter.on('close', (code) => reject(new Error(`exporter exited ${code}: ${stderr}`)));
  });
  const code = await new Promise<number | null>((resolve) => {
    exporter.removeAllListeners('close');
    exporter.on('close', resolve);
    exporter.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
  assert.deepEqual(
    readdirSync(cacheDir(xdg))
      .filter((f) => f.endsWith('-lazy.bin'))
      .map((f) => f.replace(/^[0-9a-f]{16}-v[\d.]+-\w+-/, '')),
    ['exporter-lazy.bin'],
  );
});
