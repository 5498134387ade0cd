// The antrea-controller model process: `tsx main.ts SETTINGS.json`.
import { readFileSync } from 'node:fs';
import { clients, describe, log } from './kube.ts';
import { ModelServer } from './server.ts';
import { Publisher } from './publisher.ts';
import { Kubelet } from './kubelet.ts';
import type { ModelSettings } from './settings.ts';

const settingsFile = process.argv[2];
if (!settingsFile) {
  console.error('usage: main.ts SETTINGS.json');
  process.exit(2);
}
const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as ModelSettings;
const api = clients(settings.kubeconfig);
const server = new ModelServer(settings.address);
const kubelet = new Kubelet({
  api,
  settings,
  server,
  publisher: new Publisher(api, settings.namespace, settings.version),
});

async function shutdown(): Promise<void> {
  await kubelet.stop().catch(() => undefined);
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

try {
  await server.listen();
  log(
    `antrea-controller model ${settings.version} for namespace ${settings.namespace}, serving on ${settings.address}:443`,
  );
  await kubelet.start();
} catch (error) {
  log(`the model could not start: ${describe(error)}`);
  process.exit(1);
}
