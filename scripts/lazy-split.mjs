// Where the plugin's code splits in two: plugin.cjs, read at every start, and
// lazy.cjs, read only when a command reaches one of the LAZY_ROOTS. esbuild
// splits only ES modules, and the launcher runs CommonJS through a code cache,
// so the split is made here, from a first build's import graph:
//
// - main: every module reached from the entry without passing through a root.
//   An import of a root becomes a small module that loads lazy.cjs (through
//   the launcher's __antreaCertsLazy) and returns the root's exports.
// - lazy: every module reached from the roots that main does not hold. An
//   import of a module main holds becomes a small module that returns main's
//   own instance (through __antreaCertsHost), so there is one copy of each
//   module in the process: one CliError class, one signal claim, one client.
//
// A root is imported by name (`const { run } = await import(...)`), or it is
// CommonJS: the module that stands for it is CommonJS, and an ES module's
// default import of it would get the whole exports object.
import { relative, resolve } from 'node:path';

export const LAZY_ASSET = 'lazy.cjs';

/** Where only some commands go: the modules and packages behind them are lazy.cjs's. */
const LAZY_ROOTS = [
  // exporter: the HTTP server, prom-client, the informers and the watch loop.
  /^src\/commands\/exporter\/run\.ts$/,
  // status --watch, verify --watch: the same watch loop, in a terminal.
  /^src\/watch\/terminal-view\.ts$/,
  // A change's wait on a terminal: the spinner (ora).
  /^src\/framework\/spinner\.ts$/,
  // A port-forward to the controller (user-provided mode): client-node's WebSocket.
  /^node_modules\/(ws|isomorphic-ws)\//,
  // A kubeconfig with proxy-url: the SOCKS and HTTP proxy agents.
  /^node_modules\/(socks-proxy-agent|hpagent)\//,
];

const ENTRY = 'cmd/kubectl-antrea_certs.ts';
const HOST = '__antreaCertsHost';
const LOAD = '__antreaCertsLazy';

const isRoot = (path) => LAZY_ROOTS.some((root) => root.test(path));

/** The modules reached from `starts` in the metafile's import graph, not entering `stop`. */
function reach(inputs, starts, stop) {
  const seen = new Set();
  const queue = [...starts];
  while (queue.length) {
    const path = queue.pop();
    if (seen.has(path) || !inputs[path]) continue;
    seen.add(path);
    for (const { path: next } of inputs[path].imports) if (!stop(next)) queue.push(next);
  }
  return seen;
}

/**
 * Resolves every import as esbuild would, then lets `redirect` send it to a module of its own
 * (namespace and path), or leaves it be.
 */
function redirecting(name, redirect) {
  return {
    name,
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === name || args.kind === 'entry-point') return undefined;
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: name,
        });
        if (resolved.errors.length || resolved.external || !resolved.path) return undefined;
        const path = relative(process.cwd(), resolved.path);
        const from = args.importer ? relative(process.cwd(), args.importer) : '';
        return redirect(path, from) ?? undefined;
      });
    },
  };
}

const code = (contents) => ({ contents, loader: 'js', resolveDir: process.cwd() });

/**
 * The esbuild options of both bundles (entry and plugins), from a first build of the whole
 * plugin: `main` for plugin.cjs, `lazy` for lazy.cjs.
 */
export async function lazySplit({ build, options, plugins }) {
  const whole = await build({ ...options, plugins, entryPoints: [ENTRY], write: false });
  const inputs = whole.metafile.inputs;
  const main = reach(inputs, [ENTRY], isRoot);
  // The roots main imports: lazy.cjs exports each of them.
  const roots = [...main].flatMap((path) =>
    inputs[path].imports.map((i) => i.path).filter((p) => isRoot(p) && inputs[p]),
  );
  const entries = [...new Set(roots)].sort();
  const lazy = reach(inputs, entries, (path) => main.has(path));
  // What lazy.cjs takes from main: main hands out its own instance.
  const shared = [
    ...new Set(
      [...lazy].flatMap((path) =>
        inputs[path].imports.map((i) => i.path).filter((p) => main.has(p)),
      ),
    ),
  ].sort();

  const hostModule = code(
    `const modules = {\n${shared
      .map((p) => `  ${JSON.stringify(p)}: () => require(${JSON.stringify(resolve(p))}),`)
      .join('\n')}\n};\nglobalThis.${HOST} ??= (path) => modules[path]();\n`,
  );
  const mainSplit = {
    entryPoints: [ENTRY],
    // The redirection first: it sees every import, and resolves it through the other plugins.
    plugins: [
      redirecting('lazy-roots', (path, from) =>
        isRoot(path) && !isRoot(from) ? { path, namespace: 'lazy-root' } : undefined,
      ),
      ...plugins,
      {
        name: 'lazy-host',
        setup(b) {
          b.onResolve({ filter: /^antrea-certs:host$/ }, () => ({
            path: 'host',
            namespace: 'host',
          }));
          b.onLoad({ filter: /.*/, namespace: 'host' }, () => hostModule);
          b.onLoad({ filter: /.*/, namespace: 'lazy-root' }, (args) =>
            code(
              `require('antrea-certs:host');\n` +
                `module.exports = globalThis.${LOAD}(${JSON.stringify(LAZY_ASSET)})[${JSON.stringify(args.path)}]();\n`,
            ),
          );
        },
      },
    ],
  };
  const lazySplitOptions = {
    stdin: code(
      `module.exports = {\n${entries
        .map((p) => `  ${JSON.stringify(p)}: () => require(${JSON.stringify(resolve(p))}),`)
        .join('\n')}\n};\n`,
    ),
    plugins: [
      redirecting('from-main', (path) =>
        main.has(path) ? { path, namespace: 'main' } : undefined,
      ),
      ...plugins,
      {
        name: 'from-main',
        setup(b) {
          b.onLoad({ filter: /.*/, namespace: 'main' }, (args) =>
            code(`module.exports = globalThis.${HOST}(${JSON.stringify(args.path)});\n`),
          );
        },
      },
    ],
  };
  return { main: mainSplit, lazy: lazySplitOptions, entries, shared };
}
