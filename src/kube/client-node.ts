// The one door to @kubernetes/client-node. The plugin takes its kubeconfig
// loader and its port-forward from the package's dist/ modules, not from its
// index, which would load every generated API client at start (the bundle's
// start time); the package exports no map for them, so a release may move
// them. test/unit/kube/client-node.test.ts fails, naming what moved, if the
// installed version no longer has what is used here.
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';
import { FileAuth } from '@kubernetes/client-node/dist/file_auth.js';

export { KubeConfig };
export type { Cluster, Context, User } from '@kubernetes/client-node/dist/config_types.js';

/** The kubeconfig methods the plugin calls (the unit test checks that each exists). */
export const KUBECONFIG_METHODS = [
  'loadFromFile',
  'loadFromCluster',
  'loadFromOptions',
  'getClusters',
  'getUsers',
  'getContexts',
  'getCurrentContext',
  'applyToHTTPSOptions',
] as const;

/**
 * Puts the plugin's authenticators in the place of client-node's ExecAuth (exec plugins) and
 * FileAuth (tokenFile) among a KubeConfig's authenticators.
 */
export function replaceAuthenticators(
  config: KubeConfig,
  auth: { readonly exec: object; readonly tokenFile: object },
): void {
  const holder = config as unknown as { authenticators: unknown[] };
  holder.authenticators = holder.authenticators.map((a) =>
    a instanceof ExecAuth ? auth.exec : a instanceof FileAuth ? auth.tokenFile : a,
  );
}

/** client-node's PortForward (over a WebSocket), loaded only when a command forwards a port. */
export const loadPortForward = async () =>
  (await import('@kubernetes/client-node/dist/portforward.js')).PortForward;
