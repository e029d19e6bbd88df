import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import type { IWorkload } from '../lib';
import { Cni, NetworkModel, Peer, PodSecurityLevel, Port, Protocol, WebApp, ZeroTrustNamespace } from '../lib';
import { captureWarnings, expectWarnings, find, ofKind, synth, testApp } from './util';

function build(fn: (chart: Chart) => void, chartNamespace?: string) {
  const app = testApp();
  const chart = new Chart(app, 'test', { namespace: chartNamespace });
  fn(chart);
  return synth(app).objects;
}

const policy = (objects: any[], name: string, ns = 'production') => find(objects, 'NetworkPolicy', name, ns);

describe('ZeroTrustNamespace', () => {
  test('emits the Namespace with Pod Security labels, default-deny and allow-dns-egress', () => {
    const objects = build((chart) => new ZeroTrustNamespace(chart, 'production', { labels: { team: 'shop' } }));
    const ns = find(objects, 'Namespace', 'production');
    expect(ns.metadata.labels).toEqual({
      'team': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s-networking',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(policy(objects, 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy(objects, 'allow-dns-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53 }, { protocol: 'UDP', port: 53 }],
      }],
    });
    expect(objects).toHaveLength(3);
    expect(objects).toMatchSnapshot();
  });

  test('the Namespace never carries metadata.namespace, even in a Chart with a namespace', () => {
    const objects = build((chart) => new ZeroTrustNamespace(chart, 'production'), 'other');
    expect(find(objects, 'Namespace', 'production').metadata.namespace).toBeUndefined();
    expect(policy(objects, 'default-deny').metadata.namespace).toBe('production');
  });

  test('allowDns: false leaves DNS to the user; custom DNS pods and NodeLocal DNSCache', () => {
    const noDns = build((chart) => new ZeroTrustNamespace(chart, 'production', { allowDns: false }));
    expect(ofKind(noDns, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['default-deny']);
    const custom = build((chart) => new ZeroTrustNamespace(chart, 'production', {
      dns: { namespace: 'dns', podLabels: { app: 'coredns' }, cidrs: ['169.254.20.10/32'] },
      podSecurity: PodSecurityLevel.BASELINE,
    }));
    expect(policy(custom, 'allow-dns-egress').spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    expect(find(custom, 'Namespace', 'production').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('kube-system (any kube- namespace) cannot be zero-trust: the error names the path, the field, the value and why', () => {
    const chart = new Chart(testApp(), 'test');
    new ZeroTrustNamespace(chart, 'production');
    expect(() => new ZeroTrustNamespace(chart, 'kube-system')).toThrow(
      /^test\/kube-system: name "kube-system" is invalid: the kube- prefix is reserved for Kubernetes system namespaces, whose pods \(the cluster DNS, kube-proxy, the CNI\) the app does not define/);
    expect(() => new ZeroTrustNamespace(chart, 'system', { name: 'kube-public' })).toThrow(/^test\/system: name "kube-public" is invalid: the kube- prefix is reserved/);
  });

  test('a zero-trust DNS namespace admits each namespace\'s DNS queries under its own policy name, and verifies', () => {
    const objects = build((chart) => {
      new ZeroTrustNamespace(chart, 'production', { dns: { namespace: 'dns' } });
      new ZeroTrustNamespace(chart, 'staging', { dns: { namespace: 'dns' } });
      new ZeroTrustNamespace(chart, 'dns', { dns: { namespace: 'dns' }, podSecurity: PodSecurityLevel.BASELINE });
      new kplus.Deployment(chart, 'coredns', {
        metadata: { namespace: 'dns' }, podMetadata: { labels: { 'k8s-app': 'kube-dns' } },
        containers: [{ image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }, { number: 53 }], securityContext: { ensureNonRoot: false } }],
      });
    });
    const dnsPorts = [{ port: 53 }, { protocol: 'UDP', port: 53 }];
    const ingress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'dns' && p.spec.ingress);
    expect(ingress.map((p) => [p.metadata.name, p.spec.ingress])).toEqual([
      ['allow-all-pods-to-kube-dns', [{ from: [{ podSelector: {} }], ports: dnsPorts }]],
      ['allow-production-all-pods-to-kube-dns', [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } }], ports: dnsPorts }]],
      ['allow-staging-all-pods-to-kube-dns', [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'staging' } } }], ports: dnsPorts }]],
    ]);
    expect(ingress.every((p) => JSON.stringify(p.spec.podSelector) === JSON.stringify({ matchLabels: { 'k8s-app': 'kube-dns' } }))).toBe(true);
  });
});

describe('a zero-trust DNS namespace isolates the DNS pods for egress too (dns-server-isolated)', () => {
  // CoreDNS answers the cluster's names from the API server, which its kubernetes plugin watches
  // (coredns plugin/kubernetes/README.md), and forwards other names upstream (plugin/forward): with
  // default-deny egress and nothing else, neither is reachable and every lookup fails.
  function dnsApp(opts: { zeroTrust?: boolean; egress?: boolean } = {}) {
    const app = testApp();
    const chart = new Chart(app, 'test');
    if (opts.zeroTrust ?? true) {
      const dns = new ZeroTrustNamespace(chart, 'dns', { dns: { namespace: 'dns' }, podSecurity: PodSecurityLevel.BASELINE });
      // Another app in the namespace, with a way out of its own: not a DNS pod, so no way out for them.
      const ui = new WebApp(chart, 'dns-ui', { namespace: dns, image: 'ghcr.io/acme/dns-ui:1.0.0', containerPort: 8080 });
      ui.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    }
    new kplus.Deployment(chart, 'coredns', {
      metadata: { name: 'coredns', namespace: 'dns' }, podMetadata: { labels: { 'k8s-app': 'kube-dns' } },
      containers: [{ image: 'coredns/coredns:1.11.3', ports: [{ number: 53, protocol: kplus.Protocol.UDP }, { number: 53 }], securityContext: { ensureNonRoot: false } }],
    });
    const prod = new ZeroTrustNamespace(chart, 'production', { dns: { namespace: 'dns' } });
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
    api.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    if (opts.egress) {
      new ApiObject(chart, 'coredns-egress', {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'coredns-egress', namespace: 'dns', annotations: { 'cdk8s-networking.io/skip-checks': 'undeclared-flow' } },
        spec: { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443 }] }, { to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }] },
      });
    }
    return app;
  }
  const isolated = (warnings: string[]) => warnings.filter((w) => w.startsWith('[dns-server-isolated]'));

  test('the DNS pods reach nothing but themselves: one warning naming the namespaces using it, the pods and the way out', () => {
    const app = dnsApp();
    const { warnings, result } = captureWarnings(() => synth(app));
    expect(isolated(warnings)).toEqual([
      '[dns-server-isolated] test/dns, test/production: dns.namespace "dns" is accepted, but: it is a zero-trust namespace, whose default-deny '
        + 'isolates the DNS pods there (dns/Deployment/coredns) for egress, and no policy lets them reach anything but themselves: not the '
        + 'Kubernetes API server, which CoreDNS watches for the cluster\'s names, nor an upstream resolver for any other name. The lookups the '
        + 'DNS flows admit then fail, so every flow that names its peer by a DNS name (a Service name, Peer.fqdn()) is dead, though its '
        + 'policies allow it. Fix: keep the DNS server\'s namespace out of the zero-trust namespaces, or let its pods out with a NetworkPolicy '
        + 'of your own in "dns" (egress to the API server\'s endpoints on 443/6443 and to the upstream resolvers on 53), accepted with the skip '
        + 'annotation (cdk8s-networking.io/skip-checks: undeclared-flow)',
    ]);
    // The policies that isolate them: default-deny, and allow-dns-egress towards the DNS pods themselves.
    expect(policy(result.objects, 'allow-dns-egress', 'dns').spec.egress[0].to).toEqual([{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    const strict = dnsApp();
    NetworkModel.of(strict).configure({ strict: true });
    expect(() => strict.synth()).toThrow(/\[dns-server-isolated\] test\/dns, test\/production: dns.namespace "dns" is invalid: it is a zero-trust namespace/);
  });

  test('cleared by an egress policy of the user\'s own for the DNS pods; never named for a DNS namespace that is not zero-trust', () => {
    expect(isolated(captureWarnings(() => synth(dnsApp({ egress: true }))).warnings)).toEqual([]);
    expect(isolated(captureWarnings(() => synth(dnsApp({ zeroTrust: false }))).warnings)).toEqual([]);
  });
});

describe('dns.ports: DNS pods that listen on another port than 53', () => {
  const OPENSHIFT = { namespace: 'openshift-dns', podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } };
  const nsSelector = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

  test('OpenShift: allow-dns-egress opens 5353 to the dns-default pods, synth passes with no finding, and the report says so', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production', { dns: { ...OPENSHIFT, ports: [Port.udp(5353), Port.tcp(5353)] } });
    new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 8080 });
    const { result, warnings } = captureWarnings(() => synth(app));
    expect(warnings).toEqual([]);
    expect(policy(result.objects, 'allow-dns-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ ...nsSelector('openshift-dns'), podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
        ports: [{ port: 5353 }, { protocol: 'UDP', port: 5353 }],
      }],
    });
    expect(ofKind(result.objects, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['allow-dns-egress', 'default-deny']);
    const md = fs.readFileSync(path.join(app.outdir, 'network-report.md'), 'utf8');
    expect(md).toContain('DNS: the workload resolves names through openshift-dns/kube-dns (outside the app) on TCP 5353, UDP 5353 (left out of the diagram).');
    expect(md).toContain('| api | openshift-dns/kube-dns (outside the app) | TCP 5353, UDP 5353 | allow-dns-egress | dns |');
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    expect(report.findings).toEqual([]);
  });

  test('openshift-dns without dns.ports is refused: the default 53 would drop every lookup', () => {
    const chart = new Chart(testApp(), 'test');
    expect(() => new ZeroTrustNamespace(chart, 'production', { dns: OPENSHIFT })).toThrow(new Error(
      'test/production: dns.namespace "openshift-dns" is invalid: needs dns.ports: OpenShift\'s DNS pods (the dns-default DaemonSet) listen on '
      + '5353, where the dns-default Service sends port 53, and a NetworkPolicy sees the pods\' port, so the default 53 would drop every lookup; '
      + 'give dns.ports: [Port.udp(5353), Port.tcp(5353)]'));
    // Given explicitly, even 53 is the user's word; other namespaces keep the default silently (k3s, EKS, GKE and AKS run CoreDNS on 53).
    expect(() => new ZeroTrustNamespace(chart, 'a', { dns: { ...OPENSHIFT, ports: [Port.udp(53), Port.tcp(53)] } })).not.toThrow();
    expect(() => new ZeroTrustNamespace(chart, 'b', { dns: { namespace: 'dns', podLabels: { app: 'coredns' } } })).not.toThrow();
  });

  test('dns.cidrs keep 53 in a policy of their own when the DNS pods listen elsewhere; with the default ports, one policy', () => {
    const objects = build((chart) => new ZeroTrustNamespace(chart, 'production', {
      dns: { namespace: 'dns', podLabels: { app: 'coredns' }, ports: [Port.udp(1053), Port.tcp(1053)], cidrs: ['169.254.20.10/32'] },
    }));
    expect(policy(objects, 'allow-dns-egress').spec.egress).toEqual([{
      to: [{ ...nsSelector('dns'), podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ port: 1053 }, { protocol: 'UDP', port: 1053 }],
    }]);
    expect(policy(objects, 'allow-dns-egress-cidrs').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: [{ port: 53 }, { protocol: 'UDP', port: 53 }] }],
    });
    // The default ports given explicitly, in another order: the single policy of before.
    const same = build((chart) => new ZeroTrustNamespace(chart, 'production', {
      dns: { cidrs: ['169.254.20.10/32'], ports: [Port.tcp(53), Port.udp(53)] },
    }));
    expect(ofKind(same, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['allow-dns-egress', 'default-deny']);
    expect(policy(same, 'allow-dns-egress').spec.egress[0].to).toEqual([
      { ...nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
  });

  test('a zero-trust DNS namespace admits the queries on dns.ports, and synth passes against CoreDNS on 5353', () => {
    const objects = build((chart) => {
      const dns = { namespace: 'dns', ports: [Port.udp(5353), Port.tcp(5353)] };
      new ZeroTrustNamespace(chart, 'production', { dns });
      new ZeroTrustNamespace(chart, 'dns', { dns, podSecurity: PodSecurityLevel.BASELINE });
      new kplus.Deployment(chart, 'coredns', {
        metadata: { namespace: 'dns' }, podMetadata: { labels: { 'k8s-app': 'kube-dns' } },
        containers: [{ image: 'coredns/coredns:1.11.3', ports: [{ number: 5353, protocol: kplus.Protocol.UDP }, { number: 5353 }], securityContext: { ensureNonRoot: false } }],
      });
    });
    expect(policy(objects, 'allow-production-all-pods-to-kube-dns', 'dns').spec.ingress).toEqual([
      { from: [nsSelector('production')], ports: [{ port: 5353 }, { protocol: 'UDP', port: 5353 }] },
    ]);
  });

  test('on Cilium, the DNS visibility rule of a DNS-name flow names the DNS pods\' ports', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production', { dns: { ...OPENSHIFT, ports: [Port.tcp(5353), Port.udp(5353)] } });
    new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 8080 }).allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    // With dns.cidrs as well (their own flow on 53), the rule still names the DNS pods, and the NodeLocal DNSCache warning stands.
    const staging = new ZeroTrustNamespace(chart, 'staging', { dns: { ...OPENSHIFT, ports: [Port.udp(5353), Port.tcp(5353)], cidrs: ['169.254.20.10/32'] } });
    new WebApp(chart, 'web', { namespace: staging, image: 'a:1', containerPort: 8080 }).allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    const { result: { objects }, warnings } = captureWarnings(() => synth(app));
    expect(warnings).toEqual(['[cni-unsupported-feature] test/web: flow web -> api.stripe.com may not match as declared on Cilium: '
      + 'namespace "staging" also sends DNS to addresses outside the pod network (NodeLocal DNSCache), whose lookups Cilium\'s DNS proxy does '
      + 'not see, so the name\'s addresses may never be learned. Fix: route NodeLocal DNSCache through a CiliumLocalRedirectPolicy to the '
      + 'node-local DNS pods, or drop dns.cidrs from the namespace']);
    for (const ns of ['production', 'staging']) {
      const name = `allow-${ns === 'production' ? 'api' : 'web'}-egress-to-fqdn-api-stripe-com`;
      expect(find(objects, 'CiliumNetworkPolicy', name, ns).spec.egress[1]).toEqual({
        toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'openshift-dns', 'dns.operator.openshift.io/daemonset-dns': 'default' } }],
        toPorts: [{ ports: [{ port: '5353', protocol: 'UDP' }, { port: '5353', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
      });
    }
  });

  test('dns.ports takes port numbers over UDP or TCP, at least one; each error names the entry and why', () => {
    const make = (ports: unknown) => () => new ZeroTrustNamespace(new Chart(testApp(), 'test'), 'production', { dns: { ports: ports as Port[] } });
    expect(make([Port.named('dns', Protocol.UDP)])).toThrow(new Error('test/production: dns.ports[0] "UDP/dns" is invalid: must be a port number: '
      + 'the DNS pods are outside the app, so the number a name stands for is unknown here, and not every CNI resolves a port name in an egress '
      + 'rule; give the number the DNS pods listen on (5353 on OpenShift)'));
    expect(make([Port.udp(53), Port.tcpRange(53, 60)])).toThrow(new Error(
      'test/production: dns.ports[1] "TCP/53-60" is invalid: must be one port, not a range: a DNS server listens on one port per protocol'));
    expect(make([Port.sctp(53)])).toThrow(new Error('test/production: dns.ports[0] "SCTP/53" is invalid: must be UDP or TCP: DNS runs over those two'));
    expect(make([])).toThrow(new Error(
      'test/production: dns.ports [] is invalid: must list at least one port: a NetworkPolicy rule without ports allows every port'));
    expect(make([53])).toThrow(new Error(
      'test/production: dns.ports[0] 53 is invalid: must be a Port such as Port.tcp(443), Port.udpRange(5000, 5010) or Port.named("http")'));
    expect(make([Port.udp(0)])).toThrow(new Error('test/production: dns.ports[0] 0 is invalid: must be a port number from 1 to 65535'));
  });
});

describe('declared flows', () => {
  function shop(declare: (apps: { api: WebApp; web: WebApp; ledger: WebApp; chart: Chart }) => void) {
    return build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const payments = new ZeroTrustNamespace(chart, 'payments');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
      const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
      declare({ api, web, ledger, chart });
    });
  }

  test('allowFrom writes both sides on the destination container port', () => {
    const objects = shop(({ api, web }) => api.allowFrom(web));
    expect(policy(objects, 'allow-web-to-api').spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 3000 }] }],
    });
    expect(policy(objects, 'allow-web-egress-to-api').spec).toEqual({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 3000 }] }],
    });
  });

  test('allowTo is the same flow declared from the source; declaring twice is idempotent', () => {
    const a = shop(({ api, web }) => api.allowFrom(web));
    const b = shop(({ api, web }) => { web.allowTo(api); api.allowFrom(web); web.allowTo(api); });
    expect(ofKind(b, 'NetworkPolicy')).toEqual(ofKind(a, 'NetworkPolicy'));
    expect(policy(b, 'allow-web-to-api').spec.ingress).toHaveLength(1);
  });

  test('further ports for the same pair merge into the same policies', () => {
    // Rendering only: api does not listen on 9090, which flow-target-port would refuse.
    const objects = shop(({ api, web, chart }) => {
      NetworkModel.of(chart).configure({ skipChecks: ['flow-target-port'] });
      api.allowFrom(web);
      api.allowFrom(web, { ports: [Port.tcp(9090)] });
    });
    expect(policy(objects, 'allow-web-to-api').spec.ingress[0].ports).toEqual([{ port: 3000 }, { port: 9090 }]);
  });

  test('across namespaces the peer is ONE entry with namespaceSelector AND podSelector', () => {
    const objects = shop(({ api, ledger }) => ledger.allowFrom(api));
    const ingress = policy(objects, 'allow-production-api-to-ledger', 'payments');
    expect(ingress.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } },
      podSelector: { matchLabels: { app: 'api' } },
    }]);
    // Two entries would be OR and open ledger to every pod of production.
    expect(ingress.spec.ingress[0].from).toHaveLength(1);
    const egress = policy(objects, 'allow-api-egress-to-payments-ledger', 'production');
    expect(egress.spec.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { app: 'ledger' } } }],
      ports: [{ port: 9000 }],
    });
  });

  test('egress to a CIDR, ingress from pods and namespaces, UDP and ranges', () => {
    const objects = shop(({ api, web, chart }) => {
      // Rendering only: statsd (a WebApp) declares TCP 8125, not UDP; api does not listen on 9000-9100.
      NetworkModel.of(chart).configure({ skipChecks: ['flow-target-port'] });
      new WebApp(chart, 'statsd', { namespace: 'production', image: 'statsd:1', containerPort: 8125 });
      web.allowEgressTo(Peer.cidr('203.0.113.0/24', ['203.0.113.128/25']), Port.tcp(443));
      api.allowIngressFrom(Peer.pods({ namespace: 'monitoring', labels: { app: 'prometheus' } }), Port.named('http'));
      api.allowIngressFrom(Peer.namespace('ops'), Port.tcpRange(9000, 9100));
      api.allowEgressTo(Peer.pods({ labels: { app: 'statsd' } }), Port.udp(8125));
    });
    expect(policy(objects, 'allow-web-egress-to-cidr-203-0-113-0-24-except-203-0-113-128-25').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ port: 443 }] },
    ]);
    expect(policy(objects, 'allow-monitoring-prometheus-to-api').spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
      ports: [{ port: 'http' }],
    });
    expect(policy(objects, 'allow-namespace-ops-to-api').spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }],
      ports: [{ port: 9000, endPort: 9100 }],
    });
    expect(policy(objects, 'allow-api-egress-to-statsd').spec.egress[0]).toEqual({
      to: [{ podSelector: { matchLabels: { app: 'statsd' } } }], ports: [{ protocol: 'UDP', port: 8125 }],
    });
    // Nothing is written into namespaces the app does not own.
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.namespace).sort()).not.toContain('monitoring');
  });

  test('egress towards pods of the app names the container port number; the ingress side keeps the name', () => {
    // Named ports in egress rules are resolved on the destination pods, which not every CNI does.
    const objects = build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000, ports: [{ name: 'grpc', port: 9090 }] });
      const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
      const resolver = new kplus.Deployment(chart, 'resolver', {
        metadata: { name: 'resolver', namespace: 'production' },
        containers: [{ image: 'dns:1', ports: [{ number: 5353, name: 'dns', protocol: kplus.Protocol.UDP }], securityContext: { ensureNonRoot: true } }],
      });
      web.allowTo(api, { ports: [Port.named('http'), Port.named('grpc'), Port.tcp(3000)] });
      web.allowEgressTo(Peer.workload(resolver), Port.named('dns', Protocol.UDP));
      NetworkModel.of(chart).configure({ skipChecks: ['pod-security'] });
    });
    expect(policy(objects, 'allow-web-egress-to-api').spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 3000 }, { port: 9090 }] }]);
    expect(policy(objects, 'allow-web-to-api').spec.ingress[0].ports).toEqual([{ port: 3000 }, { port: 'grpc' }, { port: 'http' }]);
    expect(policy(objects, 'allow-web-egress-to-resolver').spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 5353 }]);
    expect(policy(objects, 'allow-web-to-resolver').spec.ingress[0].ports).toEqual([{ protocol: 'UDP', port: 'dns' }]);
  });

  test('egress keeps a port\'s name towards pods outside the app, and towards pods that give the name different numbers', () => {
    const objects = build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
      for (const [name, number] of [['primary', 5432], ['replica', 5433]] as const) {
        new kplus.Deployment(chart, name, {
          metadata: { name, namespace: 'production' }, podMetadata: { labels: { tier: 'db' } },
          containers: [{ image: 'pg:16', ports: [{ number, name: 'sql' }], securityContext: { ensureNonRoot: true } }],
        });
      }
      // One cache declares the name, the other does not: a number would open it on the other too.
      for (const [name, ports] of [['redis', [{ number: 6379, name: 'redis' }]], ['memcached', [{ number: 6379 }]]] as const) {
        new kplus.Deployment(chart, name, {
          metadata: { name, namespace: 'production' }, podMetadata: { labels: { tier: 'cache' } },
          containers: [{ image: `${name}:1`, ports: [...ports], securityContext: { ensureNonRoot: true } }],
        });
      }
      web.allowEgressTo(Peer.pods({ labels: { tier: 'db' } }), Port.named('sql'));
      web.allowEgressTo(Peer.pods({ labels: { tier: 'cache' } }), Port.named('redis'));
      web.allowEgressTo(Peer.pods({ namespace: 'monitoring', labels: { app: 'pushgateway' } }), Port.named('http'));
      // A plain namespace: the app's WebApp is there, but so may be pods the app does not define.
      web.allowTo(new WebApp(chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 3000 }), { ports: [Port.named('http')] });
      NetworkModel.of(chart).configure({ skipChecks: ['pod-security', 'pod-networkpolicy', 'namespace-not-created'] });
    });
    expect(policy(objects, 'allow-web-egress-to-db').spec.egress[0].ports).toEqual([{ port: 'sql' }]);
    expect(policy(objects, 'allow-web-egress-to-cache').spec.egress[0].ports).toEqual([{ port: 'redis' }]);
    expect(policy(objects, 'allow-web-egress-to-monitoring-pushgateway').spec.egress[0].ports).toEqual([{ port: 'http' }]);
    expect(policy(objects, 'allow-web-egress-to-legacy-batch').spec.egress[0].ports).toEqual([{ port: 'http' }]);
  });

  test('a cdk8s-plus workload is a peer through its selector labels and container ports', () => {
    // cdk8s-plus-27 sets no seccomp profile and drops no capabilities: restricted Pod Security warns.
    const objects = expectWarnings(['[pod-security] test/legacy/Resource'], () => build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const legacy = new kplus.Deployment(chart, 'legacy', {
        metadata: { name: 'legacy', namespace: 'production' },
        containers: [{ image: 'b:1', portNumber: 7000, securityContext: { ensureNonRoot: true } }],
      });
      api.allowTo(Peer.workload(legacy));
    }));
    const legacyLabels = find(objects, 'Deployment', 'legacy').spec.selector.matchLabels;
    expect(policy(objects, 'allow-api-to-legacy').spec).toEqual({
      podSelector: { matchLabels: legacyLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 7000 }] }],
    });
  });

  // cdk8s-plus builds Jobs and CronJobs with no selector (select: false): their pod template's labels select their pods.
  test.each([['cdk8s-plus-27', kplus], ['cdk8s-plus-33', kplus33 as unknown as typeof kplus]])(
    'a Job and a CronJob of %s are peers through their pod template\'s labels', (_, plus) => {
      let migrate!: kplus.Job;
      const objects = expectWarnings(['[pod-security] test/migrate/Resource', '[pod-security] test/report/Resource'], () => build((chart) => {
        const prod = new ZeroTrustNamespace(chart, 'production');
        const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
        migrate = new plus.Job(chart, 'migrate', {
          metadata: { name: 'migrate', namespace: 'production' },
          containers: [{ image: 'ghcr.io/acme/migrate:1', securityContext: { ensureNonRoot: true } }],
        });
        migrate.podMetadata.addLabel('app', 'migrate');
        const report = new plus.CronJob(chart, 'report', {
          metadata: { name: 'report', namespace: 'production' }, schedule: Cron.daily(),
          containers: [{ image: 'ghcr.io/acme/report:1', portNumber: 9100, securityContext: { ensureNonRoot: true } }],
        });
        api.allowFrom(Peer.workload(migrate));
        api.allowTo(Peer.workload(report));
      }));
      expect(migrate.matchLabels).toEqual({});
      const jobLabels = find(objects, 'Job', 'migrate').spec.template.metadata.labels;
      const cronLabels = find(objects, 'CronJob', 'report').spec.jobTemplate.spec.template.metadata.labels;
      // cdk8s-plus's own label of the workload, and the one added before the flow was declared.
      expect(jobLabels).toEqual({ 'app': 'migrate', 'cdk8s.io/metadata.addr': expect.stringMatching(/^test-migrate-c8[0-9a-f]{6}$/) });
      expect(Object.keys(cronLabels)).toEqual(['cdk8s.io/metadata.addr']);
      expect(find(objects, 'Job', 'migrate').spec.selector).toBeUndefined();
      expect(policy(objects, 'allow-migrate-to-api').spec).toEqual({
        podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: jobLabels } }], ports: [{ port: 3000 }] }],
      });
      expect(policy(objects, 'allow-migrate-egress-to-api').spec).toEqual({
        podSelector: { matchLabels: jobLabels }, policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 3000 }] }],
      });
      expect(policy(objects, 'allow-api-to-report').spec).toEqual({
        podSelector: { matchLabels: cronLabels }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9100 }] }],
      });
      expect(policy(objects, 'allow-api-egress-to-report').spec.egress).toEqual([
        { to: [{ podSelector: { matchLabels: cronLabels } }], ports: [{ port: 9100 }] },
      ]);
    });

  test('a workload with no selector and no pod template labels is refused, saying what to do', () => {
    const bare = (chart: Chart, id: string, podMetadata: IWorkload['podMetadata']): IWorkload => Object.assign(new Construct(chart, id), {
      metadata: { name: id, namespace: 'production' }, matchLabels: {}, podMetadata, containers: [],
    });
    const message = (id: string) => `test/api: allowFrom "test/${id}" is invalid: a workload peer must select its pods, and the workload `
      + 'has no selector (matchLabels) and no pod template labels to select them by; give its pods a label before declaring the flow '
      + '(job.podMetadata.addLabel(\'app\', \'migrate\')), or name them with Peer.pods({ namespace, labels })';
    for (const [id, podMetadata] of [
      ['nolabels', { getLabel: () => undefined, toJson: () => ({ name: 'x' }) }],
      ['nullish', { getLabel: () => undefined, toJson: () => ({ labels: null }) }],
      ['nojson', { getLabel: () => undefined }],
    ] as const) {
      expect(() => build((chart) => {
        const prod = new ZeroTrustNamespace(chart, 'production');
        const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
        api.allowFrom(Peer.workload(bare(chart, id, podMetadata)));
      })).toThrow(message(id));
    }
  });

  test('a structural workload with no selector is selected by the string labels of its pod template', () => {
    const objects = build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const task = Object.assign(new Construct(chart, 'task'), {
        metadata: { name: 'task', namespace: 'infra' }, matchLabels: {}, containers: [],
        podMetadata: { getLabel: (k: string) => ({ app: 'task' } as Record<string, string>)[k], toJson: () => ({ labels: { app: 'task', weight: 3 } }) },
      });
      api.allowFrom(Peer.workload(task));
    });
    expect(policy(objects, 'allow-task-to-api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } }, podSelector: { matchLabels: { app: 'task' } } }],
      ports: [{ port: 3000 }],
    }]);
  });

  test('a workload peer is read structurally: any object with the IWorkload members, UDP and SCTP ports kept', () => {
    // What a workload of another cdk8s-plus major looks like to the library: no cdk8s-plus-27 class.
    const objects = build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const dns = Object.assign(new Construct(chart, 'resolver'), {
        metadata: { name: 'resolver', namespace: 'infra' },
        matchLabels: { app: 'resolver' },
        // A workload with a selector is selected by it alone, not by every label of its pod template.
        podMetadata: {
          getLabel: (k: string) => ({ app: 'resolver', tier: 'infra' } as Record<string, string>)[k],
          toJson: () => ({ labels: { app: 'resolver', tier: 'infra' } }),
        },
        containers: [{ ports: [{ number: 53, protocol: 'UDP' }, { number: 53 }] }, { ports: [{ number: 3868, protocol: 'SCTP' }] }],
      });
      const workload: IWorkload = dns;
      api.allowTo(Peer.workload(workload));
    });
    expect(policy(objects, 'allow-api-egress-to-resolver').spec.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } }, podSelector: { matchLabels: { app: 'resolver' } } }],
      ports: [{ protocol: 'SCTP', port: 3868 }, { port: 53 }, { protocol: 'UDP', port: 53 }],
    });
  });

  test('a workload whose selector its pod template does not carry is refused (the peer would select nothing)', () => {
    expect(() => build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const legacy = new kplus.Deployment(chart, 'legacy', {
        metadata: { name: 'legacy', namespace: 'production' },
        select: false,
        containers: [{ image: 'b:1', portNumber: 7000, securityContext: { ensureNonRoot: true } }],
      });
      legacy.select(kplus.LabelSelector.of({ labels: { app: 'legacy' } }));
      api.allowTo(Peer.workload(legacy));
    })).toThrow(/test\/api: allowTo "test\/legacy" is invalid: the workload selects its pods by app=legacy, which its pod template does not carry/);
  });

  test('flows declared after a construct still land, independent of declaration order', () => {
    const forward = shop(({ api, web, ledger }) => { api.allowFrom(web); ledger.allowFrom(api); });
    const reverse = shop(({ api, web, ledger }) => { ledger.allowFrom(api); api.allowFrom(web); });
    expect(reverse).toEqual(forward);
  });

  test('a flow in a namespace that is not zero-trust writes no policy (pods there are not isolated)', () => {
    const objects = expectWarnings(
      ['[namespace-not-created] test/a.allowFrom(legacy/b)', '[pod-networkpolicy] test/a/Deployment', '[pod-networkpolicy] test/b/Deployment'],
      () => build((chart) => {
        const a = new WebApp(chart, 'a', { namespace: 'legacy', image: 'a:1', containerPort: 3000 });
        const b = new WebApp(chart, 'b', { namespace: 'legacy', image: 'a:1', containerPort: 3000 });
        a.allowFrom(b);
      }),
    );
    expect(ofKind(objects, 'NetworkPolicy')).toHaveLength(0);
  });

  test('a policy name clash is an error, never a silent overwrite', () => {
    expect(() => build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      api.allowIngressFrom(Peer.pods({ labels: { app: 'x' }, name: 'web' }), Port.tcp(1));
      api.allowIngressFrom(Peer.pods({ labels: { app: 'y' }, name: 'web' }), Port.tcp(1));
    })).toThrow(/NetworkPolicy name "allow-web-to-api" is invalid: it clashes in namespace "production"/);
  });

  test('an over-long policy name is an error naming the flow', () => {
    expect(() => build((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      api.allowIngressFrom(Peer.pods({ labels: { app: 'x' }, name: 'w'.repeat(250) }), Port.tcp(1));
    })).toThrow(/test\/production: NetworkPolicy name for the flow declared at test\/api: "allow-w+-to-api" is invalid: must be at most 253 characters/);
  });
});
