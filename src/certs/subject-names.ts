// The names a serving certificate is issued for, as an admin types them: DNS
// names (a trailing dot dropped, as the cluster domain's) and IP addresses,
// kept apart because Go's hostname check never matches an IP against a DNS
// name.
import { formatIp, parseIp } from '../ip.ts';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const MAX_DNS_NAME = 253;

/** A DNS name as written in a certificate (no trailing dot), or why the text is not one. */
export type DnsNameCheck =
  { readonly name: string } | { readonly problem: string; readonly ip?: string };

/** Whether `text` is a DNS name (a `*.` first label when `wildcard`); an IP is named as one. */
export function checkDnsName(text: string, wildcard = true): DnsNameCheck {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const ip = parseIp(name);
  if (ip) return { problem: 'is an IP address, not a DNS name', ip: formatIp(ip) };
  if (/^[\d.]+$/.test(name) || name.includes(':'))
    return { problem: 'is neither a DNS name nor an IP address' };
  const labels = name.split('.');
  const first = wildcard && labels[0] === '*' ? labels.slice(1) : labels;
  if (!name || name.length > MAX_DNS_NAME || !first.length || !first.every((l) => LABEL.test(l)))
    return { problem: 'is not a DNS name' };
  return { name: name.toLowerCase() };
}

/** An IPv4 or IPv6 address in its canonical text, or undefined for anything else. */
export function canonicalIp(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes ? formatIp(bytes) : undefined;
}

/** The DNS names of a certificate that are IP addresses in text (clients by IP never match them). */
export const dnsNamesThatAreIps = (dnsNames: readonly string[]) =>
  dnsNames.filter((name) => parseIp(name) !== undefined);
