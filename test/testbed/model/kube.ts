// Kubernetes clients and the error handling the model shares.
import * as https from 'node:https';
import * as k8s from '@kubernetes/client-node';

export interface Clients {
  readonly config: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly registration: k8s.ApiregistrationV1Api;
  readonly admission: k8s.AdmissionregistrationV1Api;
  readonly extensions: k8s.ApiextensionsV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly coordination: k8s.CoordinationV1Api;
}

export function clients(kubeconfig: string): Clients {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  return {
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    registration: config.makeApiClient(k8s.ApiregistrationV1Api),
    admission: config.makeApiClient(k8s.AdmissionregistrationV1Api),
    extensions: config.makeApiClient(k8s.ApiextensionsV1Api),
    custom: config.makeApiClient(k8s.CustomObjectsApi),
    coordination: config.makeApiClient(k8s.CoordinationV1Api),
  };
}

/** The field manager of the real controller's writes (client-go names it after the binary). */
export const FIELD_MANAGER = 'antrea-controller';

export const statusOf = (error: unknown): number | undefined =>
  error instanceof k8s.ApiException ? error.code : undefined;

export const isNotFound = (error: unknown) => statusOf(error) === 404;
export const isConflict = (error: unknown) => statusOf(error) === 409;
export const isAlreadyExists = isConflict;

/** Runs a read-modify-write until it does not conflict. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error) || i >= attempts) throw error;
    }
  }
}

/** Returns undefined for a 404, the object otherwise. */
export async function readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function describe(error: unknown): string {
  if (error instanceof k8s.ApiException) {
    const body = error.body as { message?: string } | string | undefined;
    const message = typeof body === 'object' && body?.message ? body.message : String(body ?? '');
    return `HTTP ${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export const log = (...parts: unknown[]) => console.log(new Date().toISOString(), ...parts);

/** Whether the API server says it is ready (GET /readyz answers 200). */
export async function apiserverReady(config: k8s.KubeConfig): Promise<boolean> {
  const server = config.getCurrentCluster()?.server;
  if (!server) return false;
  const options: https.RequestOptions = {};
  await config.applyToHTTPSOptions(options);
  return new Promise<boolean>((resolve) => {
    const req = https.request(
      `${server}/readyz`,
      { ...options, method: 'GET', timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Restarts an informer whenever its watch fails, retrying every second until
 * the API server is ready again (a restart of kube-apiserver must not leave
 * the model deaf: a watch opened while it is still starting can hang).
 * `stopped` tells when the owner has stopped it.
 */
export function keepRunning<T extends k8s.KubernetesObject>(
  informer: k8s.Informer<T>,
  config: k8s.KubeConfig,
  what: string,
  stopped: () => boolean,
): void {
  let timer: NodeJS.Timeout | undefined;
  // A failed start may itself report an error: one pending retry at a time.
  const schedule = () => {
    if (stopped()) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      void apiserverReady(config)
        .then(async (ready) => {
          if (!ready) return schedule();
          await informer.start();
          log(`${what} watch restarted`);
        })
        .catch(schedule);
    }, 1000);
  };
  informer.on('error', (error: unknown) => {
    log(`${what} watch failed (${describe(error)}); restarting it`);
    schedule();
  });
}

export { k8s };
