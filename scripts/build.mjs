// Bundles the CLI: dist/bin/kubectl-antrea_certs (the launcher), beside
// plugin.cjs, the command line every start reads, commands.cjs, what a
// command runs, and lazy.cjs, what only some load: the exporter and --watch
// (prom-client, the informers), the spinner, the WebSocket of a port-forward,
// the proxy agents (scripts/lazy-split.mjs says how the parts share modules).
// Every part is ASCII, so the launcher reads it as Latin-1, the cheap way;
// help.json holds every --help text, laid out by yargs here. --trace also
// writes dist/trace/kubectl-antrea_certs, one bundle with each module
// recording that it was evaluated (ANTREA_CERTS_TRACE=1 prints them on exit):
// the tests check with it what a command does not load.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitBundle, PARTS } from './lazy-split.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * Edits of dependency code, by file: each must match, so an upgrade that moves the code fails the
 * build instead of dropping the edit.
 */
const PATCHES = [
  {
    // yargs lays out the whole help text every time a command runs, to show it if the handler
    // fails later; the plugin's failures never print help (.fail() throws), so it is never read.
    file: /yargs[\\/]build[\\/]lib[\\/]command\.js$/,
    from: 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();',
    to: '/* help is laid out only when shown (scripts/build.mjs) */',
  },
];

function patched(path, source) {
  let text = source;
  for (const patch of PATCHES.filter((p) => p.file.test(path))) {
    if (!text.includes(patch.from)) throw new Error(`${path} no longer holds: ${patch.from}`);
    text = text.replace(patch.from, patch.to);
  }
  return text;
}

/** Applies PATCHES. */
const patches = {
  name: 'patches',
  setup(b) {
    const filter = new RegExp(PATCHES.map((p) => p.file.source).join('|'));
    b.onLoad({ filter }, (args) => ({
      contents: patched(args.path, readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** Dependency code the plugin never runs, or runs cheaper, replaced by scripts/build-stubs/. */
const stubs = {
  name: 'build-stubs',
  setup(b) {
    const stub = (name) => ({
      path: fileURLToPath(new URL(`build-stubs/${name}`, import.meta.url)),
    });
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /client-node[\\/]dist[\\/]config\.js$/.test(args.importer)
        ? stub('client-node-gen.js')
        : undefined,
    );
    b.onResolve({ filter: /^node-fetch$/ }, () => stub('node-fetch.js'));
    b.onResolve({ filter: /^(socks-proxy-agent|hpagent)$/ }, (args) =>
      args.importer.includes('build-stubs') ? undefined : stub('proxy-agents.js'),
    );
    b.onResolve({ filter: /^assert$/ }, (args) =>
      /yargs[\\/]lib[\\/]platform-shims/.test(args.importer) ? stub('assert.js') : undefined,
    );
    b.onResolve({ filter: /^escalade\/sync$/ }, () => stub('escalade-sync.js'));
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /client-node[\\/]dist[\\/]/.test(args.importer) ? stub('child-process.js') : undefined,
    );
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer.includes('build-stubs') ? undefined : stub('string-width.js'),
    );
  },
};

const LOADERS = { ts: 'ts', js: 'js', mjs: 'js', cjs: 'js' };

/** Prefixes every module with a call that records its path when it is evaluated. */
const trace = {
  name: 'trace-evaluation',
  setup(b) {
    b.onLoad({ filter: /\.(ts|js|mjs|cjs)$/ }, (args) => {
      const source = patched(args.path, readFileSync(args.path, 'utf8')).replace(/^#!.*\n/, '');
      const name = JSON.stringify(relative(process.cwd(), args.path));
      const loader = LOADERS[args.path.split('.').pop()];
      return { contents: `__evaluated.add(${name});${source}`, loader };
    });
  },
};

const TRACE_BANNER = `var __evaluated = new Set();
process.on('exit', () => {
  if (process.env.ANTREA_CERTS_TRACE) process.stderr.write('EVALUATED ' + [...__evaluated].join(' ') + '\\n');
});`;

const BANNER = "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;";

/** esbuild's options for a CommonJS bundle of the plugin's code. */
const common = (traced) => ({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !traced,
  legalComments: 'none',
  metafile: true,
  // The ESM dependencies ask import.meta.url for their own location: the bundle's.
  define: { PLUGIN_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__bundleUrl' },
  logLevel: 'warning',
});

/** One file with every module, each recording its evaluation: dist/trace/kubectl-antrea_certs. */
async function tracedBundle(dir) {
  const outfile = `${dir}/kubectl-antrea_certs`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, '{ "type": "commonjs" }\n');
  await build({
    ...common(true),
    plugins: [stubs, trace],
    entryPoints: ['cmd/kubectl-antrea_certs.ts'],
    outfile,
    banner: { js: `#!/usr/bin/env node\n${BANNER}\n${TRACE_BANNER}` },
  });
  chmodSync(outfile, 0o755);
}

/** A part the launcher will read as Latin-1: any other byte would be misread. */
function assertAscii(file) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((byte) => byte > 0x7f);
  if (at >= 0) {
    const context = bytes.subarray(Math.max(0, at - 40), at + 10).toString('utf8');
    throw new Error(`${file} has a byte that is not ASCII at ${at}: …${context}… (escape it)`);
  }
}

/** The plugin's code in PARTS: plugin.cjs, commands.cjs and lazy.cjs. */
async function bundles(dir) {
  mkdirSync(dir, { recursive: true });
  // The bundles are CommonJS: their modules, Node's built-in ones among them, load only
  // when a command needs them (an ESM bundle loads every built-in it names at start).
  writeFileSync(`${dir}/package.json`, '{ "type": "commonjs" }\n');
  const options = { ...common(false), banner: { js: BANNER } };
  const split = await splitBundle({ build, options, plugins: [stubs, patches] });
  const results = await Promise.all(
    split.parts.map((part, i) => build({ ...options, ...part, outfile: `${dir}/${PARTS[i]}` })),
  );
  return results.map((result, i) => {
    const outfile = `${dir}/${PARTS[i]}`;
    assertAscii(outfile);
    return { outfile, result };
  });
}

/** The executable: the launcher that loads the bundles through a code cache (cmd/launcher.ts). */
async function launcher(dir, bundleFiles) {
  const hash = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const hashes = Object.fromEntries(bundleFiles.map((f) => [f.split('/').pop(), hash(f)]));
  const outfile = `${dir}/kubectl-antrea_certs`;
  await build({
    entryPoints: ['cmd/launcher.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    define: { BUNDLE_HASHES: JSON.stringify(hashes) },
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
}

/**
 * help.json: every --help text as yargs lays it out in a pipe, HELP_WIDTH columns
 * (src/cli/help-width.ts), which the launcher prints without reading plugin.cjs. Rendered by the bundle
 * just built, so the text is yargs's own; the e2e tests compare the two paths.
 */
function prerenderHelp(dir) {
  const launcherFile = `${dir}/kubectl-antrea_certs`;
  const env = {
    ...process.env,
    ANTREA_CERTS_PRERENDERED_HELP: 'off',
    ANTREA_CERTS_CODE_CACHE: 'off',
  };
  const plugin = (...args) =>
    execFileSync(process.execPath, [launcherFile, ...args], { env, encoding: 'utf8' });
  const names = plugin('__complete', '')
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t')[0]);
  const texts = Object.fromEntries(
    [[], ...names.map((name) => [name])].map((words) => [
      [...words, '--help'].join(' '),
      plugin(...words, '--help'),
    ]),
  );
  writeFileSync(`${dir}/${HELP_ASSET}`, `${JSON.stringify(texts)}\n`);
}

const HELP_ASSET = 'help.json';
const built = await bundles('dist/bin');
await launcher(
  'dist/bin',
  built.map((b) => b.outfile),
);
prerenderHelp('dist/bin');
assertAscii(`dist/bin/${HELP_ASSET}`);
for (const { outfile, result } of built) {
  const bytes = result.metafile.outputs[outfile]?.bytes ?? 0;
  console.log(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB`);
}
writeFileSync(
  'dist/meta.json',
  JSON.stringify({
    inputs: Object.assign({}, ...built.map((b) => b.result.metafile.inputs)),
    outputs: Object.assign({}, ...built.map((b) => b.result.metafile.outputs)),
  }),
);
if (process.argv.includes('--trace')) await tracedBundle('dist/trace');
