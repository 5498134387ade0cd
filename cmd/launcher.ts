// The executable kubectl runs: it loads the plugin's bundle, plugin.cjs,
// through a V8 code cache kept in the user's cache directory (made at the
// first run of each command, so the release archives stay byte-for-byte
// reproducible), and lazy.cjs the same way when a command first asks for it
// (__antreaCertsLazy). Whatever goes wrong with a cache (missing, stale,
// corrupt, unwritable) only means compiling from source as without it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Each bundle's sha256 (first 16 hex digits), set by the build: a new bundle never uses an old cache. */
declare const BUNDLE_HASHES: Readonly<Record<string, string>>;

interface Bundle {
  readonly source: string;
  readonly filename: string;
}

/** A bundle: a file beside this one, or an asset of the single executable. */
function readBundle(name: string): Bundle {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sea exists only in a single executable's Node
    const sea = require('node:sea') as typeof import('node:sea');
    if (sea.isSea()) {
      return {
        source: sea.getAsset(name, 'utf8'),
        filename: join(dirname(process.execPath), name),
      };
    }
  } catch {
    // Not a single executable.
  }
  const filename = join(__dirname, name);
  return { source: readFileSync(filename, 'utf8'), filename };
}

function cacheDirectory(env: NodeJS.ProcessEnv): string {
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'win32' && env.LOCALAPPDATA) ||
    join(env.HOME || homedir(), '.cache');
  return join(base, 'kubectl-antrea-certs', 'code-cache');
}

/** One cache per bundle and command: each compiles the functions it runs. */
function cacheFile(env: NodeJS.ProcessEnv, bundle: string): string {
  const command = /^[a-z_]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const lazy = bundle === 'plugin.cjs' ? '' : `-${bundle.replace(/\.cjs$/, '')}`;
  const name = `${BUNDLE_HASHES[bundle]}-${process.version}-${process.arch}-${command}${lazy}.bin`;
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
  const bundle = readBundle(name);
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

const lazy = new Map<string, unknown>();
Object.defineProperty(globalThis, '__antreaCertsLazy', {
  value: (name: string) => {
    if (!lazy.has(name)) lazy.set(name, run(name));
    return lazy.get(name);
  },
});
run('plugin.cjs');
