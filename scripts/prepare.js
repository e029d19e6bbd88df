'use strict';
/**
 * `npm install git+https://...cdk8s-networking.git` packs the clone after running its `prepare`
 * script (not `prepack`), so a git install needs the build here. A clone that already has a build
 * skips it, so `npm ci` in a working copy stays quick; `npm pack` always rebuilds (`prepack`).
 */
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

if (!fs.existsSync(path.join(__dirname, '..', 'build', 'index.js'))) {
  execSync('npm run build', { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
}
