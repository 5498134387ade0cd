// One single executable application: Node's own --build-sea, run by the
// pinned linux-x64 Node, injects the bundle into another platform's binary.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const run = promisify(execFile);

export interface SeaInputs {
  /** The Node that builds: the same version as every base binary. */
  readonly builder: string;
  /** The launcher (cmd/launcher.ts), the executable's main script. */
  readonly main: string;
  /** The bundles (CommonJS), assets the launcher runs through its code cache, by file name. */
  readonly bundles: readonly string[];
  /** The Node binary of the target platform. */
  readonly base: string;
  readonly output: string;
}

export async function buildSea({ builder, main, bundles, base, output }: SeaInputs): Promise<void> {
  // Node records the paths of the config in the blob: with every path relative to one scratch
  // directory, the executable is the same byte for byte wherever the checkout lives.
  const scratch = mkdtempSync(join(tmpdir(), 'antrea-certs-sea-'));
  copyFileSync(main, join(scratch, 'main.cjs'));
  for (const bundle of bundles) copyFileSync(bundle, join(scratch, basename(bundle)));
  copyFileSync(base, join(scratch, 'base'));
  writeFileSync(
    join(scratch, 'sea-config.json'),
    JSON.stringify({
      main: 'main.cjs',
      // esbuild turns the ESM-only dependencies (yargs, ora, client-node) into one CommonJS file.
      mainFormat: 'commonjs',
      assets: Object.fromEntries(bundles.map((b) => [basename(b), basename(b)])),
      executable: 'base',
      output: 'out',
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
      // Node 26 warns about what the bundled dependencies use (punycode, url.parse): nothing the user can act on.
      // A young generation of 8 MiB from the start: a run allocates a few MiB, and growing it from
      // 1 MiB costs several scavenges (about 5 ms of a status), for no more resident memory.
      // --lite-mode: V8 keeps no optimized code nor its bookkeeping, which a run of a fraction of
      // a second has no time to use: status's peak RSS falls from 71 to 64 MiB.
      execArgv: ['--no-deprecation', '--min-semi-space-size=8', '--lite-mode'],
      // The user's NODE_OPTIONS (say --import tsx) must not change the plugin; --node-options on the
      // command line may (the exporter's image sets a small young generation for a long-lived process).
      execArgvExtension: 'cli',
    }),
  );
  try {
    await run(builder, ['--build-sea', 'sea-config.json'], {
      cwd: scratch,
      maxBuffer: 16 * 1024 * 1024,
    });
    copyFileSync(join(scratch, 'out'), output);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`node --build-sea for ${output} failed: ${stderr || stdout || String(error)}`, {
      cause: error,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Windows: strip Node's Authenticode signature, which the injection would leave broken. */
export async function removeSignature(input: string, output: string): Promise<void> {
  try {
    await run('osslsigncode', ['remove-signature', '-in', input, '-out', output]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new Error(
        "osslsigncode is not installed; it strips the Windows binary's signature (Debian: apt-get install osslsigncode).",
        { cause: error },
      );
    throw new Error(
      `osslsigncode remove-signature failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Linux: Node's symbol tables, which nothing at run time reads (a quarter of
 * the binary). llvm-strip reads every ELF architecture; its output is the same
 * for the same input, so the archives stay reproducible.
 */
export async function stripSymbols(input: string, output: string): Promise<void> {
  try {
    await run('llvm-strip', ['--strip-all', input, '-o', output]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') {
      throw new Error(
        'llvm-strip is not installed; it strips the Linux binaries (Debian: apt-get install llvm).',
        {
          cause: error,
        },
      );
    }
    throw new Error(
      `llvm-strip failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}
