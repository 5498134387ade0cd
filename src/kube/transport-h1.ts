// HTTP/1.1 requests on one keep-alive pool: client-node makes a new agent for
// every request, which would cost a TLS handshake each. A proxy agent (the
// kubeconfig's proxy-url) is kept as it is.
import type { Agent as HttpAgent } from 'node:http';
import * as builtins from '../io/builtins.ts';
import {
  HandshakeTimeoutError,
  RequestTimeoutError,
  handshakeBound,
  type Incoming,
  type Outgoing,
  type Transport,
} from './transport.ts';

/**
 * HTTP/1.1 with one keep-alive agent for every request, or the proxy agent the kubeconfig gives.
 */
export class Http1Transport implements Transport {
  private agent: HttpAgent | undefined;

  async exchange(request: Outgoing): Promise<Incoming> {
    const plain = request.url.startsWith('http:');
    const [https, http] = [builtins.https(), builtins.http()];
    const agent = this.pool(request.options.agent, https.Agent, http.Agent);
    const options = { ...request.options, method: request.method, headers: request.headers, agent };
    return new Promise((resolve, reject) => {
      const req = (plain ? http.request : https.request)(request.url, options, (response) =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: response,
          stop: () => req.destroy(),
        }),
      );
      if (request.timeoutMs > 0) {
        req.setTimeout(request.timeoutMs, () => req.destroy(new RequestTimeoutError()));
      }
      // A new connection is bounded by the handshake's timeout even when the request has none.
      req.on('socket', (socket) => {
        if (!socket.connecting || plain) return;
        const bound = handshakeBound(request.timeoutMs);
        const late = setTimeout(() => req.destroy(new HandshakeTimeoutError(bound)), bound);
        socket.once('secureConnect', () => clearTimeout(late));
        socket.once('close', () => clearTimeout(late));
      });
      req.on('error', reject);
      req.end(request.payload);
    });
  }

  close(): void {
    this.agent?.destroy();
  }

  private pool(
    given: Outgoing['options']['agent'],
    HttpsAgent: typeof import('node:https').Agent,
    PlainAgent: typeof HttpAgent,
  ): HttpAgent | undefined {
    if (this.agent) return this.agent;
    if (given instanceof HttpsAgent && given.constructor === HttpsAgent) {
      this.agent = new HttpsAgent({ ...given.options, keepAlive: true });
    } else if (given instanceof PlainAgent) {
      this.agent = given;
    }
    return this.agent;
  }
}
