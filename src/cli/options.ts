// One table of options: it feeds yargs (parsing and help) and the option types.
import type { Options, InferredOptionTypes } from 'yargs';

const CONNECTION = 'Connection (as kubectl):';
const OUTPUT = 'Output:';

export const connectionOptions = {
  kubeconfig: {
    type: 'string',
    group: CONNECTION,
    describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)',
  },
  context: { type: 'string', group: CONNECTION, describe: 'The kubeconfig context to use' },
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
    describe:
      'Group to impersonate (one group: the client library sends a single Impersonate-Group header)',
  },
  'certificate-authority': {
    type: 'string',
    group: CONNECTION,
    describe: 'Path to a CA file for the API server',
  },
  'client-certificate': {
    type: 'string',
    group: CONNECTION,
    describe: 'Path to a client certificate file for TLS',
  },
  'client-key': {
    type: 'string',
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
} as const satisfies Record<string, Options>;

export const globalOptions = {
  ...connectionOptions,
  namespace: {
    type: 'string',
    alias: 'n',
    describe:
      'The Antrea namespace (default: found from the antrea-controller Deployment, else kube-system)',
  },
  output: {
    type: 'string',
    alias: 'o',
    group: OUTPUT,
    choices: ['table', 'wide', 'json', 'yaml'] as const,
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
} as const satisfies Record<string, Options>;

export const verifyOptions = {
  'warn-within': {
    type: 'string',
    default: '30d',
    describe: 'Warn when a certificate expires within this duration (e.g. 30d, 720h)',
  },
  'fail-within': {
    type: 'string',
    default: '7d',
    describe: 'Fail when a certificate expires within this duration',
  },
  strict: {
    type: 'boolean',
    default: false,
    describe: 'Exit 3 when there are warnings but no failures',
  },
} as const satisfies Record<string, Options>;

export type GlobalFlags = InferredOptionTypes<typeof globalOptions>;
export type ConnectionFlags = InferredOptionTypes<typeof connectionOptions>;
export type VerifyFlags = InferredOptionTypes<typeof verifyOptions>;
export type OutputFormat = (typeof globalOptions.output.choices)[number];

const CHANGE = 'Change:';

/** Options of every command that writes to the cluster. */
export const changeOptions = {
  yes: {
    type: 'boolean',
    alias: 'y',
    group: CHANGE,
    default: false,
    describe:
      'Do not ask for confirmation (needed without a terminal when the controller restarts)',
  },
  'dry-run': {
    type: 'string',
    group: CHANGE,
    default: 'none',
    describe:
      'client: show what would change; server: have the API server check the writes too. Nothing is written.',
  },
  backup: {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe:
      'Save the objects the change overwrites to a local file (mode 0600) first; --no-backup skips it',
  },
  'backup-dir': {
    type: 'string',
    group: CHANGE,
    describe: 'Where backups go (default ~/.kube/antrea-certs-backups)',
  },
  wait: {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe:
      'Wait until the controller is ready and antrea-ca and every caBundle carry the CA (--wait=false returns after writing)',
  },
  timeout: {
    type: 'string',
    group: CHANGE,
    default: '5m',
    describe: 'How long to wait; exit 124 when it runs out',
  },
  'rollback-on-failure': {
    type: 'boolean',
    group: CHANGE,
    default: true,
    describe: 'Restore the backup when the controller does not come up after a restart',
  },
  'fail-within': {
    type: 'string',
    group: CHANGE,
    default: '7d',
    describe:
      'Refuse certificates that expire within this duration, and fail the final verify for them',
  },
} as const satisfies Record<string, Options>;

/** A user-provided pair given as files: import, and rotate in user-provided mode. */
const pairFileOptions = {
  cert: { type: 'string', describe: 'The serving certificate (PEM), any intermediates after it' },
  key: {
    type: 'string',
    describe: 'Its private key (PEM: PKCS#1, PKCS#8 or SEC1; encrypted with --key-passphrase-file)',
  },
  ca: { type: 'string', describe: 'The CA certificate(s) clients should trust (PEM)' },
  'key-passphrase-file': {
    type: 'string',
    describe: 'A file holding the passphrase of an encrypted key',
  },
  'cluster-domain': {
    type: 'string',
    default: 'cluster.local',
    describe: 'The cluster DNS domain, for the recommended name antrea.<namespace>.svc.<domain>',
  },
} as const satisfies Record<string, Options>;

export const importOptions = {
  ...pairFileOptions,
  'from-dir': { type: 'string', describe: 'A directory holding tls.crt, tls.key and ca.crt' },
  mode: {
    type: 'string',
    choices: ['user-provided'] as const,
    describe: 'Switch the controller to user-provided mode in the same run',
  },
  force: {
    type: 'boolean',
    default: false,
    describe: 'Write even when cert-manager owns the Secret',
  },
} as const satisfies Record<string, Options>;

export const modeOptions = {
  regenerate: {
    type: 'boolean',
    default: false,
    describe:
      'To self-signed: delete the user pair from the Secret (after the backup) so the controller makes a fresh one',
  },
  force: {
    type: 'boolean',
    default: false,
    describe:
      'Switch even when the Secret would not let the controller start (the rollback still guards it)',
  },
} as const satisfies Record<string, Options>;

export type ChangeFlags = InferredOptionTypes<typeof changeOptions>;
export type ImportFlags = InferredOptionTypes<typeof importOptions>;
export type ModeFlags = InferredOptionTypes<typeof modeOptions>;

export const rotateOptions = {
  ...pairFileOptions,
  'ca-cert': {
    type: 'string',
    describe:
      'User-provided mode: issue a new serving certificate from this CA, with the names and usages of the current one',
  },
  'ca-key': {
    type: 'string',
    describe:
      "That CA's private key (--key-passphrase-file if encrypted); read here, never written to the cluster",
  },
  'keep-key': {
    type: 'boolean',
    default: false,
    describe: 'With --ca-cert: keep the current key instead of making a new one',
  },
  'key-algorithm': {
    type: 'string',
    choices: ['rsa-2048', 'rsa-4096', 'ecdsa-p256'] as const,
    describe: 'With --ca-cert: the new key (default: the kind of the current key)',
  },
  validity: {
    type: 'string',
    default: '365d',
    describe: 'With --ca-cert: how long the new certificate is valid',
  },
} as const satisfies Record<string, Options>;

export type RotateFlags = InferredOptionTypes<typeof rotateOptions>;

export const versionOptions = {
  client: {
    type: 'boolean',
    default: false,
    describe: 'Print only the plugin version; do not contact the cluster',
  },
} as const satisfies Record<string, Options>;

export type VersionFlags = InferredOptionTypes<typeof versionOptions>;
