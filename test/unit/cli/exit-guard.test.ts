// A command whose work can no longer settle (the event loop drained while it
// was pending) never ends with exit code 0: src/cli/exit-guard.ts for every
// command, src/change/interrupts.ts for a change, which says where it stands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = (path: string) => fileURLToPath(new URL(`../../../src/${path}`, import.meta.url));

/** Runs a script in a fresh Node process (through tsx), as the plugin's process would run. */
function runScript(body: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'unfinished-')), 'script.mts');
  writeFileSync(file, body);
  return spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
}

// A promise nothing will settle, and nothing keeping the process alive: what a request that
// neither answered nor failed left behind.
const NEVER = 'new Promise<number>(() => undefined)';

test('a command whose work stops without settling exits 70 with one sentence, not 0', () => {
  const r = runScript(
    `import { finishing } from ${JSON.stringify(src('cli/exit-guard.ts'))};\n` +
      `await finishing(${NEVER}, process);\n`,
  );
  assert.equal(r.status, 70);
  assert.equal(
    r.stderr,
    'internal error: the command stopped before it finished, with nothing left to wait for; ' +
      'run it again with -v and report the log.\n',
  );
});

test('a command that finishes is not touched by the guard', () => {
  const r = runScript(
    `import { finishing } from ${JSON.stringify(src('cli/exit-guard.ts'))};\n` +
      `process.exitCode = await finishing(Promise.resolve(3), process);\n`,
  );
  assert.equal(r.status, 3);
  assert.equal(r.stderr, '');
});

for (const [stage, says] of [
  [
    'planning',
    /stopped while planning, without finishing and without an error\. Nothing was written\.$/m,
  ],
  [
    'writing',
    /stopped while writing, .* The cluster may hold part of the change: .*restore \/backups\/b\.json/,
  ],
  ['waiting', /stopped while waiting for the cluster to converge, .* The cluster may hold part/],
] as const) {
  test(`a change stopped that way while ${stage} says where it stands and exits 70`, () => {
    const r = runScript(
      `import { listenForInterrupts } from ${JSON.stringify(src('change/interrupts.ts'))};\n` +
        `import { finishing } from ${JSON.stringify(src('cli/exit-guard.ts'))};\n` +
        `const ctx = { note: (line: string) => void process.stderr.write(line + '\\n') };\n` +
        `const interrupts = listenForInterrupts(ctx as never, () =>\n` +
        `  'The cluster may hold part of the change: run kubectl antrea-certs restore /backups/b.json to go back.');\n` +
        `interrupts.enter(${JSON.stringify(stage)});\n` +
        `await finishing(${NEVER}, process);\n`,
    );
    assert.equal(r.status, 70, r.stderr);
    assert.match(r.stderr, says);
    assert.doesNotMatch(r.stderr, /internal error: the command stopped/);
  });
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} outside a change exits ${code} and says that nothing was written`, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'unfinished-')), 'script.mts');
    writeFileSync(
      file,
      `import { finishing } from ${JSON.stringify(src('cli/exit-guard.ts'))};\n` +
        `const timer = setInterval(() => undefined, 1000);\n` +
        `const work = finishing(new Promise<number>(() => void timer), process);\n` +
        `process.stdout.write('running\\n');\n` +
        `await work;\n`,
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill(signal);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, code);
    assert.equal(stderr, `Interrupted (${signal}): nothing was written.\n`);
  });
}
