// One table of options: it feeds yargs (parsing and help) and the option types.
import type { Options, InferredOptionTypes } from 'yargs';

const CONNECTION = 'Connection (as kubectl):';
const OUTPUT = 'Output:';

export const connectionOptions = {
  kubeconfig: { type: 'string', group: CONNECTION, describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' },
  context: { type: 'string', group: CONNECTION, describe: 'The kubeconfig context to use' },
  cluster: { type: 'string', group: CONNECTION, describe: 'The kubeconfig cluster to use' },
  user: { type: 'string', group: CONNECTION, describe: 'The kubeconfig user to use' },
  server: { type: 'string', alias: 's', group: CONNECTION, describe: 'The address and port of the Kubernetes API server' },
  token: { type: 'string', group: CONNECTION, describe: 'Bearer token for authentication to the API server' },
  as: { type: 'string', group: CONNECTION, describe: 'Username to impersonate for the operation' },
  'as-group': {
    type: 'string',
    group: CONNECTION,
    describe: 'Group to impersonate (one group: the client library sends a single Impersonate-Group header)',
  },
  'certificate-authority': { type: 'string', group: CONNECTION, describe: 'Path to a CA file for the API server' },
  'client-certificate': { type: 'string', group: CONNECTION, describe: 'Path to a client certificate file for TLS' },
  'client-key': { type: 'string', group: CONNECTION, describe: 'Path to a client key file for TLS' },
  'insecure-skip-tls-verify': { type: 'boolean', group: CONNECTION, describe: "Don't check the API server's certificate (insecure)" },
  'tls-server-name': { type: 'string', group: CONNECTION, describe: "Server name to use for the API server's certificate check" },
  'request-timeout': { type: 'string', group: CONNECTION, default: '0', describe: 'How long to wait for one request (e.g. 10s, 1m; 0 waits forever)' },
} as const satisfies Record<string, Options>;

export const globalOptions = {
  ...connectionOptions,
  namespace: { type: 'string', alias: 'n', describe: 'The Antrea namespace (default: found from the antrea-controller Deployment, else kube-system)' },
  output: { type: 'string', alias: 'o', group: OUTPUT, choices: ['table', 'wide', 'json', 'yaml'] as const, default: 'table', describe: 'Output format' },
  color: { type: 'boolean', group: OUTPUT, default: true, describe: 'Colour the output (--no-color or NO_COLOR turn it off)' },
  verbose: { type: 'count', alias: 'v', group: OUTPUT, describe: 'Print each API request on stderr (-vv adds response details)' },
} as const satisfies Record<string, Options>;

export const verifyOptions = {
  'warn-within': { type: 'string', default: '30d', describe: 'Warn when a certificate expires within this duration (e.g. 30d, 720h)' },
  'fail-within': { type: 'string', default: '7d', describe: 'Fail when a certificate expires within this duration' },
  strict: { type: 'boolean', default: false, describe: 'Exit 3 when there are warnings but no failures' },
} as const satisfies Record<string, Options>;

export type GlobalFlags = InferredOptionTypes<typeof globalOptions>;
export type ConnectionFlags = InferredOptionTypes<typeof connectionOptions>;
export type VerifyFlags = InferredOptionTypes<typeof verifyOptions>;
export type OutputFormat = (typeof globalOptions.output.choices)[number];
