// antrea-controller.conf: reading selfSignedCert as the controller does.
import * as yaml from 'js-yaml';
import { InputError, messageOf } from '../errors.ts';

/**
 * selfSignedCert as the config file sets it (and whether it is written there at all), or why the
 * file could not be read.
 */
export type SelfSignedSetting =
  { readonly value: boolean; readonly explicit: boolean } | { readonly error: string };

/** selfSignedCert from the config file; absent (or commented out, as in v1.0) means true. */
export function readSelfSignedCert(conf: string): SelfSignedSetting {
  let parsed: unknown;
  try {
    parsed = yaml.load(conf);
  } catch (error) {
    return {
      error: `antrea-controller.conf is not valid YAML (${messageOf(error).split('\n')[0]})`,
    };
  }
  const value =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>).selfSignedCert
      : undefined;
  if (value === undefined || value === null) return { value: true, explicit: false };
  if (typeof value !== 'boolean')
    return {
      error: `selfSignedCert in antrea-controller.conf is ${JSON.stringify(value)}, not true or false`,
    };
  return { value, explicit: true };
}

const KEY_LINE = /^(selfSignedCert:[ \t]*)(true|false|True|False|TRUE|FALSE)?([ \t]*(?:#.*)?)$/m;
const COMMENTED_LINE = /^#[ \t]*(selfSignedCert:[ \t]*)(true|false)([ \t]*(?:#.*)?)$/m;

/**
 * Sets selfSignedCert in antrea-controller.conf, changing nothing else: the
 * key's value where it is set, v1.0's commented-out default made a real key
 * in place, or a new line at the end when the file has neither.
 */
export function setSelfSignedCert(conf: string, value: boolean): string {
  const text = String(value);
  let edited: string;
  if (KEY_LINE.test(conf))
    edited = conf.replace(
      KEY_LINE,
      (_line, key: string, _old: string, rest: string) =>
        `${key}${key.endsWith(' ') ? '' : ' '}${text}${rest}`,
    );
  else if (COMMENTED_LINE.test(conf))
    edited = conf.replace(
      COMMENTED_LINE,
      (_line, key: string, _old: string, rest: string) => `${key}${text}${rest}`,
    );
  else {
    const newline = conf.includes('\r\n') ? '\r\n' : '\n';
    edited = `${conf}${conf === '' || conf.endsWith('\n') ? '' : newline}selfSignedCert: ${text}${newline}`;
  }
  const check = readSelfSignedCert(edited);
  if ('error' in check || check.value !== value) {
    throw new InputError(
      `could not set selfSignedCert in antrea-controller.conf ` +
        `(${'error' in check ? check.error : 'the value did not change'}); ` +
        'edit the ConfigMap by hand. Nothing was written.',
    );
  }
  return edited;
}

/** Why the mode cannot be switched: the Deployment's ConfigMap or its config file is missing. */
export const configMissing = (configMapName: string) =>
  `ConfigMap ${configMapName} with antrea-controller.conf was not found; cannot switch the mode. ` +
  'Nothing was written.';

/** The note a switch of a Helm-managed Antrea gets: helm upgrade puts selfSignedCert back. */
export const helmRevertsSwitch = (selfSigned: boolean) =>
  '‼ Antrea is managed by Helm: the next helm upgrade reverts the switch ' +
  `unless you set --set controller.selfSignedCert=${selfSigned}.`;
