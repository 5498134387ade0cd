// Node's built-in modules that only some commands need, loaded when first
// used: require(), not import(), so the bundle runs from a code cache (a V8
// code cache cannot hold a dynamic import()).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * node:https: the HTTP/1.1 transport's requests, and the Agent that tells a direct connection from
 * a proxied one.
 */
export const https = () => load('node:https') as typeof import('node:https');
/** node:http, for requests to an API server that speaks plain http. */
export const http = () => load('node:http') as typeof import('node:http');
/** node:http2, for the HTTP/2 transport to the API server. */
export const http2 = () => load('node:http2') as typeof import('node:http2');
/** node:tls, which opens the HTTP/2 transport's connection and negotiates the protocol. */
export const tls = () => load('node:tls') as typeof import('node:tls');
/** node:child_process, for a kubeconfig's exec credential plugin. */
export const childProcess = () => load('node:child_process') as typeof import('node:child_process');
/** node:readline/promises, for the confirmation question of a change. */
export const readline = () =>
  load('node:readline/promises') as typeof import('node:readline/promises');
