/**
 * Fixtures of the ApiGateway tests: a chart with a zero-trust `production` namespace (api,
 * frontend, worker), a zero-trust `payments` namespace (ledger), and helpers to find objects.
 */
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import type { ApiGatewayProps } from '../lib';
import { ApiGateway, IngressController, Tls, WebApp, ZeroTrustNamespace } from '../lib';
import { find, ofKind, synth, testApp } from './util';

export interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly prod: ZeroTrustNamespace;
  readonly payments: ZeroTrustNamespace;
  readonly api: WebApp;
  readonly frontend: WebApp;
  readonly worker: WebApp;
  readonly ledger: WebApp;
}

/** A fresh app with the shop's namespaces and apps (no gateway yet). The chart id is `test`. */
export function shop(): Shop {
  const app = testApp();
  const chart = new Chart(app, 'test');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const payments = new ZeroTrustNamespace(chart, 'payments');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.4.2', containerPort: 3000 });
  const frontend = new WebApp(chart, 'frontend', { namespace: prod, image: 'ghcr.io/acme/web:2.0.0', containerPort: 8080 });
  const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'ghcr.io/acme/worker:1.0.0', containerPort: 9090 });
  const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:3.1.0', containerPort: 9000 });
  return { app, chart, prod, payments, api, frontend, worker, ledger };
}

/** An nginx gateway with cert-manager TLS in `production`, overridable. */
export function gateway(s: Shop, props: Partial<ApiGatewayProps> = {}, id = 'gateway'): ApiGateway {
  return new ApiGateway(s.chart, id, {
    namespace: s.prod,
    controller: IngressController.nginx(),
    tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }),
    ...props,
  });
}

/** Synthesizes (schema-validating every object) and returns the objects. */
export function objectsOf(s: Shop): any[] {
  return synth(s.app).objects;
}

/** The one Ingress of the output. */
export function theIngress(objects: any[], name = 'gateway', namespace = 'production'): any {
  return find(objects, 'Ingress', name, namespace);
}

/** Annotations without the ones other features of the library add to every object (sync waves). */
export function ownAnnotations(obj: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries<string>(obj.metadata.annotations ?? {})) {
    if (!k.startsWith('argocd.argoproj.io/')) out[k] = v;
  }
  return out;
}

/** `[host, path, pathType, service, port]` for every path of an Ingress, in output order. */
export function ingressPaths(ingress: any): [string, string, string, string, number | string][] {
  return ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => [
    r.host, p.path, p.pathType, p.backend.service.name, p.backend.service.port.number ?? p.backend.service.port.name,
  ]));
}

export { find, ofKind };
