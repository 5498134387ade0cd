// Thresholds relative to the lifetime: --warn-within 20% judges a 1-day
// certificate and a 10-year CA by one rule; a duration stays a duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { describeWithin, withinMs } from '../../../src/certs/within.ts';
import { parseWithin } from '../../../src/framework/expiry-flags.ts';
import { expiryCheck } from '../../../src/report/verify/expiry.ts';
import { statusFrom } from '../../../src/report/status.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { selfSigned } from '../../support/installation.ts';

const HOUR = DAY / 24;
const YEAR = 365 * DAY;

/** A CA valid from `startedAgo` before now for `lifetime`. */
async function certificate(startedAgo: number, lifetime: number) {
  const notBefore = new Date(now.getTime() - startedAgo);
  const issued = await issue({
    commonName: 'lived',
    isCA: true,
    usages: usage.keyCertSign,
    notBefore,
    notAfter: new Date(notBefore.getTime() + lifetime),
  });
  const [cert] = parseCertificates(issued.certPem, 'test');
  assert.ok(cert);
  return cert;
}

test('--warn-within and --fail-within take a share of the lifetime, or a duration', () => {
  assert.deepEqual(parseWithin('20%', '--warn-within'), { share: 0.2 });
  assert.deepEqual(parseWithin('2.5%', '--warn-within'), { share: 0.025 });
  assert.equal(parseWithin('30d', '--warn-within'), 30 * DAY);
  assert.throws(() => parseWithin('0%', '--warn-within'), /above 0% and at most 100%, not 0%/);
  assert.throws(() => parseWithin('150%', '--fail-within'), /--fail-within takes a share/);
  assert.equal(describeWithin({ share: 0.2 }), '20% of the lifetime');
  assert.equal(describeWithin(30 * DAY), '30d');
});

test('20% of a 1-day certificate is 4.8 hours; of a 10-year CA, 2 years', async () => {
  const status = statusFrom({
    installation: selfSigned(await servingPair()),
    now,
    warnWithin: 30 * DAY,
  });
  const thresholds = { now, warnWithin: { share: 0.2 }, failWithin: { share: 0.05 } };
  const day = (leftHours: number) => certificate(DAY - leftHours * HOUR, DAY);
  assert.equal(withinMs({ share: 0.2 }, await day(5)), 0.2 * DAY);
  assert.equal(expiryCheck(await day(5), thresholds, status).status, 'pass');
  assert.equal(expiryCheck(await day(4), thresholds, status).status, 'warn');
  assert.equal(expiryCheck(await day(1), thresholds, status).status, 'fail');
  const decade = (leftYears: number) => certificate((10 - leftYears) * YEAR, 10 * YEAR);
  assert.equal(expiryCheck(await decade(3), thresholds, status).status, 'pass');
  assert.equal(expiryCheck(await decade(1.5), thresholds, status).status, 'warn');
  // By a duration instead, the CA with 18 months left passes and the 4-hour certificate fails.
  const days = { now, warnWithin: 30 * DAY, failWithin: 7 * DAY };
  assert.equal(expiryCheck(await decade(1.5), days, status).status, 'pass');
  assert.equal(expiryCheck(await day(4), days, status).status, 'fail');
});
