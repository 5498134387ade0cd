// Discovery probes through the API server: the aggregation layer answers
// GET /apis/<group>/<version> only when the APIService's caBundle verifies
// the certificate the controller actually serves.
import type { Client } from './client.ts';

/** How the API server answered a group-version's discovery: 200, or the status and its message. */
export interface ProbeResult {
  readonly groupVersion: string;
  readonly status: number;
  readonly message?: string;
}

/**
 * GETs each group-version's discovery document once, in parallel; any status is a result, only no
 * answer throws.
 */
export async function probeGroupVersions(
  client: Client,
  groupVersions: readonly string[],
): Promise<ProbeResult[]> {
  return Promise.all(
    [...new Set(groupVersions)].map(async (groupVersion) => {
      const path = `/apis/${groupVersion}`;
      const { status, body } = await client.call({ verb: 'get', resource: path }, () =>
        client.getRaw(path),
      );
      if (status === 200) return { groupVersion, status };
      let message: string | undefined;
      try {
        message = (JSON.parse(body) as { message?: string }).message;
      } catch {
        message = body.trim().split('\n')[0]?.slice(0, 200);
      }
      return { groupVersion, status, ...(message ? { message } : {}) };
    }),
  );
}
