// krew's rules for a plugin manifest (as krew's index validation applies
// them), plus the checks that need the archives: sha256, bin, LICENSE.
import { createHash } from 'node:crypto';
import * as yaml from 'js-yaml';
import { listArchive } from './archive.ts';

const WINDOWS_RESERVED = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
];
/** krew's semver: a leading v, then SemVer 2.0. */
const SEMVER =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface Platform {
  selector?: { matchLabels?: Record<string, unknown>; matchExpressions?: { key?: unknown }[] };
  uri?: unknown;
  sha256?: unknown;
  bin?: unknown;
}

interface Manifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { version?: unknown; shortDescription?: unknown; platforms?: Platform[] };
}

/** The archive a platform's uri names: its bytes, found by the uri's last path segment. */
export type ArchiveLookup = (fileName: string) => Buffer | undefined;

/** krew's reviewers ask for a shortDescription that fits in one column of `kubectl krew search`. */
const SHORT_DESCRIPTION_MAX = 50;

/**
 * Every rule the manifest breaks, one sentence each; empty when it is valid. Without `archiveFor`,
 * only the rules of the text (a release's manifest, whose archives are not here).
 */
export function krewViolations(
  text: string,
  pluginName: string,
  archiveFor?: ArchiveLookup,
): string[] {
  const problems: string[] = [];
  let manifest: Manifest;
  try {
    manifest = (yaml.load(text) ?? {}) as Manifest;
  } catch (error) {
    return [`the manifest is not YAML: ${(error as Error).message}`];
  }
  if (manifest.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2')
    problems.push(
      `apiVersion is ${String(manifest.apiVersion)}, not krew.googlecontainertools.github.com/v1alpha2`,
    );
  if (manifest.kind !== 'Plugin') problems.push(`kind is ${String(manifest.kind)}, not Plugin`);
  const name = manifest.metadata?.name;
  if (
    typeof name !== 'string' ||
    !/^[\w-]+$/.test(name) ||
    WINDOWS_RESERVED.includes(name.toUpperCase())
  )
    problems.push(`metadata.name ${String(name)} is not a safe plugin name (^[\\w-]+$)`);
  if (name !== pluginName)
    problems.push(
      `metadata.name ${String(name)} differs from the file's plugin name ${pluginName}`,
    );
  const spec = manifest.spec ?? {};
  if (typeof spec.shortDescription !== 'string' || spec.shortDescription === '')
    problems.push('spec.shortDescription is missing');
  else if (/[\r\n]/.test(spec.shortDescription))
    problems.push('spec.shortDescription has a line break');
  else if (spec.shortDescription.length > SHORT_DESCRIPTION_MAX)
    problems.push(
      `spec.shortDescription has ${spec.shortDescription.length} characters; krew's review asks for at most ${SHORT_DESCRIPTION_MAX}`,
    );
  if (typeof spec.version !== 'string' || !SEMVER.test(spec.version))
    problems.push(
      `spec.version ${String(spec.version)} is not a semantic version with a leading v`,
    );
  const platforms = spec.platforms ?? [];
  if (platforms.length === 0) problems.push('spec.platforms is empty');
  const claimed: Record<string, string>[] = [];
  platforms.forEach((platform, i) => {
    const where = `platform ${i + 1}`;
    const labels = platform.selector?.matchLabels;
    const keys = [
      ...Object.keys(labels ?? {}),
      ...(platform.selector?.matchExpressions ?? []).map((e) => String(e.key)),
    ];
    if (keys.length === 0) problems.push(`${where} has an empty selector`);
    for (const key of keys)
      if (key !== 'os' && key !== 'arch')
        problems.push(`${where} selects on ${key}; only os and arch are allowed`);
    const own = Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, String(v)]));
    for (const other of claimed) {
      // Two matchLabels selectors overlap when no key they share has different values.
      if (Object.keys(own).every((k) => !(k in other) || other[k] === own[k]))
        problems.push(`${where} (${JSON.stringify(own)}) overlaps ${JSON.stringify(other)}`);
    }
    claimed.push(own);
    const uri = typeof platform.uri === 'string' ? platform.uri : '';
    if (!/\.(tar\.gz|zip)$/.test(uri))
      problems.push(`${where} uri ${uri || '(none)'} does not end in .tar.gz or .zip`);
    const sha256 = typeof platform.sha256 === 'string' ? platform.sha256 : '';
    const validSha = /^[a-f0-9]{64}$/.test(sha256);
    if (!validSha)
      problems.push(`${where} sha256 ${sha256 || '(none)'} is not 64 lowercase hex digits`);
    const bin = typeof platform.bin === 'string' ? platform.bin : '';
    if (!bin) problems.push(`${where} has no bin`);
    if (!archiveFor) return;
    const file = uri.slice(uri.lastIndexOf('/') + 1);
    const archive = file ? archiveFor(file) : undefined;
    if (!archive) {
      problems.push(`${where}: the archive ${file || '(none)'} is missing`);
      return;
    }
    const actual = createHash('sha256').update(archive).digest('hex');
    if (validSha && actual !== sha256)
      problems.push(`${where}: ${file} has sha256 ${actual}, the manifest says ${sha256}`);
    const names = listArchive(file, archive).map((e) => e.name);
    if (bin && !names.includes(bin)) problems.push(`${where}: ${file} holds no ${bin}`);
    if (!names.includes('LICENSE')) problems.push(`${where}: ${file} holds no LICENSE`);
  });
  return problems;
}
