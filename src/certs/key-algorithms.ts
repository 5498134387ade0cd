// The keys the plugin makes: what Go's TLS server and the API server's
// aggregator both accept. A module of its own, with no imports, so that the
// flags of generate and rotate name them without loading certificate code.

/** A key the plugin can make. */
export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ecdsa-p256' | 'ecdsa-p384';

/** Every key the plugin can make, in the order help lists them. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'ecdsa-p256',
  'ecdsa-p384',
];
