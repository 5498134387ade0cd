// A command context for unit tests (after cli-runtime's NewTestIOStreams):
// what the code prints and notes is captured, nothing reaches a terminal, and
// connecting to a cluster is the test's to provide.
import { Writable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type CommandContext, type Streams } from '../../src/framework/context.ts';
import type { GlobalFlags } from '../../src/framework/global-flags.ts';
import type { Client } from '../../src/kube/client.ts';
import type { Lease } from '../../src/kube/objects.ts';
import { NotFoundError } from '../../src/errors.ts';

export interface TestContext {
  readonly ctx: CommandContext;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything noted on stderr so far. */
  stderr(): string;
  /** The stderr lines so far. */
  notes(): string[];
}

export const flags: GlobalFlags = {
  kubeconfig: undefined,
  context: undefined,
  cluster: undefined,
  user: undefined,
  server: undefined,
  token: undefined,
  as: undefined,
  'as-group': undefined,
  'certificate-authority': undefined,
  'client-certificate': undefined,
  'client-key': undefined,
  'insecure-skip-tls-verify': undefined,
  'tls-server-name': undefined,
  'request-timeout': '0',
  namespace: undefined,
  output: 'table',
  color: false,
  verbose: 0,
};

/** Streams that capture what is written, with no terminal to ask on. */
export function testStreams(env: Record<string, string> = { NO_COLOR: '1' }): {
  streams: Streams;
  stdout(): string;
  stderr(): string;
} {
  let out = '';
  let err = '';
  // Writes land at once, so a test reads them right after the call that wrote.
  const capture = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const stdout = capture((text) => (out += text));
  const stderr = capture((text) => (err += text));
  return { streams: { stdout, stderr, env }, stdout: () => out, stderr: () => err };
}

export function testContext(
  options: { client?: Client; overrides?: Partial<GlobalFlags> } = {},
): TestContext {
  const captured = testStreams();
  const base = createContext({ ...flags, ...options.overrides }, captured.streams);
  const client = options.client;
  const ctx: CommandContext = {
    ...base,
    connect: client ? async () => client : base.connect,
  };
  return {
    ctx,
    stdout: captured.stdout,
    stderr: captured.stderr,
    notes: () => captured.stderr().split('\n').filter(Boolean),
  };
}

export interface ClientOptions {
  /**
   * The CA (PEM) to verify the server with, as --certificate-authority gives it;
   * without it and without a kubeconfig, the server is not verified (--insecure-skip-tls-verify).
   */
  readonly ca?: string;
  /** A kubeconfig file to read, as --kubeconfig gives it; its context says the rest. */
  readonly kubeconfig?: string;
  /** Further flags: --as, --as-group, --token, --request-timeout, -v (verbose). */
  readonly flags?: Partial<GlobalFlags>;
  /** Where -v lines go. */
  readonly log?: (line: string) => void;
}

/**
 * A client as a command gets it, for an API server address (nothing needs to
 * answer there) as --server gives it, or for a kubeconfig.
 */
export async function clientFor(
  server: string | undefined,
  options: ClientOptions = {},
): Promise<Client> {
  const [{ loadKubeconfig }, { Client }, { parseDuration }] = await Promise.all([
    import('../../src/kube/kubeconfig.ts'),
    import('../../src/kube/client.ts'),
    import('../../src/duration.ts'),
  ]);
  const given: GlobalFlags = {
    ...flags,
    ...options.flags,
    ...(server === undefined ? {} : { server }),
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
  };
  const tls =
    options.ca !== undefined
      ? { 'certificate-authority': writeTemporary('ca.crt', options.ca) }
      : options.kubeconfig === undefined
        ? { 'insecure-skip-tls-verify': true }
        : {};
  const loaded = loadKubeconfig({ ...given, ...tls }, {});
  return new Client(loaded, {
    timeoutMs: parseDuration(given['request-timeout'], '--request-timeout'),
    verbosity: given.verbose,
    log: options.log ?? (() => undefined),
  });
}

/** A file in a directory of its own under the system's temporary directory. */
export function writeTemporary(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'antrea-certs-test-')), name);
  writeFileSync(path, content);
  return path;
}

/** Runs the command line as the executable does, with captured streams and no terminal. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const captured = testStreams({ NO_COLOR: '1', ...env });
  const status = await main(args, captured.streams);
  return { status, stdout: captured.stdout(), stderr: captured.stderr() };
}

/**
 * A client whose change Lease lives in memory, for unit tests of the change flow that reach no API
 * server (the Lease itself is tested on the testbed). Writes through it are not journaled.
 */
export function withLeaseInMemory(client: Client): Client {
  let lease: Lease | undefined;
  let version = 0;
  const notFound = () => new NotFoundError('get leases/antrea-certs-change: not found.');
  const store = (body: Lease) => {
    lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++version) } };
    return Promise.resolve(lease);
  };
  const leases = {
    get: () => (lease ? Promise.resolve(lease) : Promise.reject(notFound())),
    create: store,
    update: store,
    delete: () => {
      lease = undefined;
      return Promise.resolve();
    },
  };
  return Object.assign(client, { leases: () => leases });
}
