// The cluster DNS domain, read from the cluster DNS server's own settings:
// CoreDNS's Corefile (its kubernetes plugin line), or kube-dns's --domain.
import type { Client } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { ForbiddenError } from '../errors.ts';

/** A cluster domain and where it was read. */
export interface ClusterDomain {
  readonly domain: string;
  readonly source: string;
}

/** A cluster domain, or why none was found (in the words of "not found (...)"). */
export type ClusterDomainRead = ClusterDomain | { readonly why: string };

const DNS_NAMESPACE = 'kube-system';
const REVERSE_ZONE = /(^|\.)(in-addr|ip6)\.arpa\.?$/;

/** The first forward zone of the kubernetes plugin in a Corefile (e.g. cluster.local); undefined without one. */
export function domainFromCorefile(corefile: string): string | undefined {
  for (const line of corefile.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'kubernetes') continue;
    const zone = words.slice(1).find((w) => w !== '{' && !REVERSE_ZONE.test(w));
    if (zone && /^[a-z0-9.-]+$/i.test(zone)) return zone.replace(/\.$/, '');
  }
  return undefined;
}

/** kube-dns's --domain flag (e.g. --domain=cluster.local.). */
export function domainFromKubeDnsArgs(args: readonly string[]): string | undefined {
  for (const arg of args) {
    const match = /^--domain=(\S+)$/.exec(arg);
    if (match?.[1]) return match[1].replace(/\.$/, '');
  }
  return undefined;
}

/** Not there or not readable: the read only adds detail. */
async function absentIfRefused<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error) || error instanceof ForbiddenError) return undefined;
    throw error;
  }
}

/** Reads CoreDNS's ConfigMap and kube-dns's Deployment in parallel; why not when neither names a domain. */
export async function readClusterDomain(client: Client): Promise<ClusterDomainRead> {
  const [coredns, kubeDns] = await Promise.all([
    absentIfRefused(client.configMaps(DNS_NAMESPACE).get('coredns')),
    absentIfRefused(client.deployments(DNS_NAMESPACE).get('kube-dns')),
  ]);
  const args = (kubeDns?.spec?.template?.spec?.containers ?? []).flatMap((c) => c.args ?? []);
  return clusterDomainOf(coredns?.data?.Corefile, args);
}

/** The domain CoreDNS's Corefile or kube-dns's args name, or why neither does. */
export function clusterDomainOf(
  corefile: string | undefined,
  kubeDnsArgs: readonly string[],
): ClusterDomainRead {
  const fromCorefile = domainFromCorefile(corefile ?? '');
  if (fromCorefile) {
    return { domain: fromCorefile, source: `ConfigMap ${DNS_NAMESPACE}/coredns (Corefile)` };
  }
  const fromKubeDns = domainFromKubeDnsArgs(kubeDnsArgs);
  if (fromKubeDns) {
    return { domain: fromKubeDns, source: `Deployment ${DNS_NAMESPACE}/kube-dns (--domain)` };
  }
  return corefile
    ? {
        why: `the Corefile of ConfigMap ${DNS_NAMESPACE}/coredns has no kubernetes plugin line with a zone`,
      }
    : { why: 'no CoreDNS Corefile or kube-dns --domain is readable' };
}
