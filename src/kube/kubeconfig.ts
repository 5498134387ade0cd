// Loading the kubeconfig as kubectl does: --kubeconfig, else every file in
// KUBECONFIG merged first-file-wins, else ~/.kube/config, else in-cluster;
// then kubectl's connection flags override what the context says. Never a
// silent fallback to localhost:8080.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from './client-node.ts';
import { CredentialError, KubeconfigError, UsageError, errorCode, messageOf } from '../errors.ts';
import { kubeconfigFiles } from './kubeconfig-files.ts';
import { proxyEnvOf, proxyFor, type ProxyEnv } from './proxy-env.ts';
import { userExtrasOf, type UserExtras } from './kubeconfig-users.ts';

/** kubectl's connection flags as given on the command line (declared for the parser in framework/global-flags.ts). */
export interface ConnectionFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly cluster?: string;
  readonly user?: string;
  readonly server?: string;
  readonly token?: string;
  readonly as?: string;
  /** Given once or more (yargs makes a repeated string flag an array). */
  readonly 'as-group'?: string | readonly string[];
  readonly 'certificate-authority'?: string;
  readonly 'client-certificate'?: string;
  readonly 'client-key'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'tls-server-name'?: string;
  readonly 'request-timeout': string;
}

/**
 * The connection one context describes, with kubectl's flags applied: what every request and
 * port-forward authenticates with.
 */
export interface LoadedConfig {
  readonly config: KubeConfig;
  /** Where it came from, for messages: file paths, "in-cluster" or "flags". */
  readonly source: string;
  readonly contextName: string;
  readonly server: string;
  readonly impersonate: Impersonation;
}

/** Who every request acts as: --as and --as-group, else the kubeconfig's as, as-groups, as-user-extra. */
export interface Impersonation {
  readonly user?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

type Env = Record<string, string | undefined>;

interface Sources {
  readonly files: string[];
  readonly inCluster: boolean;
}

function findSources(flags: ConnectionFlags, env: Env): Sources {
  const candidates = kubeconfigFiles(flags, env);
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig))
      throw new KubeconfigError(
        `the kubeconfig file ${flags.kubeconfig} given with --kubeconfig does not exist.`,
      );
    return { files: candidates, inCluster: false };
  }
  if (env.KUBECONFIG) {
    const files = candidates.filter((f) => existsSync(f));
    if (files.length === 0 && !flags.server) {
      throw new KubeconfigError(
        `none of the files in KUBECONFIG (${env.KUBECONFIG}) exists; fix KUBECONFIG or pass --kubeconfig.`,
      );
    }
    return { files, inCluster: false };
  }
  const home = candidates.filter((f) => existsSync(f));
  if (home.length) return { files: home, inCluster: false };
  const inCluster = Boolean(
    env.KUBERNETES_SERVICE_HOST &&
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'),
  );
  if (!inCluster && !flags.server) {
    throw new KubeconfigError(
      'no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config (the plugin uses the same configuration as kubectl).',
    );
  }
  return { files: [], inCluster };
}

interface LoadedFile {
  readonly config: KubeConfig;
  readonly extras: Map<string, UserExtras>;
}

function loadFile(file: string): LoadedFile {
  const config = new KubeConfig();
  try {
    // An empty file is an empty kubeconfig to kubectl (client-node fails on it with a TypeError).
    const text = readFileSync(file, 'utf8');
    if (text.trim() === '') return { config, extras: new Map() };
    config.loadFromFile(file);
    return { config, extras: userExtrasOf(text, file) };
  } catch (error) {
    throw new KubeconfigError(
      `the kubeconfig file ${file} cannot be read: ${messageOf(error).split('\n')[0]}.`,
    );
  }
}

/** kubectl's merge: the first file that defines a name wins; the first current-context wins. */
function merge(files: readonly LoadedFile[]): {
  clusters: Cluster[];
  users: User[];
  userExtras: Map<string, UserExtras>;
  contexts: Context[];
  currentContext: string;
} {
  const configs = files.map((f) => f.config);
  const userExtras = new Map<string, UserExtras>();
  for (const [name, extras] of files.flatMap((f) => [...f.extras]))
    if (!userExtras.has(name)) userExtras.set(name, extras);
  const firstByName = <T extends { name: string }>(lists: T[][]) => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  return {
    clusters: firstByName(configs.map((c) => c.getClusters())),
    users: firstByName(configs.map((c) => c.getUsers())),
    userExtras,
    contexts: firstByName(configs.map((c) => c.getContexts())),
    currentContext: configs.map((c) => c.getCurrentContext()).find((name) => name) ?? '',
  };
}

function requireFile(path: string | undefined, flag: string): string | undefined {
  if (path !== undefined && !existsSync(path))
    throw new KubeconfigError(`the file ${path} given with ${flag} does not exist.`);
  return path;
}

/** The merged kubeconfig files (or the in-cluster configuration), read once. */
export interface Kubeconfig {
  readonly base: ReturnType<typeof merge>;
  /** Where it came from, for messages. */
  readonly source: string;
  /** It is the in-cluster configuration (a Pod's ServiceAccount), which names no context. */
  readonly inCluster: boolean;
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY, for a cluster without proxy-url. */
  readonly proxyEnv: ProxyEnv;
}

/** The flags that cannot go together, checked before anything is read. */
function checkConnectionFlags(flags: ConnectionFlags): void {
  if (Array.isArray(flags.context)) {
    throw new UsageError(
      '--context can be given once here; status and verify take it more than once (or --all-contexts).',
    );
  }
  if (flags['insecure-skip-tls-verify'] && flags['certificate-authority']) {
    throw new UsageError(
      '--insecure-skip-tls-verify and --certificate-authority cannot be used together (as with kubectl).',
    );
  }
}

/** Reads the kubeconfig files kubectl would read, merged as kubectl merges them. */
export function readKubeconfig(flags: ConnectionFlags, env: Env = process.env): Kubeconfig {
  checkConnectionFlags(flags);
  const sources = findSources(flags, env);
  let base: ReturnType<typeof merge>;
  let source: string;
  if (sources.inCluster && sources.files.length === 0) {
    const config = new KubeConfig();
    config.loadFromCluster();
    base = merge([{ config, extras: new Map() }]);
    source = 'in-cluster configuration';
  } else {
    base = merge(sources.files.map(loadFile));
    source = sources.files.length ? sources.files.join(delimiter) : 'command-line flags';
  }

  const inCluster = sources.inCluster && sources.files.length === 0;
  return { base, source, inCluster, proxyEnv: proxyEnvOf(env) };
}

/** A client certificate or key file that cannot be read is the credentials' fault, not the server's. */
function checkCredentialFile(file: string, field: string, context: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new CredentialError(
      `the ${field} file ${file} of context "${context}" cannot be read ` +
        `(${errorCode(error) ?? 'error'}); fix users[].user.${field} in the kubeconfig.`,
    );
  }
}

/** The names of the contexts in the kubeconfig, in the order kubectl lists them. */
export const contextNames = (kubeconfig: Kubeconfig): string[] =>
  kubeconfig.base.contexts.map((c) => c.name);

/**
 * Reads the kubeconfig as kubectl would and picks the connection of the current context, or of
 * --context.
 */
export function loadKubeconfig(flags: ConnectionFlags, env: Env = process.env): LoadedConfig {
  return configFor(readKubeconfig(flags, env), flags);
}

/** The connection one context (or the flags) describe, with kubectl's overrides applied. */
export function configFor(
  { base, source, proxyEnv }: Kubeconfig,
  flags: ConnectionFlags,
): LoadedConfig {
  const contextName = flags.context ?? base.currentContext;
  let context: Context | undefined;
  if (contextName) {
    context = base.contexts.find((c) => c.name === contextName);
    if (!context && (flags.context || !flags.server)) {
      const known = base.contexts.map((c) => c.name).join(', ') || 'none';
      throw new KubeconfigError(
        `context "${contextName}" is not in ${source} (contexts there: ${known}); pick one with --context.`,
      );
    }
  } else if (!flags.server) {
    throw new KubeconfigError(
      `${source} sets no current context; pass --context (kubectl config get-contexts lists them) or --server.`,
    );
  }

  const clusterName = flags.cluster ?? context?.cluster;
  const baseCluster = clusterName ? base.clusters.find((c) => c.name === clusterName) : undefined;
  if (clusterName && !baseCluster && !flags.server) {
    throw new KubeconfigError(
      `cluster "${clusterName}" is not in ${source}; fix the context or pass --cluster.`,
    );
  }
  const userName = flags.user ?? context?.user;
  const baseUser = userName ? base.users.find((u) => u.name === userName) : undefined;
  if (flags.user && !baseUser)
    throw new KubeconfigError(`user "${flags.user}" is not in ${source}; pick one with --user.`);

  const server = flags.server ?? baseCluster?.server;
  if (!server)
    throw new KubeconfigError(
      `cluster "${clusterName}" in ${source} has no server address; pass --server.`,
    );
  const caFile = requireFile(flags['certificate-authority'], '--certificate-authority');
  const url = /^https?:\/\//.test(server) ? server : `https://${server}`;
  const proxyUrl = baseCluster?.proxyUrl ?? proxyFor(url, proxyEnv);
  const cluster: Cluster = {
    name: clusterName ?? 'antrea-certs',
    server: url,
    skipTLSVerify: flags['insecure-skip-tls-verify'] ?? baseCluster?.skipTLSVerify ?? false,
    ...(caFile
      ? { caFile }
      : flags['insecure-skip-tls-verify']
        ? {}
        : { caData: baseCluster?.caData, caFile: baseCluster?.caFile }),
    ...((flags['tls-server-name'] ?? baseCluster?.tlsServerName)
      ? { tlsServerName: flags['tls-server-name'] ?? baseCluster?.tlsServerName }
      : {}),
    ...(proxyUrl ? { proxyUrl } : {}),
  };

  const certFile = requireFile(flags['client-certificate'], '--client-certificate');
  const keyFile = requireFile(flags['client-key'], '--client-key');
  const named = contextName || '(flags)';
  const extras = userName ? base.userExtras.get(userName) : undefined;
  const tokenFile = flags.token ? undefined : extras?.tokenFile;
  const provider = flags.token ? undefined : extras?.authProvider;
  if (provider !== undefined && provider !== 'oidc') throw unsupportedProvider(provider, named);
  const user: User = {
    ...(flags.token ? {} : baseUser),
    name: userName ?? 'antrea-certs',
    ...(flags.token ? { token: flags.token } : {}),
    // tokenFile wins over token and is read again every minute, as client-go does.
    ...(tokenFile
      ? { token: undefined, authProvider: { name: 'tokenFile', config: { tokenFile } } }
      : {}),
    // The plugin sends the impersonation headers itself (impersonationOf), groups and extra too.
    impersonateUser: undefined,
    ...(extras?.execCommand && baseUser?.exec && !flags.token
      ? { exec: { ...(baseUser.exec as object), command: extras.execCommand } }
      : {}),
    ...(certFile ? { certFile, certData: undefined } : {}),
    ...(keyFile ? { keyFile, keyData: undefined } : {}),
  };

  for (const [file, field] of [
    [user.certFile, 'client-certificate'],
    [user.keyFile, 'client-key'],
    [tokenFile, 'tokenFile'],
  ] as const)
    if (file) checkCredentialFile(file, field, named);

  const config = new KubeConfig();
  const effectiveContext = 'antrea-certs';
  config.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: effectiveContext, cluster: cluster.name, user: user.name }],
    currentContext: effectiveContext,
  });
  return {
    config,
    source,
    contextName: contextName || '(flags)',
    server: cluster.server,
    impersonate: impersonationOf(flags, baseUser?.impersonateUser, extras, userName ?? named),
  };
}

/**
 * Who the requests act as: --as and --as-group (repeatable) override the kubeconfig's as and
 * as-groups; as-user-extra comes from the kubeconfig. Groups or extra need a user, as in kubectl.
 */
function impersonationOf(
  flags: ConnectionFlags,
  kubeconfigAs: string | undefined,
  extras: UserExtras | undefined,
  userName: string,
): Impersonation {
  const flagGroups = [flags['as-group'] ?? []].flat().map(String);
  const user = flags.as ?? kubeconfigAs ?? undefined;
  const groups = flagGroups.length ? flagGroups : [...(extras?.asGroups ?? [])];
  const extra = extras?.asUserExtra ?? {};
  if (!user && flagGroups.length)
    throw new UsageError(
      '--as-group needs --as: impersonating groups requires impersonating a user (as with kubectl).',
    );
  if (!user && (groups.length || Object.keys(extra).length))
    throw new KubeconfigError(
      `user "${userName}" sets as-groups or as-user-extra without as: impersonating them requires ` +
        'impersonating a user (kubectl refuses it too); add as, or remove them.',
    );
  return { ...(user ? { user } : {}), groups, extra };
}

/** An auth-provider the plugin does not run: one sentence naming it and what to use instead. */
function unsupportedProvider(provider: string, context: string): CredentialError {
  const instead =
    provider === 'gcp'
      ? 'the exec plugin gke-gcloud-auth-plugin'
      : provider === 'azure'
        ? 'the exec plugin kubelogin'
        : 'an exec credential plugin';
  return new CredentialError(
    `users[].user.auth-provider "${provider}" of context "${context}" is not supported by ` +
      `kubectl antrea-certs (kubectl 1.26 and later run only oidc); use ${instead}.`,
  );
}
