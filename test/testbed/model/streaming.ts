// The kubelet's streaming server, for port-forward only: kube-apiserver proxies
// GET /api/v1/namespaces/NS/pods/POD/portforward (a WebSocket upgrade) to
// https://NODE:10250/portForward/NS/POD. The channel protocol is the kubelet's
// (v4.channel.k8s.io): each binary message starts with its channel, data on
// channel 0 and errors on channel 1, and each channel opens with the port as
// two little-endian bytes. The connection goes to the controller model's
// server, where the Pod's container would listen.
import { createServer, type Server } from 'node:https';
import { connect } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { generateSelfSignedPair } from './selfsigned.ts';
import { log } from './kube.ts';

export const KUBELET_PORT = 10250;
const PROTOCOL = 'v4.channel.k8s.io';

export class StreamingServer {
  private server: Server | undefined;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
  });

  /** `runs(namespace, pod)` says whether that Pod's container runs here. */
  constructor(
    private readonly address: string,
    private readonly target: { host: string; port: number },
    private readonly runs: (namespace: string, pod: string) => boolean,
  ) {}

  async listen(): Promise<void> {
    const pair = await generateSelfSignedPair('kubelet');
    const server = createServer({ cert: pair.certPem, key: pair.keyPem }, (_req, res) => {
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const [, kind, namespace = '', pod = ''] = url.pathname.split('/');
      const port = Number(url.searchParams.get('port') ?? url.searchParams.get('ports'));
      if (kind !== 'portForward' || !this.runs(namespace, pod) || !(port > 0 && port < 65536)) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(req, socket, head, (ws) =>
        this.forward(ws, port, `${namespace}/${pod}`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(KUBELET_PORT, this.address, () => resolve());
    });
    this.server = server;
  }

  close(): void {
    this.sockets.close();
    this.server?.close();
  }

  private forward(ws: WebSocket, port: number, pod: string): void {
    const prefix = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), prefix]));
    ws.send(Buffer.concat([Buffer.from([1]), prefix]));
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('data', (data) => ws.send(Buffer.concat([Buffer.from([0]), data])));
    upstream.on('error', (error) => {
      ws.send(
        Buffer.concat([
          Buffer.from([1]),
          Buffer.from(`port-forward to ${pod}:${port}: ${error.message}`),
        ]),
      );
      ws.close();
    });
    upstream.on('close', () => ws.close());
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary && data[0] === 0 && data.length > 1) upstream.write(data.subarray(1));
    });
    ws.on('close', () => upstream.destroy());
    log(`port-forward to ${pod}:${port}`);
  }
}
