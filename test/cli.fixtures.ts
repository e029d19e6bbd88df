/**
 * Real programs for the command-line tests: one shop, and the variants a pull request makes of it.
 * Each synthesizes with `app.synth()` into a folder, with its network report, as `cdk8s synth` does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ApiGateway, IngressController, NetworkModel, Peer, Tls, WebApp, ZeroTrustNamespace } from '../lib';

/** What a pull request changes in the shop. */
export interface ShopVariant {
  /** web -> ledger, a new cross-namespace flow. */
  readonly addFlow?: boolean;
  /** Drop api -> ledger. */
  readonly removeFlow?: boolean;
  /** The api's container port (3000 by default), which api's ingress allows. */
  readonly apiPort?: number;
  /** The gateway without TLS (`Tls.none()`). */
  readonly noTls?: boolean;
  /** A worker workload. */
  readonly addWorkload?: boolean;
  /** The guardrail `forbid(ingress-nginx -> payments)`. */
  readonly guardrail?: boolean;
}

/** The shop: production/{web, api} and payments/ledger, web -> api -> ledger, a TLS gateway to web. */
export function shop(outdir: string, variant: ShopVariant = {}): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const payments = new ZeroTrustNamespace(chart, 'payments');
  const image = 'ghcr.io/acme/app:1.0.0';
  const api = new WebApp(chart, 'api', { namespace: prod, image, containerPort: variant.apiPort ?? 3000 });
  const web = new WebApp(chart, 'web', { namespace: prod, image, containerPort: 8080 });
  const ledger = new WebApp(chart, 'ledger', { namespace: payments, image, containerPort: 9000 });
  api.allowFrom(web);
  if (!variant.removeFlow) ledger.allowFrom(api);
  if (variant.addFlow) ledger.allowFrom(web);
  if (variant.addWorkload) new WebApp(chart, 'worker', { namespace: prod, image, containerPort: 7000 });
  new ApiGateway(chart, 'gateway', {
    namespace: prod,
    controller: IngressController.nginx(),
    tls: variant.noTls ? Tls.none() : Tls.secret('shop-tls'),
    routes: [{ host: 'shop.example.com', path: '/', backend: web }],
  });
  if (variant.guardrail) {
    NetworkModel.of(app).forbid({ from: Peer.namespace('ingress-nginx'), to: Peer.namespace('payments'), reason: 'the edge never reaches payments' });
  }
  return app;
}

/** A policy written by hand next to the output: every pod of every namespace may reach the ledger. */
export const OPEN_LEDGER_POLICY = `# added by hand
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: open-ledger
  namespace: payments
spec:
  podSelector:
    matchLabels:
      app: ledger
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {}
      ports:
        - port: 9000
`;

/** Synthesizes the shop variant into a new temporary folder and returns it. */
export function synthShop(variant: ShopVariant = {}, into?: string): string {
  const outdir = into ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-cli-'));
  shop(outdir, variant).synth();
  return outdir;
}
