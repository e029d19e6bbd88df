'use strict';
/**
 * Fast synth: `node -r cdk8s-networking/register main.ts` runs a cdk8s app written in TypeScript
 * without type-checking it. Put it in cdk8s.yaml (`app: node -r cdk8s-networking/register main.ts`);
 * `node --watch -r cdk8s-networking/register main.ts` synthesizes again on every save. Type-check
 * separately (`tsc --noEmit`), in CI and before a commit.
 *
 * sucrase strips the types and turns `import` into `require` (it keeps line numbers, so stack
 * traces point at the .ts lines). Its output is cached by content under node_modules/.cache, so a
 * file that did not change is not transpiled again on the next synth. Only `.ts` files go through
 * the hook: this library and every other package are loaded as the JavaScript they ship.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

let version; // sucrase's version, part of the cache key: read on the first .ts file
let transform; // sucrase itself (about 70 ms to load): loaded on the first cache miss only
const OPTIONS = { transforms: ['typescript', 'imports'] };

/** node_modules/.cache of the project this file is installed in (or of this repository). */
function cacheDir() {
  const parent = path.dirname(__dirname);
  const modules = path.basename(parent) === 'node_modules' ? parent : path.join(__dirname, 'node_modules');
  return path.join(modules, '.cache', 'cdk8s-networking-sucrase');
}

const CACHE = cacheDir();

function transpile(filename, source) {
  version = version || require('sucrase/package.json').version;
  const key = crypto.createHash('sha256').update(`${version}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    transform = transform || require('sucrase').transform;
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
