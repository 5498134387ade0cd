// antrea-controller.conf: reading selfSignedCert as the controller does.
import * as yaml from 'js-yaml';

export type SelfSignedSetting =
  | { readonly value: boolean; readonly explicit: boolean }
  | { readonly error: string };

/** selfSignedCert from the config file; absent (or commented out, as in v1.0) means true. */
export function readSelfSignedCert(conf: string): SelfSignedSetting {
  let parsed: unknown;
  try {
    parsed = yaml.load(conf);
  } catch (error) {
    return { error: `antrea-controller.conf is not valid YAML (${(error as Error).message.split('\n')[0]})` };
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).selfSignedCert : undefined;
  if (value === undefined || value === null) return { value: true, explicit: false };
  if (typeof value !== 'boolean') return { error: `selfSignedCert in antrea-controller.conf is ${JSON.stringify(value)}, not true or false` };
  return { value, explicit: true };
}
