// A kubeconfig's exec credential plugin, run as client-go runs it but bounded:
// one process at a time for all the requests that wait on it, with
// KUBERNETES_EXEC_INFO saying it cannot ask anyone, killed when the request's
// timeout passes or the client is closed (a fleet giving up on a cluster), so
// that no plugin can hold the command past its deadlines. client-node's own
// ExecAuth has no timeout, spawns one process per request of the first round,
// and reports a failure as a bare stderr text or JSON.parse message.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as builtins from '../io/builtins.ts';
import type { User } from './client-node.ts';
import { CredentialError, errorCode } from '../errors.ts';
import { formatDuration } from '../duration.ts';

/** What a plugin prints: the status of a client.authentication.k8s.io ExecCredential. */
interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly expirationTimestamp?: string;
}

/** The request options a credential is applied to, as client-node's authenticators take them. */
interface AuthOptions {
  headers?: Record<string, unknown>;
  cert?: unknown;
  key?: unknown;
}

/** users[].user.exec of a kubeconfig, as far as running it goes. */
interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion?: string;
  /** What the kubeconfig says to install when the command is missing, as kubectl shows it. */
  readonly installHint?: string;
  /** Hand the plugin the cluster it authenticates to, in KUBERNETES_EXEC_INFO. */
  readonly provideClusterInfo?: boolean;
  readonly interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** The cluster as client-go hands it to a plugin with provideClusterInfo (spec.cluster). */
export interface ExecCluster {
  readonly server: string;
  readonly tlsServerName?: string;
  readonly skipTLSVerify?: boolean;
  /** The CA certificates' PEM, base64 (from certificate-authority-data, or the file read). */
  readonly caData?: string;
  readonly caFile?: string;
  readonly proxyUrl?: string;
}

/** How long a credential without an expiry is kept: the command's life. */
const FOREVER = Number.POSITIVE_INFINITY;

export class BoundedExecAuth {
  private readonly running = new Map<ChildProcess, string>();
  private readonly credentials = new Map<string, Promise<ExecCredentialStatus>>();
  private readonly expiries = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly settings: {
      readonly contextName: string;
      readonly timeoutMs: number;
      readonly cluster?: ExecCluster;
      /** Whether the plugin's user is at a terminal: stdin is one (client-go's test). */
      readonly stdinIsTerminal?: boolean;
    },
  ) {}

  isAuthProvider(user: User): boolean {
    return Boolean(execOf(user));
  }

  async applyAuthentication(user: User, opts: AuthOptions): Promise<void> {
    const status = await this.credentialFor(user);
    if (status.clientCertificateData) opts.cert = status.clientCertificateData;
    if (status.clientKeyData) opts.key = status.clientKeyData;
    if (status.token) opts.headers = { ...opts.headers, Authorization: `Bearer ${status.token}` };
  }

  /** Kills any plugin still running: its requests fail, and nothing waits on it. */
  stop(): void {
    this.stopped = true;
    for (const child of this.running.keys()) killGroup(child);
  }

  /** The command of a plugin still running (what a request waits on), if any. */
  runningPlugin(): string | undefined {
    return this.running.values().next().value;
  }

  private credentialFor(user: User): Promise<ExecCredentialStatus> {
    const exec = execOf(user);
    if (!exec) return Promise.resolve({});
    const key = user.name;
    const cached = this.credentials.get(key);
    if (cached && (this.expiries.get(key) ?? FOREVER) > Date.now()) return cached;
    const fresh = this.run(exec);
    this.credentials.set(key, fresh);
    fresh.then(
      (status) => {
        const expiry = Date.parse(status.expirationTimestamp ?? '');
        this.expiries.set(key, Number.isNaN(expiry) ? FOREVER : expiry);
      },
      () => this.credentials.delete(key),
    );
    return fresh;
  }

  private run(exec: ExecConfig): Promise<ExecCredentialStatus> {
    const plugin = `the credential plugin "${exec.command}" of context "${this.settings.contextName}"`;
    const fail = (what: string, fix: string) => new CredentialError(`${plugin} ${what}; ${fix}`);
    if (this.stopped) return Promise.reject(fail('was not started', 'the command stopped'));
    const interactive = interactivity(exec, this.settings.stdinIsTerminal ?? false);
    if (typeof interactive !== 'boolean')
      return Promise.reject(fail(interactive.what, interactive.fix));
    let cluster: Record<string, unknown> | undefined;
    try {
      cluster = exec.provideClusterInfo ? execClusterOf(this.settings.cluster) : undefined;
    } catch (error) {
      const why = errorCode(error) ?? 'error';
      return Promise.reject(
        fail(
          `was not started: its cluster's certificate-authority cannot be read (${why})`,
          'fix clusters[].cluster.certificate-authority in the kubeconfig',
        ),
      );
    }
    const env = {
      ...process.env,
      ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])),
      KUBERNETES_EXEC_INFO: JSON.stringify({
        apiVersion: exec.apiVersion,
        kind: 'ExecCredential',
        spec: { ...(cluster ? { cluster } : {}), interactive },
      }),
    };
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      let settled = false;
      const child = builtins.childProcess().spawn(exec.command, [...(exec.args ?? [])], {
        env,
        // An interactive plugin reads the user's terminal, in the terminal's process group (a
        // group of its own would be stopped reading it); any other in its own group, so that a
        // script's children die with it (see killGroup).
        stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
        detached: !interactive && process.platform !== 'win32',
      });
      this.running.set(child, exec.command);
      plugins.add(child);
      killPluginsAtExit();
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(child);
        plugins.delete(child);
        outcome();
      };
      const timeoutMs = this.settings.timeoutMs;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              killGroup(child);
              finish(() =>
                reject(
                  fail(
                    `did not finish within ${formatDuration(timeoutMs)} and was stopped`,
                    'check that it runs without a terminal (it may be waiting for a login)',
                  ),
                ),
              );
            }, timeoutMs)
          : undefined;
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', (error: NodeJS.ErrnoException) =>
        finish(() =>
          reject(
            error.code === 'ENOENT'
              ? fail(
                  'was not found',
                  typeof exec.installHint === 'string' && exec.installHint.trim()
                    ? `${exec.installHint.trim().replace(/\s*\n\s*/g, ' ')} (its installHint)`
                    : `install it, or fix users[].user.exec.command in the kubeconfig`,
                )
              : fail(
                  `could not be started (${error.code ?? error.message})`,
                  'check that it can run',
                ),
          ),
        ),
      );
      child.on('close', (code, signal) =>
        finish(() => {
          if (this.stopped && signal)
            return reject(fail('was stopped', 'the command gave up on the cluster'));
          if (code !== 0) {
            const first = stderr.trim().split('\n')[0] ?? '';
            return reject(
              fail(
                `exited ${code ?? signal ?? '?'}${first ? `: ${first}` : ''}`,
                'run it yourself to see why',
              ),
            );
          }
          const status = credentialStatus(stdout);
          if (typeof status === 'string')
            return reject(
              fail(
                `printed no valid ExecCredential (${status})`,
                'check the plugin and its apiVersion',
              ),
            );
          resolve(status);
        }),
      );
    });
  }
}

/** Every plugin running in this process, for the exit hook. */
const plugins = new Set<ChildProcess>();
let exitHook = false;

/**
 * Ctrl-C and SIGTERM reach the plugin's group no more (it has its own), so what still runs when
 * the process exits is killed then.
 */
function killPluginsAtExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const child of plugins) killGroup(child);
  });
}

/**
 * Kills a plugin with what it started (a shell script's `sleep`, say): its whole process group.
 * Its pipes are closed too, so nothing waits on a grandchild that still holds them.
 */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined && process.platform !== 'win32')
      process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/**
 * Whether the plugin may talk to the user, as client-go decides: Never no; IfAvailable and Always
 * when stdin is a terminal; Always without one is refused, as is a v1 exec without interactiveMode.
 */
function interactivity(
  exec: ExecConfig,
  stdinIsTerminal: boolean,
): boolean | { what: string; fix: string } {
  const mode = exec.interactiveMode;
  if (!mode && exec.apiVersion === 'client.authentication.k8s.io/v1') {
    return {
      what: 'has no interactiveMode, which client.authentication.k8s.io/v1 requires (kubectl refuses it too)',
      fix: 'set users[].user.exec.interactiveMode to Never, IfAvailable or Always',
    };
  }
  if (mode === 'Always' && !stdinIsTerminal) {
    return {
      what: 'needs a terminal (interactiveMode Always) and standard input is not one',
      fix: 'run the command in a terminal, or set interactiveMode to IfAvailable',
    };
  }
  return mode !== 'Never' && mode !== undefined ? stdinIsTerminal : false;
}

/** spec.cluster of KUBERNETES_EXEC_INFO, as client-go fills it; throws when the CA file cannot be read. */
function execClusterOf(cluster: ExecCluster | undefined): Record<string, unknown> | undefined {
  if (!cluster) return undefined;
  const caData =
    cluster.caData ??
    (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(caData ? { 'certificate-authority-data': caData } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
  };
}

function execOf(user: User): ExecConfig | undefined {
  const exec: unknown =
    (user.exec as unknown) ??
    (user.authProvider as { config?: { exec?: unknown } } | undefined)?.config?.exec;
  if (!exec || typeof exec !== 'object') return undefined;
  const command: unknown = Reflect.get(exec, 'command');
  return typeof command === 'string' ? (exec as ExecConfig) : undefined;
}

/** The status of the ExecCredential printed, or why the output is not one. */
function credentialStatus(stdout: string): ExecCredentialStatus | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return stdout.trim() ? 'its output is not JSON' : 'it printed nothing';
  }
  const status = (parsed as { status?: ExecCredentialStatus } | null)?.status;
  if (!status || typeof status !== 'object') return 'no status';
  const hasPair = Boolean(status.clientCertificateData && status.clientKeyData);
  if (typeof status.token !== 'string' && !hasPair)
    return 'its status has neither a token nor a client certificate and key';
  return status;
}
