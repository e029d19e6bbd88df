'use strict';
/**
 * (a) This library: ZeroTrustNamespace + WebApp + declared flows + ApiGateway, synthesized with
 * `app.synth()`, i.e. with whatever checks, verification and report run by default.
 */
const fs = require('fs');
const path = require('path');
const { App, Chart } = require('cdk8s');
const W = require('./plan');

const LIB = path.resolve(process.env.BENCH_BUILD_DIR || path.resolve(__dirname, '../../.bench-tmp/build'), 'lib');

function load() {
  const lib = require(LIB);
  // The gateway is part of the workload as soon as the library has it.
  const hasGateway = ['api-gateway.js', 'gateway/api-gateway.js'].some((f) => fs.existsSync(path.join(LIB, f))) && typeof lib.ApiGateway === 'function';
  return { lib, hasGateway };
}

/** Builds the constructs; returns the App (synthesized by the caller, timed separately). */
function build(plan, outdir, { gateway = true } = {}) {
  const { lib, hasGateway } = load();
  const { ZeroTrustNamespace, WebApp } = lib;
  const app = new App({ outdir });
  const charts = new Map();
  const chartOf = (id) => charts.get(id) ?? charts.set(id, new Chart(app, id)).get(id);
  for (const ns of plan.namespaces) {
    const chart = chartOf(ns.chart);
    const zt = new ZeroTrustNamespace(chart, ns.name);
    let prev;
    const routed = [];
    for (const a of ns.apps) {
      const web = new WebApp(chart, a.name, { namespace: zt, image: W.IMAGE, containerPort: W.CONTAINER_PORT });
      if (prev) web.allowFrom(prev);
      if (a.routed) routed.push([a, web]);
      prev = web;
    }
    if (gateway && hasGateway && routed.length > 0) {
      const { ApiGateway, IngressController, Tls } = lib;
      const gw = new ApiGateway(chart, `${ns.name}-${ns.gateway}`, {
        namespace: zt,
        controller: IngressController.nginx(),
        tls: Tls.certManager({ clusterIssuer: W.CLUSTER_ISSUER }),
      });
      for (const [a, web] of routed) gw.addRoute({ host: ns.host, path: `/${a.name}`, backend: web });
    }
  }
  return { app, gateway: hasGateway };
}

function synth(built) {
  built.app.synth();
}

module.exports = { build, synth, load };
