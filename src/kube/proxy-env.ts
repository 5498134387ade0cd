// The proxy for the API server from the environment, decided as kubectl does
// (client-go's http.ProxyFromEnvironment, golang.org/x/net/http/httpproxy):
// HTTPS_PROXY for https and HTTP_PROXY for http (upper case first), never for
// localhost or a loopback address, and not for what NO_PROXY matches: "*",
// a domain and its subdomains (a leading "." or "*." matches subdomains only),
// an IP, a CIDR, each with an optional port. A kubeconfig's proxy-url wins
// over all of it (configFor). proxy-from-env, the usual library, has no CIDRs
// and proxies loopback, hence this file.
import { isIP } from 'node:net';
import { parseIp } from '../ip.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The proxy settings of an environment, read once. */
export interface ProxyEnv {
  readonly https?: string;
  readonly http?: string;
  readonly noProxy: readonly string[];
}

const first = (env: Env, ...names: string[]) =>
  names.map((n) => env[n]).find((v) => v !== undefined && v !== '');

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case forms) of `env`. */
export function proxyEnvOf(env: Env): ProxyEnv {
  const https = first(env, 'HTTPS_PROXY', 'https_proxy');
  const http = first(env, 'HTTP_PROXY', 'http_proxy');
  const noProxy = (first(env, 'NO_PROXY', 'no_proxy') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return { ...(https ? { https } : {}), ...(http ? { http } : {}), noProxy };
}

/** The proxy URL for `url` (http:// added when the setting has no scheme), or undefined. */
export function proxyFor(url: string, env: ProxyEnv): string | undefined {
  const proxy = url.startsWith('https:') ? env.https : env.http;
  if (!proxy) return undefined;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined; // A server that is not a URL fails on its own, with its own words.
  }
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (!useProxy(host, port, env.noProxy)) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

function useProxy(host: string, port: string, noProxy: readonly string[]): boolean {
  if (host === 'localhost') return false;
  const ip = isIP(host) ? host : undefined;
  if (ip && isLoopback(ip)) return false;
  for (const entry of noProxy) {
    if (entry === '*') return false;
    const cidr = /^(.+)\/(\d+)$/.exec(entry);
    if (cidr) {
      if (ip && inCidr(ip, cidr[1] ?? '', Number(cidr[2]))) return false;
      continue;
    }
    const [entryHost, entryPort] = splitHostPort(entry);
    if (entryPort && entryPort !== port) continue;
    if (isIP(entryHost)) {
      if (ip && sameIp(ip, entryHost)) return false;
      continue;
    }
    const domain = entryHost.replace(/^\*\./, '.');
    // "example.com" matches itself and its subdomains; ".example.com" its subdomains only.
    if (host.endsWith(domain.startsWith('.') ? domain : `.${domain}`)) return false;
    if (!domain.startsWith('.') && host === domain) return false;
  }
  return true;
}

/** "host:port", "[v6]:port", "v6" or "host" as host and port. */
function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? '', bracketed[2]];
  if (isIP(entry) === 6) return [entry, undefined];
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort ? [withPort[1] ?? '', withPort[2]] : [entry, undefined];
}

/** An address as 16 bytes (IPv4 as ::ffff:a.b.c.d, as Go compares them). */
function bytesOf(ip: string): Buffer {
  const bytes = parseIp(ip) ?? Buffer.alloc(16);
  return bytes.length === 4 ? Buffer.concat([V4_IN_V6, bytes]) : bytes;
}

const V4_IN_V6 = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255]);
const sameIp = (a: string, b: string) => bytesOf(a).equals(bytesOf(b));

function inCidr(ip: string, network: string, bits: number): boolean {
  if (!isIP(network) || isIP(ip) !== isIP(network)) return false;
  const prefix = isIP(network) === 4 ? bits + 96 : bits;
  const [a, b] = [bytesOf(ip), bytesOf(network)];
  const bit = (buf: Buffer, i: number) => ((buf[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
  for (let i = 0; i < prefix && i < 128; i++) if (bit(a, i) !== bit(b, i)) return false;
  return true;
}

function isLoopback(ip: string): boolean {
  const bytes = bytesOf(ip);
  if (bytes.subarray(0, 12).equals(V4_IN_V6)) return bytes[12] === 127;
  return bytes.equals(Buffer.from([...Array<number>(15).fill(0), 1]));
}
