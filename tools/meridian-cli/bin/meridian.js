#!/usr/bin/env node
// Runs the built command (npx nx build meridian-cli, or npm run build).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('meridian is not built yet: run "npx nx build meridian-cli" (or "npm run build") first\n');
  process.exit(2);
}
require(main);
