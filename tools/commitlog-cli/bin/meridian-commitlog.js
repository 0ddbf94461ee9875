#!/usr/bin/env node
// Runs the built command (npx nx build commitlog-cli, or npm run build).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('meridian-commitlog is not built yet: run "npx nx build commitlog-cli" (or "npm run build") first\n');
  process.exit(2);
}
require(main);
