// Node's built-in modules that only some commands need, loaded when first
// used: require(), not import(), so the bundle runs from a code cache (a V8
// code cache cannot hold a dynamic import()).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const https = () => load('node:https') as typeof import('node:https');
export const http = () => load('node:http') as typeof import('node:http');
export const http2 = () => load('node:http2') as typeof import('node:http2');
export const tls = () => load('node:tls') as typeof import('node:tls');
export const readline = () =>
  load('node:readline/promises') as typeof import('node:readline/promises');
