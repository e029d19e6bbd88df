'use strict';
/**
 * CPU-time comparison for a machine too busy for wall-clock medians (`npm run bench` needs a quiet
 * machine): each measurement is a fresh `node bench/child.js` process, the variants interleaved run
 * by run, and the figure is the process's user + system CPU time, which other load disturbs far
 * less than elapsed time. Also compares the library at two revisions.
 *
 *   BENCH_CPU_SIZES=1000 BENCH_CPU_RUNS=3 BENCH_REV_BEFORE=main node bench/cpu.js [out.json]
 *
 * BENCH_CPU_NOPROOF=1 adds (a) without the checks, the verification and the report
 * (`workloads/ours-noproof.js`), to split (a)'s time into the proof and the rest.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { build } = require('./build');
const stats = require('./stats');

const ROOT = path.resolve(__dirname, '..');
const TMP = path.join(ROOT, '.bench-tmp', `cpu-${process.pid}`);
const SIZES = (process.env.BENCH_CPU_SIZES ?? '1000').split(',').map(Number);
const LAYOUTS = (process.env.BENCH_CPU_LAYOUTS ?? 'per-namespace,single').split(',');
const RUNS = Number(process.env.BENCH_CPU_RUNS ?? 3);
const BEFORE = process.env.BENCH_REV_BEFORE;

const after = build(undefined, path.join(TMP, 'after')).out;
const before = BEFORE ? build(BEFORE, path.join(TMP, 'before', 'build')).out : undefined;
const variants = [
  { id: 'ours', impl: 'ours', dir: after },
  ...(before ? [{ id: 'ours-before', impl: 'ours', dir: before }] : []),
  { id: 'plus', impl: 'plus', dir: after },
  { id: 'floor', impl: 'floor', dir: after },
  { id: 'apiobject', impl: 'apiobject', dir: after },
  // (a) without the checks, the verification and the report: what the proof costs is ours - this.
  ...(process.env.BENCH_CPU_NOPROOF === '1' ? [{ id: 'ours-noproof', impl: 'ours-noproof', dir: after }] : []),
];

function once(v, n, layout) {
  const out = path.join(TMP, 'out', `${v.id}-${layout}-${n}`);
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js'), v.impl, String(n), layout, out, '1'],
    { env: { ...process.env, BENCH_BUILD_DIR: v.dir }, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${v.id} N=${n} ${layout} failed: ${r.stderr.slice(0, 2000)}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  return { cpu: m.cpuUserMs + m.cpuSystemMs, wall: m.timeMs, rssMiB: m.maxRssKb / 1024 };
}

const results = [];
for (const n of SIZES) {
  for (const layout of LAYOUTS) {
    const samples = Object.fromEntries(variants.map((v) => [v.id, []]));
    for (let run = 0; run < RUNS; run++) {
      for (const v of variants) samples[v.id].push(once(v, n, layout));
    }
    const med = (id, k) => stats.median(samples[id].map((s) => s[k]));
    const row = { n, layout, runs: RUNS, cpu: {}, rssMiB: {}, wall: {} };
    for (const v of variants) {
      row.cpu[v.id] = med(v.id, 'cpu');
      row.rssMiB[v.id] = Math.max(...samples[v.id].map((s) => s.rssMiB));
      row.wall[v.id] = med(v.id, 'wall');
    }
    row.ab = row.cpu.ours / row.cpu.plus;
    row.ac = row.cpu.ours / row.cpu.floor;
    row.dc = row.cpu.apiobject / row.cpu.floor;
    if (row.cpu['ours-noproof']) row.noproofAb = row.cpu['ours-noproof'] / row.cpu.plus;
    if (before) row.beforeAb = row.cpu['ours-before'] / row.cpu.plus;
    if (before) row.beforeAc = row.cpu['ours-before'] / row.cpu.floor;
    results.push(row);
    console.log(JSON.stringify(row));
  }
}
if (process.argv[2]) fs.writeFileSync(process.argv[2], JSON.stringify({ before: BEFORE, sizes: SIZES, results }, null, 1));
fs.rmSync(TMP, { recursive: true, force: true });
