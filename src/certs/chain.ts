// Chain building between certificates: does a leaf reach one of the trusted CAs
// through the intermediates given? Pure.
import type { Certificate } from './certificate.ts';

/** The path from the leaf up to a trusted CA, or as far as it got and why it stopped there. */
export type ChainResult =
  | { readonly ok: true; readonly chain: Certificate[] }
  | { readonly ok: false; readonly chain: Certificate[]; readonly reason: string };

const MAX_DEPTH = 10;

/**
 * Follows issuers from the leaf through the intermediates until a certificate among the roots
 * signed one (or is one); at most ten deep.
 */
export function buildChain(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  roots: readonly Certificate[],
): ChainResult {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (roots.some((root) => root.info.sha256 === current.info.sha256)) return { ok: true, chain };
    const root = roots.find((r) => current.isIssuedBy(r));
    if (root) return { ok: true, chain: [...chain, root] };
    const next = intermediates.find((c) => !chain.includes(c) && current.isIssuedBy(c));
    if (!next) {
      const wrongKey = [...roots, ...intermediates].some(
        (c) => c.info.subject === current.info.issuer,
      );
      return {
        ok: false,
        chain,
        reason: wrongKey
          ? `"${current.info.subject}" names issuer "${current.info.issuer}", but that CA's key did not sign it`
          : `no certificate given is the issuer "${current.info.issuer}" of "${current.info.subject}"`,
      };
    }
    chain.push(next);
    current = next;
  }
  return { ok: false, chain, reason: `the chain is longer than ${MAX_DEPTH} certificates` };
}
