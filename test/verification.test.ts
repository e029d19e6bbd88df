/**
 * Flow verification: the synthesized NetworkPolicies, evaluated group-wise, must allow every
 * declared flow and, around zero-trust pods, nothing else. Tests inject wrong policies and expect
 * synth to fail naming the flow, its ports and the policies involved.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, checks as analysis, IngressController, NetworkModel, Peer, Port,
  SKIP_CHECKS_ANNOTATION, Tls, WebApp, ZeroTrustNamespace,
} from '../lib';
import { verifyFlows } from '../lib/checks/verify';
import { buildApp } from '../apps/main';
import { synth, synthError, testApp } from './util';

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly prod: ZeroTrustNamespace;
  readonly api: WebApp;
  readonly storefront: WebApp;
  readonly worker: WebApp;
}

/** production (zero-trust): storefront -> api:3000, worker -> api:3000; worker is reachable by nobody. */
function shop(): Shop {
  const app = testApp();
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const storefront = new WebApp(chart, 'storefront', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
  const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'ghcr.io/acme/worker:1.0.0', containerPort: 9090 });
  api.allowFrom(storefront);
  worker.allowTo(api);
  return { app, chart, prod, api, storefront, worker };
}

function linesOf(message: string, check: string): string[] {
  return message.split('\n').filter((l) => l.includes(`[${check}]`));
}

/** Synthesizes an app that must verify and returns its report: no finding but the expected warnings. */
function verified(app: App, warnings: string[] = []): any {
  synth(app);
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
  expect(report.findings.map((f: any) => `${f.severity} ${f.check}`)).toEqual(warnings.map((c) => `warning ${c}`));
  expect(report.suppressed).toEqual([]);
  return report;
}

function rawPolicy(chart: Chart, name: string, spec: k8s.NetworkPolicySpec, annotations?: Record<string, string>): ApiObject {
  return new k8s.KubeNetworkPolicy(chart, name, { metadata: { name, namespace: 'production', ...(annotations ? { annotations } : {}) }, spec });
}

describe('what the library emits verifies', () => {
  test('the example app: every declared flow allowed, nothing else', () => {
    const report = verified(buildApp(testApp()));
    expect(report.flows.length).toBeGreaterThan(5);
    // Every allowed connection the report lists is a declared one (flow, DNS or gateway route).
    expect(report.flows.filter((f: any) => f.declared.length === 0)).toEqual([]);
  });

  test('gateway routes, cross-namespace flows, CIDRs, namespaces, named ports and port ranges', () => {
    const s = shop();
    const payments = new ZeroTrustNamespace(s.chart, 'payments');
    const ledger = new WebApp(s.chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
    ledger.allowFrom(s.api);
    s.api.allowIngressFrom(Peer.namespace('monitoring'), Port.named('http'));
    s.api.allowIngressFrom(Peer.pods({ namespace: 'ops', labels: { app: 'debug' } }), Port.tcpRange(2900, 3100));
    s.worker.allowEgressTo(Peer.cidr('203.0.113.0/24', ['203.0.113.128/25']), Port.tcp(443));
    s.worker.allowEgressTo(Peer.namespace(payments), Port.tcp(9000));
    const gw = new ApiGateway(s.chart, 'gateway', { namespace: s.prod, controller: IngressController.nginx(), tls: Tls.secret('shop-tls') });
    gw.addRoute({ host: 'shop.example.com', backend: s.storefront });
    const report = verified(s.app);
    const flow = (from: string, to: string) => report.flows.find((f: any) => f.from === from && f.to === to);
    expect(flow('production/Deployment/api', 'payments/Deployment/ledger')).toEqual(expect.objectContaining({ ports: ['TCP 9000'], declared: ['app'] }));
    expect(flow('production/Deployment/worker', 'cidr:203.0.113.0/24 except 203.0.113.128/25')).toEqual(expect.objectContaining({ ports: ['TCP 443'] }));
    expect(flow('ops/Peer/app=debug', 'production/Deployment/api')).toEqual(expect.objectContaining({ ports: ['TCP 2900-3100'] }));
    expect(flow('ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx', 'production/Deployment/storefront')).toEqual(expect.objectContaining({ ports: ['TCP 8080'] }));
    expect(report.flows.filter((f: any) => f.declared.length === 0)).toEqual([]);
  });

  test('flows between apps of plain namespaces, where no policy governs them, pass', () => {
    const app = testApp();
    const chart = new Chart(app, 'legacy');
    const a = new WebApp(chart, 'a', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    const b = new WebApp(chart, 'b', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    b.allowFrom(a);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // No policy governs a -> b: nothing to verify, nothing listed, only the isolation warnings
      // and that nothing creates "legacy".
      const report = verified(app, ['pod-networkpolicy', 'pod-networkpolicy', 'namespace-not-created']);
      expect(report.flows).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('an injected policy that opens more than declared fails synth', () => {
  test('a raw policy opening an app to everyone names the policy, the sources and the ports', () => {
    const s = shop();
    rawPolicy(s.chart, 'allow-all-to-api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{}] });
    const lines = linesOf(synthError(s.app), 'undeclared-flow');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shop/allow-all-to-api: NetworkPolicy production/allow-all-to-api is invalid: it allows connections touching a zero-trust namespace that no flow declares');
    expect(lines[0]).toContain('cidr:0.0.0.0/0 -> production/Deployment/api on TCP all, UDP all, SCTP all');
    expect(lines[0]).toContain('kube-system/Peer/k8s-app=kube-dns -> production/Deployment/api');
    expect(lines[0]).toContain(`annotate NetworkPolicy production/allow-all-to-api with ${SKIP_CHECKS_ANNOTATION}: undeclared-flow`);
  });

  test('a raw policy opening the whole namespace to itself names every undeclared pair', () => {
    const s = shop();
    rawPolicy(s.chart, 'allow-same-namespace', {
      podSelector: {}, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('production/Deployment/storefront -> production/Deployment/worker on TCP all, UDP all, SCTP all');
    expect(line).toContain('production/Deployment/api -> production/Deployment/storefront on TCP all');
    // Declared pairs are listed only for their undeclared ports.
    expect(line).toContain('production/Deployment/storefront -> production/Deployment/api on TCP 1-2999, TCP 3001-65535, UDP all, SCTP all');
  });

  test('a policy widening a declared flow to more ports names only the extra ports', () => {
    const s = shop();
    rawPolicy(s.chart, 'api-metrics', {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'storefront' } } }], ports: [{ port: k8s.IntOrString.fromNumber(9102) }] }],
    });
    rawPolicy(s.chart, 'storefront-metrics', {
      podSelector: { matchLabels: { app: 'storefront' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: k8s.IntOrString.fromNumber(9102) }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('NetworkPolicy production/api-metrics, production/storefront-metrics is invalid');
    expect(line).toContain('no flow declares: production/Deployment/storefront -> production/Deployment/api on TCP 9102. Fix:');
  });

  test('egress to anywhere from a zero-trust pod is caught too', () => {
    const s = shop();
    rawPolicy(s.chart, 'worker-anywhere', { podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: k8s.IntOrString.fromNumber(443) }] }] });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('production/Deployment/worker -> cidr:0.0.0.0/0 on TCP 443');
    expect(line).toContain('production/Deployment/worker -> cidr:::/0 on TCP 443');
  });

  test('the policy can be accepted with the skip annotation, and the report then lists the flow as not declared', () => {
    const s = shop();
    rawPolicy(s.chart, 'allow-all-to-api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{}] },
      { [SKIP_CHECKS_ANNOTATION]: 'undeclared-flow' });
    synth(s.app);
    const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
    expect(report.suppressed.map((f: any) => f.check)).toEqual(['undeclared-flow']);
    const open = report.flows.find((f: any) => f.from === 'cidr:0.0.0.0/0' && f.to === 'production/Deployment/api');
    expect(open).toEqual({ from: 'cidr:0.0.0.0/0', to: 'production/Deployment/api', ports: ['TCP all', 'UDP all', 'SCTP all'], allowedBy: ['production/allow-all-to-api'], declared: [], declaredBy: [], calls: [],
      policyKind: 'NetworkPolicy' });
  });
});

describe('an injected change that breaks a declared flow fails synth', () => {
  test('a patched rendered policy (the wrong protocol) names the flow, where it was declared, and the denying side', () => {
    const s = shop();
    NetworkModel.of(s.app).renderPolicies();
    const policy = ApiObject.of(s.prod.node.findChild('Policy:allow-storefront-to-api'));
    policy.addJsonPatch(JsonPatch.add('/spec/ingress/0/ports/0/protocol', 'UDP'));
    const lines = linesOf(synthError(s.app), 'declared-flow-denied');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shop/api: app flow production/storefront -> production/api on TCP/3000 is invalid: the synthesized NetworkPolicies deny it: '
      + 'production/Deployment/storefront -> production/Deployment/api on TCP 3000 (ingress at production/Deployment/api is isolated and no policy allows it)');
  });

  test('a policy isolating the source outside the zero-trust namespaces names the egress side', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
    const batch = new WebApp(chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    api.allowFrom(batch);
    new k8s.KubeNetworkPolicy(chart, 'legacy-deny-egress', {
      metadata: { name: 'deny-egress', namespace: 'legacy' }, spec: { podSelector: {}, policyTypes: ['Egress'] },
    });
    const [line] = linesOf(synthError(app), 'declared-flow-denied');
    expect(line).toContain('shop/api: app flow legacy/batch -> production/api on TCP/3000 is invalid');
    expect(line).toContain('legacy/Deployment/batch -> production/Deployment/api on TCP 3000 (egress at legacy/Deployment/batch is isolated and no policy allows it)');
  });

  test('pod labels patched away from the flow\'s selector break the flow (and the Service)', () => {
    const s = shop();
    ApiObject.of(s.storefront.deployment).addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app', 'shopfront'));
    const message = synthError(s.app);
    expect(linesOf(message, 'service-targets-pod')).toHaveLength(1);
    expect(linesOf(message, 'networkpolicy-peer-targets-pod').map((l) => l.slice(0, l.indexOf(' is invalid')))).toEqual([
      expect.stringContaining('NetworkPolicy production/allow-storefront-to-api spec.ingress[0].from[0].podSelector "{app=storefront}"'),
    ]);
  });

  test('a named port the destination does not declare fails synth (flow-target-port), not taken as verified', () => {
    const s = shop();
    s.api.allowFrom(s.worker, { ports: [Port.named('metrics')] });
    const message = synthError(s.app);
    expect(linesOf(message, 'flow-target-port')[0]).toContain('shop/api.allowFrom(production/worker), shop/worker.allowTo(production/api): ports TCP/metrics is invalid');
    expect(linesOf(message, 'declared-flow-denied')).toHaveLength(0);
  });
});

describe('scale', () => {
  // Time is measured by `npm run bench`, never here: a loaded machine would fail a timed test.
  test('1000 WebApps: checks and verification work per pod group and find every edge', () => {
    const app = testApp();
    const chart = new Chart(app, 'big');
    const namespaces = Array.from({ length: 10 }, (_, i) => new ZeroTrustNamespace(chart, `team-${i}`));
    let previous: WebApp | undefined;
    for (let i = 0; i < 1000; i++) {
      const app_ = new WebApp(chart, `app-${i}`, { namespace: namespaces[i % 10], image: 'a:1', containerPort: 8080 });
      if (previous) app_.allowFrom(previous);
      previous = app_;
    }
    const model = NetworkModel.of(app);
    model.renderPolicies();
    const { objects } = analysis.collectObjects(app);
    const zeroTrust = new Set(namespaces.map((n) => n.name));
    const run = () => {
      const context = new analysis.CheckContext({ objects, ownedNamespaces: zeroTrust });
      const checks = analysis.runChecks(context);
      const verified = verifyFlows({ context, flows: model._graph.flows, zeroTrust });
      return { checks, verified };
    };
    const { checks, verified } = run();
    expect(checks.findings).toEqual([]);
    expect(verified.findings).toEqual([]);
    // One group per workload, plus the DNS pods outside the app: not one per pod pair.
    expect(verified.view.groups).toHaveLength(1001);
    // 999 app flows + 1000 DNS edges.
    expect(verified.view.edges).toHaveLength(1999);
    expect(verified.view.edges.find((e) => e.from === 'team-0/Deployment/app-0' && e.to === 'team-1/Deployment/app-1')).toBeDefined();
  });
});
