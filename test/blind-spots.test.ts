/**
 * Issue #12: ordinary programs that used to pass synth while the cluster would drop declared
 * traffic or admit undeclared traffic. Each case fails (or warns) at synth, naming the declaration.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App} from 'cdk8s';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, Cni, ExternalTrafficPolicy, IngressController, NetworkModel, Peer, PodSecurityLevel, Port, Protocol, ServiceType, Tls, WebApp,
  ZeroTrustNamespace,
} from '../lib';
import { captureWarnings, find, meetRestricted, synth, synthError, testApp } from './util';

function linesOf(message: string, check: string): string[] {
  return message.split('\n').filter((l) => l.includes(`[${check}]`));
}

/** The warnings of one check that synth prints (captured, so they stay out of the test output). */
function warningsOf(app: App, check: string): string[] {
  return captureWarnings(() => synth(app)).warnings.filter((l) => l.startsWith(`[${check}]`));
}

/** The flows of production/web in the network report, but DNS. */
function reportFlows(app: App): any[] {
  const report = JSON.parse(require('fs').readFileSync(require('path').join(app.outdir, 'network-report.json'), 'utf8'));
  return report.flows.filter((f: any) => f.from === 'production/Deployment/web' && !f.to.startsWith('kube-system/'));
}

function shop() {
  const app = testApp();
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
  const orders = new WebApp(chart, 'orders', { namespace: prod, image: 'ghcr.io/acme/orders:1.0.0', containerPort: 4000 });
  return { app, chart, prod, web, orders };
}

describe('1. a flow on a port the destination does not listen on', () => {
  test('the Service port instead of the container port names the call, the destination, its ports and the Service mapping', () => {
    const s = shop();
    s.orders.allowFrom(s.web, { ports: [Port.tcp(80)] });
    const [line, ...rest] = linesOf(synthError(s.app), 'flow-target-port');
    expect(rest).toHaveLength(0);
    expect(line).toContain('shop/orders.allowFrom(production/web): ports TCP/80 is invalid: the destination production/orders');
    expect(line).toContain('(production/Deployment/orders) does not listen on it, it declares TCP/4000 (http)');
    expect(line).toContain('Service production/orders maps its port 80 to targetPort 4000');
  });

  test('a named port no container declares, and one bad port in a list', () => {
    const s = shop();
    s.orders.allowFrom(s.web, { ports: [Port.named('metrics')] });
    s.web.allowTo(s.orders, { ports: [Port.tcp(4000), Port.tcp(9090)] });
    const lines = linesOf(synthError(s.app), 'flow-target-port');
    expect(lines).toHaveLength(1); // one flow (the two declarations merge), both dead ports named
    expect(lines[0]).toContain('shop/orders.allowFrom(production/web), shop/web.allowTo(production/orders): ports TCP/9090, TCP/metrics is invalid');
  });

  test('a UDP flow on a port the destination declares only for TCP', () => {
    const s = shop();
    s.orders.allowFrom(s.web, { ports: [Port.udp(4000)] });
    const [line] = linesOf(synthError(s.app), 'flow-target-port');
    expect(line).toContain('shop/orders.allowFrom(production/web): ports UDP/4000 is invalid');
    expect(line).toContain('it declares TCP/4000 (http)');
  });

  test('a Peer.workload destination is checked against its containers', () => {
    const s = shop();
    const cache = new kplus.Deployment(s.chart, 'cache', {
      metadata: { namespace: 'production' },
      containers: [{ image: 'redis:7', ports: [{ number: 6379 }], securityContext: { ensureNonRoot: false } }],
    });
    s.web.allowEgressTo(Peer.workload(cache), Port.tcp(6380));
    expect(linesOf(synthError(s.app), 'flow-target-port')[0]).toContain('shop/web.allowEgressTo(production/shop-cache-c87f5dd9): ports TCP/6380 is invalid');
  });

  test('a port range containing the container port, named ports that exist, and pods outside the app pass', () => {
    const s = shop();
    s.orders.allowFrom(s.web, { ports: [Port.tcpRange(3000, 5000), Port.named('http')] });
    s.orders.allowIngressFrom(Peer.pods({ namespace: 'monitoring', labels: { app: 'prometheus' } }), Port.tcp(4000));
    s.web.allowEgressTo(Peer.pods({ namespace: 'legacy', labels: { app: 'mainframe' } }), Port.tcp(7777));
    expect(() => synth(s.app)).not.toThrow();
  });

  test('a port name of pods outside the app cannot be verified nor listed: a warning says so (flow-port-unverified)', () => {
    const s = shop();
    s.web.allowEgressTo(Peer.pods({ namespace: 'monitoring', labels: { app: 'pushgateway' } }), Port.named('push'));
    s.web.allowEgressTo(Peer.namespace('logging'), Port.named('fluent'), Port.tcp(24224));
    const warnings = warningsOf(s.app, 'flow-port-unverified');
    expect(warnings).toEqual([
      '[flow-port-unverified] shop/web.allowEgressTo(logging/namespace-logging): ports TCP/fluent is accepted, but: the destination '
      + '(every pod of namespace logging) includes pods the app does not define, so which port number each of them gives that name is '
      + 'unknown here: the egress rule admits it, but the flow verification cannot check the flow to them and the network report does not '
      + 'list it. Fix: give the number (Port.tcp(9091), say) if those pods all use one; otherwise skip this check for the app '
      + '(NetworkModel.configure({ skipChecks: [\'flow-port-unverified\'] }))',
      expect.stringContaining('shop/web.allowEgressTo(monitoring/monitoring-pushgateway): ports TCP/push is accepted, but: the destination '
        + '(monitoring/monitoring-pushgateway {app=pushgateway}) includes pods the app does not define, so which port number'),
    ]);
    // The rule is rendered as declared; the report lists only what it can verify (the number).
    expect(reportFlows(s.app)).toEqual([
      expect.objectContaining({ to: 'logging/Peer/*', ports: ['TCP 24224'] }),
    ]);
  });

  test('a port name towards a namespace the app does not own warns even when the destination also selects app workloads', () => {
    // The probe: every pod of legacy, where the app runs billing next to pods it does not define.
    const s = shop();
    new WebApp(s.chart, 'billing', { namespace: 'legacy', image: 'x/b:1', containerPort: 9000 });
    s.web.allowTo(Peer.namespace('legacy'), { ports: [Port.named('http')] });
    expect(warningsOf(s.app, 'flow-port-unverified')).toEqual([
      '[flow-port-unverified] shop/web.allowTo(legacy/namespace-legacy): ports TCP/http is accepted, but: the destination '
      + '(every pod of namespace legacy) includes pods the app does not define, so which port number each of them gives that name is '
      + 'unknown here: the egress rule admits it, but the flow verification cannot check the flow to them and the network report does not '
      + 'list it (only to the app\'s own pods there: legacy/Deployment/billing). Fix: give the number (Port.tcp(9091), say) if those pods '
      + 'all use one; otherwise skip this check for the app (NetworkModel.configure({ skipChecks: [\'flow-port-unverified\'] }))',
    ]);
    // The report lists the app's billing (its name resolves on its container), not the other pods of legacy.
    expect(reportFlows(s.app)).toEqual([
      expect.objectContaining({ to: 'legacy/Deployment/billing', ports: ['TCP 9000'] }),
    ]);

    // Pods by label in a plain namespace: the app's WebApp carries them, so may pods it does not define.
    const plain = shop();
    new WebApp(plain.chart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 8080, ports: [{ name: 'push', port: 9091 }] });
    plain.web.allowEgressTo(Peer.pods({ namespace: 'legacy', labels: { app: 'legacy' } }), Port.named('push'));
    expect(warningsOf(plain.app, 'flow-port-unverified')).toEqual([
      expect.stringContaining('[flow-port-unverified] shop/web.allowEgressTo(legacy/legacy-legacy): ports TCP/push is accepted, but: the destination '
        + '(legacy/legacy-legacy {app=legacy}) includes pods the app does not define, so which port number each of them gives that name '
        + 'is unknown here: the egress rule admits it, but the flow verification cannot check the flow to them and the network report does '
        + 'not list it (only to the app\'s own pods there: legacy/Deployment/legacy). Fix:'),
    ]);

    // A shared zero-trust namespace: the library leaves the name in the rule, and pods from outside the app run there.
    const shared = shop();
    NetworkModel.of(shared.app).configure({ sharedNamespaces: ['production'] });
    shared.web.allowEgressTo(Peer.pods({ labels: { app: 'orders' } }), Port.named('http'));
    expect(warningsOf(shared.app, 'flow-port-unverified')).toEqual([
      expect.stringContaining('[flow-port-unverified] shop/web.allowEgressTo(production/orders): ports TCP/http is accepted, but: the destination '
        + '(production/orders {app=orders}) includes pods the app does not define, so which port number each of them gives that name '
        + 'is unknown here: the egress rule admits it, but the flow verification cannot check the flow to them and the network report does '
        + 'not list it (only to the app\'s own pods there: production/Deployment/orders). Fix:'),
    ]);
  });

  test('a flow declared from both ends gives one warning whose calls are sorted, whatever the order (the report must not depend on it)', () => {
    const s = shop();
    const billing = new WebApp(s.chart, 'billing', { namespace: 'legacy', image: 'x/b:1', containerPort: 9000 });
    s.web.allowTo(billing, { ports: [Port.named('http')] });
    billing.allowFrom(s.web, { ports: [Port.named('http')] });
    expect(warningsOf(s.app, 'flow-port-unverified')).toEqual([
      expect.stringMatching(/^\[flow-port-unverified\] shop\/billing\.allowFrom\(production\/web\), shop\/web\.allowTo\(legacy\/billing\): ports TCP\/http is accepted/),
    ]);
  });

  test('port names towards the app\'s own pods in an owned namespace, from pods outside zero-trust namespaces, or with numbers: no flow-port-unverified', () => {
    const s = shop();
    // Resolved: the rendered rule names the number orders gives 'http'.
    s.web.allowEgressTo(s.orders, Port.named('http'));
    s.web.allowEgressTo(Peer.pods({ namespace: 'monitoring', labels: { app: 'pushgateway' } }), Port.tcp(9091));
    // Not resolved (the pods give the name different numbers), but the app defines every pod of production.
    for (const [name, number] of [['primary', 5432], ['replica', 5433]] as const) {
      new WebApp(s.chart, name, { namespace: s.prod, image: 'pg:16', containerPort: 8080, ports: [{ name: 'sql', port: number }], partOf: 'db' });
    }
    s.web.allowEgressTo(Peer.pods({ labels: { 'app.kubernetes.io/part-of': 'db' } }), Port.named('sql'));
    // An empty zero-trust namespace has no pods at all.
    new ZeroTrustNamespace(s.chart, 'empty');
    s.web.allowEgressTo(Peer.namespace('empty'), Port.named('push'));
    // A pod outside the zero-trust namespaces has no egress policy: nothing is rendered to verify.
    const legacy = new WebApp(s.chart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 8080 });
    legacy.allowEgressTo(Peer.pods({ namespace: 'monitoring', labels: { app: 'pushgateway' } }), Port.named('push'));
    expect(warningsOf(s.app, 'flow-port-unverified')).toEqual([]);
  });
});

function rawPolicy(chart: Chart, name: string, spec: k8s.NetworkPolicySpec): void {
  new k8s.KubeNetworkPolicy(chart, name, { metadata: { name, namespace: 'production' }, spec });
}

describe('8. exposure to pods the app does not know', () => {
  test('ingress from every namespace labelled team=payments names what the rule admits', () => {
    const s = shop();
    rawPolicy(s.chart, 'payments-to-orders', {
      podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'payments' } } }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('[namespaces team=payments]/Peer/* (any pod in every namespace labelled team=payments) -> production/Deployment/orders on TCP all');
  });

  test('ingress from labelled pods in a namespace the app does not define, by name', () => {
    const s = shop();
    rawPolicy(s.chart, 'debug-to-orders', {
      podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } }, podSelector: { matchLabels: { app: 'debug' } } }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('tools/Peer/app=debug (pods labelled app=debug in namespace tools) -> production/Deployment/orders on TCP all');
  });

  test('namespaceSelector {} is "any pod in any other namespace", in the egress direction too', () => {
    const s = shop();
    rawPolicy(s.chart, 'web-out', {
      podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] } }], ports: [{ port: k8s.IntOrString.fromNumber(5432) }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('production/Deployment/web -> [any other namespace]/Peer/tier=db (pods labelled tier in (db) in any other namespace) on TCP 5432');
  });

  test('the report lists the admitted exposure as an endpoint of its own type when accepted', () => {
    const s = shop();
    new k8s.KubeNetworkPolicy(s.chart, 'accepted', {
      metadata: { name: 'accepted', namespace: 'production', annotations: { 'cdk8s-networking.io/skip-checks': 'undeclared-flow' } },
      spec: {
        podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'payments' } } }] }],
      },
    });
    synth(s.app);
    const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
    const exposure = report.endpoints.find((e: any) => e.type === 'exposure');
    expect(exposure).toMatchObject({ id: '[namespaces team=payments]/Peer/*', type: 'exposure', namespace: '[namespaces team=payments]', name: 'any pod in every namespace labelled team=payments' });
    expect(report.flows.find((f: any) => f.from === exposure.id)).toMatchObject({ to: 'production/Deployment/orders', declared: [] });
    expect(report.namespaces.map((n: any) => n.name)).not.toContain('[namespaces team=payments]');
    expect(require('fs').readFileSync(`${s.app.outdir}/network-report.md`, 'utf8')).toContain('any pod in every namespace labelled team=payments (not in the app)');
  });

  test('a namespace the app fully defines gets no stand-in pods: a peer there that selects none is another check\'s', () => {
    // Both sides open, so a stand-in for app=ghost pods would reach orders: an undeclared flow.
    const s = shop();
    const skip = { 'cdk8s-networking.io/skip-checks': 'networkpolicy-targets-pod, networkpolicy-peer-targets-pod' };
    new k8s.KubeNetworkPolicy(s.chart, 'ghost-out', {
      metadata: { name: 'ghost-out', namespace: 'production', annotations: skip },
      spec: { podSelector: { matchLabels: { app: 'ghost' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'orders' } } }] }] },
    });
    new k8s.KubeNetworkPolicy(s.chart, 'ghost-to-orders', {
      metadata: { name: 'ghost-to-orders', namespace: 'production', annotations: skip },
      spec: { podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'ghost' } } }] }] },
    });
    expect(() => synth(s.app)).not.toThrow();
  });

  test('declared flows to namespaces and pods outside the app stay declared', () => {
    const s = shop();
    s.orders.allowIngressFrom(Peer.namespace('monitoring'), Port.tcp(4000));
    s.orders.allowIngressFrom(Peer.pods({ namespace: 'tools', labels: { app: 'debug' } }), Port.tcp(4000));
    expect(() => synth(s.app)).not.toThrow();
  });

  describe('a policy whose targets may be pods outside the app', () => {
    const openBoth = { policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] };
    function open(s: ReturnType<typeof shop>, name: string, podSelector: k8s.LabelSelector): void {
      new ApiObject(s.chart, name, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'production' },
        spec: { podSelector, ...openBoth } });
    }

    test('in a shared zero-trust namespace, pods no workload of the app carries the labels of (Helm\'s redis) get a stand-in', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ sharedNamespaces: ['production'] });
      open(s, 'redis-open', { matchLabels: { app: 'redis' } });
      const redis = 'production/Peer/app=redis (pods labelled app=redis in namespace production)';
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines).toEqual([
        '  - [undeclared-flow] shop/redis-open: NetworkPolicy production/redis-open is invalid: it allows connections touching a zero-trust '
        + `namespace that no flow declares: cidr:0.0.0.0/0 -> ${redis} on TCP all, UDP all, SCTP all; cidr:::/0 -> ${redis} on TCP all, UDP all, `
        + `SCTP all; kube-system/Peer/k8s-app=kube-dns -> ${redis} on TCP all, UDP all, SCTP all; ${redis} -> cidr:0.0.0.0/0 on TCP all, UDP all, `
        + `SCTP all; ${redis} -> cidr:::/0 on TCP all, UDP all, SCTP all; ${redis} -> kube-system/Peer/k8s-app=kube-dns on TCP 1-52, TCP 54-65535, `
        + `UDP 1-52, UDP 54-65535, SCTP all; ${redis} -> ${redis} on TCP all, UDP all, SCTP all. Fix: declare the flow (app.allowFrom(peer), `
        + 'app.allowTo(peer), allowIngressFrom/allowEgressTo) instead of writing the policy, or narrow the policy to the declared flows (to accept '
        + 'it, annotate NetworkPolicy production/redis-open with cdk8s-networking.io/skip-checks: undeclared-flow)',
      ]);
    });

    test('in a shared namespace, an In over the app\'s pods and others: the others get a stand-in', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ sharedNamespaces: ['production'] });
      open(s, 'mixed-open', { matchExpressions: [{ key: 'app', operator: 'In', values: ['orders', 'redis'] }] });
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines.join('\n')).toContain('cidr:0.0.0.0/0 -> production/Peer/app=redis (pods labelled app in (orders,redis) in namespace production)');
      expect(lines.join('\n')).not.toContain('production/Peer/app=orders');
    });

    test('in a namespace the app owns, cert-manager\'s solver pods (which controllers create) get a stand-in', () => {
      const s = shop();
      open(s, 'solver-open', { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } });
      const [line, ...rest] = linesOf(synthError(s.app), 'undeclared-flow');
      expect(rest).toEqual([]);
      expect(line).toContain('shop/solver-open: NetworkPolicy production/solver-open is invalid: it allows connections touching a zero-trust '
        + 'namespace that no flow declares: cidr:0.0.0.0/0 -> production/Peer/acme.cert-manager.io/http01-solver=true (pods labelled '
        + 'acme.cert-manager.io/http01-solver=true in namespace production) on TCP all, UDP all, SCTP all;');
    });

    test('too many label combinations in the targets are named (exposure-unverified)', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ sharedNamespaces: ['production'] });
      const tens = (p: string) => Array.from({ length: 10 }, (_, i) => `${p}${i}`);
      new ApiObject(s.chart, 'wide-targets', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'wide-targets', namespace: 'production', annotations: { 'cdk8s-networking.io/skip-checks': 'undeclared-flow' } },
        spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: tens('a') }, { key: 'tier', operator: 'In', values: tens('t') }] },
          ...openBoth } });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings).toEqual([expect.stringContaining('[exposure-unverified] shop/wide-targets: NetworkPolicy production/wide-targets '
        + 'spec.podSelector "pods app in (a0,a1,a2,a3,a4,a5,a6,a7,a8,a9), tier in (t0,t1,t2,t3,t4,t5,t6,t7,t8,t9)" is accepted, but: its selectors '
        + 'admit pods of 100 combinations of label values, more than the flow verification makes stand-ins for: 32 of them')]);
    });

    test('in a shared namespace, a policy selecting the app\'s own pods, even by some of their labels, gets no stand-in', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ sharedNamespaces: ['production'] });
      new ApiObject(s.chart, 'cache', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cache', namespace: 'production' },
        spec: { selector: { matchLabels: { app: 'cache' } }, template: { metadata: { labels: { app: 'cache', tier: 'db' } }, spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'cache', image: 'redis:7', ports: [{ containerPort: 6379 }], securityContext: {
            allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] } } } });
      s.web.allowEgressTo(Peer.pods({ namespace: 'production', labels: { app: 'cache', tier: 'db' } }), Port.tcp(6379));
      new ApiObject(s.chart, 'db-in', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db-in', namespace: 'production' },
        spec: { podSelector: { matchLabels: { tier: 'db' } }, policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 6379 }] }] } });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings).toEqual([]);
      const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
      // (The peer app=web stands for pods outside the app labelled so: the namespace is shared.)
      expect(report.endpoints.filter((e: any) => e.type === 'exposure').map((e: any) => e.id)).toEqual(['production/Peer/app=web']);
    });

    test('in a namespace the app owns, a policy selecting pods no workload has gets no stand-in (networkpolicy-targets-pod names it)', () => {
      const s = shop();
      open(s, 'ghost-open', { matchLabels: { app: 'ghost' } });
      const message = synthError(s.app);
      expect(linesOf(message, 'undeclared-flow')).toEqual([]);
      expect(linesOf(message, 'networkpolicy-targets-pod')).toEqual([expect.stringContaining('shop/ghost-open: NetworkPolicy production/ghost-open')]);
    });

    test('the policies the library renders (an ApiGateway with cert-manager TLS, an empty namespace\'s default-deny) make no noise', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ sharedNamespaces: ['production', 'staging'] });
      new ZeroTrustNamespace(s.chart, 'staging'); // no workload: its default-deny and DNS policies select none of the app's pods
      const gw = new ApiGateway(s.chart, 'gateway', { namespace: s.prod, controller: IngressController.nginx(),
        tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }) });
      gw.addRoute({ host: 'shop.example.com', backend: s.web });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings).toEqual([]);
      const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
      expect(report.endpoints.filter((e: any) => e.type === 'exposure')).toEqual([]);
    });
  });

  describe('an In over many values: every value gets a stand-in; combinations beyond the budget are named (exposure-unverified)', () => {
    const NAME = 'kubernetes.io/metadata.name';
    const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
    function wide(s: ReturnType<typeof shop>, namespaces: string[], apps: string[], annotations?: Record<string, string>): void {
      new k8s.KubeNetworkPolicy(s.chart, 'wide', {
        metadata: { name: 'wide', namespace: 'production', ...(annotations ? { annotations } : {}) },
        spec: {
          podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'],
          ingress: [{ ports: [{ port: k8s.IntOrString.fromNumber(4000) }], from: [{
            namespaceSelector: { matchExpressions: [{ key: NAME, operator: 'In', values: namespaces }] },
            podSelector: apps.length ? { matchExpressions: [{ key: 'app', operator: 'In', values: apps }] } : {},
          }] }],
        },
      });
    }

    test('32 zero-trust namespaces and zz-evil named in one In: the pods of zz-evil are admitted', () => {
      const s = shop();
      const owned = values('team-', 32);
      for (const ns of owned) new ZeroTrustNamespace(s.chart, ns);
      wide(s, [...owned, 'zz-evil'], []);
      NetworkModel.of(s.app).configure({ strict: true }); // warnings are errors: the message lists them too
      const message = synthError(s.app);
      expect(linesOf(message, 'undeclared-flow')).toEqual([
        expect.stringContaining('it allows connections touching a zero-trust namespace that no flow declares: zz-evil/Peer/* (any pod in '
          + 'namespace zz-evil) -> production/Deployment/orders on TCP 4000.'),
      ]);
      // One In is verified whole, however many values it has: the cost is linear in them.
      expect(linesOf(message, 'exposure-unverified')).toEqual([]);
    });

    test('more combinations than the budget: every value is verified at least once, and a warning names the policy and what is left', () => {
      const s = shop();
      wide(s, values('tools-', 10), values('debug-', 10), { 'cdk8s-networking.io/skip-checks': 'undeclared-flow' });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings).toEqual([
        '[exposure-unverified] shop/wide: NetworkPolicy production/wide spec.ingress[0].from[0] "namespaces kubernetes.io/metadata.name in '
        + '(tools-00,tools-01,tools-02,tools-03,tools-04,tools-05,tools-06,tools-07,tools-08,tools-09); pods app in (debug-00,debug-01,debug-02,'
        + 'debug-03,debug-04,debug-05,debug-06,debug-07,debug-08,debug-09)" is accepted, but: its selectors admit pods of 100 combinations of '
        + 'label values, more than the flow verification makes stand-ins for: 32 of them (every value at least once) are verified, the other 68 '
        + 'are not, so what the rule admits from or to those pods is not in the proof. Fix: split the peer into peers with an In over several '
        + 'values in one selector each (each is verified whole), or accept it with the skip annotation (to accept it, annotate NetworkPolicy '
        + 'production/wide with cdk8s-networking.io/skip-checks: exposure-unverified)',
      ]);
      const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
      const stands = report.endpoints.filter((e: any) => e.type === 'exposure').map((e: any) => e.id);
      expect(stands).toHaveLength(32);
      for (let i = 0; i < 10; i++) {
        expect(stands.filter((id: string) => id.startsWith(`tools-0${i}/`)).length).toBeGreaterThan(0);
        expect(stands.filter((id: string) => id.endsWith(`app=debug-0${i}`)).length).toBeGreaterThan(0);
      }
      expect(stands).toContain('tools-09/Peer/app=debug-09');
      expect(stands).toContain('tools-00/Peer/app=debug-09'); // then the product in order
    });

    test('combinations within the budget are all verified: no warning', () => {
      const s = shop();
      wide(s, values('tools-', 4), values('debug-', 8), { 'cdk8s-networking.io/skip-checks': 'undeclared-flow' });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings).toEqual([]);
      const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
      expect(report.endpoints.filter((e: any) => e.type === 'exposure')).toHaveLength(32);
    });

    test('a CiliumNetworkPolicy endpoint selector beyond the budget is named too', () => {
      const s = shop();
      NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
      new ApiObject(s.chart, 'cilium-wide', {
        apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy',
        metadata: { name: 'cilium-wide', namespace: 'production', annotations: { 'cdk8s-networking.io/skip-checks': 'cilium-policy-widens' } },
        spec: { endpointSelector: { matchLabels: { app: 'orders' } }, ingress: [{ fromEndpoints: [{ matchExpressions: [
          { key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: values('tools-', 6) },
          { key: 'app', operator: 'In', values: values('debug-', 6) }] }] }] },
      });
      const { warnings } = captureWarnings(() => synth(s.app));
      expect(warnings.filter((w) => w.startsWith('[exposure-unverified]'))).toEqual([expect.stringContaining('[exposure-unverified] shop/cilium-wide: '
        + 'CiliumNetworkPolicy production/cilium-wide spec.ingress[0].fromEndpoints[0] "io.kubernetes.pod.namespace in (tools-00,tools-01,'
        + 'tools-02,tools-03,tools-04,tools-05), app in (debug-00,debug-01,debug-02,debug-03,debug-04,debug-05)" is accepted, but: its selectors '
        + 'admit pods of 36 combinations of label values, more than the flow verification makes stand-ins for: 32 of them (every value at least '
        + 'once) are verified, the other 4 are not')]);
    });
  });

  describe('several requirements on one key are all met (they are ANDed)', () => {
    const NAME = 'kubernetes.io/metadata.name';
    function fromPeer(s: ReturnType<typeof shop>, peer: k8s.NetworkPolicyPeer, name = 'hand'): void {
      rawPolicy(s.chart, name, {
        podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [peer], ports: [{ port: k8s.IntOrString.fromNumber(4000) }] }],
      });
    }

    test('a namespace name In (aaa, evil) and NotIn (aaa): the pods of evil are admitted', () => {
      const s = shop();
      fromPeer(s, { podSelector: {}, namespaceSelector: { matchExpressions: [
        { key: NAME, operator: 'In', values: ['aaa', 'evil'] }, { key: NAME, operator: 'NotIn', values: ['aaa'] }] } });
      expect(linesOf(synthError(s.app), 'undeclared-flow')).toEqual([
        '  - [undeclared-flow] shop/hand: NetworkPolicy production/hand is invalid: it allows connections touching a zero-trust namespace that '
        + 'no flow declares: evil/Peer/* (any pod in namespace evil) -> production/Deployment/orders on TCP 4000. Fix: declare the flow '
        + '(app.allowFrom(peer), app.allowTo(peer), allowIngressFrom/allowEgressTo) instead of writing the policy, or narrow the policy to the '
        + 'declared flows (to accept it, annotate NetworkPolicy production/hand with cdk8s-networking.io/skip-checks: undeclared-flow)',
      ]);
    });

    test('a namespace name In (aaa, evil) and In (evil): the pods of evil are admitted', () => {
      const s = shop();
      fromPeer(s, { podSelector: {}, namespaceSelector: { matchExpressions: [
        { key: NAME, operator: 'In', values: ['aaa', 'evil'] }, { key: NAME, operator: 'In', values: ['evil'] }] } });
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(': evil/Peer/* (any pod in namespace evil) -> production/Deployment/orders on TCP 4000.');
      expect(lines[0]).not.toContain('aaa/Peer');
    });

    test('pod labels env In (dev, prod) and NotIn (dev): the env=prod pods are admitted', () => {
      const s = shop();
      fromPeer(s, { namespaceSelector: { matchLabels: { [NAME]: 'tools' } }, podSelector: { matchExpressions: [
        { key: 'env', operator: 'In', values: ['dev', 'prod'] }, { key: 'env', operator: 'NotIn', values: ['dev'] }] } });
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(': tools/Peer/env=prod (pods labelled env in (dev,prod), env notin (dev) in namespace tools) -> '
        + 'production/Deployment/orders on TCP 4000.');
      expect(lines[0]).not.toContain('env=dev');
    });

    test('namespaces labelled team In (payments, shop) and NotIn (payments): every namespace labelled team=shop is admitted', () => {
      const s = shop();
      fromPeer(s, { namespaceSelector: { matchExpressions: [
        { key: 'team', operator: 'In', values: ['payments', 'shop'] }, { key: 'team', operator: 'NotIn', values: ['payments'] }] } });
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines).toHaveLength(1);
      // The stand-in is named by the labels it carries: the same endpoint as a rule from namespaces labelled team=shop.
      expect(lines[0]).toContain(': [namespaces team=shop]/Peer/* (any pod in every namespace labelled team=shop) '
        + '-> production/Deployment/orders on TCP 4000.');
    });

    test('namespaces labelled team In (payments, shop): a stand-in per value, each named by its labels', () => {
      const s = shop();
      fromPeer(s, { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['shop', 'payments'] }] } });
      const lines = linesOf(synthError(s.app), 'undeclared-flow');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(': [namespaces team=payments]/Peer/* (any pod in every namespace labelled team=payments) '
        + '-> production/Deployment/orders on TCP 4000; [namespaces team=shop]/Peer/* (any pod in every namespace labelled team=shop) '
        + '-> production/Deployment/orders on TCP 4000.');
    });

    test('requirements no value meets together select nothing: no stand-in, synth passes', () => {
      const s = shop();
      fromPeer(s, { podSelector: {}, namespaceSelector: { matchExpressions: [
        { key: NAME, operator: 'In', values: ['aaa', 'evil'] }, { key: NAME, operator: 'In', values: ['other'] }] } });
      fromPeer(s, { namespaceSelector: { matchLabels: { [NAME]: 'tools' } }, podSelector: {
        matchLabels: { env: 'dev' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }, 'hand-2');
      fromPeer(s, { namespaceSelector: { matchLabels: { [NAME]: 'tools' } }, podSelector: { matchExpressions: [
        { key: 'tier', operator: 'Exists' }, { key: 'tier', operator: 'DoesNotExist' }] } }, 'hand-3');
      synth(s.app);
      // No stand-in for pods the selector does not select, not even one the policy would not admit.
      const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
      expect(report.endpoints.filter((e: any) => e.type === 'exposure')).toEqual([]);
    });
  });
});

describe('8b. a declared peer outside the app that a hand-written policy may select by labels the flow does not name', () => {
  /** production/api -> legacy billing pods on 8080, and a policy of the app in legacy. */
  function legacy(policy: k8s.NetworkPolicySpec, annotations?: Record<string, string>) {
    const s = shop();
    new k8s.KubeNamespace(s.chart, 'legacy-namespace', { metadata: { name: 'legacy' } });
    s.orders.allowEgressTo(Peer.pods({ namespace: 'legacy', labels: { app: 'billing' } }), Port.tcp(8080));
    new k8s.KubeNetworkPolicy(s.chart, 'backend-internal', { metadata: { name: 'backend-internal', namespace: 'legacy', annotations }, spec: policy });
    return s;
  }
  const mayDeny = (app: App) => warningsOf(app, 'declared-flow-may-be-denied');
  const internal: k8s.NetworkPolicySpec = { podSelector: { matchLabels: { tier: 'backend' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] };

  test('a policy isolating pods labelled tier=backend would deny the flow if billing\'s pods carry it: a warning on the policy', () => {
    expect(mayDeny(legacy(internal).app)).toEqual([
      '[declared-flow-may-be-denied] shop/backend-internal: NetworkPolicy legacy/backend-internal spec.podSelector "{tier=backend}" is accepted, '
      + 'but: it would deny the declared flow production/Deployment/orders -> legacy/Peer/app=billing on TCP 8080 '
      + '(shop/orders.allowEgressTo(legacy/legacy-billing)) if the pods of legacy/Peer/app=billing, which the app does not define, carry '
      + '{tier=backend}: the flow names them by {app=billing} only, so the verification cannot tell. Fix: add the flow to this policy\'s rules '
      + '(or to another policy selecting those pods), or name the pods by a label this policy rules out; if they do not carry these labels, '
      + 'accept it with the skip annotation on the policy (to accept it, annotate NetworkPolicy legacy/backend-internal with '
      + 'cdk8s-networking.io/skip-checks: declared-flow-may-be-denied)',
    ]);
    // An Exists requirement, and the other direction: pods outside the app as the source, isolated for egress.
    expect(mayDeny(legacy({ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, policyTypes: ['Ingress'] }).app))
      .toEqual([expect.stringContaining('spec.podSelector "{tier=any}" is accepted, but: it would deny the declared flow')]);
    const s = shop();
    s.orders.allowIngressFrom(Peer.pods({ namespace: 'legacy', labels: { app: 'batch' } }), Port.tcp(4000));
    new k8s.KubeNetworkPolicy(s.chart, 'jobs', { metadata: { name: 'jobs', namespace: 'legacy' }, spec: { podSelector: { matchLabels: { tier: 'jobs' } }, policyTypes: ['Egress'] } });
    expect(mayDeny(s.app)).toEqual([expect.stringContaining(
      'NetworkPolicy legacy/jobs spec.podSelector "{tier=jobs}" is accepted, but: it would deny the declared flow legacy/Peer/app=batch -> '
      + 'production/Deployment/orders on TCP 4000')]);
  });

  test('no warning where the policy cannot select those pods, allows the flow, is accepted, or selects them already', () => {
    expect(mayDeny(legacy({ ...internal, podSelector: { matchLabels: { app: 'other', tier: 'backend' } } }).app)).toEqual([]);
    expect(mayDeny(legacy({ ...internal, podSelector: { matchLabels: { tier: 'backend' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['billing'] }] } }).app)).toEqual([]);
    expect(mayDeny(legacy({ ...internal, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } }] }] }).app)).toEqual([]);
    expect(mayDeny(legacy(internal, { 'cdk8s-networking.io/skip-checks': 'declared-flow-may-be-denied' }).app)).toEqual([]);
    // Selecting billing's pods by the flow's own labels is no guess: the flow is denied, an error.
    expect(linesOf(synthError(legacy({ ...internal, podSelector: {} }).app), 'declared-flow-denied')).toHaveLength(1);
  });

  test('pods isolated by a selector that lets pods with more labels go (DoesNotExist, NotIn) are still asked about', () => {
    // legacy's pods without a tier are isolated and admit production: billing's pods are, as the flow names them. With tier=backend
    // they leave that policy for backend-internal, which does not admit production.
    const fromProduction = { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } }] };
    for (const requirement of [{ key: 'tier', operator: 'DoesNotExist' }, { key: 'tier', operator: 'NotIn', values: ['backend'] }]) {
      const s = legacy(internal);
      new k8s.KubeNetworkPolicy(s.chart, 'legacy-open', { metadata: { name: 'legacy-open', namespace: 'legacy' }, spec: {
        podSelector: { matchExpressions: [requirement] }, policyTypes: ['Ingress'], ingress: [fromProduction] } });
      expect(mayDeny(s.app)).toEqual([expect.stringContaining('NetworkPolicy legacy/backend-internal spec.podSelector "{tier=backend}" is '
        + 'accepted, but: it would deny the declared flow production/Deployment/orders -> legacy/Peer/app=billing on TCP 8080')]);
    }
    // A NotIn on a label the flow names keeps the pods it selects: they stay isolated and admitted, whatever else they carry.
    const s = legacy(internal);
    new k8s.KubeNetworkPolicy(s.chart, 'legacy-open', { metadata: { name: 'legacy-open', namespace: 'legacy' }, spec: {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['other'] }] }, policyTypes: ['Ingress'], ingress: [fromProduction] } });
    expect(mayDeny(s.app)).toEqual([]);
  });

  test('zero-trust namespaces (default-deny: another policy cannot deny more) and Cilium entities draw no warning', () => {
    // Peers in the zero-trust namespace: cert-manager's solver pods behind the gateway's TLS, next to every rendered policy.
    const s = shop();
    const gateway = new ApiGateway(s.chart, 'gateway', {
      namespace: s.prod, controller: IngressController.nginx(), tls: Tls.certManager({ clusterIssuer: 'letsencrypt' }),
    });
    gateway.addRoute({ host: 'shop.example.com', backend: s.web });
    rawPolicy(s.chart, 'hand', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['orders', 'web'] }] }, policyTypes: ['Ingress'] });
    expect(mayDeny(s.app)).toEqual([]);
    // A shared zero-trust namespace (pods from outside the app too): the library's policies select its own apps by name.
    const shared = shop();
    NetworkModel.of(shared.app).configure({ sharedNamespaces: ['production'] });
    shared.web.allowEgressTo(Peer.pods({ namespace: 'production', labels: { role: 'cache' } }), Port.tcp(6379));
    expect(mayDeny(shared.app)).toEqual([]);
    // On Cilium, a host-network controller reaches the solver pods from entities, which the standard policies do not judge.
    const cilium = shop();
    NetworkModel.of(cilium.app).configure({ cni: Cni.cilium() });
    new ApiGateway(cilium.chart, 'gateway', {
      namespace: cilium.prod, controller: IngressController.nginx({ hostNetwork: true }), tls: Tls.certManager({ clusterIssuer: 'letsencrypt' }),
    }).addRoute({ host: 'shop.example.com', backend: cilium.web });
    expect(mayDeny(cilium.app)).toEqual([]);
    // The same outside the zero-trust namespaces, next to a policy isolating other pods there: Cilium judges the entities.
    const edge = shop();
    NetworkModel.of(edge.app).configure({ cni: Cni.cilium() });
    const site = new WebApp(edge.chart, 'site', { namespace: 'edge', image: 'ghcr.io/acme/site:1.0.0', containerPort: 8080 });
    new ApiGateway(edge.chart, 'gateway', {
      namespace: 'edge', controller: IngressController.nginx({ hostNetwork: true }), tls: Tls.certManager({ clusterIssuer: 'letsencrypt' }),
    }).addRoute({ host: 'site.example.com', backend: site });
    new k8s.KubeNetworkPolicy(edge.chart, 'edge-internal', { metadata: { name: 'edge-internal', namespace: 'edge' },
      spec: { podSelector: { matchLabels: { tier: 'internal' } }, policyTypes: ['Ingress'] } });
    expect(mayDeny(edge.app)).toEqual([]);
  });
});

describe('9. duplicate objects across the app', () => {
  test('a plain Namespace in another chart next to a ZeroTrustNamespace names both construct paths', () => {
    const s = shop();
    const other = new Chart(s.app, 'platform');
    new k8s.KubeNamespace(other, 'production-ns', { metadata: { name: 'production' } });
    const lines = linesOf(synthError(s.app), 'duplicate-object');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shop/production/Namespace: Namespace production metadata.name "production" is invalid: the app already has this Namespace at platform/production-ns');
  });

  test('a plain Service next to a WebApp\'s Service', () => {
    const s = shop();
    new k8s.KubeService(s.chart, 'orders-svc', { metadata: { name: 'orders', namespace: 'production' }, spec: { ports: [{ port: 80 }] } });
    const [line] = linesOf(synthError(s.app), 'duplicate-object');
    expect(line).toMatch(/shop\/orders(-svc|\/Service): Service production\/orders metadata\.name "orders" is invalid: the app already has this Service at shop\/orders(-svc|\/Service)/);
  });

  test('the same name in another namespace or of another kind passes', () => {
    const s = shop();
    new k8s.KubeConfigMap(s.chart, 'orders-config', { metadata: { name: 'orders', namespace: 'production' } });
    new k8s.KubeServiceAccount(s.chart, 'orders-sa', { metadata: { name: 'orders', namespace: 'legacy' } });
    expect(() => synth(s.app)).not.toThrow();
  });
});

describe('10. internet egress', () => {
  test('Peer.internet() renders every public v4 and v6 address, without private, shared, loopback and link-local ranges, and verifies', () => {
    const s = shop();
    s.web.allowEgressTo(Peer.internet(), Port.tcp(443));
    const out = synth(s.app);
    const policy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-web-egress-to-internet');
    expect(policy.spec.egress).toEqual([{
      to: [
        { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
        { ipBlock: { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] } },
      ],
      ports: [{ port: 443 }],
    }]);
    // Only its IPv6 half may cover pods (public IPv6 on IPv6 clusters), which the library cannot know without the pod CIDRs.
    expect(s.app.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === 'cdk8s-networking:warning').map((m) => m.data)).toEqual([
      expect.stringMatching(/^\[ipblock-may-match-pods\] shop\/web: flow web -> internet ipBlock ::\/0 except ::1\/128,fc00::\/7,fe80::\/10 may reach pods as well: it covers 2000::\/3/),
    ]);
  });

  test('a bare 0.0.0.0/0 or ::/0 egress warns, pointing at the declaration and at Peer.internet()', () => {
    const s = shop();
    s.web.allowEgressTo(Peer.cidr('0.0.0.0/0'), Port.tcp(443));
    s.orders.allowEgressTo(Peer.cidr('::/0'), Port.tcp(443));
    s.orders.allowEgressTo(Peer.cidr('0.0.0.0/0', ['169.254.0.0/16']), Port.tcp(8443));
    const warnings = warningsOf(s.app, 'egress-to-any-address');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('shop/orders.allowEgressTo(::/0): peer "::/0" is accepted, but: egress from production/orders to every address also opens the cloud metadata endpoint');
    expect(warnings[1]).toContain('shop/web.allowEgressTo(0.0.0.0/0): peer "0.0.0.0/0" is accepted, but');
    expect(warnings[1]).toContain('Fix: use Peer.internet() for public addresses');
  });

  test('no warning for pods outside the zero-trust namespaces: no egress policy is rendered for them', () => {
    const s = shop();
    new k8s.KubeNamespace(s.chart, 'legacy-ns', { metadata: { name: 'legacy' } });
    const batch = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    batch.allowEgressTo(Peer.cidr('0.0.0.0/0'), Port.tcp(443));
    expect(warningsOf(s.app, 'egress-to-any-address')).toEqual([]);
  });
});

describe('4. cert-manager HTTP-01 behind default-deny', () => {
  function gatewayApp(http01Solver?: boolean) {
    const s = shop();
    const gw = new ApiGateway(s.chart, 'gateway', {
      namespace: s.prod, controller: IngressController.nginx(),
      tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod', ...(http01Solver === undefined ? {} : { http01Solver }) }),
    });
    gw.addRoute({ host: 'shop.example.com', backend: s.web });
    return s;
  }

  test('the controller may reach the solver pods on 8089, shown as a gateway flow in the report', () => {
    const s = gatewayApp();
    const out = synth(s.app);
    const policy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-to-acme-http01-solver'));
    expect(policy).toBeDefined();
    expect(policy.metadata.namespace).toBe('production');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } });
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: expect.anything() }],
      ports: [{ port: 8089 }],
    }]);
    const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
    const flow = report.flows.find((f: any) => f.to === 'production/Peer/acme.cert-manager.io/http01-solver=true');
    expect(flow).toMatchObject({ ports: ['TCP 8089'], declared: ['gateway'] });
  });

  test('http01Solver: false (a DNS-01 issuer) declares no such flow', () => {
    const out = synth(gatewayApp(false).app);
    expect(out.objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.includes('acme'))).toEqual([]);
  });
});

describe('2. a NodePort or LoadBalancer WebApp in a zero-trust namespace with no external source', () => {
  function external(props: Partial<ConstructorParameters<typeof WebApp>[2]> = {}) {
    const s = shop();
    const lb = new WebApp(s.chart, 'public', { namespace: s.prod, image: 'ghcr.io/acme/public:1.0.0', containerPort: 8443, serviceType: ServiceType.LOAD_BALANCER, ...props });
    return { ...s, lb };
  }
  const unreachable = (app: App) => warningsOf(app, 'external-service-unreachable');

  test('warns naming the app\'s Service and the ways to declare the clients; an error under strict', () => {
    const s = external();
    const [line, ...rest] = unreachable(s.app);
    expect(rest).toEqual([]);
    expect(line).toContain('shop/public/Service: Service production/public spec.type "LoadBalancer" is accepted, but: default-deny in zero-trust namespace "production" drops every client outside the cluster');
    expect(line).toContain("allowIngressFrom(Peer.cidr('<client CIDR>')) on the app public");
    const strict = external({ serviceType: ServiceType.NODE_PORT });
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'external-service-unreachable')[0]).toContain('Service production/public spec.type "NodePort" is invalid');
  });

  test('allowIngressFrom(Peer.cidr()) or Peer.internet() declares the clients', () => {
    const s = external();
    s.lb.allowIngressFrom(Peer.internet());
    expect(unreachable(s.app)).toEqual([]);
  });

  test('loadBalancerSourceRanges with externalTrafficPolicy Local are declared as the clients', () => {
    const s = external({ loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
    expect(unreachable(s.app)).toEqual([]);
    const out = synth(external({ loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }).app);
    const policy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-load-balancer-clients-to-public');
    expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8443 }] }]);
  });

  test('the clients of the source ranges reach every port the Service forwards, named ports included', () => {
    const s = external({
      loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      ports: [{ name: 'grpc', port: 9090 }, { name: 'quic', port: 8443, protocol: Protocol.UDP }],
    });
    const out = synth(s.app);
    const policy = out.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-load-balancer-clients-to-public');
    // Before, the main port only: the Service's grpc and quic ports were dead for the clients it admits.
    expect(policy.spec.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8443 }, { port: 9090 }, { port: 8443, protocol: 'UDP' }],
    }]);
    expect(find(out.objects, 'Service', 'public').spec.ports.map((p: any) => p.targetPort)).toEqual([8443, 9090, 8443]);
    const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
    expect(report.flows.filter((f: any) => f.to === 'production/Deployment/public').map((f: any) => [f.from, f.ports])).toEqual([
      ['cidr:203.0.113.0/24', ['TCP 8443', 'TCP 9090', 'UDP 8443']],
    ]);
  });

  test('with externalTrafficPolicy Cluster the source ranges are not taken as the pods\' clients (SNAT)', () => {
    const s = external({ loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER });
    expect(unreachable(s.app)).toHaveLength(1);
  });
});

describe('2b. clients\' IP blocks behind externalTrafficPolicy Cluster, which SNATs them to node addresses (external-client-snat)', () => {
  function external(props: Partial<ConstructorParameters<typeof WebApp>[2]> = {}, cni?: Cni) {
    const s = shop();
    if (cni) NetworkModel.of(s.app).configure({ cni });
    const lb = new WebApp(s.chart, 'public', { namespace: s.prod, image: 'ghcr.io/acme/public:1.0.0', containerPort: 8443, serviceType: ServiceType.LOAD_BALANCER, ...props });
    return { ...s, lb };
  }
  const snat = (app: App) => warningsOf(app, 'external-client-snat');

  test('a flow from the clients\' CIDR alone is named: the pods see a node address, so default-deny drops those clients', () => {
    const s = external();
    s.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
    expect(snat(s.app)).toEqual([
      '[external-client-snat] shop/public/Service: Service production/public spec.externalTrafficPolicy "Cluster (the default)" is accepted, '
        + 'but: makes kube-proxy rewrite the source of every connection through the Service\'s node ports to a node address, and no flow admits '
        + 'the nodes to production/Deployment/public: the flows from 203.0.113.0/24 admit those clients only if the ranges include the nodes\' '
        + 'addresses, and default-deny drops them otherwise. Fix: set externalTrafficPolicy: Local on the app public (its pods then see the '
        + 'client\'s own address), or admit the nodes: allowIngressFrom(Peer.nodes([\'<node CIDR>\'])) on the app public, which admits every pod '
        + 'of the cluster too, through the node ports (to accept it, annotate '
        + 'Service production/public with cdk8s-networking.io/skip-checks: external-client-snat)',
    ]);
    // Not also "unreachable": the clients are declared.
    expect(warningsOf(external().app, 'external-service-unreachable')).toHaveLength(1);
  });

  test('Peer.internet() is named too (it leaves out the private ranges nodes live in), and strict makes it an error', () => {
    const s = external({ serviceType: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER });
    s.lb.allowIngressFrom(Peer.internet());
    const [line, ...rest] = snat(s.app);
    expect(rest).toEqual([]);
    expect(line).toContain('spec.externalTrafficPolicy "Cluster" is accepted');
    expect(line).toContain('the flows from 0.0.0.0/0 except 10.0.0.0/8');
    const strict = external();
    strict.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'external-client-snat')[0]).toContain('Service production/public spec.externalTrafficPolicy "Cluster (the default)" is invalid');
  });

  test.each([
    ['externalTrafficPolicy Local', () => {
      const s = external({ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
      s.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
      return s.app;
    }],
    ['the nodes admitted too (generic CNI, node CIDRs)', () => {
      const s = external();
      s.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
      s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(8443));
      return s.app;
    }],
    ['the nodes admitted too (Cilium entities)', () => {
      const s = external({}, Cni.cilium());
      s.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
      s.lb.allowIngressFrom(Peer.nodes(), Port.tcp(8443));
      return s.app;
    }],
    ['clients from every address (0.0.0.0/0 covers the nodes)', () => {
      const s = external();
      s.lb.allowIngressFrom(Peer.cidr('0.0.0.0/0'));
      return s.app;
    }],
  ])('nothing is named with %s', (_name, make) => {
    const app = make();
    expect(snat(app)).toEqual([]);
    expect(warningsOf(app, 'external-service-unreachable')).toEqual([]);
  });
});

describe('2e. the nodes admitted behind externalTrafficPolicy Cluster admit every pod of the cluster through the node ports (external-service-pod-clients)', () => {
  // kube-proxy (kubernetes pkg/proxy/iptables/proxier.go) marks every connection to a Service's node
  // ports and load-balancer address for masquerade when externalTrafficPolicy is Cluster ("masquerade
  // traffic for ... external destinations"), a pod's included; with Local a local pod's connection
  // skips it ("pod traffic for ... external destinations"). So a flow from the nodes admits any pod.
  function external(props: Partial<ConstructorParameters<typeof WebApp>[2]> = {}, cni?: Cni) {
    const s = shop();
    if (cni) NetworkModel.of(s.app).configure({ cni });
    const lb = new WebApp(s.chart, 'public', { namespace: s.prod, image: 'ghcr.io/acme/public:1.0.0', containerPort: 8443, serviceType: ServiceType.LOAD_BALANCER, ...props });
    lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
    return { ...s, lb };
  }
  const podClients = (app: App) => warningsOf(app, 'external-service-pod-clients');

  test('the nodes admitted on the port the Service forwards: named, with the pods and the port; an error under strict', () => {
    const s = external();
    s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(8443));
    expect(podClients(s.app)).toEqual([
      '[external-service-pod-clients] shop/public/Service: Service production/public spec.externalTrafficPolicy "Cluster (the default)" is '
        + 'accepted, but: makes kube-proxy masquerade every connection to the Service\'s node ports and load-balancer address to a node address, '
        + 'a pod\'s included, and flows admit the nodes to production/Deployment/public on TCP/8443: every pod of the cluster, in any namespace, '
        + 'reaches them that way as a node, which no flow declares. Fix: set externalTrafficPolicy: Local on the app public (a pod\'s connection '
        + 'then keeps its own address and default-deny judges it; clients outside the cluster keep theirs, so declare their CIDRs), or admit '
        + 'the nodes only on ports the Service does not forward (to accept it, annotate Service production/public with '
        + 'cdk8s-networking.io/skip-checks: external-service-pod-clients)',
    ]);
    const strict = external({ serviceType: ServiceType.NODE_PORT });
    strict.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']));
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'external-service-pod-clients')[0]).toContain(
      'Service production/public spec.externalTrafficPolicy "Cluster (the default)" is invalid');
  });

  test('on Cilium the nodes are the host and remote-node entities: named the same way', () => {
    const s = external({ externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER }, Cni.cilium());
    s.lb.allowIngressFrom(Peer.nodes(), Port.tcp(8443));
    const [line, ...rest] = podClients(s.app);
    expect(rest).toEqual([]);
    expect(line).toContain('Service production/public spec.externalTrafficPolicy "Cluster" is accepted');
    expect(line).toContain('flows admit the nodes to production/Deployment/public on TCP/8443: every pod of the cluster');
  });

  test('a hand-written Service: a named targetPort resolves against the pods\' container ports, a missing one is the port', () => {
    const s = external({ serviceType: ServiceType.CLUSTER_IP, ports: [{ name: 'grpc', port: 9090 }, { name: 'admin', port: 9091 }] });
    s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(9090), Port.tcp(8443));
    new ApiObject(s.chart, 'public-nodeport', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'public-nodeport', namespace: 'production' },
      spec: { type: 'NodePort', selector: { app: 'public' }, ports: [{ name: 'grpc', port: 9090 }, { name: 'web', port: 80, targetPort: 'http' }, { name: 'admin', port: 9091 }] },
    });
    const [line, ...rest] = podClients(s.app);
    expect(rest).toEqual([]);
    expect(line).toContain('shop/public-nodeport: Service production/public-nodeport spec.externalTrafficPolicy "Cluster (the default)" is accepted');
    expect(line).toContain('flows admit the nodes to production/Deployment/public on TCP/9090, TCP/8443: every pod');
  });

  test.each([
    ['externalTrafficPolicy Local', () => {
      const s = external({ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
      s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(8443));
      return s.app;
    }],
    ['the nodes admitted on a port the Service does not forward only', () => {
      const s = external({ metrics: { port: 9100, scrapedBy: Peer.nodes(['10.0.0.0/16']) } });
      return s.app;
    }],
    ['the nodes admitted over UDP on the number of a TCP port the Service forwards', () => {
      const s = external({ serviceType: ServiceType.CLUSTER_IP, ports: [{ name: 'quic', port: 8443, protocol: Protocol.UDP }] });
      s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.udp(8443));
      new ApiObject(s.chart, 'public-nodeport', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'public-nodeport', namespace: 'production' },
        spec: { type: 'NodePort', selector: { app: 'public' }, ports: [{ port: 443, targetPort: 8443 }] },
      });
      return s.app;
    }],
    ['the nodes admitted on the same port to another app only', () => {
      const s = external({ containerPort: 4000 });
      s.orders.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(4000));
      return s.app;
    }],
    ['a ClusterIP app admitting the nodes', () => {
      const s = external({ serviceType: ServiceType.CLUSTER_IP });
      s.lb.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(8443));
      return s.app;
    }],
  ])('nothing is named with %s', (_name, make) => {
    expect(podClients(make())).toEqual([]);
  });
});

describe('2c. an AWS NLB that targets the pods by IP shows them its own addresses unless client IP preservation is on (external-client-lb-snat)', () => {
  const NLB = 'service.beta.kubernetes.io/aws-load-balancer-';
  function nlb(annotations: Record<string, string>, props: Partial<ConstructorParameters<typeof WebApp>[2]> = {}) {
    const s = shop();
    const lb = new WebApp(s.chart, 'public', {
      namespace: s.prod, image: 'ghcr.io/acme/public:1.0.0', containerPort: 8443, servicePort: 443, serviceType: ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, loadBalancerSourceRanges: ['203.0.113.0/24'], ...props,
    });
    // Added after construction, as users do: the check reads the final Service.
    for (const [k, v] of Object.entries(annotations)) lb.service.metadata.addAnnotation(k, v);
    return { ...s, lb };
  }
  const lbSnat = (app: App) => warningsOf(app, 'external-client-lb-snat');
  /** Both checks' warnings of one synth (a synthesized app does not print its warnings again). */
  function both(app: App) {
    const { warnings } = captureWarnings(() => synth(app));
    return { lb: warnings.filter((l) => l.startsWith('[external-client-lb-snat]')), snat: warnings.filter((l) => l.startsWith('[external-client-snat]')) };
  }
  const ipTargets = { [`${NLB}type`]: 'external', [`${NLB}nlb-target-type`]: 'ip' };

  test('the declared flow from the source ranges is named dead, with both ways out', () => {
    const s = nlb(ipTargets);
    const { result: { objects }, warnings } = captureWarnings(() => synth(s.app));
    expect(find(objects, 'Service', 'public').metadata.annotations).toMatchObject(ipTargets);
    expect(warnings.filter((l) => l.startsWith('[external-client-lb-snat]'))).toEqual([
      '[external-client-lb-snat] shop/public/Service: Service production/public metadata.annotations'
        + '["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] "ip" is accepted, but: makes the AWS Load Balancer Controller\'s '
        + 'NLB send to the pod IPs of production/Deployment/public without client IP preservation (off by default for IP targets over TCP) '
        + 'on port 443/TCP: the pods see the NLB\'s private addresses in its subnets, not the clients\', so the flows from 203.0.113.0/24 '
        + 'admit none of those clients, no flow admits a private range the subnets could be in, and default-deny drops them (proxy '
        + 'protocol v2 hands the client address to the application, not to NetworkPolicies). Fix: admit the NLB\'s subnets: '
        + 'allowIngressFrom(Peer.cidr(\'<VPC subnet CIDR>\')) on the app public for each subnet the NLB is in; or keep the clients\' '
        + 'addresses: annotate Service production/public with service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: '
        + 'preserve_client_ip.enabled=true (to accept it, annotate Service production/public with cdk8s-networking.io/skip-checks: '
        + 'external-client-lb-snat)',
    ]);
  });

  test('the legacy nlb-ip type, with Cluster: named by this check, not external-client-snat (kube-proxy is bypassed)', () => {
    const s = nlb({ [`${NLB}type`]: 'nlb-ip' }, { externalTrafficPolicy: undefined, loadBalancerSourceRanges: undefined,
      ports: [{ name: 'grpc', port: 9090 }, { name: 'dns', port: 5353, protocol: Protocol.UDP }] });
    s.lb.allowIngressFrom(Peer.internet(), Port.tcp(8443), Port.tcp(9090), Port.udp(5353));
    const { lb: [line, ...rest], snat } = both(s.app);
    expect(rest).toEqual([]);
    expect(snat).toEqual([]);
    expect(line).toContain('Service production/public metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"] "nlb-ip" is accepted');
    // UDP target groups always keep the client address; Peer.internet() leaves the private ranges out.
    expect(line).toContain('over TCP) on ports 443/TCP, 9090/TCP: the pods see');
    expect(line).toContain('the flows from 0.0.0.0/0 except 10.0.0.0/8,');
  });

  test('a port whose own attributes turn preservation off is named even when the Service\'s turn it on', () => {
    const s = nlb({ ...ipTargets, [`${NLB}target-group-attributes`]: 'stickiness.enabled=true, preserve_client_ip.enabled=true',
      [`${NLB}target-group-attributes.9090`]: 'preserve_client_ip.enabled=false', [`${NLB}target-group-attributes.443`]: 'preserve_client_ip.enabled=' },
    { ports: [{ name: 'grpc', port: 9090 }] });
    expect(lbSnat(s.app)[0]).toContain('over TCP) on port 9090/TCP: the pods see');
  });

  test.each([
    ['client IP preservation on for the Service', { ...ipTargets, [`${NLB}target-group-attributes`]: 'preserve_client_ip.enabled=True' }, () => undefined],
    ['client IP preservation on for its one port', { ...ipTargets, [`${NLB}target-group-attributes.443`]: 'preserve_client_ip.enabled=1' }, () => undefined],
    ['the NLB\'s subnets admitted', ipTargets, (lb: WebApp) => lb.allowIngressFrom(Peer.cidr('10.0.0.0/16'))],
    ['the node subnets admitted (the NLB may share them)', ipTargets, (lb: WebApp) => lb.allowIngressFrom(Peer.nodes(['172.20.0.0/16']))],
    ['instance targets (kube-proxy keeps the address with Local)', { [`${NLB}type`]: 'external', [`${NLB}nlb-target-type`]: 'instance' }, () => undefined],
    ['no AWS annotation', {}, () => undefined],
  ])('nothing is named with %s', (_name, annotations, extra) => {
    const s = nlb(annotations);
    extra(s.lb);
    expect(both(s.app)).toEqual({ lb: [], snat: [] });
  });

  test('a NodePort Service gets no NLB: the annotations leave it to external-client-snat', () => {
    const s = nlb(ipTargets, { serviceType: ServiceType.NODE_PORT, externalTrafficPolicy: undefined, loadBalancerSourceRanges: undefined });
    s.lb.allowIngressFrom(Peer.cidr('203.0.113.0/24'));
    const { lb, snat } = both(s.app);
    expect(lb).toEqual([]);
    expect(snat).toHaveLength(1);
  });

  test('proxy protocol v2 does not clear it, nor a public block', () => {
    const s = nlb({ ...ipTargets, [`${NLB}proxy-protocol`]: '*' });
    s.lb.allowIngressFrom(Peer.cidr('198.51.100.0/24'));
    expect(lbSnat(s.app)[0]).toContain('the flows from 198.51.100.0/24, 203.0.113.0/24 admit none of those clients');
  });
});

describe('2d. the metrics port of a NodePort or LoadBalancer app stays inside the cluster unless exposed on purpose', () => {
  const PROMETHEUS = Peer.pods({ namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } });
  const LABELS = {
    'app': 'web', 'app.kubernetes.io/managed-by': 'cdk8s-networking', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'production',
  };
  function exposed(props: Partial<ConstructorParameters<typeof WebApp>[2]> = {}, metrics: object = {}) {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', {
      namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080, servicePort: 443, serviceType: ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, loadBalancerSourceRanges: ['203.0.113.0/24'],
      metrics: { port: 9102, scrapedBy: PROMETHEUS, ...metrics }, ...props,
    });
    return { app, chart, prod, web };
  }
  const lbClients = (objects: any[]) => find(objects, 'NetworkPolicy', 'allow-load-balancer-clients-to-web').spec.ingress;

  test.each([
    ['LoadBalancer', {}],
    ['NodePort', { serviceType: ServiceType.NODE_PORT, loadBalancerSourceRanges: undefined }],
  ])('%s: the metrics port is on a ClusterIP Service <name>-metrics, not the exposed one, nor opened to the source ranges', (type, props) => {
    const s = exposed(props);
    const { objects } = captureWarnings(() => synth(s.app)).result;
    expect(find(objects, 'Service', 'web').spec.type).toBe(type);
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([{ name: 'http', port: 443, targetPort: 8080 }]);
    expect(find(objects, 'Service', 'web-metrics')).toEqual({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'web-metrics', namespace: 'production', labels: LABELS, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'metrics', port: 9102, targetPort: 9102 }] },
    });
    expect(s.web.metricsService?.name).toBe('web-metrics');
    expect(find(objects, 'Deployment', 'web').spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 8080, name: 'http' }, { containerPort: 9102, name: 'metrics' },
    ]);
    // Prometheus still reaches the metrics port, which the pods serve either way.
    expect(find(objects, 'NetworkPolicy', 'allow-monitoring-prometheus-to-web').spec.ingress[0].ports).toEqual([{ port: 9102 }]);
    if (type === 'LoadBalancer') expect(lbClients(objects)).toEqual([{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }] }]);
  });

  test('metrics.exposeExternally publishes it on the load balancer and opens it to the source ranges, as asked', () => {
    const s = exposed({}, { exposeExternally: true, name: 'prom' });
    const { objects } = synth(s.app);
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([
      { name: 'http', port: 443, targetPort: 8080 }, { name: 'prom', port: 9102, targetPort: 9102 },
    ]);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['web']);
    expect(s.web.metricsService).toBeUndefined();
    expect(lbClients(objects)).toEqual([{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }, { port: 9102 }] }]);
  });

  test('a ClusterIP app keeps the metrics port on its own Service', () => {
    const s = exposed({ serviceType: undefined, externalTrafficPolicy: undefined, loadBalancerSourceRanges: undefined });
    const { objects } = captureWarnings(() => synth(s.app)).result;
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([
      { name: 'http', port: 443, targetPort: 8080 }, { name: 'metrics', port: 9102, targetPort: 9102 },
    ]);
    expect(s.web.metricsService).toBeUndefined();
  });

  test('bad input names the field, the value and what is allowed', () => {
    expect(() => exposed({ serviceType: ServiceType.HEADLESS, externalTrafficPolicy: undefined, loadBalancerSourceRanges: undefined },
      { exposeExternally: true })).toThrow('shop/web: metrics.exposeExternally true is invalid: only applies to NodePort and LoadBalancer '
      + 'services, not Headless: the metrics port is on the app\'s own Service already');
    expect(() => exposed({}, { exposeExternally: 'yes' })).toThrow('shop/web: metrics.exposeExternally "yes" is invalid: must be true or false');
    const long = 'a'.repeat(56);
    expect(() => exposed({ serviceName: long })).toThrow(`shop/web: serviceName "${long}" is invalid: is too long for the metrics Service "${long}-metrics" `
      + '(at most 63 characters; a NodePort or LoadBalancer app serves its metrics port on a ClusterIP Service <serviceName>-metrics): '
      + 'shorten it to 55 characters or fewer');
    const s = exposed();
    expect(() => new WebApp(s.chart, 'web-metrics', { namespace: s.prod, image: 'a:1', containerPort: 8080 })).toThrow(
      'shop/web-metrics: name "web-metrics" is invalid: a Service named "web-metrics" already exists in namespace "production" (declared at shop/web)');
  });
});

describe('3. a headless WebApp\'s url', () => {
  test('names the container port: a headless Service translates no port', () => {
    const s = shop();
    const db = new WebApp(s.chart, 'db', { namespace: s.prod, image: 'ghcr.io/acme/db:1.0.0', containerPort: 5432, serviceType: ServiceType.HEADLESS });
    expect(db.url).toBe('http://db.production.svc.cluster.local:5432');
    const web80 = new WebApp(s.chart, 'static', { namespace: s.prod, image: 'a:1', containerPort: 80, servicePort: 8080, serviceType: ServiceType.HEADLESS });
    expect(web80.url).toBe('http://static.production.svc.cluster.local');
    expect(s.orders.url).toBe('http://orders.production.svc.cluster.local');
  });
});

describe('5. Pod Security of every workload against its namespace\'s enforced level', () => {
  function cacheApp(patch: boolean) {
    const s = shop();
    const cache = new kplus.Deployment(s.chart, 'cache', {
      metadata: { name: 'cache', namespace: 'production' },
      containers: [{ image: 'redis:7.4', portNumber: 6379, securityContext: { ensureNonRoot: true } }],
    });
    if (patch) {
      meetRestricted(cache);
    }
    s.web.allowTo(Peer.workload(cache));
    return s;
  }

  test('a plain cdk8s-plus-27 workload in a restricted namespace: a warning naming the workload and the missing fields', () => {
    const s = cacheApp(false);
    const [line, ...rest] = warningsOf(s.app, 'pod-security');
    expect(rest).toEqual([]);
    expect(line).toContain('shop/cache/Resource: Deployment production/cache spec.template.spec "cache" is accepted, but: namespace "production" enforces Pod Security "restricted"');
    expect(line).toContain('spec.template.spec.containers[0].securityContext.capabilities.drop must include ALL');
    expect(line).toContain('spec.template.spec.containers[0].securityContext.seccompProfile.type (or the pod\'s) must be RuntimeDefault or Localhost');
    expect(line).not.toContain('runAsNonRoot');
  });

  test('an error under strict; the patched workload and every WebApp pass', () => {
    const strict = cacheApp(false);
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'pod-security')).toHaveLength(1);
    const patched = cacheApp(true);
    NetworkModel.of(patched.app).configure({ strict: true });
    expect(() => synth(patched.app)).not.toThrow();
  });

  test('baseline namespaces judge only the baseline rules', () => {
    const app = testApp();
    const chart = new Chart(app, 'ops');
    new ZeroTrustNamespace(chart, 'ops', { podSecurity: PodSecurityLevel.BASELINE });
    const agent = new kplus.Deployment(chart, 'agent', {
      metadata: { namespace: 'ops' }, containers: [{ image: 'agent:1', securityContext: { ensureNonRoot: false } }],
    });
    NetworkModel.of(app).configure({ strict: true, skipChecks: ['pod-networkpolicy'] });
    expect(() => synth(app)).not.toThrow();
    ApiObject.of(agent).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
    expect(linesOf(synthError(app), 'pod-security')[0]).toContain('namespace "ops" enforces Pod Security "baseline" and the API server rejects these pods: spec.template.spec.hostNetwork must not be true');
  });
});

describe('5b. pod-security names the pod spec where each workload kind keeps it', () => {
  /** A pod spec that meets "restricted" but for hostIPC. */
  const podSpec = (restartPolicy?: string) => ({
    hostIPC: true, ...(restartPolicy ? { restartPolicy } : {}),
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'main', image: 'a:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  });
  const labels = { app: 'w' };
  const template = (restartPolicy?: string) => ({ metadata: { labels }, spec: podSpec(restartPolicy) });
  const KINDS: [string, string, string, Record<string, unknown>][] = [
    ['Deployment', 'spec.template.spec', 'apps/v1', { selector: { matchLabels: labels }, template: template() }],
    ['StatefulSet', 'spec.template.spec', 'apps/v1', { serviceName: 'w', selector: { matchLabels: labels }, template: template() }],
    ['DaemonSet', 'spec.template.spec', 'apps/v1', { selector: { matchLabels: labels }, template: template() }],
    ['ReplicaSet', 'spec.template.spec', 'apps/v1', { selector: { matchLabels: labels }, template: template() }],
    ['ReplicationController', 'spec.template.spec', 'v1', { selector: labels, template: template() }],
    ['Job', 'spec.template.spec', 'batch/v1', { template: template('Never') }],
    ['CronJob', 'spec.jobTemplate.spec.template.spec', 'batch/v1', { schedule: '0 * * * *', jobTemplate: { spec: { template: template('Never') } } }],
    ['Pod', 'spec', 'v1', podSpec()],
  ];

  test.each(KINDS)('%s: the pod spec at %s', (kind, at, apiVersion, spec) => {
    const app = testApp();
    const chart = new Chart(app, 'ops');
    new ZeroTrustNamespace(chart, 'ops');
    new ApiObject(chart, 'w', { apiVersion, kind, metadata: { name: 'w', namespace: 'ops', ...(kind === 'Pod' ? { labels } : {}) }, spec });
    expect(warningsOf(app, 'pod-security')).toEqual([`[pod-security] ops/w: ${kind} ops/w ${at} "w" is accepted, but: namespace "ops" enforces `
      + `Pod Security "restricted" and the API server rejects these pods: ${at}.hostIPC must not be true. Fix: set those fields (with cdk8s-plus: `
      + 'securityContext { ensureNonRoot: true, allowPrivilegeEscalation: false }, and ApiObject.of(workload).addJsonPatch() for capabilities.drop '
      + '["ALL"] and seccompProfile RuntimeDefault), or lower the namespace\'s level (ZeroTrustNamespace podSecurity) (to accept it, annotate '
      + `${kind} ops/w with cdk8s-networking.io/skip-checks: pod-security)`]);
  });
});

describe('6. an app handed another app\'s url with no flow to it', () => {
  test('warns naming both apps; declaring the flow silences it; an error under strict', () => {
    const s = shop();
    new WebApp(s.chart, 'client', { namespace: s.prod, image: 'a:1', containerPort: 8000, env: { ORDERS_URL: `${s.orders.url}/v1`, HOST: s.orders.dnsName } });
    const lines = warningsOf(s.app, 'address-without-flow');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('shop/client: env["HOST"] "orders.production.svc.cluster.local" is accepted, but: it is the address of shop/orders, but no flow lets production/client reach it');
    expect(lines[1]).toContain('shop/client: env["ORDERS_URL"] "http://orders.production.svc.cluster.local/v1" is accepted, but');
    const strict = shop();
    new WebApp(strict.chart, 'client', { namespace: strict.prod, image: 'a:1', containerPort: 8000, env: { ORDERS: 'orders.production:80' } });
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'address-without-flow')).toHaveLength(1);
    const fixed = shop();
    const c2 = new WebApp(fixed.chart, 'client', { namespace: fixed.prod, image: 'a:1', containerPort: 8000, env: { ORDERS_URL: fixed.orders.url } });
    c2.allowTo(fixed.orders);
    expect(warningsOf(fixed.app, 'address-without-flow')).toEqual([]);
  });

  test('no warning between apps of plain namespaces: nothing there drops the requests', () => {
    const s = shop();
    const batch = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    new WebApp(s.chart, 'report', { namespace: 'legacy', image: 'a:1', containerPort: 80, env: { BATCH_URL: batch.url } });
    expect(warningsOf(s.app, 'address-without-flow')).toEqual([]);
  });
});

describe('7. namespaces: a typo of an app namespace, a plain namespace nothing creates', () => {
  test('a peer namespace one edit away from the app\'s gets "did you mean"', () => {
    const s = shop();
    new ZeroTrustNamespace(s.chart, 'monitoring');
    s.orders.allowIngressFrom(Peer.pods({ namespace: 'monitorng', labels: { app: 'prometheus' } }), Port.tcp(4000));
    const [line] = warningsOf(s.app, 'namespace-typo');
    expect(line).toContain('shop/orders.allowIngressFrom(monitorng/monitorng-prometheus): namespace "monitorng" is accepted, but: the app has no such namespace; did you mean "monitoring"?');
  });

  test('a flow naming a plain namespace the app deploys into but does not create', () => {
    const s = shop();
    const legacy = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    s.orders.allowFrom(legacy);
    const [line] = warningsOf(s.app, 'namespace-not-created');
    expect(line).toContain('shop/orders.allowFrom(legacy/batch): namespace "legacy" is accepted, but: the app deploys into it but no Namespace object of the app creates it');
    const created = shop();
    new k8s.KubeNamespace(created.chart, 'legacy-ns', { metadata: { name: 'legacy' } });
    created.orders.allowFrom(new WebApp(created.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 }));
    expect(warningsOf(created.app, 'namespace-not-created')).toEqual([]);
  });
});

describe('smaller fixes', () => {
  test('an unknown name in the skip annotation gets no "annotate with skip-checks: skip-checks" hint', () => {
    const s = shop();
    new k8s.KubeConfigMap(s.chart, 'config', { metadata: { name: 'config', namespace: 'production', annotations: { 'cdk8s-networking.io/skip-checks': 'pod-netpol' } } });
    const [line] = linesOf(synthError(s.app), 'skip-checks');
    expect(line).toContain('names no known check');
    expect(line).not.toContain('to accept it');
  });
});

describe('11. kind: List objects, whose items kubectl and Argo CD apply one by one', () => {
  const rogue = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rogue', namespace: 'production' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'evil:1' }] } },
    },
  };
  const openPolicy = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', namespace: 'production' },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
  };

  test('a List is refused at synth, naming its path and its items, instead of letting them escape the checks', () => {
    const s = shop();
    s.web.allowFrom(s.orders);
    // No namespace: a List is not namespaced, and gets no metadata-namespace error.
    new ApiObject(s.chart, 'list', { apiVersion: 'v1', kind: 'List', metadata: {}, items: [openPolicy, rogue] } as any);
    expect(synthError(s.app)).toBe('shop/list: kind "List" is invalid: kubectl and Argo CD apply each item of a List (NetworkPolicy '
      + 'production/open, Deployment production/rogue), but the checks, the flow verification and the network report read only the objects '
      + 'of the app themselves, so its items would escape them; write each item as an ApiObject of its own (new ApiObject(chart, id, item)), '
      + 'or split the List of a file you include');
    // The same Deployment at top level is caught by the checks.
    const top = shop();
    top.web.allowFrom(top.orders);
    new ApiObject(top.chart, 'rogue', rogue);
    expect(linesOf(synthError(top.app), 'shared-pod-labels')).toHaveLength(1);
  });

  test('a <Kind>List with items is a List too (kubectl unwraps it); every List is named, a line each', () => {
    const s = shop();
    new ApiObject(s.chart, 'deployments', { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: {}, items: [rogue] } as any);
    new ApiObject(s.chart, 'empty', { apiVersion: 'v1', kind: 'List', metadata: {}, items: [] } as any);
    expect(synthError(s.app).split('\n')).toEqual([
      expect.stringMatching(/^shop\/deployments: kind "DeploymentList" is invalid: kubectl and Argo CD apply each item of a List \(Deployment production\/rogue\), but/),
      expect.stringMatching(/^shop\/empty: kind "List" is invalid: kubectl and Argo CD apply each item of a List, but the checks/),
    ]);
  });

  test('a kind that merely ends in List, without items, is an ordinary object', () => {
    const s = shop();
    new ApiObject(s.chart, 'allow', { apiVersion: 'example.com/v1', kind: 'AllowList', metadata: { name: 'allow', namespace: 'production' }, spec: { ips: [] } });
    expect(() => s.app.synth()).not.toThrow();
  });
});
