// Where the plugin's code splits, in three parts the launcher loads in turn:
//
// - plugin.cjs, read at every start: the modules the entry reaches by static
//   imports. That is the command line (yargs, the registry, the flag tables):
//   --help, usage errors and `version --client` need nothing else.
// - commands.cjs, read when a command runs: what plugin.cjs imports
//   dynamically (each command's run.ts, the client), and what that reaches.
// - lazy.cjs, read only when a command reaches one of the LAZY_ROOTS: the
//   exporter, --watch, the spinner, the WebSocket, the proxy agents.
//
// esbuild splits only ES modules, and the launcher runs CommonJS through a
// code cache, so the split is made here, from a first build's import graph.
// Each module is in one part only, so there is one copy of each in the
// process (one CliError class, one signal claim, one client):
//
// - An import of a later part's module (always one of that part's roots)
//   becomes a small module that loads the part (through the launcher's
//   __antreaCertsLazy) and returns the root's exports.
// - An import of an earlier part's module becomes a small module that
//   returns that part's own instance (through __antreaCertsHost), loading
//   the part first if it is not loaded yet (lazy.cjs may come before
//   commands.cjs: the exporter).
//
// A root is imported by name (`const { run } = await import(...)`), or it is
// CommonJS: the module that stands for it is CommonJS, and an ES module's
// default import of it would get the whole exports object.
import { relative, resolve } from 'node:path';

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

/** The parts, in the order they are loaded: the first is the launcher's entry. */
export const PARTS = ['plugin.cjs', 'commands.cjs', 'lazy.cjs'];

const ENTRY = 'cmd/kubectl-antrea_certs.ts';
const HOST = '__antreaCertsHost';
const LOAD = '__antreaCertsLazy';
const REGISTRY = 'antrea-certs:registry';

const isLazyRoot = (path) => LAZY_ROOTS.some((root) => root.test(path));

/** The modules reached from `starts` along `edges` in the import graph, not entering `stop`. */
function reach(inputs, starts, edges, stop) {
  const seen = new Set();
  const queue = [...starts];
  while (queue.length) {
    const path = queue.pop();
    if (seen.has(path) || !inputs[path]) continue;
    seen.add(path);
    for (const next of edges(path)) if (!stop(next)) queue.push(next);
  }
  return seen;
}

/** Each module of the whole build, with the part (an index of PARTS) that holds it. */
function ownership(inputs) {
  const imports = (kinds) => (path) =>
    inputs[path].imports.filter((i) => kinds(i.kind)).map((i) => i.path);
  const start = reach(
    inputs,
    [ENTRY],
    imports((k) => k !== 'dynamic-import'),
    isLazyRoot,
  );
  const commandRoots = [...start].flatMap((path) =>
    imports((k) => k === 'dynamic-import')(path).filter((p) => !start.has(p) && !isLazyRoot(p)),
  );
  const commands = reach(
    inputs,
    commandRoots,
    imports(() => true),
    (p) => start.has(p) || isLazyRoot(p),
  );
  const lazyRoots = Object.keys(inputs).filter(isLazyRoot);
  const lazy = reach(
    inputs,
    lazyRoots,
    imports(() => true),
    (p) => start.has(p) || commands.has(p),
  );
  const owner = new Map();
  [start, commands, lazy].forEach((modules, part) => {
    for (const path of modules) owner.set(path, part);
  });
  return { owner, roots: [[ENTRY], [...new Set(commandRoots)].sort(), lazyRoots.sort()] };
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
        return redirect(relative(process.cwd(), resolved.path)) ?? undefined;
      });
    },
  };
}

const code = (contents) => ({ contents, loader: 'js', resolveDir: process.cwd() });
const requireMap = (paths) =>
  `{\n${paths.map((p) => `  ${JSON.stringify(p)}: () => require(${JSON.stringify(resolve(p))}),`).join('\n')}\n}`;

/**
 * The esbuild options of each part, from a first build of the whole plugin, in PARTS's order;
 * `owner` maps each module to its part.
 */
export async function splitBundle({ build, options, plugins }) {
  const whole = await build({ ...options, plugins, entryPoints: [ENTRY], write: false });
  const inputs = whole.metafile.inputs;
  const { owner, roots } = ownership(inputs);
  // What later parts take from each part: it registers them with the host.
  const shared = PARTS.map(() => new Set());
  for (const [path, part] of owner)
    for (const { path: next } of inputs[path].imports)
      if (owner.has(next) && owner.get(next) < part) shared[owner.get(next)]?.add(next);

  const partOptions = PARTS.map((asset, part) => {
    const registry = code(
      `globalThis.${HOST} ??= (path) => globalThis.${HOST}.modules[path]();\n` +
        `globalThis.${HOST}.modules ??= {};\n` +
        `Object.assign(globalThis.${HOST}.modules, ${requireMap([...shared[part]].sort())});\n`,
    );
    const stubs = {
      name: 'part-stubs',
      setup(b) {
        b.onResolve({ filter: new RegExp(`^${REGISTRY}$`) }, () => ({
          path: 'registry',
          namespace: 'registry',
        }));
        b.onLoad({ filter: /.*/, namespace: 'registry' }, () => registry);
        // A module of a later part: one of its roots, which the part exports.
        b.onLoad({ filter: /.*/, namespace: 'later' }, (args) => {
          const later = PARTS[owner.get(args.path)];
          return code(
            `require('${REGISTRY}');\n` +
              `module.exports = globalThis.${LOAD}(${JSON.stringify(later)})[${JSON.stringify(args.path)}]();\n`,
          );
        });
        // A module of an earlier part: its own instance, once the part is loaded.
        b.onLoad({ filter: /.*/, namespace: 'earlier' }, (args) => {
          const earlier = owner.get(args.path);
          const load =
            earlier > 0 ? `globalThis.${LOAD}(${JSON.stringify(PARTS[earlier])});\n` : '';
          return code(
            `${load}module.exports = globalThis.${HOST}(${JSON.stringify(args.path)});\n`,
          );
        });
      },
    };
    const redirect = redirecting(`part-${part}`, (path) => {
      const holder = owner.get(path);
      if (holder === undefined || holder === part) return undefined;
      if (holder > part && !roots[holder].includes(path))
        throw new Error(`${path} is imported by ${asset} but is not a root of ${PARTS[holder]}`);
      return { path, namespace: holder > part ? 'later' : 'earlier' };
    });
    // The redirection first: it sees every import, and resolves it through the other plugins.
    const partPlugins = [redirect, ...plugins, stubs];
    if (part === 0) return { entryPoints: [ENTRY], plugins: partPlugins };
    return {
      stdin: code(`require('${REGISTRY}');\nmodule.exports = ${requireMap(roots[part])};\n`),
      plugins: partPlugins,
    };
  });
  return { parts: partOptions, roots, owner };
}
