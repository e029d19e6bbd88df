/**
 * The benchmark's workload (bench/workloads/plan.js) built from the library's source: N WebApps,
 * 50 per ZeroTrustNamespace, app i-1 -> app i declared, every tenth app routed by the namespace's
 * ApiGateway. The report tests draw these apps' diagrams and maps at 20, 100 and 1,000 apps.
 */
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import { ApiGateway, IngressController, Tls, WebApp, ZeroTrustNamespace } from '../lib';
import { testApp } from './util';

 
const W = require('../bench/workloads/plan');

/** The benchmark app with `n` apps, one chart per namespace; `extra` adds one more app to the first namespace. */
export function benchApp(n: number, options: { extra?: string } = {}): App {
  const app = testApp();
  const plan = W.plan(n, 'per-namespace');
  for (const ns of plan.namespaces) {
    const chart = new Chart(app, ns.chart);
    const zt = new ZeroTrustNamespace(chart, ns.name);
    let prev: WebApp | undefined;
    const routed: [string, WebApp][] = [];
    for (const a of ns.apps) {
      const web = new WebApp(chart, a.name, { namespace: zt, image: W.IMAGE, containerPort: W.CONTAINER_PORT });
      if (prev) web.allowFrom(prev);
      if (a.routed) routed.push([a.name, web]);
      prev = web;
    }
    if (options.extra && ns === plan.namespaces[0]) {
      const extra = new WebApp(chart, options.extra, { namespace: zt, image: W.IMAGE, containerPort: W.CONTAINER_PORT });
      extra.allowFrom(prev!);
    }
    const gw = new ApiGateway(chart, `${ns.name}-${ns.gateway}`, {
      namespace: zt, controller: IngressController.nginx(), tls: Tls.certManager({ clusterIssuer: W.CLUSTER_ISSUER }),
    });
    for (const [name, web] of routed) gw.addRoute({ host: ns.host, path: `/${name}`, backend: web });
  }
  return app;
}
