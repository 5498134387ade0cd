// The split of the bundle (scripts/lazy-split.mjs), read from the build's
// metafile: what only the exporter, --watch, a change's spinner, a
// port-forward or a proxy needs is in lazy.cjs, never in plugin.cjs, and each
// module is in one of the two only (one copy of each in a process).
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
const main = inputsOf('dist/bin/plugin.cjs');
const lazy = inputsOf('dist/bin/lazy.cjs');

const LAZY_ONLY = [
  /^src\/commands\/exporter\/(run|server|self-metrics|watch-counters)\.ts$/,
  /^src\/watch\//,
  /^src\/read\/informed-snapshot\.ts$/,
  /^src\/kube\/informer\.ts$/,
  /^src\/framework\/spinner\.ts$/,
  /^node_modules\/(prom-client|ora|ws|socks|socks-proxy-agent|hpagent)\//,
];

test('what only some commands run is in lazy.cjs, not in plugin.cjs', () => {
  for (const pattern of LAZY_ONLY) {
    assert.deepEqual(
      main.filter((p) => pattern.test(p)),
      [],
      `${pattern} is in plugin.cjs`,
    );
    assert.ok(
      lazy.some((p) => pattern.test(p)),
      `${pattern} is in lazy.cjs`,
    );
  }
});

test('each module of the plugin is in one bundle only; lazy.cjs takes the rest from plugin.cjs', () => {
  const real = (p: string) => !p.includes(':');
  const both = main.filter(real).filter((p) => lazy.includes(p));
  assert.deepEqual(both, []);
  // What lazy.cjs takes from plugin.cjs, it takes through plugin.cjs's own instance.
  const fromMain = lazy.filter((p) => p.startsWith('main:')).map((p) => p.slice('main:'.length));
  for (const shared of ['src/errors.ts', 'src/signals.ts', 'src/kube/client.ts'])
    assert.ok(fromMain.includes(shared), `lazy.cjs takes ${shared} from plugin.cjs`);
  for (const path of fromMain) assert.ok(main.includes(path), `${path} is in plugin.cjs`);
});
