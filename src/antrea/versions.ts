// Which certificate behaviour an Antrea release has. (The testbed keeps its
// own table on purpose: it models the controller independently of the plugin.)

/** An Antrea release: the three numbers of its version, without any suffix. */
export interface Release {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses v2.7.0, 2.7.0, v1.12.3-abcdef; undefined for anything else (latest, a digest). */
export function parseRelease(version: string | undefined): Release | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  return match
    ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) }
    : undefined;
}

const FIRST_PERSISTING_PATCH: Record<number, number> = { 13: 4, 14: 3, 15: 1 };

/** v2.0+, v1.13.4+, v1.14.3+, v1.15.1+ keep the self-signed pair in the Secret. */
export function persistsSelfSignedPair(r: Release): boolean {
  if (r.major !== 1) return r.major > 1;
  if (r.minor > 15) return true;
  const patch = FIRST_PERSISTING_PATCH[r.minor];
  return patch !== undefined && r.patch >= patch;
}

/** From v1.12 the controller selects CA consumers by label. */
export const selectsConsumersByLabel = (r: Release) =>
  r.major > 1 || (r.major === 1 && r.minor >= 12);

/**
 * v1.13.4, v1.14.3 and v1.15.1 also set the type of the Secret they rewrite to kubernetes.io/tls,
 * which the API server refuses for an Opaque one (the type is immutable): a switch to self-signed
 * fails there. Fixed by antrea-io/antrea#6205 in v1.15.2 and v2.0.0 (no later 1.13 or 1.14 release).
 */
export const rewritesSecretType = (r: Release) =>
  persistsSelfSignedPair(r) && r.major === 1 && (r.minor < 15 || (r.minor === 15 && r.patch < 2));
