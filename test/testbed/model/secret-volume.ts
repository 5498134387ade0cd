// The kubelet's view of a Secret volume: read at Pod start, refreshed after a
// delay (not at once, as on a real node), empty when the optional Secret is missing.
import { type Clients, readOptional, describe, log } from './kube.ts';

export class SecretVolume {
  private files: Record<string, string> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly api: Clients,
    private readonly namespace: string,
    private readonly secretName: string,
    private readonly refreshSeconds: number,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () =>
        void this.refresh().catch((error) =>
          log(`refreshing the Secret volume failed: ${describe(error)}`),
        ),
      this.refreshSeconds * 1000,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  file(name: string): string | undefined {
    return this.files[name];
  }

  private async refresh(): Promise<void> {
    const secret = await readOptional(() =>
      this.api.core.readNamespacedSecret({ name: this.secretName, namespace: this.namespace }),
    );
    this.files = Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
  }
}
