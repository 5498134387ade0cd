// The executable kubectl runs: it loads the plugin's command line, plugin.cjs,
// through a V8 code cache kept in the user's cache directory (made at the
// first run of each command, so the release archives stay byte-for-byte
// reproducible), and the other parts (commands.cjs, lazy.cjs) the same way
// when a command first asks for them (__antreaCertsLazy). Whatever goes wrong
// with a cache (missing, stale, corrupt, unwritable) only means compiling from
// source as without it. The parts are ASCII (the build checks): read as
// Latin-1, a part becomes a string several times faster than as UTF-8.
// `--help` and `<command> --help` in a pipe or a wide terminal print the text
// yargs laid out at build time (help.json) and read no part at all.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { HELP_WIDTH } from '../src/cli/help-width.ts';

/** Each bundle's sha256 (first 16 hex digits), set by the build: a new bundle never uses an old cache. */
declare const BUNDLE_HASHES: Readonly<Record<string, string>>;

interface Bundle {
  readonly source: string;
  readonly filename: string;
}

/** An asset: a file beside this one, or an asset of the single executable. */
function readAsset(name: string): Bundle {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sea exists only in a single executable's Node
    const sea = require('node:sea') as typeof import('node:sea');
    if (sea.isSea()) {
      const raw = sea.getRawAsset(name);
      return {
        source: typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1'),
        filename: join(dirname(process.execPath), name),
      };
    }
  } catch {
    // Not a single executable.
  }
  const filename = join(__dirname, name);
  return { source: readFileSync(filename, 'latin1'), filename };
}

function cacheDirectory(env: NodeJS.ProcessEnv): string {
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'win32' && env.LOCALAPPDATA) ||
    join(env.HOME || homedir(), '.cache');
  return join(base, 'kubectl-antrea-certs', 'code-cache');
}

/** One cache per part and command: each compiles the functions it runs. */
function cacheFile(env: NodeJS.ProcessEnv, bundle: string): string {
  const command = /^[a-z_]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const part = bundle === 'plugin.cjs' ? '' : `-${bundle.replace(/\.cjs$/, '')}`;
  const name = `${BUNDLE_HASHES[bundle]}-${process.version}-${process.arch}-${command}${part}.bin`;
  return join(cacheDirectory(env), name);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // No cache this time: the next run compiles from source again.
  }
}

/** Runs a bundle through its code cache, as CommonJS; returns its exports. */
function run(name: string): unknown {
  const bundle = readAsset(name);
  const file =
    process.env.ANTREA_CERTS_CODE_CACHE === 'off' ? undefined : cacheFile(process.env, name);
  const cachedData = file ? readCache(file) : undefined;
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${bundle.source}\n})`,
    {
      filename: bundle.filename,
      ...(cachedData ? { cachedData } : {}),
    },
  );
  if (file && (!cachedData || script.cachedDataRejected)) {
    // At exit, the cache holds every function the command compiled, not only the top level.
    process.once('exit', () => writeCache(file, script.createCachedData()));
  }
  const loaded = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    loaded.exports,
    require,
    loaded,
    bundle.filename,
    dirname(bundle.filename),
  );
  return loaded.exports;
}

const parts = new Map<string, unknown>();
Object.defineProperty(globalThis, '__antreaCertsLazy', {
  value: (name: string) => {
    if (!parts.has(name)) parts.set(name, run(name));
    return parts.get(name);
  },
});
/** The help text yargs would print for this command line, when the build laid it out already. */
function prerenderedHelp(argv: readonly string[]): string | undefined {
  if (process.env.ANTREA_CERTS_PRERENDERED_HELP === 'off') return undefined;
  const words = argv.map((word) => (word === '-h' ? '--help' : word));
  if (words.length > 2 || words.at(-1) !== '--help') return undefined;
  if ((process.stdout.columns ?? HELP_WIDTH) < HELP_WIDTH) return undefined;
  try {
    const texts = JSON.parse(readAsset('help.json').source) as Record<string, string>;
    return Object.hasOwn(texts, words.join(' ')) ? texts[words.join(' ')] : undefined;
  } catch {
    return undefined;
  }
}

const help = prerenderedHelp(process.argv.slice(2));
if (help !== undefined) process.stdout.write(help);
else run('plugin.cjs');
