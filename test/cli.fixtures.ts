/**
 * Real programs for the command-line tests: one shop, and the variants a pull request makes of it.
 * Each synthesizes with `app.synth()` into a folder, with its network report, as `cdk8s synth` does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ApiGateway, Cni, IngressController, NetworkModel, Peer, Port, Tls, WebApp, ZeroTrustNamespace } from '../lib';
import { main } from '../lib/cli/main';
import { readOutput } from './util';

/** What one run of the command wrote, and its exit code. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in-process. */
export function cli(args: string[], cwd?: string): Run {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
  return { code, stdout, stderr };
}

/** Runs the command with `--json`, expects no error output, and returns the parsed output with the exit code. */
export function json(args: string[], cwd?: string): any {
  const r = cli([...args, '--json'], cwd);
  expect(r.stderr).toBe('');
  return { ...JSON.parse(r.stdout), code: r.code };
}

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
  /** production a plain namespace (no ZeroTrustNamespace): its pods isolated by no policy. */
  readonly plainProduction?: boolean;
}

/** The shop: production/{web, api} and payments/ledger, web -> api -> ledger, a TLS gateway to web. */
export function shop(outdir: string, variant: ShopVariant = {}): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop');
  const prod = variant.plainProduction ? 'production' : new ZeroTrustNamespace(chart, 'production');
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

/** What a pull request changes in the Cilium shop. */
export interface CiliumShopVariant {
  /** api -> api.stripe.com and *.stripe.com on 443 (`Peer.fqdn`). */
  readonly fqdnEgress?: boolean;
  /** Drop api -> the API server. */
  readonly removeApiServer?: boolean;
  /** The API server calls api's webhook port (`allowIngressFrom(Peer.kubeApiServer())`). */
  readonly webhook?: boolean;
}

/**
 * The shop on Cilium: production/api talks to the API server (entity kube-apiserver) and is
 * reached by a host-network ingress-nginx (entities host and remote-node).
 */
export function ciliumShop(outdir: string, variant: CiliumShopVariant = {}): App {
  const app = new App({ outdir });
  NetworkModel.of(app).configure({ cni: Cni.cilium(), skipChecks: ['kube-apiserver-source'] });
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  if (!variant.removeApiServer) api.allowEgressTo(Peer.kubeApiServer({ endpointPort: 6443 }));
  if (variant.fqdnEgress) {
    api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    api.allowEgressTo(Peer.fqdn('*.stripe.com'), Port.tcp(443));
  }
  if (variant.webhook) api.allowIngressFrom(Peer.kubeApiServer());
  new ApiGateway(chart, 'gateway', {
    namespace: prod, controller: IngressController.nginx({ hostNetwork: true }), tls: Tls.secret('shop-tls'),
    routes: [{ host: 'shop.example.com', path: '/', backend: api }],
  });
  return app;
}

/** Synthesizes the Cilium shop variant into a new temporary folder and returns it. */
export function synthCiliumShop(variant: CiliumShopVariant = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-cli-cilium-'));
  ciliumShop(outdir, variant).synth();
  return outdir;
}

/** Egress of shop/web: anywhere. */
const WEB_EGRESS = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec: { podSelector: { matchLabels: { app: web } }, policyTypes: [Egress], egress: [{}] }
`;

/** Hand-written YAML: namespace shop and its default-deny (no trailing newline). */
export const SHOP_DEFAULT_DENY = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }`;

/** Hand-written YAML: a document separator and Deployment `name` in shop (pods `app: name`, one container port). */
export function shopDeployment(name: string, containerPort = 3000): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: "ghcr.io/acme/${name}:1.0.0", ports: [{ containerPort: ${containerPort} }] }] }
`;
}

/**
 * Hand-written manifests in a new folder (no network report): a default-deny namespace shop with
 * api on 3000 (and, with `web`, web on 3000, free to connect anywhere), and api's ingress `rules`
 * (YAML flow mappings); `extra` is appended (more documents). Validated against the schema.
 */
export function handWrittenShop(rules: readonly string[], options: { web?: boolean; extra?: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-yaml-'));
  fs.writeFileSync(path.join(dir, 'app.yaml'), `${SHOP_DEFAULT_DENY}
${shopDeployment('api')}${options.web ? `${shopDeployment('web')}${WEB_EGRESS}` : ''}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
  ingress:
${rules.map((r) => `    - ${r}\n`).join('')}${options.extra ?? ''}`);
  readOutput(dir);
  return dir;
}

/** api's ingress rules for {@link handWrittenShop}: from monitoring by name, from any namespace, from Prometheus, from monitoring but Prometheus. */
export const RULES = {
  monitoring: '{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }], ports: [{ port: 3000 }] }',
  anyNamespace: '{ from: [{ namespaceSelector: {} }], ports: [{ port: 3000 }] }',
  prometheus: '{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, '
    + 'podSelector: { matchLabels: { app.kubernetes.io/name: prometheus } } }], ports: [{ port: 3000 }] }',
  notPrometheus: '{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchExpressions: '
    + '[{ key: app.kubernetes.io/name, operator: NotIn, values: [prometheus] }] } }], ports: [{ port: 3000 }] }',
};
