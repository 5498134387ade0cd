// The split of the bundle in parts (scripts/lazy-split.mjs), read from the
// build's metafile: plugin.cjs holds the command line and nothing a command
// runs; what only the exporter, --watch, a change's spinner, a port-forward or
// a proxy needs is in lazy.cjs; each module is in one part only (one copy of
// each in a process), and a part takes the rest from the part that holds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const metaFile = fileURLToPath(new URL('../../../dist/meta.json', import.meta.url));
assert.ok(existsSync(metaFile), `${metaFile} is missing: run npm run build (npm test does)`);
const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
};
const inputsOf = (file: string) => Object.keys(meta.outputs[file]?.inputs ?? {});
const PARTS = ['plugin.cjs', 'commands.cjs', 'lazy.cjs'] as const;
const [start, commands, lazy] = PARTS.map((part) => inputsOf(`dist/bin/${part}`)) as [
  string[],
  string[],
  string[],
];

const LAZY_ONLY = [
  /^src\/commands\/exporter\/(run|server|self-metrics|watch-counters)\.ts$/,
  /^src\/watch\//,
  /^src\/read\/informed-snapshot\.ts$/,
  /^src\/kube\/informer\.ts$/,
  /^src\/framework\/spinner\.ts$/,
  /^node_modules\/(prom-client|ora|ws|socks|socks-proxy-agent|hpagent)\//,
];

/** What a command runs, never what --help and a usage error need. */
const COMMANDS_ONLY = [
  /^src\/commands\/(status|verify|import|mode|rotate|restore|generate|audit)\/run\.ts$/,
  /^src\/kube\/(client|http|kubeconfig)\.ts$/,
  /^src\/certs\/certificate\.ts$/,
  /^src\/report\/(status|verify\/verify|inventory)\.ts$/,
  /^node_modules\/(js-yaml|@kubernetes\/client-node)\//,
];

test('what only some commands run is in lazy.cjs, not in plugin.cjs or commands.cjs', () => {
  for (const pattern of LAZY_ONLY) {
    assert.deepEqual(
      [...start, ...commands].filter((p) => pattern.test(p)),
      [],
      `${pattern} is in plugin.cjs or commands.cjs`,
    );
    assert.ok(
      lazy.some((p) => pattern.test(p)),
      `${pattern} is in lazy.cjs`,
    );
  }
});

test('plugin.cjs is the command line: the client, the reports and YAML are in commands.cjs', () => {
  for (const pattern of COMMANDS_ONLY) {
    assert.deepEqual(
      start.filter((p) => pattern.test(p)),
      [],
      `${pattern} is in plugin.cjs`,
    );
    assert.ok(
      commands.some((p) => pattern.test(p)),
      `${pattern} is in commands.cjs`,
    );
  }
  for (const path of ['node_modules/yargs/index.mjs', 'src/cli/registry.ts', 'src/errors.ts'])
    assert.ok(start.includes(path), `${path} is in plugin.cjs`);
});

test('each module of the plugin is in one part only; a part takes the rest from its holder', () => {
  const real = (p: string) => !p.includes(':') && p !== '<stdin>';
  const parts = [start, commands, lazy];
  parts.forEach((inputs, i) =>
    parts.slice(i + 1).forEach((later) => {
      assert.deepEqual(
        inputs.filter(real).filter((p) => later.includes(p)),
        [],
      );
    }),
  );
  // What a later part takes from an earlier one, it takes through the earlier part's instance.
  const fromEarlier = (inputs: string[]) =>
    inputs.filter((p) => p.startsWith('earlier:')).map((p) => p.slice('earlier:'.length));
  for (const shared of ['src/errors.ts', 'src/signals.ts'])
    assert.ok(fromEarlier(commands).includes(shared), `commands.cjs takes ${shared}`);
  for (const shared of ['src/errors.ts', 'src/kube/client.ts'])
    assert.ok(fromEarlier(lazy).includes(shared), `lazy.cjs takes ${shared}`);
  for (const path of fromEarlier(commands))
    assert.ok(start.includes(path), `${path} is in plugin.cjs`);
  for (const path of fromEarlier(lazy))
    assert.ok(start.includes(path) || commands.includes(path), `${path} is held by a part`);
});
