'use strict';
/**
 * One measurement in a fresh process:
 *   node bench/child.js <ours|plus|floor> <N> <per-namespace|single> <outdir> <gateway 0|1>
 * Prints one JSON line: module load, construct and synth times (hrtime, ms) and peak RSS.
 */
const t0 = process.hrtime.bigint();
const [impl, nArg, layout, outdir, gatewayArg] = process.argv.slice(2);
const { plan } = require('./workloads/plan');
const mod = require(`./workloads/${impl}`);
if (mod.load) mod.load(); // the library's own modules: loading is not synthesis
const ms = (a, b) => Number(b - a) / 1e6;

const tLoad = process.hrtime.bigint();
const built = mod.build(plan(Number(nArg), layout), outdir, { gateway: gatewayArg !== '0' });
const tBuild = process.hrtime.bigint();
mod.synth(built);
const tSynth = process.hrtime.bigint();

const ru = process.resourceUsage();
// Tree size and construct dependencies (cdk8s resolves dependencies pairwise), outside the timing.
let tree;
if (process.env.BENCH_COUNT === '1' && built.app) {
  const all = built.app.node.findAll();
  tree = { constructs: all.length, dependencies: all.reduce((s, c) => s + c.node.dependencies.length, 0) };
}
process.stdout.write(JSON.stringify({
  impl, n: Number(nArg), layout,
  loadMs: ms(t0, tLoad),
  buildMs: ms(tLoad, tBuild),
  synthOnlyMs: ms(tBuild, tSynth),
  // construct + synth: what the table calls the synth time
  timeMs: ms(tLoad, tSynth),
  maxRssKb: ru.maxRSS,
  cpuUserMs: ru.userCPUTime / 1000,
  cpuSystemMs: ru.systemCPUTime / 1000,
  gateway: built.gateway,
  tree,
}) + '\n');
