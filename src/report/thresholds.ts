// When the plugin starts to warn about a certificate's expiry (status,
// verify's default --warn-within, the checks that close every change).
const DAY_MS = 86_400_000;

export const EXPIRY_WARNING_DAYS = 30;
export const EXPIRY_WARNING_MS = EXPIRY_WARNING_DAYS * DAY_MS;
