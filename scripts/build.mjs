// Bundles the CLI into one executable file: dist/bin/kubectl-antrea_certs.
// --trace also writes dist/trace/kubectl-antrea_certs, the same bundle with
// each module recording that it was evaluated (ANTREA_CERTS_TRACE=1 prints
// them on exit): the tests check with it what a command does not load.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function bundle(dir, traced) {
  const outfile = `${dir}/${traced ? 'kubectl-antrea_certs' : 'plugin.cjs'}`;
  mkdirSync(dir, { recursive: true });
  // The bundle is CommonJS: its modules, Node's built-in ones among them, load only
  // when a command needs them (an ESM bundle loads every built-in it names at start).
  writeFileSync(`${dir}/package.json`, '{ "type": "commonjs" }\n');
  const result = await build({
    plugins: traced ? [stubs, trace] : [stubs, patches],
    entryPoints: ['cmd/kubectl-antrea_certs.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: !traced,
    legalComments: 'none',
    metafile: true,
    // The ESM dependencies ask import.meta.url for their own location: the bundle's.
    define: { PLUGIN_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__bundleUrl' },
    banner: {
      js: `${traced ? '#!/usr/bin/env node\n' : ''}var __bundleUrl = require('node:url').pathToFileURL(__filename).href;${traced ? `\n${TRACE_BANNER}` : ''}`,
    },
    logLevel: 'warning',
  });
  if (traced) chmodSync(outfile, 0o755);
  return { outfile, result };
}

/** The executable: the launcher that loads the bundle through a code cache (cmd/launcher.ts). */
async function launcher(dir, bundleFile) {
  const hash = createHash('sha256').update(readFileSync(bundleFile)).digest('hex').slice(0, 16);
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
    define: { BUNDLE_HASH: JSON.stringify(hash) },
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
}

const { outfile, result } = await bundle('dist/bin', false);
await launcher('dist/bin', outfile);
const bytes = result.metafile.outputs[outfile]?.bytes ?? 0;
console.log(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB`);
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
if (process.argv.includes('--trace')) await bundle('dist/trace', true);
