// The architecture, checked by `npm run lint` (dependency-cruiser): the folders
// of src/ in layers, top first. A folder imports only from the layers below
// its own; folders that share a layer do not import each other. So no cycle
// can run between folders.
const LAYERS = [
  ['cli'], // the command line: parser, registry, completion, main
  ['commands'], // one folder a command: orchestrates the layers below
  ['change', 'fleet', 'watch'], // a change (plan, backup, Lease, writes, wait); many clusters; clusters kept in view
  ['input'], // files the user gives: pairs, CAs
  ['framework'], // the command framework: what a command is, its context, shared flag tables, the printer
  ['read'], // fills the snapshot from the cluster (the only Antrea code that does I/O)
  ['render'], // reports to text, JSON, YAML, Prometheus
  ['report'], // reports and checks: pure functions of the snapshot
  ['antrea'], // what Antrea is and does: names, modes, the snapshot's type, pure
  ['certs'], // certificates and keys: pure, knows no Kubernetes
  ['kube'], // the Kubernetes client: knows no Antrea name; the only code that speaks HTTP
  ['base'], // src/*.ts: errors and exit codes, durations, sensitive values
  ['io'], // Node's I/O modules, loaded when first used (builtins.ts)
];
// Pure modules: these layers, the client's vocabulary (object types and
// well-known keys, read outcomes, managedFields paths, when a Lease counts) and
// the base. A pure module imports code only from pure modules, from Node's
// modules that do no I/O and from three packages that do none; so no chain of
// code imports from a pure module reaches a socket, a process or a file,
// whatever a module on the way is named. Types may come from anywhere below.
const PURE = ['render', 'report', 'antrea', 'certs'];
const VOCABULARY = '^src/kube/(objects|outcome|field-owners|lease-holder)\\.ts$';
const PURE_NODE = '^(node:)?(crypto|path|util)$';
const PURE_PACKAGES = '^node_modules/(diff|js-yaml|string-width)/';

const path = (folder) => (folder === 'base' ? '^src/[^/]+\\.ts$' : `^src/${folder}/`);
const any = (folders) => folders.map(path).join('|');
const PURE_MODULES = `${any(PURE)}|${VOCABULARY}|${path('base')}`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  return layer.flatMap((folder) => {
    const higher = [...above, ...layer.filter((f) => f !== folder)];
    if (higher.length === 0) return [];
    return [
      {
        name: `layer-${folder}`,
        comment: `${folder}/ imports only from the layers below it`,
        severity: 'error',
        from: { path: path(folder) },
        to: { path: any(higher) },
      },
    ];
  });
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'pure-imports-pure',
      comment:
        'a pure module imports code only from pure modules, I/O-free Node modules and packages',
      severity: 'error',
      from: { path: PURE_MODULES },
      to: {
        pathNot: [PURE_MODULES, PURE_NODE, PURE_PACKAGES],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'vocabulary-is-pure',
      comment: "the client's vocabulary imports nothing of the client but itself",
      severity: 'error',
      from: { path: VOCABULARY },
      to: { path: path('kube'), pathNot: VOCABULARY },
    },
    {
      name: 'kube-knows-no-antrea',
      comment: "the client layer imports nothing of the plugin but the base and Node's I/O",
      severity: 'error',
      from: { path: path('kube') },
      to: { path: '^src/', pathNot: any(['kube', 'base', 'io']) },
    },
    {
      name: 'client-node-through-one-door',
      comment: "client-node's dist/ internals are reached only through src/kube/client-node.ts",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/kube/client-node\\.ts$' },
      to: { path: '@kubernetes/client-node' },
    },
    {
      name: 'no-cycle',
      comment:
        'no module depends on itself through code (type-only loops inside a folder are allowed)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs'] },
  },
};
