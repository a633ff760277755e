#!/usr/bin/env node
// Why this exists: mmap-io 1.1.7 builds with `node-gyp rebuild` and pins -std=c++11 in its
// binding.gyp, but Node 20's headers need C++17. This package is a dependency of brooklet, so
// npm links this file as node_modules/.bin/node-gyp, which comes first on the PATH of every
// dependency's install script. It adds -std=c++17 to CXXFLAGS (gyp's Makefiles place CXXFLAGS
// after a target's own flags, so the later -std wins) and runs npm's own node-gyp unchanged.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const realNodeGyp = process.env.npm_config_node_gyp;
if (!realNodeGyp || path.resolve(realNodeGyp) === path.resolve(__filename)) {
  console.error('brooklet: cannot find npm\'s node-gyp (npm_config_node_gyp is not set); run this through npm');
  process.exit(1);
}
const env = { ...process.env, CXXFLAGS: `${process.env.CXXFLAGS ?? ''} -std=c++17`.trim() };
const run = spawnSync(process.execPath, [realNodeGyp, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
