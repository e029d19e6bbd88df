/**
 * DNS that a zero-trust namespace cannot see through: DNS-name flows (Peer.fqdn, ExternalService) to
 * the cluster's own names, which Cilium's toFQDNs never matches, and pods whose dnsPolicy sends their
 * lookups past the namespace's DNS egress (`pod-dns-policy`). Every synthesized manifest is
 * schema-validated by `synth()` (test/util.ts).
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Cni, ExternalService, NetworkModel, Peer, Port, SKIP_CHECKS_ANNOTATION, WebApp, ZeroTrustNamespace } from '../lib';
import type { ClusterNames } from '../lib/model/flows/cluster-names';
import { clusterNameVerdict } from '../lib/model/flows/cluster-names';
import { captureWarnings, find, meetRestricted, ofKind, synth, synthError, testApp } from './util';

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly prod: ZeroTrustNamespace;
  readonly api: WebApp;
}

function shop(cni: Cni = Cni.cilium(), podSpec?: Record<string, unknown>, configure: Record<string, unknown> = {}): Shop {
  const app = testApp();
  NetworkModel.of(app).configure({ cni, ...configure });
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000, ...(podSpec ? { podSpec: podSpec as any } : {}) });
  return { app, chart, prod, api };
}

const DEAD = '; a DNS-name rule (Cilium\'s toFQDNs) selects only peers outside the cluster and never matches pods, which the traffic reaches once '
  + 'the Service\'s ClusterIP is translated, and a standard NetworkPolicy matches no names, so the flow would be dead on any CNI; declare the flow '
  + 'to the pods themselves: the WebApp (allowTo(app)), Peer.workload(...) or Peer.pods({ namespace, labels })';
const ANSWERS = ', so the cluster DNS answers it with the address of a Service or pod of the cluster';

describe('DNS-name flows to the cluster\'s own names', () => {
  test('a one-label externalName is refused at once: the cluster DNS makes a CNAME target absolute, a top-level domain', () => {
    const s = shop();
    expect(() => new ExternalService(s.chart, 'db', { namespace: s.prod, externalName: 'db', ports: [Port.tcp(5432)] })).toThrow(new Error(
      'shop/db: externalName "db" is invalid: must have at least two labels (a name such as "db.example.com"): the cluster DNS answers the '
      + 'Service\'s name with a CNAME to the absolute name "db.", which no DNS search path completes and which is looked up as a top-level '
      + 'domain, never the host meant; for a Service of the cluster, declare the flow to its pods instead (the WebApp, Peer.workload(), Peer.pods())'));
    // The trailing dot is trimmed first, as the API server does; two labels pass.
    expect(() => new ExternalService(s.chart, 'db2', { namespace: s.prod, externalName: 'db.' })).toThrow('shop/db2: externalName "db" is invalid: must have at least two labels');
    expect(new ExternalService(s.chart, 'db3', { namespace: s.prod, externalName: 'db.corp' }).externalName).toBe('db.corp');
  });

  test('Peer.fqdn of one label is refused: the search path completes it first, and as itself it is a top-level domain', () => {
    const s = shop();
    expect(() => s.api.allowEgressTo(Peer.fqdn('db'), Port.tcp(5432))).toThrow(new Error('shop/api: allowEgressTo "db" is invalid: must have at '
      + 'least two labels (a name such as "api.stripe.com"): the pods\' DNS search path completes a name of one label to a Service of the cluster '
      + 'or a name of the nodes\' search domains, and tries it as a top-level domain last, which has no address, so toFQDNs matching the name '
      + 'itself never matches'));
    expect(() => s.api.allowEgressTo(Peer.fqdn('*'), Port.tcp(443))).toThrow(new Error('shop/api: allowEgressTo "*" is invalid: must have at '
      + 'least two labels (a name such as "api.stripe.com"); a bare pattern would match every name'));
  });

  test.each([['Cilium', Cni.cilium()], ['a generic CNI', Cni.generic()]])('an ExternalService aliasing a Service of the cluster is refused on %s', (_, cni) => {
    const s = shop(cni);
    const db = new ExternalService(s.chart, 'db', { namespace: s.prod, externalName: 'postgres.legacy.svc.cluster.local', ports: [Port.tcp(5432)] });
    s.api.allowTo(db);
    expect(synthError(s.app)).toBe('shop/api: allowTo ExternalService shop/db externalName "postgres.legacy.svc.cluster.local" is invalid: '
      + `it is under the cluster domain "cluster.local"${ANSWERS}${DEAD}`);
  });

  test('Peer.fqdn with a pattern under the cluster domain is refused', () => {
    const s = shop();
    s.api.allowEgressTo(Peer.fqdn('*.svc.cluster.local'), Port.tcp(5432));
    expect(synthError(s.app)).toBe(`shop/api: allowEgressTo Peer.fqdn("*.svc.cluster.local") is invalid: it is under the cluster domain "cluster.local"${ANSWERS}${DEAD}`);
  });

  test('a name of a Service the app declares says which construct it is', () => {
    const s = shop();
    const payments = new ZeroTrustNamespace(s.chart, 'payments');
    new WebApp(s.chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
    s.api.allowEgressTo(Peer.fqdn('ledger.payments.svc.cluster.local'), Port.tcp(9000));
    expect(synthError(s.app)).toBe('shop/api: allowEgressTo Peer.fqdn("ledger.payments.svc.cluster.local") is invalid: it is under the cluster '
      + `domain "cluster.local" (it is the Service of shop/ledger)${ANSWERS}${DEAD}`);
  });

  test('through the pods\' search path: a name ending in .svc, and <service>.<namespace> of a Service of the app', () => {
    const svc = shop();
    svc.api.allowEgressTo(Peer.fqdn('postgres.legacy.svc'), Port.tcp(5432));
    expect(synthError(svc.app)).toBe('shop/api: allowEgressTo Peer.fqdn("postgres.legacy.svc") is invalid: it ends in ".svc", and the pods\' DNS '
      + 'search path completes it to "postgres.legacy.svc.cluster.local", which the cluster DNS answers with the address of a Service or pod of '
      + `the cluster${DEAD}`);
    const short = shop();
    const payments = new ZeroTrustNamespace(short.chart, 'payments');
    new WebApp(short.chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
    short.api.allowEgressTo(Peer.fqdn('ledger.payments'), Port.tcp(9000));
    expect(synthError(short.app)).toBe('shop/api: allowEgressTo Peer.fqdn("ledger.payments") is invalid: it is the Service of shop/ledger: the pods\' '
      + 'DNS search path tries "ledger.payments.svc.cluster.local" before "ledger.payments" itself, and the cluster DNS answers it with the '
      + `Service's address${DEAD}`);
  });

  test('every cluster domain the app knows counts: a WebApp\'s, an ExternalService\'s, the report\'s; the report\'s shows in messages', () => {
    const s = shop(Cni.cilium(), undefined, { report: { clusterDomain: 'k8s.example' } });
    new WebApp(s.chart, 'web', { namespace: s.prod, image: 'a:1', containerPort: 8080, clusterDomain: 'corp.internal' });
    new ExternalService(s.chart, 'legacy', { namespace: s.prod, externalName: 'legacy.example.org', clusterDomain: 'east.cluster' });
    s.api.allowEgressTo(Peer.fqdn('**.corp.internal'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('db.team.svc.east.cluster'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('cache.team.svc.k8s.example'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('cluster.local'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('queue.team.svc'), Port.tcp(443));
    expect(synthError(s.app).split('\n').sort()).toEqual([
      `shop/api: allowEgressTo Peer.fqdn("**.corp.internal") is invalid: it is under the cluster domain "corp.internal"${ANSWERS}${DEAD}`,
      `shop/api: allowEgressTo Peer.fqdn("db.team.svc.east.cluster") is invalid: it is under the cluster domain "east.cluster"${ANSWERS}${DEAD}`,
      `shop/api: allowEgressTo Peer.fqdn("cache.team.svc.k8s.example") is invalid: it is under the cluster domain "k8s.example"${ANSWERS}${DEAD}`,
      `shop/api: allowEgressTo Peer.fqdn("cluster.local") is invalid: it is the cluster domain "cluster.local"${ANSWERS}${DEAD}`,
      'shop/api: allowEgressTo Peer.fqdn("queue.team.svc") is invalid: it ends in ".svc", and the pods\' DNS search path completes it to '
        + `"queue.team.svc.k8s.example", which the cluster DNS answers with the address of a Service or pod of the cluster${DEAD}`,
    ].sort());
  });

  test('names outside the cluster pass: toFQDNs as before; an ExternalService\'s short name is a CNAME target, with no search path', () => {
    const s = shop();
    const payments = new ZeroTrustNamespace(s.chart, 'payments');
    new WebApp(s.chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
    s.api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('*.stripe.com'), Port.tcp(443));
    // One label before .local: it can match the zone apex cluster.local, never a Service's name.
    s.api.allowEgressTo(Peer.fqdn('*.local'), Port.tcp(443));
    // Two labels, the last a top-level domain and no namespace of the app: a name of the Internet.
    s.api.allowEgressTo(Peer.fqdn('github.com'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('acme.app'), Port.tcp(443));
    // A label that is no DNS label ("_") can name no namespace nor Service.
    s.api.allowEgressTo(Peer.fqdn('_dmarc.legacy'), Port.tcp(443));
    s.api.allowTo(new ExternalService(s.chart, 'db', { namespace: s.prod, externalName: 'ledger.payments', ports: [Port.tcp(5432)] }));
    // A CNAME target is absolute: no search path, so neither a known Service nor a namespace of every cluster counts.
    s.api.allowTo(new ExternalService(s.chart, 'apiserver', { namespace: s.prod, externalName: 'kubernetes.default', ports: [Port.tcp(443)] }));
    const { result, warnings } = captureWarnings(() => synth(s.app));
    expect(warnings).toEqual([]);
    const names = ofKind(result.objects, 'CiliumNetworkPolicy').flatMap((p) => p.spec.egress.flatMap((r: any) => r.toFQDNs ?? []));
    expect(names).toEqual(expect.arrayContaining([
      { matchName: 'api.stripe.com' }, { matchPattern: '*.stripe.com' }, { matchPattern: '*.local' }, { matchName: 'github.com' },
      { matchName: 'acme.app' }, { matchName: '_dmarc.legacy' }, { matchName: 'ledger.payments' }, { matchName: 'kubernetes.default' },
    ]));
    expect(names).toHaveLength(8);
  });

  test('on Cilium, a pattern that may also match names under the cluster domain is a warning', () => {
    const s = shop();
    s.api.allowEgressTo(Peer.fqdn('**.local'), Port.tcp(443));
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings).toEqual(['[cni-unsupported-feature] shop/api: flow api -> **.local may not match as declared on Cilium: the pattern may match '
      + 'names under the cluster domain "cluster.local", names of Services and pods of the cluster, and toFQDNs selects only peers outside the '
      + 'cluster (it never matches pods, which the traffic reaches once a Service\'s ClusterIP is translated), so the flow to those names is dead. '
      + 'Fix: narrow the pattern to names outside the cluster domain (say "**.example.com" rather than "**.com"); for pods of the cluster declare '
      + 'the flow to them: the WebApp (allowTo(app)), Peer.workload(...) or Peer.pods({ namespace, labels })']);
  });

  const SEARCH = (name: string) => `the pods' DNS search path tries "${name}.svc.cluster.local" before "${name}" itself`;
  const DEAD_ON_ANY = '; a DNS-name rule (Cilium\'s toFQDNs) selects only peers outside the cluster and never matches pods, which the traffic '
    + 'reaches once the Service\'s ClusterIP is translated, and a standard NetworkPolicy matches no names, so the flow would be dead on any CNI; ';
  const API_SERVER = 'the API server\'s Service "kubernetes" in namespace "default", which every cluster has';
  const USE_API_SERVER = 'for the API server declare the flow to Peer.kubeApiServer(), which renders it as the API server\'s endpoints (or '
    + 'Cilium\'s kube-apiserver entity)';
  const KUBE_DNS = 'the cluster DNS Service "kube-dns" in namespace "kube-system" (the name CoreDNS keeps on kubeadm, EKS, GKE, AKS and k3s)';
  const USE_DNS = 'lookups to the cluster DNS need no flow: every ZeroTrustNamespace allows them to its DNS pods (allowDns, dns); for other '
    + 'traffic to those pods declare the flow to them: Peer.pods({ namespace: \'kube-system\', labels: { \'k8s-app\': \'kube-dns\' } })';

  test.each([['Cilium', Cni.cilium()], ['a generic CNI', Cni.generic()]])('the Services every cluster has are refused by their short names on %s', (_, cni) => {
    const s = shop(cni);
    s.api.allowEgressTo(Peer.fqdn('kubernetes.default'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('kube-dns.kube-system'), Port.udp(53));
    s.api.allowEgressTo(Peer.fqdn('kubernetes.default.svc'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('kubernetes.default.svc.cluster.local'), Port.tcp(443));
    expect(synthError(s.app).split('\n').sort()).toEqual([
      `shop/api: allowEgressTo Peer.fqdn("kubernetes.default") is invalid: it is ${API_SERVER}: ${SEARCH('kubernetes.default')}, and the cluster `
        + `DNS answers it with the Service's address${DEAD_ON_ANY}${USE_API_SERVER}`,
      `shop/api: allowEgressTo Peer.fqdn("kube-dns.kube-system") is invalid: it is ${KUBE_DNS}: ${SEARCH('kube-dns.kube-system')}, and the `
        + `cluster DNS answers it with the Service's address${DEAD_ON_ANY}${USE_DNS}`,
      `shop/api: allowEgressTo Peer.fqdn("kubernetes.default.svc") is invalid: it ends in ".svc" (it is ${API_SERVER}), and the pods' DNS search `
        + 'path completes it to "kubernetes.default.svc.cluster.local", which the cluster DNS answers with the address of a Service or pod of the '
        + `cluster${DEAD_ON_ANY}${USE_API_SERVER}`,
      'shop/api: allowEgressTo Peer.fqdn("kubernetes.default.svc.cluster.local") is invalid: it is under the cluster domain "cluster.local" '
        + `(it is ${API_SERVER})${ANSWERS}${DEAD_ON_ANY}${USE_API_SERVER}`,
    ].sort());
  });

  test('Services written by hand (cdk8s, cdk8s-plus) are refused by their short names too; one with no namespace is in "default"', () => {
    const s = shop();
    new ApiObject(s.chart, 'legacy-db', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'postgres', namespace: 'legacy' },
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    });
    new kplus.Service(s.chart, 'cache', { metadata: { name: 'redis', namespace: 'legacy' }, ports: [{ port: 6379 }] });
    new ApiObject(s.chart, 'nowhere', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'queue' }, spec: { ports: [{ port: 5672 }] } });
    s.api.allowEgressTo(Peer.fqdn('postgres.legacy'), Port.tcp(5432));
    s.api.allowEgressTo(Peer.fqdn('redis.legacy'), Port.tcp(6379));
    s.api.allowEgressTo(Peer.fqdn('queue.default'), Port.tcp(5672));
    s.api.allowEgressTo(Peer.fqdn('redis.legacy.svc.cluster.local'), Port.tcp(6379));
    const service = (name: string, path: string) => `shop/api: allowEgressTo Peer.fqdn("${name}") is invalid: it is the Service of ${path}: `
      + `${SEARCH(name)}, and the cluster DNS answers it with the Service's address${DEAD}`;
    expect(synthError(s.app).split('\n').sort()).toEqual([
      service('postgres.legacy', 'shop/legacy-db'),
      service('redis.legacy', 'shop/cache/Resource'),
      service('queue.default', 'shop/nowhere'),
      'shop/api: allowEgressTo Peer.fqdn("redis.legacy.svc.cluster.local") is invalid: it is under the cluster domain "cluster.local" (it is the '
        + `Service of shop/cache/Resource)${ANSWERS}${DEAD}`,
    ].sort());
  });

  test('on Cilium, <name>.<namespace> that the search path may complete to a Service the app does not know is a warning', () => {
    const s = shop();
    const payments = new ZeroTrustNamespace(s.chart, 'payments');
    new WebApp(s.chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
    // "shop" is a top-level domain, and a namespace of the app (its ConfigMap is there).
    new kplus.ConfigMap(s.chart, 'settings', { metadata: { name: 'settings', namespace: 'shop' }, data: { LEVEL: 'info' } });
    s.api.allowEgressTo(Peer.fqdn('postgres.legacy'), Port.tcp(5432));
    s.api.allowEgressTo(Peer.fqdn('billing.payments'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('metrics-server.kube-system'), Port.tcp(443));
    s.api.allowEgressTo(Peer.fqdn('web.shop'), Port.tcp(443));
    // A ConfigMap's name is no Service's.
    s.api.allowEgressTo(Peer.fqdn('settings.shop'), Port.tcp(443));
    const { result, warnings } = captureWarnings(() => synth(s.app));
    const warning = (name: string, svc: string, ns: string, why: string) => `[cni-unsupported-feature] shop/api: flow api -> ${name} may not `
      + `match as declared on Cilium: ${SEARCH(name)} (ndots:5: a name with fewer than five dots is tried with each search domain first), and `
      + `${why}: if a Service "${svc}" exists in namespace "${ns}" (the app has none), the cluster DNS answers it with the Service's address, and `
      + 'toFQDNs selects only peers outside the cluster (it never matches pods, which the traffic reaches once a Service\'s ClusterIP is '
      + `translated), so the flow would be dead. Fix: if it names a Service of the cluster, declare the flow to its pods: Peer.pods({ namespace: `
      + `'${ns}', labels }) or Peer.workload(...); if it names a host outside the cluster, give its full name in the DNS (ending in a top-level `
      + 'domain), which no Service\'s name can be';
    expect(warnings.sort()).toEqual([
      warning('postgres.legacy', 'postgres', 'legacy', '"legacy" is no top-level domain of the DNS, so it can only be a name of a private zone '
        + 'or a namespace'),
      warning('billing.payments', 'billing', 'payments', '"payments" is a namespace of the app'),
      warning('metrics-server.kube-system', 'metrics-server', 'kube-system', '"kube-system" is a namespace of every cluster'),
      warning('web.shop', 'web', 'shop', '"shop" is a namespace of the app'),
      warning('settings.shop', 'settings', 'shop', '"shop" is a namespace of the app'),
    ].sort());
    // Rendered as declared: a warning, not an error.
    const names = ofKind(result.objects, 'CiliumNetworkPolicy').flatMap((p) => p.spec.egress.flatMap((r: any) => r.toFQDNs ?? []));
    expect(names.map((n: any) => n.matchName).sort()).toEqual(['billing.payments', 'metrics-server.kube-system', 'postgres.legacy', 'settings.shop',
      'web.shop']);
  });

  describe('clusterNameVerdict', () => {
    const names: ClusterNames = {
      domains: ['cluster.local', 'corp.example.com'],
      serviceAt: (ns, name) => (ns === 'payments' && name === 'ledger' ? 'shop/ledger' : undefined),
      hasNamespace: (name) => name === 'payments' || name === 'shop',
    };
    const verdict = (name: string, searchPath = true) => {
      const v = clusterNameVerdict(name, searchPath, names);
      return v === undefined ? 'outside' : v.certain ? 'cluster' : 'maybe';
    };
    test.each([
      ['cluster.local', 'cluster'], ['a.b.svc.cluster.local', 'cluster'], ['*.cluster.local', 'cluster'], ['**.cluster.local', 'cluster'],
      ['*.svc.cluster.local', 'cluster'], ['api.*.svc.cluster.local', 'cluster'], ['CLUSTER.LOCAL.', 'cluster'], ['x.corp.example.com', 'cluster'],
      ['**.local', 'maybe'], ['*.*.local', 'maybe'], ['a.c*.local', 'maybe'], ['**.example.com', 'maybe'], ['**.com', 'maybe'],
      ['*.local', 'outside'], ['a.cluster.locals', 'outside'], ['*.example.com', 'outside'],
      ['a.b.local', 'outside'], ['api.stripe.com', 'outside'], ['*.c*r.local', 'maybe'], ['a.x*.local', 'outside'],
      ['ledger.payments', 'cluster'], ['a.b.svc', 'cluster'], ['*.svc', 'cluster'], ['*.payments', 'outside'],
      // Two labels through the search path: a Service every cluster has; a last label that is no top-level domain, or a namespace.
      ['kubernetes.default', 'cluster'], ['KUBE-DNS.kube-system.', 'cluster'], ['kubernetes.default.svc', 'cluster'],
      ['kube-dns.kube-system.svc.cluster.local', 'cluster'], ['other.default', 'maybe'], ['x.kube-public', 'maybe'], ['x.kube-node-lease', 'maybe'],
      ['local.cluster', 'maybe'], ['x.clusterlocal', 'maybe'], ['ledger.other', 'maybe'], ['other.payments', 'maybe'], ['svc.example', 'maybe'],
      ['web.shop', 'maybe'], ['github.com', 'outside'], ['acme.app', 'outside'], ['x.xn--p1ai', 'outside'], ['x.team-1', 'maybe'],
      ['a_b.legacy', 'outside'], ['a.-legacy', 'outside'], ['a.b.legacy', 'outside'], ['*.legacy', 'outside'], ['**.legacy', 'outside'],
      ['kubernetes.*', 'outside'],
    ])('%s: %s', (name, expected) => expect(verdict(name)).toBe(expected));

    test('without the search path (an ExternalService\'s CNAME target), only the cluster domains count', () => {
      expect([verdict('ledger.payments', false), verdict('a.b.svc', false), verdict('a.b.svc.cluster.local', false)]).toEqual(['outside', 'outside', 'cluster']);
      expect([verdict('kubernetes.default', false), verdict('postgres.legacy', false), verdict('web.shop', false)]).toEqual(['outside', 'outside', 'outside']);
    });
  });
});

const FIX = 'leave dnsPolicy at ClusterFirst (the default) and set options such as ndots in dnsConfig, '
  + 'which ClusterFirst merges';
const SKIP = ' (to accept it, annotate Deployment production/api with cdk8s-networking.io/skip-checks: pod-dns-policy)';
const EGRESS = 'the DNS egress zero-trust namespace "production" allows (the cluster DNS pods, and its dns.cidrs)';
/** The lines of a synth error after its first: one per error finding, without the list's "  - ". */
function problems(app: App): string[] {
  return synthError(app).split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}
const STRIPE_DEAD = '; on Cilium, toFQDNs learns the addresses of api.stripe.com only from the lookups its DNS proxy sees, which are those to the '
  + 'cluster DNS pods, so the flows to them are dead';

describe('pod-dns-policy', () => {
  const stripe = (s: Shop) => s.api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));

  test('dnsPolicy None with a public nameserver kills the DNS-name flows on Cilium: an error', () => {
    const s = shop(Cni.cilium(), { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } });
    stripe(s);
    expect(problems(s.app)).toEqual(['[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsConfig {"dnsPolicy":"None","nameservers":["1.1.1.1"]} '
      + 'is invalid: makes the pods send their lookups only to dnsConfig.nameservers: 1.1.1.1 (UDP 53, TCP 53 dropped) is outside '
      + `${EGRESS}, and no flow allows it${STRIPE_DEAD}. Fix: ${FIX}, so that the lookups go to the cluster DNS pods${SKIP}`]);
  });

  test('dnsPolicy Default: the node\'s resolver, which the library cannot know; an error with DNS-name flows on Cilium, a warning without', () => {
    const withNames = shop(Cni.cilium(), { dnsPolicy: 'Default' });
    stripe(withNames);
    const rule = 'makes the pods use the node\'s resolver, an address the library cannot know and which is not the cluster DNS: its lookups leave '
      + EGRESS;
    const fix = `${FIX}; or allow the node's resolver with allowEgressTo(Peer.cidr('<resolver>/32'), Port.udp(53)) and Port.tcp(53)${SKIP}`;
    expect(problems(withNames.app)).toEqual([`[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsPolicy "Default" is invalid: ${rule}${STRIPE_DEAD}. `
      + `Fix: ${fix}`]);
    for (const cni of [Cni.cilium(), Cni.generic()]) {
      const plain = shop(cni, { dnsPolicy: 'Default' });
      const { warnings } = captureWarnings(() => synth(plain.app));
      expect(warnings).toEqual([`[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsPolicy "Default" is accepted, `
        + `but: ${rule}, and are dropped unless a flow allows that address on port 53 UDP and TCP, so the pods may resolve no name. Fix: ${fix}`]);
    }
  });

  test('a nameserver no flow allows is a warning without DNS-name flows; a Peer.cidr flow on 53 UDP and TCP clears it, one on UDP alone does not', () => {
    const none = { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } };
    const dropped = shop(Cni.generic(), none);
    const value = '{"dnsPolicy":"None","nameservers":["1.1.1.1"]}';
    const head = `[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsConfig ${value} is accepted, but: makes the `
      + 'pods send their lookups only to dnsConfig.nameservers: 1.1.1.1';
    const tail = `is outside ${EGRESS}, and no flow allows it. Fix: ${FIX}; or allow the nameserver with `
      + `allowEgressTo(Peer.cidr('1.1.1.1/32'), Port.udp(53)) and Port.tcp(53)${SKIP}`;
    expect(captureWarnings(() => synth(dropped.app)).warnings).toEqual([`${head} (UDP 53, TCP 53 dropped) ${tail}`]);

    const udp = shop(Cni.generic(), none);
    udp.api.allowEgressTo(Peer.cidr('1.1.1.1/32'), Port.udp(53));
    expect(captureWarnings(() => synth(udp.app)).warnings).toEqual([`${head} (TCP 53 dropped) ${tail}`]);

    const allowed = shop(Cni.generic(), none);
    allowed.api.allowEgressTo(Peer.cidr('1.1.1.0/24'), Port.udp(53), Port.tcp(53));
    const { result, warnings } = captureWarnings(() => synth(allowed.app));
    expect(warnings).toEqual([]);
    expect(find(result.objects, 'Deployment', 'api').spec.template.spec).toMatchObject({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } });
  });

  test('on Cilium a nameserver a flow allows still bypasses the DNS proxy: an error with DNS-name flows', () => {
    const s = shop(Cni.cilium(), { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } });
    s.api.allowEgressTo(Peer.cidr('1.1.1.1/32'), Port.udp(53), Port.tcp(53));
    stripe(s);
    expect(problems(s.app)).toEqual(['[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsConfig {"dnsPolicy":"None","nameservers":["1.1.1.1"]} '
      + 'is invalid: makes the pods send their lookups only to dnsConfig.nameservers: 1.1.1.1 is allowed by a flow but is not the cluster DNS'
      + `${STRIPE_DEAD}. Fix: ${FIX}, so that the lookups go to the cluster DNS pods${SKIP}`]);
  });

  test('a private nameserver may be the cluster DNS Service\'s ClusterIP: a warning that says the library cannot know', () => {
    const s = shop(Cni.cilium(), { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10', '1.1.1.1'] } });
    stripe(s);
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings).toEqual(['[pod-dns-policy] shop/api/Deployment: Deployment production/api spec.template.spec.dnsConfig '
      + '{"dnsPolicy":"None","nameservers":["10.96.0.10","1.1.1.1"]} is accepted, but: makes the pods send their lookups only to '
      + `dnsConfig.nameservers: 1.1.1.1 (UDP 53, TCP 53 dropped) is outside ${EGRESS}, and no flow allows it; 10.96.0.10 may be the cluster DNS `
      + 'Service\'s address (a ClusterIP, which the policies see as the DNS pods it forwards to), which the library cannot know; otherwise its '
      + 'lookups do not reach the cluster DNS pods; on Cilium, toFQDNs learns the addresses of api.stripe.com only from the lookups its DNS proxy '
      + `sees, which are those to the cluster DNS pods, so the flows to them are dead unless it is. Fix: ${FIX}, so that the lookups go to the `
      + `cluster DNS pods${SKIP}`]);
  });

  test('None with no nameserver resolves nothing', () => {
    const s = shop(Cni.cilium(), { dnsPolicy: 'None', dnsConfig: { options: [{ name: 'ndots', value: '2' }] } });
    stripe(s);
    expect(problems(s.app)[0]).toContain('spec.template.spec.dnsConfig {"dnsPolicy":"None","nameservers":[]} is invalid: makes the pods send their '
      + `lookups only to dnsConfig.nameservers: it lists no nameserver, so the pods resolve no name${STRIPE_DEAD}.`);
  });

  test('ClusterFirst (the default), ClusterFirstWithHostNet, and a resolver inside the pod pass', () => {
    for (const podSpec of [undefined, { dnsPolicy: 'ClusterFirstWithHostNet' }, { dnsPolicy: 'None', dnsConfig: { nameservers: ['127.0.0.1', '::1'] } },
      { dnsPolicy: 'ClusterFirst', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '1' }] } }]) {
      const s = shop(Cni.cilium(), podSpec);
      stripe(s);
      expect(captureWarnings(() => synth(s.app)).warnings).toEqual([]);
    }
  });

  test('the checks see the final JSON: a hand-written workload patched to Default; not host-network pods, nor outside zero-trust namespaces', () => {
    const s = shop(Cni.generic());
    const worker = new kplus.Deployment(s.chart, 'worker', {
      metadata: { name: 'worker', namespace: 'production' },
      containers: [{ image: 'w:1', portNumber: 7000, securityContext: { ensureNonRoot: true } }],
    });
    meetRestricted(worker);
    ApiObject.of(worker).addJsonPatch(JsonPatch.replace('/spec/template/spec/dnsPolicy', 'Default'));
    const agent = new kplus.Deployment(s.chart, 'agent', {
      metadata: { name: 'agent', namespace: 'production' }, hostNetwork: true,
      containers: [{ image: 'w:1', portNumber: 7001, securityContext: { ensureNonRoot: true } }],
    });
    meetRestricted(agent);
    // No policy governs a host-network pod on most CNIs (pod-networkpolicy says so), so none drops its lookups: on ClusterFirst or Default.
    ApiObject.of(agent).addJsonPatch(JsonPatch.replace('/spec/template/spec/dnsPolicy', 'Default'));
    ApiObject.of(agent).metadata.addAnnotation(SKIP_CHECKS_ANNOTATION, 'pod-networkpolicy,pod-security');
    const legacy = new kplus.Deployment(s.chart, 'legacy', {
      metadata: { name: 'legacy', namespace: 'legacy' }, containers: [{ image: 'w:1', portNumber: 7002 }],
    });
    ApiObject.of(legacy).addJsonPatch(JsonPatch.replace('/spec/template/spec/dnsPolicy', 'Default'));
    ApiObject.of(legacy).metadata.addAnnotation(SKIP_CHECKS_ANNOTATION, 'pod-networkpolicy');
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings.filter((w) => w.startsWith('[pod-dns-policy]'))).toEqual([
      '[pod-dns-policy] shop/worker/Resource: Deployment production/worker spec.template.spec.dnsPolicy "Default" is accepted, but: makes the pods '
        + 'use the node\'s resolver, an address the library cannot know and which is not the cluster DNS: its lookups '
        + `leave ${EGRESS}, and are dropped unless a flow allows that address on port 53 UDP and TCP, so the pods may resolve no name. Fix: ${FIX}; `
        + 'or allow the node\'s resolver with allowEgressTo(Peer.cidr(\'<resolver>/32\'), Port.udp(53)) and Port.tcp(53) (to accept it, annotate '
        + 'Deployment production/worker with cdk8s-networking.io/skip-checks: pod-dns-policy)',
    ]);
  });

  test('the field is named where each kind keeps its pod spec: a CronJob\'s under jobTemplate, a bare Pod\'s at spec', () => {
    const s = shop(Cni.generic());
    const podSpec = {
      dnsPolicy: 'Default', restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'c', image: 'ghcr.io/acme/job:1.0.0',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
      }],
    };
    new ApiObject(s.chart, 'nightly', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'production' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly' } }, spec: podSpec } } } },
    });
    new ApiObject(s.chart, 'debug', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'production', labels: { app: 'debug' } }, spec: podSpec,
    });
    const { warnings } = captureWarnings(() => synth(s.app));
    const warning = (path: string, ref: string, field: string) => `[pod-dns-policy] ${path}: ${ref} ${field} "Default" is accepted, but: makes the `
      + 'pods use the node\'s resolver, an address the library cannot know and which is not the cluster DNS: its lookups '
      + `leave ${EGRESS}, and are dropped unless a flow allows that address on port 53 UDP and TCP, so the pods may resolve no name. Fix: ${FIX}; `
      + 'or allow the node\'s resolver with allowEgressTo(Peer.cidr(\'<resolver>/32\'), Port.udp(53)) and Port.tcp(53) (to accept it, annotate '
      + `${ref} with cdk8s-networking.io/skip-checks: pod-dns-policy)`;
    expect(warnings.filter((w) => w.startsWith('[pod-dns-policy]'))).toEqual([
      warning('shop/debug', 'Pod production/debug', 'spec.dnsPolicy'),
      warning('shop/nightly', 'CronJob production/nightly', 'spec.jobTemplate.spec.template.spec.dnsPolicy'),
    ]);
  });

  test('only the workload\'s own DNS-name flows make it an error', () => {
    const s = shop(Cni.cilium());
    stripe(s);
    new WebApp(s.chart, 'worker', { namespace: s.prod, image: 'a:1', containerPort: 3001, podSpec: { dnsPolicy: 'Default' } });
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings.map((w) => w.slice(0, w.indexOf(' is ')))).toEqual([
      '[pod-dns-policy] shop/worker/Deployment: Deployment production/worker spec.template.spec.dnsPolicy "Default"',
    ]);
  });

  test('the skip annotation accepts it', () => {
    const s = shop(Cni.cilium(), { dnsPolicy: 'Default' });
    stripe(s);
    ApiObject.of(s.api.deployment).metadata.addAnnotation(SKIP_CHECKS_ANNOTATION, 'pod-dns-policy');
    expect(captureWarnings(() => synth(s.app)).warnings).toEqual([]);
  });
});
