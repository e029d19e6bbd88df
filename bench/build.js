'use strict';
/**
 * Transpiles lib/ and apps/ (TypeScript) into .bench-tmp/build/ (or the given folder), mirroring the repo layout, so
 * the benchmark runs precompiled JavaScript exactly as `npm run build` would produce it, without
 * touching lib/*.js (other work may be in progress there) and without type-checking (the
 * benchmark measures run time, `npm test` owns type errors).
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { execFileSync } = require('child_process');

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

/**
 * @param rev a git revision to build from instead of the work tree (env BENCH_REV), e.g. to
 *   measure a commit while the work tree is mid-edit, or to compare before and after a change.
 */
function build(rev = process.env.BENCH_REV, out = OUT) {
  let srcRoot = ROOT;
  if (rev) {
    srcRoot = path.join(path.dirname(out), 'src');
    fs.rmSync(srcRoot, { recursive: true, force: true });
    fs.mkdirSync(srcRoot, { recursive: true });
    // The files the example-app sandbox needs, those the revision has (the synth hook moved from scripts/ to register.js).
    const paths = ['lib', 'apps', 'package.json', 'cdk8s.yaml', 'tsconfig.json', 'README.md', 'register.js', 'scripts']
      .filter((p) => { try { execFileSync('git', ['cat-file', '-e', `${rev}:${p}`], { cwd: ROOT, stdio: 'ignore' }); return true; } catch { return false; } });
    execFileSync('sh', ['-c', `git archive --format=tar ${JSON.stringify(rev)} ${paths.join(' ')} | tar -x -C ${JSON.stringify(srcRoot)}`], { cwd: ROOT, stdio: 'inherit' });
  }
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions = { ...parsed.options, declaration: false, sourceMap: false, inlineSourceMap: false, noEmit: false };
  fs.rmSync(out, { recursive: true, force: true });
  const files = [...walk(path.join(srcRoot, 'lib')), ...walk(path.join(srcRoot, 'apps'))];
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    const res = ts.transpileModule(src, { compilerOptions, fileName: file, reportDiagnostics: false });
    const rel = path.relative(srcRoot, file).replace(/\.ts$/, '.js');
    const dest = path.join(out, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, res.outputText);
  }
  return { out, srcRoot, files: files.length, rev: rev ?? 'work tree' };
}

module.exports = { build, OUT };

if (require.main === module) {
  const t = process.hrtime.bigint();
  const r = build();
  console.log(`transpiled ${r.files} files (${r.rev}) into ${path.relative(ROOT, r.out)} in ${Number(process.hrtime.bigint() - t) / 1e6} ms`);
}
