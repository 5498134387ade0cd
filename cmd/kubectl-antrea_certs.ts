// The executable: kubectl finds it on PATH as kubectl-antrea_certs.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
