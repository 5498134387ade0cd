// audit's check of the release: before v0.10 and v0.13 Antrea's files on the
// Node were open to its other users (the recommendation's warning).
import { ANTREA_RUN_DIR, OVSDB_FILE, missingPermissionFixes } from '../../antrea/host-files.ts';
import { CONTROLLER } from '../../antrea/names.ts';
import { parseRelease } from '../../antrea/versions.ts';
import type { Check } from '../check.ts';

/** The release's file permissions, from the version status found. */
export function releaseCheck(version: string | undefined): Check {
  const id = 'antrea-release';
  const release = parseRelease(version);
  if (!release)
    return {
      id,
      status: 'warn',
      message: `the Antrea release is unknown (${version ?? 'no version'}), so are its file permissions`,
      hint: `see the image tag of ${CONTROLLER.deployment}`,
    };
  const missing = missingPermissionFixes(release);
  if (!missing.length)
    return {
      id,
      status: 'pass',
      message: `Antrea ${version ?? ''} keeps ${OVSDB_FILE} and ${ANTREA_RUN_DIR} from non-root users of the Node`,
    };
  return {
    id,
    status: 'warn',
    message:
      `Antrea ${version ?? ''} predates ${missing.map((m) => m.release).join(' and ')}: ` +
      missing.map((m) => m.what).join('; '),
    hint: 'upgrade Antrea; until then, any user of a Node may read the IPsec PSK',
  };
}
