// A port-forward to a Pod through the API server (pods/portforward, over a
// WebSocket), with client-node's PortForward and the --as impersonation added.
// Loaded only by the waits that check what the controller serves.
import { Duplex, PassThrough } from 'node:stream';
import type { RequestOptions } from 'node:https';
import { loadPortForward, type KubeConfig } from './client-node.ts';
import { StatusError } from './http.ts';
import { translate, type RequestDescription } from './errors.ts';
import type { Client } from './client.ts';
import type { LoadedConfig } from './kubeconfig.ts';

/** The Pod and port a port-forward reaches. */
export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

/**
 * Opens a port-forward as the user the kubeconfig and --as make it; a refused WebSocket upgrade
 * becomes the same typed error as a refused request.
 */
export async function openPortForward(
  client: Client,
  loaded: LoadedConfig,
  { namespace, pod, port }: PortForwardTarget,
): Promise<{ stream: Duplex; close(): void }> {
  const what: RequestDescription = {
    verb: 'create',
    resource: 'pods/portforward',
    name: pod,
    namespace,
  };
  const fromPod = new PassThrough();
  const toPod = new PassThrough();
  const errors = new PassThrough();
  client.http.requestCount++;
  const path = `/api/v1/namespaces/${namespace}/pods/${pod}/portforward?ports=${port}`;
  client.http.log(`PORT-FORWARD ${client.http.url(path)}`);
  const PortForward = await loadPortForward();
  let socket: { close(): void };
  try {
    const forward = new PortForward(
      impersonating(loaded.config, client.http.impersonation()),
      true,
    );
    socket = (await forward.portForward(namespace, pod, [port], fromPod, errors, toPod)) as {
      close(): void;
    };
  } catch (error) {
    // The WebSocket handshake reports a refused upgrade as "Unexpected server response: 403".
    const message = (error as { message?: string }).message ?? '';
    const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
    throw translate(status ? new StatusError(Number(status), '') : error, what, client);
  }
  errors.on('data', (chunk: Buffer) => fromPod.destroy(new Error(chunk.toString().trim())));
  return {
    stream: Duplex.from({ readable: fromPod, writable: toPod }),
    close: () => socket.close(),
  };
}

/** The kubeconfig as client-node's WebSocket client reads it, plus the impersonation headers. */
function impersonating(config: KubeConfig, headers: Record<string, string | string[]>): KubeConfig {
  const adapted = Object.create(config) as KubeConfig;
  adapted.applyToHTTPSOptions = async (options) => {
    await config.applyToHTTPSOptions(options);
    const given = (options as RequestOptions).headers;
    Object.assign(options, { headers: { ...given, ...headers } });
  };
  return adapted;
}
