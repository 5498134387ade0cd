// client-node imports child_process when it loads, for exec credential
// plugins, the az and gcloud auth providers and WSL paths; loading it (with
// dgram and net's handle passing) costs every run a few milliseconds. These
// forward to the real module, loaded at the first call.
const real = () => require('node:child_process');

export default {
  spawn: (...args) => real().spawn(...args),
  spawnSync: (...args) => real().spawnSync(...args),
  execSync: (...args) => real().execSync(...args),
};
