// When the plugin starts to warn about a certificate's expiry (status,
// verify's default --warn-within, the checks that close every change).
const DAY_MS = 86_400_000;

/**
 * Certificates with less left than this are warned about: by status, and by verify unless
 * --warn-within says otherwise.
 */
export const EXPIRY_WARNING_DAYS = 30;
/** EXPIRY_WARNING_DAYS in milliseconds. */
export const EXPIRY_WARNING_MS = EXPIRY_WARNING_DAYS * DAY_MS;
/** When expiry fails verify by default (--fail-within). */
export const EXPIRY_FAILURE_DAYS = 7;
/** EXPIRY_FAILURE_DAYS in milliseconds. */
export const EXPIRY_FAILURE_MS = EXPIRY_FAILURE_DAYS * DAY_MS;
