// The executable: kubectl finds it on PATH as kubectl-antrea_certs.
import { main } from '../src/cli/main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
