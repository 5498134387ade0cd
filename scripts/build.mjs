// Bundles the CLI into one executable file: dist/bin/kubectl-antrea_certs.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = 'dist/bin/kubectl-antrea_certs';
mkdirSync('dist/bin', { recursive: true });
// The bundle is ESM; this marks the folder so Node reads the extensionless file as a module.
writeFileSync('dist/bin/package.json', '{ "type": "module" }\n');

/** Parts of client-node the plugin never runs, replaced by the stubs in scripts/build-stubs/. */
const stubs = {
  name: 'client-node-stubs',
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
  },
};

const result = await build({
  plugins: [stubs],
  entryPoints: ['cmd/kubectl-antrea_certs.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  define: { PLUGIN_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __antreaCertsCreateRequire } from 'node:module';\nconst require = __antreaCertsCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
const bytes = result.metafile.outputs[outfile]?.bytes ?? 0;
console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
