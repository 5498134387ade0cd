// Stands in for the proxy agents client-node's KubeConfig imports (socks and
// hpagent): they are needed only for a kubeconfig with proxy-url, so the real
// ones load only when such an agent is made, not on every start.
export class SocksProxyAgent {
  constructor(...args) {
    const Real = require('socks-proxy-agent').SocksProxyAgent;
    return new Real(...args);
  }
}

export class HttpProxyAgent {
  constructor(...args) {
    const Real = require('hpagent').HttpProxyAgent;
    return new Real(...args);
  }
}

export class HttpsProxyAgent {
  constructor(...args) {
    const Real = require('hpagent').HttpsProxyAgent;
    return new Real(...args);
  }
}
