// Stands in for node-fetch in the bundle: client-node's KubeConfig uses only
// its Headers (in applyToFetchOptions, which the plugin never calls); Node has
// its own. Leaving node-fetch out drops whatwg-url and tr46 (300 KiB). Node's
// own are looked up only when called: touching them loads undici.
export function Headers(init) {
  return new globalThis.Headers(init);
}
export default function fetch(...args) {
  return globalThis.fetch(...args);
}
