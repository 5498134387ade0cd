// Stands in for @kubernetes/client-node's generated API (gen/index.js) in the
// bundle. The plugin uses client-node only for its KubeConfig and PortForward;
// KubeConfig imports the generated API for makeApiClient alone, which the
// plugin never calls. Leaving it out takes 1.3 MiB off the bundle.
const unbundled = () => {
  throw new Error('the generated Kubernetes API client is not bundled with kubectl-antrea_certs');
};
export const createConfiguration = unbundled;
export class ServerConfiguration {
  constructor() {
    unbundled();
  }
}
