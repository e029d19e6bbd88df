/**
 * Guardrails at synth: forbid(), requireTls() and forbidInternetEgress() are checked on what the
 * rendered NetworkPolicies allow (hand-written ones too); a violation fails synth naming the
 * guardrail, its reason, the flow and the construct behind it; the report records them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NetworkModel, Peer, Port, SKIP_CHECKS_ANNOTATION, WebApp, ZeroTrustNamespace } from '../lib';
import { ValidationError } from '../lib/util/errors';
import { shop } from './cli.fixtures';
import { synth, synthError, testApp } from './util';

describe('forbid()', () => {
  test('a declared flow that breaks it fails synth with the guardrail, reason, flow and declaring construct', () => {
    const app = shop(fs.mkdtempSync(path.join(require('os').tmpdir(), 'guard-')));
    NetworkModel.of(app).forbid({ from: Peer.namespace('production'), to: Peer.namespace('payments'), reason: 'PCI scope' });
    const message = synthError(app);
    // The files already in the output folder were left as they were; a ValidationError is printed once, without a stack trace.
    expect(message).toContain(`1 guardrail violation found at synth; no file was written; the files already in ${app.outdir}/ were left as they were.`);
    expect(() => app.synth()).toThrow(ValidationError);
    expect(message).toContain('guardrail forbid(production -> payments) (declared at cdk8s-networking; reason: PCI scope) is violated by '
      + 'production/Deployment/api -> payments/Deployment/ledger on TCP 9000, declared by shop/ledger');
  });

  test('a hand-written policy that admits the forbidden pods fails synth, naming the policy', () => {
    const app = testApp();
    const chart = new Chart(app, 'legacy');
    new kplus.Deployment(chart, 'billing', {
      metadata: { name: 'billing', namespace: 'legacy' },
      containers: [{ image: 'billing:1', portNumber: 8080, securityContext: { ensureNonRoot: true } }],
    });
    new ApiObject(chart, 'open', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', namespace: 'legacy' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    });
    NetworkModel.of(app).forbid({ from: Peer.namespace('public'), to: Peer.namespace('legacy'), reason: 'the public zone stays out' });
    const message = synthError(app);
    expect(message).toContain('guardrail forbid(public -> legacy)');
    expect(message).toContain('reason: the public zone stays out');
    expect(message).toContain('public/Peer/* -> legacy/Deployment/billing on TCP all, UDP all, SCTP all, declared by legacy/open (NetworkPolicy legacy/open)');
  });

  test('pods that no policy isolates break it too; a program within it synthesizes and records it in the report', () => {
    const open = testApp();
    new kplus.Deployment(new Chart(open, 'legacy'), 'billing', {
      metadata: { name: 'billing', namespace: 'legacy' },
      containers: [{ image: 'billing:1', portNumber: 8080, securityContext: { ensureNonRoot: true } }],
    });
    NetworkModel.of(open).forbid({ from: Peer.namespace('public'), to: Peer.namespace('legacy'), reason: 'zone' });
    expect(synthError(open)).toContain('any pod -> legacy/Deployment/billing (no NetworkPolicy isolates its ingress)');

    const app = shop(testApp().outdir);
    NetworkModel.of(app).forbid({ from: Peer.namespace('payments'), to: Peer.namespace('production'), reason: 'no calls back' });
    const { outdir } = synth(app);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'network-report.json'), 'utf8'));
    expect(report.guardrails).toEqual([{
      kind: 'forbid', name: 'forbid(payments -> production)', reason: 'no calls back', declaredBy: 'cdk8s-networking',
      from: { namespace: 'payments' }, to: { namespace: 'production' },
    }]);
  });

  test('bad input names the model, the field and the value', () => {
    const app = testApp();
    expect(() => NetworkModel.of(app).forbid({ from: Peer.namespace('a'), to: Peer.namespace('b'), reason: '' }))
      .toThrow('cdk8s-networking: forbid() reason "" is invalid: must be a non-empty string');
    expect(() => NetworkModel.of(app).forbid({ from: Peer.pods({ labels: { app: 'x' } }), to: Peer.namespace('b'), reason: 'r' }))
      .toThrow('cdk8s-networking: forbid() from namespace "" is invalid: a guardrail peer must name its namespace');
  });
});

describe('requireTls()', () => {
  test('an entry point without TLS fails synth naming the Ingress construct', () => {
    const app = shop(testApp().outdir, { noTls: true });
    NetworkModel.of(app).requireTls();
    const message = synthError(app);
    expect(message).toContain('guardrail requireTls() (declared at cdk8s-networking; reason: entry points must use TLS) is violated by entry point shop.example.com / (Prefix) -> web:80 (Ingress/gateway in production) without TLS, declared by shop/gateway/Ingress');
    const ok = shop(testApp().outdir);
    NetworkModel.of(ok).requireTls();
    expect(() => ok.synth()).not.toThrow();
  });
});

describe('forbid() towards addresses', () => {
  function forbidApp(cidr: string, to: ReturnType<typeof Peer.cidr>) {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const ledger = new WebApp(chart, 'ledger', { namespace: new ZeroTrustNamespace(chart, 'payments'), image: 'ledger:1', containerPort: 9000 });
    ledger.allowEgressTo(Peer.cidr(cidr), Port.tcp(443));
    NetworkModel.of(app).forbid({ from: Peer.namespace('payments'), to, reason: 'no egress there' });
    return app;
  }

  test('the ranges a peer leaves out are not the peer: Peer.internet() is not the private ranges, nor a Peer.cidr() its except', () => {
    expect(() => forbidApp('10.20.0.0/16', Peer.internet()).synth()).not.toThrow();
    expect(synthError(forbidApp('203.0.113.0/24', Peer.internet()))).toContain('guardrail forbid(payments -> 0.0.0.0/0+::/0 except 10.0.0.0/8,'
      + '100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16,::1/128,fc00::/7,fe80::/10) (declared at cdk8s-networking; reason: '
      + 'no egress there) is violated by payments/Deployment/ledger -> cidr:203.0.113.0/24 on TCP 443, declared by shop/ledger');
    expect(() => forbidApp('10.20.0.0/16', Peer.cidr('10.0.0.0/8', ['10.20.0.0/16'])).synth()).not.toThrow();
    // Overlapping the except without lying inside it still reaches the forbidden addresses.
    expect(synthError(forbidApp('10.0.0.0/8', Peer.cidr('10.0.0.0/8', ['10.20.0.0/16'])))).toContain(
      'guardrail forbid(payments -> 10.0.0.0/8 except 10.20.0.0/16) (declared at cdk8s-networking; reason: no egress there) is violated by '
      + 'payments/Deployment/ledger -> cidr:10.0.0.0/8 on TCP 443');
  });
});

describe('forbid() and namespaces matched by labels', () => {
  /** payments/ledger, a guardrail forbidding public -> payments, and a hand-written policy admitting namespaces labelled team=web. */
  function labelledApp(publicLabels?: Record<string, string>, namespaceSelector: object | object[] = { matchLabels: { team: 'web' } }) {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const pay = new ZeroTrustNamespace(chart, 'payments');
    new WebApp(chart, 'ledger', { namespace: pay, image: 'ledger:1', containerPort: 9000 });
    if (publicLabels) new ApiObject(chart, 'public', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'public', labels: publicLabels } });
    NetworkModel.of(app).forbid({ from: Peer.namespace('public'), to: Peer.namespace(pay), reason: 'PCI scope' });
    new ApiObject(chart, 'np', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'from-web-teams', namespace: 'payments', annotations: { [SKIP_CHECKS_ANNOTATION]: 'undeclared-flow' } },
      spec: { podSelector: { matchLabels: { app: 'ledger' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [namespaceSelector].flat().map((selector) => ({ namespaceSelector: selector })), ports: [{ port: 9000 }] }] } });
    return app;
  }

  test('a namespace the app does not define may carry the labels: the guardrail fails synth and says why', () => {
    expect(synthError(labelledApp())).toContain('guardrail forbid(public -> payments) (declared at cdk8s-networking; reason: PCI scope) is violated '
      + 'by [namespaces team=web]/Peer/* -> payments/Deployment/ledger on TCP 9000 (namespace public is not the app\'s, so it may carry those '
      + 'labels), declared by shop/np (NetworkPolicy payments/from-web-teams)');
  });

  test('a namespace the app defines is judged by its own labels', () => {
    expect(() => synth(labelledApp({ team: 'shop' }))).not.toThrow();
    const message = synthError(labelledApp({ team: 'web' }));
    expect(message).toContain('is violated by public/Peer/* -> payments/Deployment/ledger on TCP 9000, declared by shop/np');
    expect(message).not.toContain('may carry those labels');
  });

  test('where the guardrail\'s own namespace is admitted already, the namespaces matched by labels add nothing', () => {
    // Every namespace but kube-system (public among them), and namespaces labelled team=web, which public may carry too.
    const notKubeSystem = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] };
    const message = synthError(labelledApp(undefined, [notKubeSystem, { matchLabels: { team: 'web' } }]));
    expect(message).toContain('1 guardrail violation found at synth');
    expect(message).toContain('is violated by public/Peer/* -> payments/Deployment/ledger on TCP 9000, declared by shop/np');
  });
});

describe('forbidInternetEgress()', () => {
  function egressApp(cidr: string, except?: string) {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const ns = new ZeroTrustNamespace(chart, 'payments');
    const ledger = new WebApp(chart, 'ledger', { namespace: ns, image: 'ledger:1', containerPort: 9000 });
    ledger.allowEgressTo(Peer.cidr(cidr), Port.tcp(443));
    NetworkModel.of(app).forbidInternetEgress({ except: except ? [Peer.cidr(except)] : [], reason: 'egress goes through the proxy' });
    return app;
  }

  test('egress to a public address fails synth; private addresses and exceptions pass', () => {
    expect(synthError(egressApp('203.0.113.0/24'))).toContain('guardrail forbidInternetEgress() (declared at cdk8s-networking; reason: egress goes through the proxy) '
      + 'is violated by payments/Deployment/ledger -> cidr:203.0.113.0/24 on TCP 443, declared by shop/ledger');
    expect(() => egressApp('10.20.0.0/16').synth()).not.toThrow();
    expect(() => egressApp('203.0.113.0/24', '203.0.113.0/24').synth()).not.toThrow();
    expect(() => egressApp('203.0.113.128/25', '203.0.113.0/24').synth()).not.toThrow();
  });

  test('an exception excepts only addresses inside it: a block that merely overlaps one is internet egress', () => {
    for (const wide of ['203.0.0.0/8', '0.0.0.0/0']) {
      expect(synthError(egressApp(wide, '203.0.113.0/24'))).toContain('guardrail forbidInternetEgress(except 203.0.113.0/24) (declared at '
        + 'cdk8s-networking; reason: '
        + `egress goes through the proxy) is violated by payments/Deployment/ledger -> cidr:${wide} on TCP 443, declared by shop/ledger`);
    }
    // An exception's own except ranges are not excepted: a block reaching into them is internet egress too.
    const holed = testApp();
    const holedChart = new Chart(holed, 'shop');
    new WebApp(holedChart, 'ledger', { namespace: new ZeroTrustNamespace(holedChart, 'payments'), image: 'ledger:1', containerPort: 9000 })
      .allowEgressTo(Peer.cidr('203.0.113.0/25'), Port.tcp(443));
    NetworkModel.of(holed).forbidInternetEgress({ except: [Peer.cidr('203.0.113.0/24', ['203.0.113.0/28'])], reason: 'egress goes through the proxy' });
    expect(synthError(holed)).toContain('is violated by payments/Deployment/ledger -> cidr:203.0.113.0/25 on TCP 443');
    // Peer.internet(): both halves, the IPv4 one overlapping the exception included.
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const ledger = new WebApp(chart, 'ledger', { namespace: new ZeroTrustNamespace(chart, 'payments'), image: 'ledger:1', containerPort: 9000 });
    ledger.allowEgressTo(Peer.internet(), Port.tcp(443));
    NetworkModel.of(app).forbidInternetEgress({ except: [Peer.cidr('203.0.113.0/24')], reason: 'egress goes through the proxy' });
    const message = synthError(app);
    expect(message).toContain('is violated by payments/Deployment/ledger -> cidr:0.0.0.0/0 except ');
    expect(message).toContain('is violated by payments/Deployment/ledger -> cidr:::/0 except ');
  });
});
