'use strict';
/**
 * (d) The cdk8s floor: the very objects of (c), each a plain cdk8s `ApiObject` in the same charts,
 * synthesized by `app.synth()`. What any library built on cdk8s pays at least: the construct tree,
 * cdk8s's validation and dependency passes (once per chart), token resolution and `Yaml.save`.
 */
const { ApiObject, App, Chart } = require('cdk8s');
const floor = require('./floor');

function build(plan, outdir, options = {}) {
  const { byChart } = floor.build(plan, outdir, options);
  const app = new App({ outdir });
  for (const [chartId, docs] of byChart) {
    const chart = new Chart(app, chartId);
    for (const d of docs) {
      const { apiVersion, kind, ...rest } = d;
      new ApiObject(chart, `${kind}:${d.metadata.namespace ?? ''}/${d.metadata.name}`, { apiVersion, kind, ...rest });
    }
  }
  return { app };
}

function synth(built) {
  built.app.synth();
}

module.exports = { build, synth };
