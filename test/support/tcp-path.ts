// A TCP path to the API server that a test or bench controls, as a load
// balancer in front of it would be: cut it (every connection dropped, new ones
// refused), or let it lose connections silently. A connection's end travels
// through as it came: a FIN as a FIN, a reset as a reset; with `silent`, a
// connection whose server side ended stays open and mute on the client's side,
// as a load balancer or a NAT that forgot it leaves it.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpPath {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: number,
    private readonly options: { silent?: boolean } = {},
  ) {}

  /** Accepts connections again (after cut()). */
  open(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
  }

  /** Every connection dropped, new ones refused. */
  cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1');
    let established = false;
    upstream.once('connect', () => (established = true));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client, { end: !this.options.silent });
    // pipe() passes on a FIN, not a reset: a side that closed on an error resets the other.
    client.once('close', () => upstream.destroy());
    upstream.once('close', (hadError) => {
      if (this.options.silent && established) client.unpipe();
      else if (hadError || !established) client.destroy();
    });
  }
}
