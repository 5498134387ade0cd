// verify's checks of an installation as the command makes them: at `now`,
// warning within 30 days and failing within 7, with the aggregated API answering.
import { verifyFrom, type Probe } from '../../src/report/verify/verify.ts';
import type { Installation } from '../../src/antrea/installation.ts';
import { DAY, now } from './certificates.ts';

export const probesOk: Probe[] = [{ groupVersion: 'controlplane.antrea.io/v1beta2', status: 200 }];

export const verify = (installation: Installation, probes = probesOk) =>
  verifyFrom({ installation, probes, now, warnWithin: 30 * DAY, failWithin: 7 * DAY });
