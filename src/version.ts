// The plugin's version: set by the bundler from package.json, a dev marker when run from source.
declare const PLUGIN_VERSION: string | undefined;

/** The version this build reports: package.json's, or 0.0.0-dev when run from source. */
export const pluginVersion: string =
  typeof PLUGIN_VERSION === 'string' ? PLUGIN_VERSION : '0.0.0-dev';
