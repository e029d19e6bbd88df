'use strict';
/**
 * `npm run bench`: synth time and peak memory of
 *   (a) this library (ZeroTrustNamespace, WebApp, flows, ApiGateway; app.synth() with its checks),
 *   (b) the same objects written by hand with cdk8s-plus-27,
 *   (c) the floor: the same objects as plain JS, serialized with cdk8s's yaml and written,
 *   (d) the cdk8s floor: the same objects as plain cdk8s ApiObjects through app.synth(),
 * at N = 10, 100, 1000, 5000 apps, each measurement in a fresh `node` process; then the example
 * app's synth through the CLI, \`cdk8s-networking diff\` of two N = 1000 outputs, and a CPU profile
 * of (a) at N = 1000. Prints one table and writes
 * bench/results.md.
 *
 * Environment:
 *   BENCH_QUICK=1     smoke run: N = 10 and 100, one run each, results to .bench-tmp/ only
 *   BENCH_SIZES=...   comma-separated N (default 10,100,1000,5000)
 *   BENCH_RUNS=5      measured runs per N (after one warm-up); N >= 5000 uses 5, or 3 when a
 *                     run of the three takes over 40 s (keeps the whole bench under ~15 minutes)
 *   BENCH_NO_CLI=1    skip the example-app CLI timings
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { build } = require('./build');
const { plan } = require('./workloads/plan');
const { summarize } = require('./profile-summary');
const stats = require('./stats');

const ROOT = path.resolve(__dirname, '..');
const TMP = path.join(ROOT, '.bench-tmp');
/** This run's own folder: several people may run the bench in one checkout at once. */
const RUN = path.join(TMP, `run-${process.pid}`);
const BUILD = path.join(RUN, 'build');
const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '10,100' : '10,100,1000,5000')).split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 5));
const WARMUP = QUICK ? 0 : 1;
/** Runs of each example-app command: they are short and a shared machine's noise is large. */
const EXAMPLE_RUNS = QUICK ? 1 : 9;
const IMPLS = ['ours', 'plus', 'floor', 'apiobject'];
const PROFILE_N = QUICK ? 100 : 1000;
/** A measurement that takes longer is stopped and reported as "> limit" (and not repeated). */
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;

const log = (...a) => console.error(...a);

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

/** Runs one measurement child; returns its JSON plus the process's wall time as seen from here. */
function measure(impl, n, layout, gateway, extraNodeArgs = [], extraEnv = {}) {
  const outdir = path.join(RUN, 'out', `${impl}-${layout}-${n}`);
  rmrf(outdir);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...extraNodeArgs, path.join(__dirname, 'child.js'), impl, String(n), layout, outdir, gateway ? '1' : '0'], {
    cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, BENCH_BUILD_DIR: BUILD, ...extraEnv },
  });
  const processMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM') {
    log(`  ${impl} N=${n} ${layout}: stopped after ${CHILD_TIMEOUT_MS / 1000} s`);
    return { impl, n, layout, timedOut: true, timeMs: NaN, processMs, outdir };
  }
  if (r.status !== 0) {
    throw new Error(`${impl} N=${n} ${layout} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  }
  const line = r.stdout.trim().split('\n').pop();
  return { ...JSON.parse(line), processMs, outdir };
}

/** Kinds per output, and (a) against (c) object by object, so the comparison stays honest. */
function verify(n, gateway) {
  const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
  const outs = {};
  for (const impl of IMPLS) {
    const r = measure(impl, n, 'per-namespace', gateway, [], { BENCH_COUNT: '1' });
    const docs = [];
    const files = fs.readdirSync(r.outdir).sort();
    for (const f of files.filter((x) => x.endsWith('.k8s.yaml'))) {
      for (const d of YAML.parseAllDocuments(fs.readFileSync(path.join(r.outdir, f), 'utf8'))) docs.push(d.toJSON());
    }
    const bytes = files.filter((f) => f.endsWith('.k8s.yaml')).reduce((s, f) => s + fs.statSync(path.join(r.outdir, f)).size, 0);
    const text = files.filter((f) => f.endsWith('.k8s.yaml')).map((f) => fs.readFileSync(path.join(r.outdir, f), 'utf8')).join('\n');
    outs[impl] = { docs, files, bytes, text, tree: r.tree };
  }
  const kinds = (docs) => docs.reduce((m, d) => ({ ...m, [d.kind]: (m[d.kind] ?? 0) + 1 }), {});
  const key = (d) => `${d.kind}/${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;
  const byKey = (docs) => new Map(docs.map((d) => [key(d), d]));
  const a = byKey(outs.ours.docs);
  const c = byKey(outs.floor.docs);
  const diffs = [];
  for (const [k, d] of a) {
    if (!c.has(k)) diffs.push(`only in (a): ${k}`);
    else {
      const where = stats.firstDiff(d, c.get(k));
      if (where) diffs.push(`${k} differs at ${where}`);
    }
  }
  for (const k of c.keys()) if (!a.has(k)) diffs.push(`only in (c): ${k}`);
  const result = {
    n,
    kinds: Object.fromEntries(IMPLS.map((i) => [i, kinds(outs[i].docs)])),
    bytes: Object.fromEntries(IMPLS.map((i) => [i, outs[i].bytes])),
    extraFiles: Object.fromEntries(IMPLS.map((i) => [i, outs[i].files.filter((f) => !f.endsWith('.k8s.yaml'))])),
    diffs,
    tree: Object.fromEntries(IMPLS.map((i) => [i, outs[i].tree])),
    byteIdentical: Object.fromEntries(IMPLS.map((i) => [i, outs[i].text === outs.ours.text])),
  };
  result.sameKinds = IMPLS.every((i) => JSON.stringify(stats.sortKeys(result.kinds[i])) === JSON.stringify(stats.sortKeys(result.kinds.ours)));
  return result;
}

/** Which code is measured, resolved when it is built (HEAD may move during a run). */
function describeSource() {
  const git = (args) => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  const rev = process.env.BENCH_REV;
  return rev
    ? `lib/ and apps/ at ${rev} = ${git(['rev-parse', '--short', rev])}`
    : `the work tree at ${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'lib', 'apps']) ? ' with uncommitted changes in lib/ or apps/' : ''}`;
}

function hasGateway() {
  const lib = path.join(BUILD, 'lib');
  if (!['api-gateway.js', 'gateway/api-gateway.js'].some((f) => fs.existsSync(path.join(lib, f)))) return false;
  try {
    return typeof require(lib).ApiGateway === 'function';
  } catch (e) {
    log(`warning: lib does not load: ${e.message}`);
    return false;
  }
}

/** Budget for the whole bench, and what is kept for the CLI timings and the profile after the sizes. */
const STARTED = Date.now();
/** impl/layout pairs that hit the time limit: larger N of the same are not attempted. */
const TIMED_OUT = new Set();
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 14 * 60);
const RESERVE_S = 150;

/** How many layouts of size n come after `layout` (they need a share of the budget too). */
function layoutsLeft(n, layout) {
  return layout === 'per-namespace' && plan(n, 'per-namespace').charts.length > 1 ? 1 : 0;
}

function runSizes(gateway) {
  const results = [];
  for (const n of SIZES) {
    const layouts = plan(n, 'per-namespace').charts.length > 1 ? ['per-namespace', 'single'] : ['per-namespace'];
    for (const layout of layouts) {
      const warm = n >= 5000 ? 0 : WARMUP;
      let runs = RUNS;
      const samples = Object.fromEntries(IMPLS.map((i) => [i, []]));
      for (let rep = 0; rep < warm + runs; rep++) {
        const t = Date.now();
        // Interleaved, so that a slow spell on a shared machine hits all three alike.
        const got = {};
        for (const impl of IMPLS) {
          if (samples[impl].some((x) => x.timedOut) || TIMED_OUT.has(`${impl}/${layout}`)) continue;
          const r = measure(impl, n, layout, gateway);
          got[impl] = r;
          if (r.timedOut) TIMED_OUT.add(`${impl}/${layout}`);
          if (rep >= warm || r.timedOut) samples[impl].push(r);
        }
        const repS = (Date.now() - t) / 1000;
        log(`  N=${n} ${layout} ${rep < warm ? 'warm-up' : `run ${rep - warm + 1}/${runs}`}: ${IMPLS.map((i) => `${i} ${got[i] ? (got[i].timedOut ? 'stopped' : `${got[i].timeMs.toFixed(0)} ms`) : '-'}`).join(', ')} (${repS.toFixed(1)} s)`);
        if (n >= 5000 && rep === warm && !process.env.BENCH_RUNS) {
          // Fit the largest size into the time budget: 5 runs if they fit, else as many as fit (at least 1).
          const left = BUDGET_S - (Date.now() - STARTED) / 1000 - layoutsLeft(n, layout) * repS - RESERVE_S;
          runs = Math.max(1, Math.min(RUNS, 1 + Math.floor(left / repS)));
          if (runs < RUNS) log(`  (time budget: ${runs} run(s) at N=${n} ${layout})`);
        }
      }
      results.push({ n, layout, charts: plan(n, layout).charts.length, namespaces: plan(n, layout).namespaces.length, samples });
    }
  }
  return results;
}

/**
 * The example app from cold processes, with the project's own commands, in a sandbox copy of the
 * project (lib/, apps/, scripts/, package.json, cdk8s.yaml, tsconfig.json; node_modules linked) so that
 * `rm -rf dist` and the like never touch the shared checkout's dist/.
 */
function runCli(srcRoot) {
  const box = path.join(RUN, 'example');
  rmrf(box);
  fs.mkdirSync(box, { recursive: true });
  for (const d of ['lib', 'apps']) fs.cpSync(path.join(srcRoot, d), path.join(box, d), { recursive: true, filter: (f) => !/\.(js|d\.ts)$/.test(f) || fs.statSync(f).isDirectory() });
  // The synth hook that cdk8s.yaml and `npm run synth` preload.
  if (fs.existsSync(path.join(srcRoot, 'scripts'))) fs.cpSync(path.join(srcRoot, 'scripts'), path.join(box, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'cdk8s.yaml', 'tsconfig.json', 'README.md', 'register.js']) {
    if (fs.existsSync(path.join(srcRoot, f))) fs.copyFileSync(path.join(srcRoot, f), path.join(box, f));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(box, 'node_modules'), 'dir');
  const readme = fs.existsSync(path.join(box, 'README.md')) ? fs.readFileSync(path.join(box, 'README.md'), 'utf8') : '';
  const readmeCmd = (/npm ci && ([^#\n]+?)\s+#/.exec(readme)?.[1] ?? 'npx cdk8s synth').trim();
  const appCmd = (/^app:\s*(.+)$/m.exec(fs.readFileSync(path.join(box, 'cdk8s.yaml'), 'utf8'))?.[1] ?? '').trim();
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env.CDK8S_OUTDIR;
  const dist = path.join(box, 'dist');
  const plain = preparePlainExample(box, appCmd, env);
  const cmds = [
    { id: 'readme', label: `the README's command: \`${readmeCmd}\``, sh: readmeCmd },
    ...(appCmd && appCmd !== readmeCmd ? [{ id: 'app-alone', label: `cdk8s.yaml's app command alone: \`${appCmd}\``, sh: appCmd }] : []),
    { id: 'cdk8s-cli', label: `\`npx cdk8s synth\` (cdk8s.yaml app: \`${appCmd}\`)`, sh: 'npx cdk8s synth' },
    // The CLI's own start-up for a synth: the same command with an app that only creates the output folder the CLI expects.
    { id: 'cli-empty', label: '`npx cdk8s synth --app "mkdir -p dist"` (the CLI with an app that writes nothing)', sh: 'npx cdk8s synth --app "mkdir -p dist"', writes: false },
    // What cdk8s alone costs for the example's manifests: the bound under any library on cdk8s.
    { id: 'plain-cdk8s', label: `\`node ${plain.script}\`: a plain cdk8s app writing the example's manifests as ApiObjects (no library)`, sh: `node ${plain.script}`, ...plain.state },
    { id: 'cli-plain', label: `\`npx cdk8s synth --app "node ${plain.script}"\` (that plain cdk8s app through the CLI)`, sh: `npx cdk8s synth --app "node ${plain.script}"`, ...plain.state },
    { id: 'cli-typecheck', label: '`npx cdk8s synth --app "npx ts-node apps/main.ts"` (the cdk8s template\'s default, type-checking)', sh: 'npx cdk8s synth --app "npx ts-node apps/main.ts"' },
    { id: 'ts-node', label: '`npx ts-node apps/main.ts` alone (type-checking)', sh: 'npx ts-node apps/main.ts' },
    { id: 'transpile-only', label: '`node -r ts-node/register/transpile-only apps/main.ts` alone', sh: 'node -r ts-node/register/transpile-only apps/main.ts' },
    { id: 'precompiled', label: '`node apps/main.js` on the precompiled example (lib and apps as JS)', sh: `node ${JSON.stringify(path.join(BUILD, 'apps', 'main.js'))}` },
    { id: 'node-empty', label: '`node -e ""` (Node.js start-up alone)', sh: 'node -e ""', writes: false },
    { id: 'cli-alone', label: '`npx cdk8s --version` (CLI start-up alone, no synth)', sh: 'npx cdk8s --version', writes: false },
  ];
  // Commands interleaved run by run (as the synth variants are), so that a slow spell hits them alike.
  const times = new Map(cmds.map((c) => [c.id, []]));
  for (let rep = 0; rep < WARMUP + EXAMPLE_RUNS; rep++) {
    for (const c of cmds.filter((x) => !x.error)) {
      rmrf(dist);
      const t = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', c.sh], { cwd: box, env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const wrote = c.writes === false || (fs.existsSync(dist) && fs.readdirSync(dist).some((f) => f.endsWith('.k8s.yaml')));
      if (r.status !== 0 || !wrote) {
        log(`  ${c.id} failed (status ${r.status}${wrote ? '' : ', no manifests written'}): ${(r.stderr || r.stdout).slice(0, 2000)}`);
        c.error = (r.stderr || r.stdout || '').split('\n').find((l) => /error|Error/.test(l)) ?? `status ${r.status}`;
        times.set(c.id, []);
        continue;
      }
      if (rep >= WARMUP) times.get(c.id).push(ms);
    }
  }
  const out = [];
  for (const c of cmds) {
    const ts = times.get(c.id);
    log(`  ${c.id}: ${ts.map((t) => t.toFixed(0)).join(', ')} ms`);
    out.push({ ...c, times: ts, median: ts.length ? stats.median(ts) : NaN });
  }
  return out;
}

/**
 * A plain cdk8s app that writes the example app's manifests, byte for byte, as bare ApiObjects
 * (one Chart per file): the example's manifests cost at least this much through cdk8s, whatever
 * library builds them. Written into the sandbox from one run of the app command; a mismatch with
 * the example's output marks its commands failed (`error`) rather than timing something else.
 */
function preparePlainExample(box, appCmd, env) {
  const script = 'plain-cdk8s/app.js';
  const dir = path.join(box, 'plain-cdk8s');
  const dist = path.join(box, 'dist');
  const fail = (why) => ({ script, state: { error: `plain cdk8s app not prepared: ${why}` } });
  rmrf(dist);
  const r = spawnSync('sh', ['-c', appCmd || 'npx cdk8s synth'], { cwd: box, env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  if (r.status !== 0) return fail(`the app command failed: ${(r.stderr || '').slice(0, 300)}`);
  const yaml = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json', { paths: [box] }))] }));
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.k8s.yaml')).sort();
  const charts = files.map((f) => ({
    chart: f.slice(0, -'.k8s.yaml'.length),
    objects: yaml.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJS()).filter((o) => o),
  }));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'objects.json'), JSON.stringify(charts));
  fs.writeFileSync(path.join(box, script), [
    "'use strict';",
    "const { App, ApiObject, Chart } = require('cdk8s');",
    'const app = new App({ outdir: process.env.PLAIN_OUTDIR || \'dist\' });',
    "for (const c of require('./objects.json')) {",
    '  const chart = new Chart(app, c.chart);',
    '  c.objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));',
    '}',
    'app.synth();',
    '',
  ].join('\n'));
  const check = path.join(RUN, 'plain-check');
  rmrf(check);
  const p = spawnSync('node', [script], { cwd: box, env: { ...env, PLAIN_OUTDIR: check }, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  if (p.status !== 0) return fail((p.stderr || '').slice(0, 300));
  const differs = files.filter((f) => !fs.existsSync(path.join(check, f))
    || !fs.readFileSync(path.join(check, f)).equals(fs.readFileSync(path.join(dist, f))));
  if (differs.length) return fail(`its output differs from the example's in ${differs.join(', ')}`);
  return { script, state: {} };
}

/**
 * `cdk8s-networking diff` of two (a) outputs at N = 1000 (100 in QUICK mode): the app with its
 * gateways against the same app without them (every tenth app loses its route and the ingress
 * controller's flow), each run a fresh process of the built command, as CI runs it.
 */
function runDiff(gateway) {
  const n = QUICK ? 100 : 1000;
  const base = measure('ours', n, 'per-namespace', gateway);
  const baseDir = path.join(RUN, 'out', `diff-base-${n}`);
  rmrf(baseDir);
  fs.renameSync(base.outdir, baseDir);
  const head = measure('ours', n, 'per-namespace', !gateway);
  const main = path.join(BUILD, 'lib', 'cli', 'main.js');
  const bytes = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  const times = [];
  const cpu = [];
  let summary = '';
  let error;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [main, 'diff', baseDir, head.outdir, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 1) {
      error = `exit ${r.status}: ${r.stderr.slice(0, 300)}`;
      break;
    }
    summary = JSON.parse(r.stdout).summary;
    if (i >= WARMUP) times.push(ms);
  }
  for (let i = 0; i < 2 && !error; i++) {
    const args = JSON.stringify(['diff', baseDir, head.outdir, '--json']);
    const script = `const t = process.cpuUsage(); require(${JSON.stringify(main)}).main(${args}, { stdout() {}, stderr() {} }); `
      + 'const u = process.cpuUsage(t); process.stdout.write(String((u.user + u.system) / 1000));';
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0) cpu.push(Number(r.stdout));
  }
  const median = times.length ? stats.median(times) : NaN;
  return { n, times, median, cpuMs: cpu.length ? stats.median(cpu) : NaN, bytes: bytes(baseDir) + bytes(head.outdir), summary, error };
}

/**
 * What (a)'s time is made of, at N = 1000 (100 in QUICK mode), both layouts: (a) as shipped, (a)
 * with cdk8s's own YAML writer (`CDK8S_NETWORKING_YAML_WRITER=cdk8s`), (a) without the proof
 * (`ours-noproof`: no checks, verification or report) and (b), interleaved run by run.
 */
const PARTS = [
  { key: 'ours', impl: 'ours', env: {} },
  { key: 'oursCdk8sYaml', impl: 'ours', env: { CDK8S_NETWORKING_YAML_WRITER: 'cdk8s' } },
  { key: 'oursNoProof', impl: 'ours-noproof', env: {} },
  { key: 'plus', impl: 'plus', env: {} },
];
function runParts(gateway) {
  const n = QUICK ? 100 : 1000;
  const rows = [];
  for (const layout of ['per-namespace', 'single']) {
    const samples = Object.fromEntries(PARTS.map((p) => [p.key, []]));
    for (let rep = 0; rep < WARMUP + RUNS; rep++) {
      for (const part of PARTS) {
        const r = measure(part.impl, n, layout, gateway, [], part.env);
        if (rep >= WARMUP) samples[part.key].push(r);
      }
    }
    const median = (key, field) => stats.median(samples[key].map((r) => (field === 'cpu' ? r.cpuUserMs + r.cpuSystemMs : r[field])));
    rows.push({
      n, layout,
      ...Object.fromEntries(PARTS.map((p) => [p.key, { timeMs: median(p.key, 'timeMs'), cpuMs: median(p.key, 'cpu'), runs: samples[p.key].map((r) => r.timeMs) }])),
    });
  }
  return rows;
}

function runProfile(gateway) {
  const dir = path.join(RUN, 'prof');
  rmrf(dir);
  const r = measure('ours', PROFILE_N, 'per-namespace', gateway, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (r.timedOut || !file) return { n: PROFILE_N, timedOut: true, self: [], buckets: [], inclusiveOurs: [], totalMs: NaN };
  const kept = path.join(TMP, `profile-a-${PROFILE_N}.cpuprofile`); // for a closer look (e.g. Chrome DevTools)
  fs.copyFileSync(path.join(dir, file), kept);
  return { n: PROFILE_N, run: r, file: kept, ...summarize(kept, { top: 15 }) };
}

function main() {
  if (process.argv[2] === 'render') {
    // Re-renders the table and results from the raw measurements of an earlier run.
    const raw = JSON.parse(fs.readFileSync(process.argv[3] ?? path.join(TMP, 'raw.json'), 'utf8'));
    if (raw.profile?.file && fs.existsSync(raw.profile.file)) raw.profile = { ...raw.profile, ...summarize(raw.profile.file, { top: 15 }) };
    const report = require('./report').render(raw);
    console.log(report.table);
    if (process.argv[4]) fs.writeFileSync(process.argv[4], report.markdown);
    return;
  }
  if (process.argv[2] === 'verify') {
    process.on('exit', () => rmrf(RUN));
    build(undefined, BUILD);
    const r = verify(Number(process.argv[3] ?? 100), hasGateway());
    console.log(JSON.stringify({ ...r, diffs: r.diffs.slice(0, 20), ndiffs: r.diffs.length }, null, 1));
    return;
  }
  const started = Date.now();
  const loadStart = os.loadavg();
  log(`building lib and apps into ${path.relative(ROOT, BUILD)} ...`);
  process.on('exit', () => rmrf(RUN));
  const built = build(undefined, BUILD);
  const source = describeSource();
  const gateway = hasGateway();
  log(`ApiGateway in the workload: ${gateway ? 'yes' : 'no (lib/api-gateway.ts does not exist yet)'}`);

  log(`checking that (a), (b) and (c) emit the same objects (N=${QUICK ? 10 : 100}) ...`);
  const check = verify(QUICK ? 10 : 100, gateway);
  if (!check.sameKinds) log(`warning: object kinds differ: ${JSON.stringify(check.kinds)}`);
  if (check.diffs.length) log(`warning: (a) and (c) differ in ${check.diffs.length} objects, e.g. ${check.diffs.slice(0, 5).join('; ')}`);

  log('measuring ...');
  const sizes = runSizes(gateway);
  log('cdk8s-networking diff of two outputs ...');
  const diff = runDiff(gateway);
  log('what (a) is made of: the YAML writer and the proof ...');
  const parts = runParts(gateway);
  log('example app (cold processes) ...');
  const cli = process.env.BENCH_NO_CLI === '1' ? [] : runCli(built.srcRoot);
  log(`profiling (a) at N=${PROFILE_N} ...`);
  const profile = runProfile(gateway);

  const machine = {
    source,
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memGiB: os.totalmem() / 2 ** 30,
    platform: `${os.type()} ${os.release()}`,
    loadStart,
    loadEnd: os.loadavg(),
    date: new Date().toISOString(),
    minutes: (Date.now() - started) / 60000,
  };
  const raw = { machine, gateway, check, sizes, cli, diff, parts, profile, quick: QUICK };
  fs.writeFileSync(path.join(TMP, QUICK ? 'raw-quick.json' : 'raw.json'), JSON.stringify(raw));
  const report = require('./report').render(raw);
  console.log(report.table);
  const file = QUICK ? path.join(TMP, 'results-quick.md') : path.join(__dirname, 'results.md');
  fs.writeFileSync(file, report.markdown);
  log(`\nwrote ${path.relative(ROOT, file)} (${machine.minutes.toFixed(1)} min)`);
}

main();
