'use strict';
/**
 * (a) without the proof, for the decomposition of (a)'s time only (`BENCH_CPU_NOPROOF=1 node
 * bench/cpu.js`): the same program as `ours.js`, with the library's checks step (the cross-object
 * checks and the flow verification) and report step left out, so that what remains is what the
 * constructs, the policy rendering, the sync waves and cdk8s cost. Users cannot switch the
 * verification off; this reaches into the model's step list, which is internal.
 */
const ours = require('./ours');

const PROOF_STEPS = new Set(['cdk8s-networking:checks', 'cdk8s-networking:report']);

function load() {
  const loaded = ours.load();
  const proto = loaded.lib.NetworkModel.prototype;
  if (!proto.addSynthStep.__noproof) {
    const add = proto.addSynthStep;
    proto.addSynthStep = function addSynthStep(step) {
      if (!PROOF_STEPS.has(step.name)) add.call(this, step);
    };
    proto.addSynthStep.__noproof = true;
  }
  return loaded;
}

function build(plan, outdir, options) {
  load();
  return ours.build(plan, outdir, options);
}

module.exports = { build, synth: ours.synth, load };
