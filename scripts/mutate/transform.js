/**
 * A jest transformer for the mutation run: ts-jest, with one mutant applied to one source file
 * before transpiling. The mutant comes from the environment (set by scripts/mutate/run.js):
 * MUTANT_FILE (absolute path), MUTANT_FIND and MUTANT_REPLACE (exact text, replaced once).
 * Nothing is written to disk, so an interrupted run never leaves a broken lib/ behind; the
 * cache key is ts-jest's over the mutated text, so unmutated files stay cached between runs.
 */
const { TsJestTransformer } = require('ts-jest');

const file = process.env.MUTANT_FILE;
const find = process.env.MUTANT_FIND;
const replace = process.env.MUTANT_REPLACE ?? '';

function mutate(source, path) {
  if (!file || path !== file) return source;
  const at = source.indexOf(find);
  if (at < 0 || source.indexOf(find, at + 1) >= 0) throw new Error(`mutant text must occur exactly once in ${path}: ${JSON.stringify(find)}`);
  return source.slice(0, at) + replace + source.slice(at + find.length);
}

class MutatingTransformer {
  constructor(options) {
    this.inner = new TsJestTransformer(options);
  }

  process(source, path, options) {
    return this.inner.process(mutate(source, path), path, options);
  }

  getCacheKey(source, path, options) {
    return this.inner.getCacheKey(mutate(source, path), path, options);
  }
}

module.exports = { createTransformer: (options) => new MutatingTransformer(options) };
