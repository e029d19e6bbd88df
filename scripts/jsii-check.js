#!/usr/bin/env node
// Compiles the library with jsii (the compiler cdk8s construct libraries use to publish to Python,
// Java, Go and .NET) to prove the public surface is expressible there.
//
// jsii compiles with our tsconfig.build.json (package.json's `jsii` section; `minimal` validation,
// since we target ES2022 where jsii's generated config would say ES2020) and writes its assembly
// and build info into the project, so it runs on a copy: lib/, README.md, the tsconfigs and a
// package.json generated from ours (the jsii dependencies mirrored as peer dependencies, the others
// bundled, as jsii requires) in a temporary folder that shares our node_modules. Our build/ is
// left alone. Exits non-zero with jsii's diagnostics when jsii rejects the API or warns.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// Warnings left out: jsii wants each peer dependency also as a devDependency pinned to the range's
// lowest version (ours are tested against newer ones); `namespace` is a reserved word in C#, which
// jsii escapes, and it is the Kubernetes name (cdk8s-plus uses it too).
const SILENCED = ['metadata/missing-dev-dependency', 'language-compatibility/reserved-word'];

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-jsii-'));
try {
  fs.cpSync(path.join(root, 'lib'), path.join(dir, 'lib'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  for (const f of ['README.md', 'tsconfig.json', 'tsconfig.build.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // jsii libraries (cdk8s, constructs, cdk8s-plus) must be peer dependencies too; any other
  // dependency (js-yaml for the CLI) is declared bundled, as jsii requires of non-jsii modules.
  const isJsii = (dep) => fs.existsSync(path.join(root, 'node_modules', dep, '.jsii'));
  const deps = Object.keys(pkg.dependencies ?? {});
  const generated = {
    ...pkg,
    peerDependencies: { ...Object.fromEntries(deps.filter(isJsii).map((d) => [d, pkg.dependencies[d]])), ...pkg.peerDependencies },
    bundleDependencies: deps.filter((d) => !isJsii(d)),
    scripts: undefined,
    devDependencies: undefined,
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(generated, null, 2)}\n`);
  const jsii = require.resolve('jsii/bin/jsii', { paths: [root] });
  const res = spawnSync(process.execPath, [jsii, '--fail-on-warnings', ...SILENCED.map((w) => `--silence-warnings=${w}`)], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.split(dir + path.sep).join('');
  if (res.status !== 0) {
    process.stderr.write(out);
    process.stderr.write(`jsii rejected the public API (exit ${res.status})\n`);
    process.exitCode = 1;
  } else {
    const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
    console.log(`jsii ${assembly.jsiiVersion}: ${Object.keys(assembly.types ?? {}).length} types OK`);
    if (process.env.JSII_CHECK_LIST) console.log(Object.keys(assembly.types ?? {}).sort().join('\n'));
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
