// --help laid out at build time (dist/bin/help.json, printed by the launcher
// without reading plugin.cjs) is yargs's own text: the same bytes as yargs
// lays out at run time for every command, and on a terminal narrower than
// HELP_WIDTH yargs lays it out for that width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plugin, PLUGIN_SHELL } from '../plugin.ts';
import { HELP_WIDTH } from '../../../src/cli/help-width.ts';

const texts = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../dist/bin/help.json', import.meta.url)), 'utf8'),
) as Record<string, string>;
const YARGS = { ANTREA_CERTS_PRERENDERED_HELP: 'off' };
const cacheFiles = (xdg: string) => {
  try {
    return readdirSync(join(xdg, 'kubectl-antrea-certs', 'code-cache'));
  } catch {
    return [];
  }
};

test('help.json holds the top-level help and each command of the registry', () => {
  const commands = plugin(undefined, ['__complete', ''])
    .stdout.split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => `${line.split('\t')[0]} --help`);
  assert.deepEqual(Object.keys(texts).sort(), ['--help', ...commands].sort());
});

test('every prerendered help is what yargs prints, with -h and --help alike', () => {
  for (const [key, text] of Object.entries(texts)) {
    const words = key.split(' ');
    const yargs = plugin(undefined, words, YARGS);
    assert.equal(yargs.status, 0, yargs.stderr);
    assert.equal(text, yargs.stdout, `${key}: help.json differs from yargs`);
    for (const args of [words, [...words.slice(0, -1), '-h']]) {
      const served = plugin(undefined, args);
      assert.deepEqual(served, { status: 0, stdout: yargs.stdout, stderr: '' }, args.join(' '));
    }
  }
});

test('the prerendered help reads no part; any other help line goes through yargs', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'antrea-certs-xdg-'));
  assert.equal(plugin(undefined, ['--help'], { XDG_CACHE_HOME: xdg }).status, 0);
  assert.equal(plugin(undefined, ['status', '-h'], { XDG_CACHE_HOME: xdg }).status, 0);
  assert.deepEqual(cacheFiles(xdg), []);
  // Not a line help.json holds: yargs answers, and the launcher compiles plugin.cjs.
  const verbose = plugin(undefined, ['-v', '--help'], { XDG_CACHE_HOME: xdg });
  assert.equal(verbose.stdout, texts['--help']);
  // yargs shows the top-level help for a word that names no command.
  const unknown = plugin(undefined, ['nosuch', '--help'], { XDG_CACHE_HOME: xdg });
  assert.deepEqual(unknown, { status: 0, stdout: texts['--help'], stderr: '' });
  assert.deepEqual(
    cacheFiles(xdg)
      .map((f) => f.replace(/^[0-9a-f]{16}-v[\d.]+-\w+-/, ''))
      .sort(),
    ['nosuch.bin', 'other.bin'],
  );
});

test('on a terminal narrower than HELP_WIDTH (tmux), yargs lays the help out for it', () => {
  const socket = `antrea-certs-help-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const width = HELP_WIDTH - 30;
  try {
    tmux('new-session', '-d', '-s', 'help', '-x', String(width), '-y', '200');
    tmux('send-keys', '-t', 'help', `NO_COLOR=1 ${PLUGIN_SHELL} status --help; echo END`, 'Enter');
    let screen = '';
    for (let i = 0; i < 100 && !/^END$/m.test(screen); i++) {
      spawnSync('sleep', ['0.1']);
      screen = tmux('capture-pane', '-p', '-J', '-t', 'help', '-S', '-200');
    }
    const lines = screen.split('\n');
    const typed = lines.findLastIndex((l) => l.includes('; echo END'));
    const printed = lines.slice(
      typed + 1,
      lines.findIndex((l) => l === 'END'),
    );
    assert.ok(printed.length > 10, screen);
    assert.ok(
      printed.every((line) => line.length <= width),
      `a line wider than ${width}:\n${screen}`,
    );
    // The wide layout has lines longer than this terminal: that is not what it printed.
    assert.ok(texts['status --help']?.split('\n').some((line) => line.length > width));
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
});
