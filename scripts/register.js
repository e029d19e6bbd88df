'use strict';
/**
 * `node -r ./scripts/register.js apps/main.ts`: runs TypeScript without type-checking, for a fast
 * synth. sucrase strips the types (it keeps line numbers, so stack traces point at the .ts lines),
 * and its output is cached by content under node_modules/.cache, so an unchanged file is not
 * transpiled again on the next synth. Type-checking is `npm run typecheck` (and `npm test`).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { transform } = require('sucrase');

const SUCRASE_VERSION = require('sucrase/package.json').version;
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-networking-sucrase');
const OPTIONS = { transforms: ['typescript', 'imports'] };

function transpile(filename, source) {
  const key = crypto.createHash('sha256').update(`${SUCRASE_VERSION}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { code } = transform(source, { ...OPTIONS, filePath: filename });
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      fs.writeFileSync(`${cached}.${process.pid}`, code);
      fs.renameSync(`${cached}.${process.pid}`, cached); // atomic: parallel synths never read half a file
    } catch {
      // A read-only node_modules only costs the cache.
    }
    return code;
  }
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(filename, fs.readFileSync(filename, 'utf8')), filename);
};
