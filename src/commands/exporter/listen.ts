// --listen: [HOST]:PORT, as Prometheus exporters take it (":10027" is every address).
import { UsageError } from '../../errors.ts';

/** Where the exporter listens; no host: every address. */
export interface Listen {
  readonly host?: string;
  readonly port: number;
}

export function parseListen(value: string): Listen {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new UsageError(
      `--listen takes [HOST]:PORT (e.g. :10027 or 127.0.0.1:10027), not "${value}".`,
    );
  const host = match[1] ?? match[2];
  return { ...(host ? { host } : {}), port };
}
