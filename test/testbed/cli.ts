// npm run testbed -- install | up | down | status | restart-apiserver
import { parseArgs } from 'node:util';
import { ensureBinaries, installBinaries, findBinaries } from './binaries.ts';
import {
  up,
  down,
  readState,
  describeState,
  restartApiserver,
  DEFAULT_DIR,
  DEFAULT_VERSION,
} from './testbed.ts';
import type { Timings } from './model/settings.ts';

const usage = `usage: npm run testbed -- <command> [options]

commands:
  install   build or install the control-plane binaries into the cache
  up        start a control plane with Antrea and the antrea-controller model
  down      stop everything a testbed started
  status    show a testbed's processes
  restart-apiserver [--down S]
            stop kube-apiserver, wait S seconds (default 0), start it again

options:
  --dir DIR               testbed directory (default ${DEFAULT_DIR})
  --antrea-version V      the Antrea release the model plays (default ${DEFAULT_VERSION})
  --namespace NS          the Antrea namespace (default kube-system)
  --manifest FILE         apply a real Antrea release manifest instead of the minimal one
  --publish-resync S      seconds between periodic CA publishing (default 120)
  --secret-refresh S      seconds before a Secret update reaches the Pod's volume (default 60)
  --cert-reload S         seconds between reloads of user-provided files (default 60)
  --user-provided-wait S  seconds user-provided mode waits for its files (default 120)
  --crash-backoff S       first CrashLoopBackOff delay in seconds (default 10)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: DEFAULT_DIR },
    'antrea-version': { type: 'string', default: DEFAULT_VERSION },
    namespace: { type: 'string', default: 'kube-system' },
    manifest: { type: 'string' },
    'publish-resync': { type: 'string' },
    'secret-refresh': { type: 'string' },
    'cert-reload': { type: 'string' },
    'user-provided-wait': { type: 'string' },
    'crash-backoff': { type: 'string' },
    down: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h' },
  },
});

function timings(): Partial<Timings> {
  const names: Record<string, keyof Timings> = {
    'publish-resync': 'publishResyncSeconds',
    'secret-refresh': 'secretVolumeRefreshSeconds',
    'cert-reload': 'certReloadSeconds',
    'user-provided-wait': 'userProvidedWaitSeconds',
    'crash-backoff': 'crashBackoffSeconds',
  };
  const out: Partial<Timings> = {};
  for (const [flag, key] of Object.entries(names)) {
    const raw = values[flag as keyof typeof values];
    if (typeof raw !== 'string') continue;
    const seconds = Number(raw);
    if (!(seconds > 0)) throw new Error(`--${flag} takes a number of seconds, not "${raw}"`);
    out[key] = seconds;
  }
  return out;
}

async function main(): Promise<number> {
  const [command] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'install': {
      const start = Date.now();
      const bins = findBinaries() ?? installBinaries();
      console.log(
        `testbed binaries ready in ${((Date.now() - start) / 1000).toFixed(1)}s:\n${Object.values(bins).join('\n')}`,
      );
      return 0;
    }
    case 'up': {
      ensureBinaries();
      const start = Date.now();
      const state = await up({
        dir: values.dir,
        namespace: values.namespace,
        version: values['antrea-version'],
        manifest: values.manifest,
        timings: timings(),
        progress: (line) => console.error(line),
      });
      console.error(`testbed up in ${((Date.now() - start) / 1000).toFixed(1)}s`);
      console.error(`use it with: export KUBECONFIG=${state.kubeconfig}`);
      console.error(
        `take it down with: npm run testbed -- down${values.dir === DEFAULT_DIR ? '' : ` --dir ${values.dir}`}`,
      );
      console.log(state.kubeconfig);
      return 0;
    }
    case 'down':
      console.error(
        (await down(values.dir))
          ? `testbed in ${values.dir} is down`
          : `no testbed is up in ${values.dir}`,
      );
      return 0;
    case 'status': {
      const state = readState(values.dir);
      console.log(state ? describeState(state) : `no testbed is up in ${values.dir}`);
      return state ? 0 : 1;
    }
    case 'restart-apiserver': {
      const downSeconds = Number(values.down);
      if (!(downSeconds >= 0))
        throw new Error(`--down takes a number of seconds, not "${values.down}"`);
      const start = Date.now();
      await restartApiserver(values.dir, downSeconds * 1000);
      console.error(
        `kube-apiserver restarted and ready in ${((Date.now() - start) / 1000).toFixed(1)}s`,
      );
      return 0;
    }
    default:
      console.error(`unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
