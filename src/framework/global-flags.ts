// The flags every command takes: how to reach the cluster (as kubectl), the
// Antrea namespace, and the output. Commands add their own beside them.
import type { InferredOptionTypes } from 'yargs';
import type { FlagTable } from './flag-table.ts';
import { UsageError } from '../errors.ts';

const CONNECTION = 'Connection (as kubectl):';
const OUTPUT = 'Output:';

/**
 * How to reach the cluster, named and meant as kubectl's flags; completion reads them too, to list
 * contexts and namespaces.
 */
export const connectionFlags = {
  kubeconfig: {
    type: 'string',
    complete: 'file',
    group: CONNECTION,
    describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)',
  },
  context: {
    type: 'string',
    group: CONNECTION,
    complete: 'context',
    describe: 'The kubeconfig context to use',
  },
  cluster: { type: 'string', group: CONNECTION, describe: 'The kubeconfig cluster to use' },
  user: { type: 'string', group: CONNECTION, describe: 'The kubeconfig user to use' },
  server: {
    type: 'string',
    alias: 's',
    group: CONNECTION,
    describe: 'The address and port of the Kubernetes API server',
  },
  token: {
    type: 'string',
    group: CONNECTION,
    describe: 'Bearer token for authentication to the API server',
  },
  as: { type: 'string', group: CONNECTION, describe: 'Username to impersonate for the operation' },
  'as-group': {
    type: 'string',
    group: CONNECTION,
    describe: 'Group to impersonate; repeat it for several groups',
  },
  'certificate-authority': {
    type: 'string',
    complete: 'file',
    group: CONNECTION,
    describe: 'Path to a CA file for the API server',
  },
  'client-certificate': {
    type: 'string',
    complete: 'file',
    group: CONNECTION,
    describe: 'Path to a client certificate file for TLS',
  },
  'client-key': {
    type: 'string',
    complete: 'file',
    group: CONNECTION,
    describe: 'Path to a client key file for TLS',
  },
  'insecure-skip-tls-verify': {
    type: 'boolean',
    group: CONNECTION,
    describe: "Don't check the API server's certificate (insecure)",
  },
  'tls-server-name': {
    type: 'string',
    group: CONNECTION,
    describe: "Server name to use for the API server's certificate check",
  },
  'request-timeout': {
    type: 'string',
    group: CONNECTION,
    default: '0',
    describe: 'How long to wait for one request (e.g. 10s, 1m; 0 waits forever)',
  },
} as const satisfies FlagTable;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** -n as Kubernetes names a namespace: a DNS-1123 label (lower case, at most 63 characters). */
export function namespaceFlag(value: string): string {
  if (value === '') throw new UsageError('-n needs a namespace name.');
  if (DNS_1123_LABEL.test(value) && value.length <= 63) return value;
  throw new UsageError(
    `-n ${JSON.stringify(value)} is not a namespace name: Kubernetes takes at most 63 lower-case ` +
      "letters, digits and '-', starting and ending with a letter or digit.",
  );
}

/** Every command's flags: the connection flags, the Antrea namespace, -o, colour and -v. */
export const globalFlags = {
  ...connectionFlags,
  namespace: {
    type: 'string',
    alias: 'n',
    coerce: namespaceFlag,
    complete: 'namespace',
    describe:
      'The Antrea namespace (default: found from the antrea-controller Deployment, else kube-system)',
  },
  output: {
    type: 'string',
    alias: 'o',
    group: OUTPUT,
    choices: ['table', 'wide', 'json', 'yaml', 'prometheus', 'junit'] as const,
    default: 'table',
    describe: 'Output format',
  },
  color: {
    type: 'boolean',
    group: OUTPUT,
    default: true,
    describe: 'Colour the output (--no-color or NO_COLOR turn it off)',
  },
  verbose: {
    type: 'count',
    alias: 'v',
    group: OUTPUT,
    describe: 'Print each API request on stderr (-vv adds response details)',
  },
} as const satisfies FlagTable;

/** The global flags as yargs parses them. */
export type GlobalFlags = InferredOptionTypes<typeof globalFlags>;
/**
 * The connection flags as the kubeconfig is loaded from them (context.ts hands it the parsed
 * global flags, so the compiler checks that they fit).
 */
export type { ConnectionFlags } from '../kube/kubeconfig.ts';
/** The choices of -o. */
export type OutputFormat = (typeof globalFlags.output.choices)[number];
