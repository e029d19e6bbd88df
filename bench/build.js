'use strict';
/**
 * Transpiles lib/ and apps/ (TypeScript) into .bench-tmp/build/, mirroring the repo layout, so
 * the benchmark runs precompiled JavaScript exactly as `npm run build` would produce it, without
 * touching lib/*.js (other work may be in progress there) and without type-checking (the
 * benchmark measures run time, `npm test` owns type errors).
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.bench-tmp', 'build');

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function build() {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions = { ...parsed.options, declaration: false, sourceMap: false, inlineSourceMap: false, noEmit: false };
  fs.rmSync(OUT, { recursive: true, force: true });
  const files = [...walk(path.join(ROOT, 'lib')), ...walk(path.join(ROOT, 'apps'))];
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    const res = ts.transpileModule(src, { compilerOptions, fileName: file, reportDiagnostics: false });
    const rel = path.relative(ROOT, file).replace(/\.ts$/, '.js');
    const dest = path.join(OUT, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, res.outputText);
  }
  return { out: OUT, files: files.length };
}

module.exports = { build, OUT };

if (require.main === module) {
  const t = process.hrtime.bigint();
  const r = build();
  console.log(`transpiled ${r.files} files into ${path.relative(ROOT, r.out)} in ${Number(process.hrtime.bigint() - t) / 1e6} ms`);
}
