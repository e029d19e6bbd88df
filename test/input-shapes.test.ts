/**
 * Two kinds of input the types do not guard: the many spellings of one IPv6 block (canonical text
 * for keys, rendering and policy names), and wrong-typed props from JavaScript or a config file
 * (the house error naming the field, the value and what is allowed, never a bare TypeError).
 */
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import {
  ApiGateway, ArgoCdApplication, ArgoCdApplicationSet, ClusterGenerator, ExternalService, ExternalTrafficPolicy, IngressController,
  NetworkModel, Peer, Port, ServiceType, Tls, ValidationError, WebApp, ZeroTrustNamespace,
} from '../lib';
import { canonicalCidr } from '../lib/util/validation';
import { find, ofKind, synth, testApp } from './util';

const anyValue = (v: unknown) => v as any;

describe('IPv6 CIDRs are canonical (RFC 5952) in keys, rendering and policy names', () => {
  test.each([
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001/128', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:0/128', '2001:db8:0:0:1::/128'], // the longer run is compressed
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // the first of two equal runs
    ['2001:db8:0:1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128'], // one zero group stays
    ['1:0:0:0:0:0:0:0/128', '1::/128'],
    ['0:0:0:0:0:0:0:0/0', '::/0'],
    ['64:ff9b::1.2.3.4/128', '64:ff9b::102:304/128'], // a dotted tail only for IPv4-mapped, as Go writes it
    ['10.0.0.0/8', '10.0.0.0/8'],
  ])('%s is %s', (input, canonical) => {
    expect(canonicalCidr(input)).toBe(canonical);
  });

  function build(fn: (web: WebApp, chart: Chart) => void) {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production');
    fn(new WebApp(chart, 'web', { namespace: prod, image: 'web:1', containerPort: 8080 }), chart);
    return synth(app).objects;
  }
  const names = (objects: any[]) => ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort();

  test('blocks that differ only at "::" get distinct policy names', () => {
    const objects = build((web) => {
      web.allowEgressTo(Peer.cidr('2001:db8::1/128'), Port.tcp(443));
      web.allowEgressTo(Peer.cidr('2001:db8:1::/128'), Port.tcp(5432));
    });
    expect(names(objects)).toEqual([
      'allow-dns-egress', 'allow-web-egress-to-cidr-2001-db8--1-128', 'allow-web-egress-to-cidr-2001-db8-1---128', 'default-deny',
    ]);
    expect(find(objects, 'NetworkPolicy', 'allow-web-egress-to-cidr-2001-db8--1-128').spec.egress)
      .toEqual([{ to: [{ ipBlock: { cidr: '2001:db8::1/128' } }], ports: [{ port: 443 }] }]);
    expect(find(objects, 'NetworkPolicy', 'allow-web-egress-to-cidr-2001-db8-1---128').spec.egress)
      .toEqual([{ to: [{ ipBlock: { cidr: '2001:db8:1::/128' } }], ports: [{ port: 5432 }] }]);
  });

  test('two spellings of one block are one peer, rendered canonical', () => {
    const objects = build((web) => {
      web.allowIngressFrom(Peer.cidr('2001:DB8::/32', ['2001:0DB8:0:1::/64']), Port.tcp(8080));
      web.allowIngressFrom(Peer.cidr('2001:0db8:0::/32', ['2001:db8:0:1::/64', '2001:db8:0:1:0::/64']), Port.tcp(8080));
    });
    expect(names(objects)).toEqual(['allow-cidr-2001-db8---32-except-2001-db8-0-1---64-to-web', 'allow-dns-egress', 'default-deny']);
    expect(find(objects, 'NetworkPolicy', 'allow-cidr-2001-db8---32-except-2001-db8-0-1---64-to-web').spec.ingress)
      .toEqual([{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:0:1::/64'] } }], ports: [{ port: 8080 }] }]);
  });

  test('the same block with and without exceptions are two peers with two names', () => {
    const objects = build((web) => {
      web.allowEgressTo(Peer.cidr('10.0.0.0/8'), Port.tcp(443));
      web.allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.1.0.0/16']), Port.tcp(5432));
    });
    expect(names(objects)).toEqual([
      'allow-dns-egress', 'allow-web-egress-to-cidr-10-0-0-0-8', 'allow-web-egress-to-cidr-10-0-0-0-8-except-10-1-0-0-16', 'default-deny',
    ]);
  });

  test('loadBalancerSourceRanges, dns.cidrs and Peer.nodes() render canonical', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    const prod = new ZeroTrustNamespace(chart, 'production', { dns: { cidrs: ['FD00:0:0:0:0:0:0:A/128'] } });
    const web = new WebApp(chart, 'web', {
      namespace: prod, image: 'web:1', containerPort: 8080, serviceType: ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, loadBalancerSourceRanges: ['2001:DB8:0::/48', '203.0.113.0/24'],
    });
    web.allowIngressFrom(Peer.nodes(['FD00:1::/64', 'fd00:1:0::/64']), Port.tcp(8080));
    const { objects } = synth(app);
    expect(find(objects, 'Service', 'web').spec.loadBalancerSourceRanges).toEqual(['2001:db8::/48', '203.0.113.0/24']);
    expect(find(objects, 'NetworkPolicy', 'allow-load-balancer-clients-to-web').spec.ingress[0].from)
      .toEqual([{ ipBlock: { cidr: '2001:db8::/48' } }, { ipBlock: { cidr: '203.0.113.0/24' } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-nodes-to-web').spec.ingress[0].from).toEqual([{ ipBlock: { cidr: 'fd00:1::/64' } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to).toContainEqual({ ipBlock: { cidr: 'fd00::a/128' } });
  });
});

/** The program every case starts from: chart `c`, zero-trust `prod`, app `w`. */
interface Ctx { readonly app: App; readonly chart: Chart; readonly ns: ZeroTrustNamespace; readonly w: WebApp }

const base = (ns: ZeroTrustNamespace) => ({ namespace: ns, image: 'x:1', containerPort: 8080 });
const CIDR = 'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/16" or "2001:db8::/32"';

const badInputs: [string, (c: Ctx) => unknown, string][] = [
  ['WebApp without props', (c) => new WebApp(c.chart, 'a', anyValue(undefined)),
    'c/a: props undefined is invalid: must be an object: { namespace, image, containerPort } are required'],
  ['loadBalancerSourceRanges a string', (c) => new WebApp(c.chart, 'a', {
    ...base(c.ns), serviceType: ServiceType.LOAD_BALANCER, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
    loadBalancerSourceRanges: anyValue('203.0.113.0/24'),
  }), 'c/a: loadBalancerSourceRanges "203.0.113.0/24" is invalid: must be a list of CIDRs'],
  ['ZeroTrustNamespace props null', (c) => new ZeroTrustNamespace(c.chart, 'z', anyValue(5)),
    'c/z: props 5 is invalid: must be an object of ZeroTrustNamespaceProps, or left out'],
  ['ZeroTrustNamespace labels a list', (c) => new ZeroTrustNamespace(c.chart, 'z', { labels: anyValue(['a']) }),
    'c/z: labels ["a"] is invalid: must be a map of label keys to values'],
  ['dns a string', (c) => new ZeroTrustNamespace(c.chart, 'z', { dns: anyValue('kube-dns') }),
    'c/z: dns "kube-dns" is invalid: must be DNS options { namespace, podLabels, cidrs }'],
  ['dns.cidrs a string', (c) => new ZeroTrustNamespace(c.chart, 'z', { dns: { cidrs: anyValue('169.254.20.10/32') } }),
    'c/z: dns.cidrs "169.254.20.10/32" is invalid: must be a list of CIDRs'],
  ['dns.cidrs item not a CIDR', (c) => new ZeroTrustNamespace(c.chart, 'z', { dns: { cidrs: ['10.0.0.0/8', 'x'] } }),
    `c/z: dns.cidrs[1] "x" is invalid: ${CIDR}`],
  ['ExternalService without props', (c) => new ExternalService(c.chart, 'e', anyValue(undefined)),
    'c/e: props undefined is invalid: must be an object: { namespace, externalName } are required'],
  ['ExternalService externalName a number', (c) => new ExternalService(c.chart, 'e', { namespace: c.ns, externalName: anyValue(5) }),
    'c/e: externalName 5 is invalid: must be a non-empty string'],
  ['ApiGateway without props', (c) => new ApiGateway(c.chart, 'g', anyValue(undefined)),
    'c/g: props undefined is invalid: must be an object: { namespace, controller, tls } are required'],
  ['ApiGateway routes an object', (c) => new ApiGateway(c.chart, 'g', {
    namespace: c.ns, controller: IngressController.nginx(), tls: Tls.secret('cert'), routes: anyValue({ host: 'a.example.com' }),
  }), 'c/g: routes {"host":"a.example.com"} is invalid: must be a list of route options { host, path, backend }'],
  ['ApiGateway sourceAllowlist a string', (c) => new ApiGateway(c.chart, 'g', {
    namespace: c.ns, controller: IngressController.nginx(), tls: Tls.secret('cert'), sourceAllowlist: anyValue('10.0.0.0/8'),
  }), 'c/g: sourceAllowlist "10.0.0.0/8" is invalid: must be a list of CIDRs'],
  ['ArgoCdApplication without props', (c) => new ArgoCdApplication(c.chart, 'a', anyValue(undefined)),
    'c/a: props undefined is invalid: must be an object: { repoURL, path } are required'],
  ['ArgoCdApplicationSet without props', (c) => new ArgoCdApplicationSet(c.chart, 's', anyValue(undefined)),
    'c/s: props undefined is invalid: must be an object: { repoURL, path, generator } are required'],
  ['ApplicationSet cluster null', (c) => new ArgoCdApplicationSet(c.chart, 's', {
    repoURL: 'https://github.com/acme/platform', path: 'dist', generator: ClusterGenerator.list([anyValue(null)]),
  }), 'c/s: generator clusters[0] null is invalid: must be an object: { name, server } are required'],
  ['Peer.workload(null)', (c) => c.w.allowIngressFrom(Peer.workload(anyValue(null)), Port.tcp(8080)),
    'c/w: allowIngressFrom null is invalid: Peer.workload() must be given a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job (see IWorkload)'],
  ['Peer.pods()', (c) => c.w.allowIngressFrom((Peer.pods as any)(), Port.tcp(8080)),
    'c/w: allowIngressFrom Peer.pods() options undefined is invalid: must be an object: { labels } are required'],
  ['Peer.pods labels a string', (c) => c.w.allowIngressFrom(Peer.pods({ labels: anyValue('app=x') }), Port.tcp(8080)),
    'c/w: allowIngressFrom labels "app=x" is invalid: must be a map of label keys to values'],
  ['Peer.cidr exceptions a string', (c) => c.w.allowIngressFrom(Peer.cidr('10.0.0.0/8', anyValue('10.1.0.0/16')), Port.tcp(8080)),
    'c/w: allowIngressFrom except "10.1.0.0/16" is invalid: must be a list of CIDRs inside the block'],
  ['Peer.nodes a string', (c) => c.w.allowIngressFrom(Peer.nodes(anyValue('10.0.0.0/8')), Port.tcp(8080)),
    'c/w: allowIngressFrom cidrs "10.0.0.0/8" is invalid: must be a list of CIDRs, or be left out'],
  ['Peer.kubeApiServer endpoints a string', (c) => c.w.allowEgressTo(Peer.kubeApiServer({ endpoints: anyValue('10.0.0.10/32') })),
    'c/w: allowEgressTo endpoints "10.0.0.10/32" is invalid: must be a list of CIDRs, or be left out'],
  ['forbid(null)', (c) => NetworkModel.of(c.app).forbid(anyValue(null)),
    'cdk8s-networking: forbid() options null is invalid: must be an object: { from, to, reason } are required'],
  ['forbidInternetEgress except a string', (c) => NetworkModel.of(c.app).forbidInternetEgress({ except: anyValue('x') }),
    'cdk8s-networking: forbidInternetEgress() except "x" is invalid: must be a list of peers, e.g. [Peer.cidr(\'203.0.113.0/24\')]'],
  ['requireTls options a string', (c) => NetworkModel.of(c.app).requireTls(anyValue('yes')),
    'cdk8s-networking: requireTls() options "yes" is invalid: must be an object { reason }, or left out'],
];

describe('wrong-typed input gets the house error, not a TypeError', () => {
  test.each(badInputs)('%s', (_name, build, message) => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'prod');
    const w = new WebApp(chart, 'w', base(ns));
    let error: unknown;
    try {
      build({ app, chart, ns, w });
      app.synth();
    } catch (e) {
      error = e;
    }
    // A ValidationError is printed once without a stack trace (test/errors.test.ts).
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(message);
  });

});
