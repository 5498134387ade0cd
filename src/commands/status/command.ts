// kubectl antrea-certs status
import { defineCommand } from '../../cli/command.ts';

export const status = defineCommand({
  name: 'status',
  summary:
    'Show the certificate mode, the serving certificate, the published CA and who carries it',
  short: 'Show the certificate mode, the serving certificate and the published CA',
  flags: {},
  examples: [
    ['$0 status', ''],
    ['$0 status -o json', ''],
  ],
  optionsFrom: () => ({}),
  load: () => import('./run.ts'),
});
