// The flags that name and date a certificate (--dns-name, --ip-address,
// --cluster-domain, --validity), checked alike wherever a command takes them.
import { UsageError } from '../errors.ts';
import { parseDuration } from '../duration.ts';
import { canonicalIp, checkDnsName } from '../certs/subject-names.ts';
import { validityProblem } from '../certs/validity.ts';

/** --dns-name values without a trailing dot; an IP is refused with a pointer to --ip-address. */
export function dnsNamesFlag(values: readonly (string | number)[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const text = String(value);
    if (text === '') throw new UsageError('--dns-name needs a DNS name.');
    const checked = checkDnsName(text);
    if ('name' in checked) return checked.name;
    const hint = checked.ip
      ? `: pass it with --ip-address ${checked.ip} (clients never match an IP against a DNS name)`
      : '';
    throw new UsageError(`--dns-name ${JSON.stringify(text)} ${checked.problem}${hint}.`);
  });
}

/** --ip-address values, IPv4 or IPv6, in canonical form. */
export function ipAddressesFlag(values: readonly (string | number)[] | undefined): string[] {
  return (values ?? []).map((value) => {
    if (String(value) === '') throw new UsageError('--ip-address needs an IP address.');
    const ip = canonicalIp(String(value));
    if (ip === undefined)
      throw new UsageError(
        `--ip-address ${JSON.stringify(String(value))} is not an IPv4 or IPv6 address.`,
      );
    return ip;
  });
}

/** --cluster-domain without a trailing dot (cluster.local. is cluster.local). */
export function clusterDomainFlag(text: string): string;
export function clusterDomainFlag(text: string | undefined): string | undefined;
export function clusterDomainFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const checked = checkDnsName(text, false);
  if ('name' in checked) return checked.name;
  throw new UsageError(`--cluster-domain ${JSON.stringify(text)} is not a DNS domain.`);
}

/** A --validity of at least 1h that ends by year 9999, in ms. */
export function validityFlag(text: string, flag: string, now = new Date()): number {
  const ms = parseDuration(text, flag);
  if (ms < 3_600_000) throw new UsageError(`${flag} must be at least 1h.`);
  const problem = validityProblem(ms, now);
  if (problem) throw new UsageError(`${flag} ${text} ${problem}.`);
  return ms;
}
