// Where the new certificate will be served: the Antrea namespace and the
// cluster DNS domain, read from the cluster unless --offline (or given).
import type { CommandContext } from '../../framework/context.ts';
import { readClusterDomain, type ClusterDomainRead } from '../../read/cluster-domain.ts';
import { locateController } from '../../read/snapshot.ts';
import { DEFAULT_NAMESPACE } from '../../antrea/names.ts';
import { ConnectionError, KubeconfigError, UnavailableError } from '../../errors.ts';
import type { GenerateOptions } from './command.ts';

/** The namespace and cluster domain, and where each came from (for the report and the notes). */
export interface ServiceNames {
  readonly namespace: string;
  readonly namespaceSource: string;
  readonly clusterDomain: string;
  readonly clusterDomainSource: string;
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
const fallbackNote = (why: string) =>
  `the cluster DNS domain was not found (${why}); ` +
  `using ${DEFAULT_CLUSTER_DOMAIN}: pass --cluster-domain if your cluster uses another.`;

const OFFLINE_NOTE = `--offline without --cluster-domain: using ${DEFAULT_CLUSTER_DOMAIN}: pass --cluster-domain if your cluster uses another.`;

/** The cluster domain from --cluster-domain, else from `read`, else cluster.local with a note. */
export function domainFrom(
  ctx: CommandContext,
  options: GenerateOptions,
  read: ClusterDomainRead | undefined,
): Pick<ServiceNames, 'clusterDomain' | 'clusterDomainSource'> {
  if (options.clusterDomain) {
    return { clusterDomain: options.clusterDomain, clusterDomainSource: '--cluster-domain' };
  }
  if (read && 'domain' in read)
    return { clusterDomain: read.domain, clusterDomainSource: read.source };
  ctx.note(`Note: ${read ? fallbackNote(read.why) : OFFLINE_NOTE}`);
  return { clusterDomain: DEFAULT_CLUSTER_DOMAIN, clusterDomainSource: 'default' };
}

const unreachable = (error: unknown) =>
  error instanceof ConnectionError ||
  error instanceof UnavailableError ||
  error instanceof KubeconfigError;

/** Offline: -n and --cluster-domain, or their defaults. */
function offlineNames(ctx: CommandContext, options: GenerateOptions): ServiceNames {
  const namespace = ctx.flags.namespace ?? DEFAULT_NAMESPACE;
  return {
    namespace,
    namespaceSource: ctx.flags.namespace ? '-n' : 'default',
    ...domainFrom(ctx, options, undefined),
  };
}

/**
 * Reads what it can in one parallel round: the namespace of antrea-controller (unless -n) and the
 * cluster domain (unless --cluster-domain); nothing when both were given.
 */
export async function readServiceNames(
  ctx: CommandContext,
  options: GenerateOptions,
): Promise<ServiceNames> {
  const namespaceFlag = ctx.flags.namespace;
  // Nothing to read when both are given: a cluster that cannot be reached does not matter then.
  if (options.offline || (namespaceFlag && options.clusterDomain))
    return offlineNames(ctx, options);
  let found: Awaited<ReturnType<typeof locateController>>;
  let domain: ClusterDomainRead | undefined;
  try {
    const client = await ctx.connect();
    [found, domain] = await Promise.all([
      namespaceFlag ? undefined : locateController(client),
      options.clusterDomain ? undefined : readClusterDomain(client),
    ]);
  } catch (error) {
    if (error instanceof Error && unreachable(error)) {
      error.message = `${error.message.replace(/\.$/, '')}; to generate without a cluster, pass --offline.`;
    }
    throw error;
  }
  const namespace = namespaceFlag ?? found?.metadata?.namespace ?? DEFAULT_NAMESPACE;
  if (!namespaceFlag && !found) {
    ctx.note(
      `Note: no antrea-controller Deployment is visible; the names are for namespace ${namespace} (pass -n for another).`,
    );
  }
  return {
    namespace,
    namespaceSource: namespaceFlag ? '-n' : found ? 'found' : 'default',
    ...domainFrom(ctx, options, domain),
  };
}
