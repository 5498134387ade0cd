// Base64 fields of Kubernetes objects (Secret data, caBundles) as text.
/** A base64 field as UTF-8 text; undefined when the field is absent or empty. */
export const decodeBase64 = (b64?: string) =>
  b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
