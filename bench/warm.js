'use strict';
/**
 * Where (a)'s synth time goes, step by step, in a cold process and once the same code is warm:
 *
 *   node bench/warm.js [N=1000] [layout=single] [synths=6]
 *
 * Builds the bench program of (a) once (`workloads/ours.js`, from the build of `build.js`) and calls
 * `app.synth()` on it several times in one process. Each synth prints the wall time (ms) of the
 * library's synth steps (policies, sync waves, checks step: rendering, cross-object checks, flow
 * verification, and within them the evaluator's parse of the policies and its reachability; report:
 * building, writing) and of cdk8s's YAML serialization. The first synth is
 * what `npm run bench` measures; the later ones run the same code with V8's compilers warmed up,
 * which separates the work itself from what a one-shot synth pays to get its code compiled.
 */
const path = require('path');
const { build } = require('./build');
const { plan } = require('./workloads/plan');

const [n = '1000', layout = 'single', synths = '6'] = process.argv.slice(2);
const dir = process.env.BENCH_BUILD_DIR || build().out;
process.env.BENCH_BUILD_DIR = dir;
const lib = (file) => require(path.join(dir, 'lib', file));

let times = {};
const now = () => Number(process.hrtime.bigint()) / 1e6;
function timed(label, fn) {
  return function (...args) {
    const start = now();
    try {
      return fn.apply(this, args);
    } finally {
      times[label] = (times[label] ?? 0) + now() - start;
    }
  };
}
/** Wraps an exported function: the library's compiled modules call exports through the module object. */
function wrap(module, name, label) {
  module[name] = timed(label, module[name]);
}

const { Yaml } = require(require.resolve('cdk8s', { paths: [dir] }));
wrap(Yaml, 'stringify', 'yaml');
wrap(lib('checks/collect.js'), 'collectObjects', 'render');
wrap(lib('checks/registry.js'), 'runChecks', 'checks');
wrap(lib('checks/verify.js'), 'verifyFlows', 'verification');
wrap(lib('report/model.js'), 'buildReport', 'report build');
wrap(lib('report/write.js'), 'writeReport', 'report write');
// The evaluator's core, inside the verification: parsing the policies and computing reachability.
const { NetworkPolicyEvaluator } = lib('evaluator/evaluator.js');
NetworkPolicyEvaluator.fromManifests = timed('evaluator parse', NetworkPolicyEvaluator.fromManifests);
NetworkPolicyEvaluator.prototype.reachability = timed('reachability', NetworkPolicyEvaluator.prototype.reachability);
const { NetworkModel } = lib('model/network-model.js');
const addSynthStep = NetworkModel.prototype.addSynthStep;
NetworkModel.prototype.addSynthStep = function (step) {
  return addSynthStep.call(this, { ...step, run: timed(`step ${step.name.replace('cdk8s-networking:', '')}`, step.run) });
};

const ours = require('./workloads/ours');
const built = ours.build(plan(Number(n), layout), path.join(__dirname, '..', '.bench-tmp', 'warm-out'), { gateway: true });
for (let i = 0; i < Number(synths); i++) {
  times = {};
  const start = now();
  built.app.synth();
  const total = now() - start;
  const row = Object.entries(times).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
  console.log(`synth ${i + 1} (${i === 0 ? 'cold' : 'warm'}): ${Math.round(total)} ms; ${row}`);
}
