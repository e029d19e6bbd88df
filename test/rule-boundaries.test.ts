/**
 * Rules that once survived a deliberate bug (issue #16: each was broken in lib/ and the whole suite
 * still passed). Each test here names the rule it guards and fails when that rule is broken; the
 * mutants that break them are listed next to the code (`mutants.json`, run by `npm run test:mutate`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, ArgoCdApplication, IngressController, RoutingApi, NetworkModel, Peer, Port, Protocol, SYNC_WAVE_ANNOTATION, Tls, WebApp,
  ZeroTrustNamespace,
} from '../lib';
import { runChecks } from '../lib/checks';
import { NetworkPolicyEvaluator } from '../lib/evaluator';
import { ipBlockEndpoint } from '../lib/model/flows/endpoint';
import { cidr, dns1123Label } from '../lib/util/validation';
import { find, meetRestricted, ofKind, synth, synthError, testApp } from './util';

/** A zero-trust namespace with a client app and a plain cdk8s-plus DNS-like workload serving `dns` on UDP 53 only. */
function dnsWorld() {
  const app = testApp();
  const chart = new Chart(app, 'world');
  const ns = new ZeroTrustNamespace(chart, 'production');
  const client = new WebApp(chart, 'client', { namespace: ns, image: 'ghcr.io/acme/client:1.0.0', containerPort: 8080 });
  const resolver = new kplus.Deployment(chart, 'resolver', {
    metadata: { name: 'resolver', namespace: 'production' },
    select: false,
    podMetadata: { labels: { app: 'resolver' } },
    containers: [{
      image: 'ghcr.io/acme/resolver:1.0.0',
      ports: [{ number: 53, protocol: kplus.Protocol.UDP, name: 'dns' }, { number: 9153, name: 'metrics' }, { number: 3868, protocol: kplus.Protocol.SCTP }],
    }],
  });
  resolver.select(kplus.LabelSelector.of({ labels: { app: 'resolver' } }));
  meetRestricted(resolver);
  return { app, chart, ns, client, resolver };
}

const RESOLVER = { id: 'production/Deployment/resolver', namespace: 'production', labels: { app: 'resolver' } };

describe('named ports resolve by name AND protocol', () => {
  const policies = (spec: any) => [{
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'to-dns', namespace: 'production' },
    spec: { podSelector: { matchLabels: { app: 'resolver' } }, policyTypes: ['Ingress'], ingress: [{ ports: [spec] }] },
  }];

  test('evaluator: a TCP rule for the port named dns does not admit TCP 53 on a UDP-only dns port', () => {
    const udpOnly = { ...RESOLVER, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' as const }] };
    const evaluator = NetworkPolicyEvaluator.fromManifests(policies({ port: 'dns', protocol: 'TCP' }));
    const src = { id: 'production/Deployment/client', namespace: 'production', labels: { app: 'client' } };
    expect(evaluator.check(src, udpOnly, 53, 'TCP').allowed).toBe(false);
    expect(evaluator.check(src, udpOnly, 53, 'UDP').allowed).toBe(false);
    // The same name served on TCP is admitted (the control: the rule does work).
    const tcp = { ...RESOLVER, ports: [{ name: 'dns', containerPort: 53, protocol: 'TCP' as const }] };
    expect(evaluator.check(src, tcp, 53, 'TCP').allowed).toBe(true);
    // A rule for UDP dns admits UDP 53 on the UDP port and nothing on TCP.
    const udpRule = NetworkPolicyEvaluator.fromManifests(policies({ port: 'dns', protocol: 'UDP' }));
    expect(udpRule.check(src, udpOnly, 53, 'UDP').allowed).toBe(true);
    expect(udpRule.check(src, udpOnly, 53, 'TCP').allowed).toBe(false);
  });

  test('synth-time verification: a flow on TCP port "dns" to pods serving dns on UDP only is not a denied TCP 53 flow', () => {
    const { app, client, resolver } = dnsWorld();
    client.allowEgressTo(Peer.workload(resolver), Port.named('dns'));
    // A port the destination does not serve is flow-target-port (an error of its own, by protocol too).
    expect(synthError(app)).toContain('ports TCP/dns is invalid: the destination');
    // Accepted, verification must resolve the name with its protocol: TCP "dns" is no port of the
    // resolver, so there is nothing to verify. Resolving it to TCP 53 would fail with declared-flow-denied.
    NetworkModel.of(app).configure({ skipChecks: ['flow-target-port'] });
    const { objects } = synth(app);
    const egress = find(objects, 'NetworkPolicy', 'allow-client-egress-to-resolver', 'production');
    expect(egress.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'resolver' } } }], ports: [{ port: 'dns' }] }]);
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const [clientGroup, resolverGroup] = ['client', 'resolver'].map((n) => NetworkPolicyEvaluator.podGroupsFromManifests(objects).find((g) => g.id === `production/Deployment/${n}`)!);
    expect(evaluator.check(clientGroup, resolverGroup, 53, 'TCP').allowed).toBe(false);
    expect(evaluator.check(clientGroup, resolverGroup, 53, 'UDP').allowed).toBe(false);
  });

  test('synth-time verification: a flow on UDP port "dns" that a JSON patch breaks is reported on UDP 53', () => {
    const { app, client, resolver } = dnsWorld();
    client.allowEgressTo(Peer.workload(resolver), Port.named('dns', Protocol.UDP));
    const { objects } = synth(app); // allowed as declared
    expect(find(objects, 'NetworkPolicy', 'allow-client-to-resolver', 'production').spec.ingress[0].ports).toEqual([{ port: 'dns', protocol: 'UDP' }]);
    const broken = dnsWorld();
    broken.client.allowEgressTo(Peer.workload(broken.resolver), Port.named('dns', Protocol.UDP));
    NetworkModel.of(broken.app).renderPolicies();
    const policy = broken.chart.node.findAll().find((c) => c.node.id === 'Policy:allow-client-to-resolver')!;
    // The ingress side loses the protocol: TCP "dns" matches nothing, so UDP 53 is denied.
    ApiObject.of(policy).addJsonPatch(JsonPatch.remove('/spec/ingress/0/ports/0/protocol'));
    expect(() => broken.app.synth()).toThrow(/declared-flow-denied.*production\/Deployment\/client -> production\/Deployment\/resolver on UDP 53/s);
  });
});

describe('verification and the evaluator at their edges', () => {
  test('verification: a declared peer matching no pod of a namespace the app owns stands for nothing', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'production');
    const api = new WebApp(chart, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
    api.allowIngressFrom(Peer.pods({ labels: { app: 'wbe' } }), Port.tcp(3000));
    // The dangling-selector checks would fail synth; turned off, the report shows what verification saw.
    NetworkModel.of(app).configure({ skipChecks: ['networkpolicy-peer-targets-pod', 'networkpolicy-targets-pod'] });
    synth(app);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    expect(report.findings).toEqual([]);
    // No stand-in group for the typo: nothing reaches api (the app defines every pod of production).
    expect(report.flows.filter((f: any) => f.to === 'production/Deployment/api')).toEqual([]);
  });

  test('evaluator: an IPv4 block does not cover IPv6 addresses with the same number', () => {
    const evaluator = NetworkPolicyEvaluator.fromManifests([{
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'out', namespace: 'production' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
    }]);
    const src = { id: 'production/Deployment/api', namespace: 'production', labels: { app: 'api' } };
    expect(evaluator.check(src, { cidr: '10.0.0.1' }, 443, 'TCP').allowed).toBe(true);
    expect(evaluator.check(src, { cidr: '::1' }, 443, 'TCP').allowed).toBe(false);
    expect(evaluator.check(src, { cidr: '::a00:1' }, 443, 'TCP').allowed).toBe(false);
  });
});

describe('Peer.workload', () => {
  test("keeps each container port's protocol: UDP and SCTP ports are not rendered as TCP", () => {
    const { app, client, resolver } = dnsWorld();
    client.allowEgressTo(Peer.workload(resolver));
    const { objects } = synth(app);
    const egress = find(objects, 'NetworkPolicy', 'allow-client-egress-to-resolver', 'production');
    // Sorted by port text; TCP is the default and written as no protocol.
    expect(egress.spec.egress[0].ports).toEqual([{ port: 3868, protocol: 'SCTP' }, { port: 9153 }, { port: 53, protocol: 'UDP' }]);
  });

  test('a container added after the flow is declared opens its ports too, on both sides, and the verification holds them', () => {
    const { app, client, resolver } = dnsWorld();
    client.allowEgressTo(Peer.workload(resolver));
    resolver.addContainer({ name: 'exporter', image: 'ghcr.io/acme/exporter:1.0.0', ports: [{ number: 9187, name: 'exporter' }] });
    meetRestricted(resolver); // every container, the new one included
    const { objects } = synth(app);
    const all = [{ port: 3868, protocol: 'SCTP' }, { port: 9153 }, { port: 9187 }, { port: 53, protocol: 'UDP' }];
    expect(find(objects, 'NetworkPolicy', 'allow-client-egress-to-resolver', 'production').spec.egress[0].ports).toEqual(all);
    expect(find(objects, 'NetworkPolicy', 'allow-client-to-resolver', 'production').spec.ingress[0].ports).toEqual(all);
    // The report's flow carries the new port: the verification compared it with the policies.
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    const flow = report.flows.find((f: any) => f.from === 'production/Deployment/client' && f.to === 'production/Deployment/resolver');
    expect(flow.ports).toContain('TCP 9187');
  });
});

describe('the flow graph', () => {
  test('the same pods named by Peer.workload and by Peer.pods get one policy, named the same in either declaration order', () => {
    const names = (order: 'workload-first' | 'pods-first') => {
      const { app, client, resolver } = dnsWorld();
      const byWorkload = () => client.allowEgressTo(Peer.workload(resolver), Port.udp(53));
      const byLabels = () => client.allowEgressTo(Peer.pods({ labels: { app: 'resolver' }, name: 'dns-pods' }), Port.tcp(9153));
      if (order === 'workload-first') { byWorkload(); byLabels(); } else { byLabels(); byWorkload(); }
      const policies = ofKind(synth(app).objects, 'NetworkPolicy').filter((p) => p.metadata.name.includes('egress-to'));
      return policies.map((p) => ({ name: p.metadata.name, ports: p.spec.egress[0].ports }));
    };
    const expected = [{ name: 'allow-client-egress-to-dns-pods', ports: [{ port: 9153 }, { port: 53, protocol: 'UDP' }] }];
    expect(names('workload-first')).toEqual(expected);
    expect(names('pods-first')).toEqual(expected);
  });
});

describe('rendered selectors', () => {
  test('a multi-label Peer.pods() selects pods carrying every label, not the first one alone', () => {
    const { app, chart, client } = dnsWorld();
    for (const [name, labels] of [['half', { role: 'admin' }], ['full', { role: 'admin', team: 'ops' }]] as const) {
      const workload = new kplus.Deployment(chart, name, {
        metadata: { name, namespace: 'production' }, select: false, podMetadata: { labels },
        containers: [{ image: `ghcr.io/acme/${name}:1.0.0`, ports: [{ number: 9000 }] }],
      });
      workload.select(kplus.LabelSelector.of({ labels }));
      meetRestricted(workload);
    }
    client.allowIngressFrom(Peer.pods({ labels: { team: 'ops', role: 'admin' }, name: 'ops-admins' }), Port.tcp(8080));
    const { objects } = synth(app);
    const policy = find(objects, 'NetworkPolicy', 'allow-ops-admins-to-client', 'production');
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { role: 'admin', team: 'ops' } } }]);
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const group = (name: string) => NetworkPolicyEvaluator.podGroupsFromManifests(objects).find((g) => g.id === `production/Deployment/${name}`)!;
    expect(evaluator.check(group('full'), group('client'), 8080, 'TCP').allowed).toBe(true);
    expect(evaluator.check(group('half'), group('client'), 8080, 'TCP').allowed).toBe(false);
  });

  test('pods with the same labels in two namespaces are two endpoints, each with its namespace', () => {
    const { app, client } = dnsWorld();
    client.allowEgressTo(Peer.pods({ labels: { app: 'collector' }, namespace: 'monitoring' }), Port.tcp(4317));
    client.allowEgressTo(Peer.pods({ labels: { app: 'collector' }, namespace: 'observability' }), Port.tcp(4318));
    const { objects } = synth(app);
    const egress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name.includes('collector'));
    expect(egress.map((p) => [p.metadata.name, p.spec.egress[0].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], p.spec.egress[0].ports]))
      .toEqual([
        ['allow-client-egress-to-monitoring-collector', 'monitoring', [{ port: 4317 }]],
        ['allow-client-egress-to-observability-collector', 'observability', [{ port: 4318 }]],
      ]);
  });
});

describe('CIDR endpoints', () => {
  test('the key of an ipBlock endpoint includes its except list', () => {
    const a = ipBlockEndpoint('x', [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }]);
    const b = ipBlockEndpoint('x', [{ cidr: '10.0.0.0/8', except: ['10.2.0.0/16'] }]);
    const none = ipBlockEndpoint('x', [{ cidr: '10.0.0.0/8' }]);
    expect(new Set([a.key, b.key, none.key]).size).toBe(3);
    expect(a.key).toBe('cidr:10.0.0.0/8 except 10.1.0.0/16');
  });

  test('the same CIDR with two different excepts from one app is never merged into one rule (that would drop an except)', () => {
    const { app, client } = dnsWorld();
    client.allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.1.0.0/16']), Port.tcp(443));
    client.allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.2.0.0/16']), Port.tcp(443));
    // Two peers, two policies, each with its own except (the names carry the exceptions).
    const { objects } = synth(app);
    expect(find(objects, 'NetworkPolicy', 'allow-client-egress-to-cidr-10-0-0-0-8-except-10-1-0-0-16', 'production').spec.egress[0].to)
      .toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-client-egress-to-cidr-10-0-0-0-8-except-10-2-0-0-16', 'production').spec.egress[0].to)
      .toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.2.0.0/16'] } }]);
  });

  test('one CIDR with its except: the excluded range stays denied', () => {
    const { app, client } = dnsWorld();
    client.allowEgressTo(Peer.cidr('10.0.0.0/8', ['10.1.0.0/16']), Port.tcp(443));
    const { objects } = synth(app);
    const egress = find(objects, 'NetworkPolicy', 'allow-client-egress-to-cidr-10-0-0-0-8-except-10-1-0-0-16', 'production');
    expect(egress.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }]);
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const group = NetworkPolicyEvaluator.podGroupsFromManifests(objects).find((g) => g.id === 'production/Deployment/client')!;
    expect(evaluator.check(group, { cidr: '10.1.2.3' }, 443, 'TCP').allowed).toBe(false);
    expect(evaluator.check(group, { cidr: '10.2.2.3' }, 443, 'TCP').allowed).toBe(true);
  });
});

describe('validation boundaries', () => {
  test('a DNS-1123 label may not end with "-" (nor start with one)', () => {
    expect(dns1123Label('a-')).toMatch(/must be a DNS-1123 label/);
    expect(dns1123Label('-a')).toMatch(/must be a DNS-1123 label/);
    expect(dns1123Label('a-b')).toBeUndefined();
    const app = testApp();
    expect(() => new ZeroTrustNamespace(new Chart(app, 'c'), 'ns', { name: 'payments-' })).toThrow(/"payments-" is invalid: must be a DNS-1123 label/);
  });

  test('an Argo CD Application name may have 63 characters, not 64', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const source = { repoURL: 'https://github.com/acme/deploy.git', path: 'dist' };
    // Dotted, so that each label stays within 63 characters and only the total length matters.
    const name63 = `${'a'.repeat(31)}.${'b'.repeat(31)}`;
    const ok = new ArgoCdApplication(chart, 'ok', { name: name63, ...source });
    expect(ok.name).toBe(name63);
    expect(() => new ArgoCdApplication(chart, 'long', { name: `${name63}b`, ...source }))
      .toThrow(/is invalid: must be at most 63 characters: Argo CD's tracking label app.kubernetes.io\/instance holds it, got 64/);
  });

  test('an IPv6 address where "::" would stand for zero groups is refused', () => {
    expect(cidr('1:2:3:4::5:6:7:8/128')).toMatch(/must be an IPv4 or IPv6 CIDR/);
    expect(cidr('1:2:3:4:5:6:7::8/128')).toMatch(/must be an IPv4 or IPv6 CIDR/);
    expect(cidr('1:2:3:4:5:6::8/128')).toBeUndefined();
    expect(cidr('2001:db8::/32')).toBeUndefined();
    const { client } = dnsWorld();
    expect(() => client.allowEgressTo(Peer.cidr('2001:db8:0:0::1:2:3:4/128'), Port.tcp(443))).toThrow(/is invalid: must be an IPv4 or IPv6 CIDR/);
  });
});

describe('checks', () => {
  const ingress = (name: string, annotations: Record<string, string> = {}) => ({
    json: {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'production', annotations },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    },
    path: `test/${name}`,
  });
  const duplicates = (objects: any[]) => runChecks({ objects }).findings.filter((f) => f.check === 'duplicate-route');

  test('duplicate-route: an Ingress with the nginx canary annotation "false" is no canary and clashes', () => {
    expect(duplicates([ingress('main'), ingress('copy', { 'nginx.ingress.kubernetes.io/canary': 'false' })])).toEqual([
      expect.objectContaining({ severity: 'error', object: expect.objectContaining({ name: 'main' }), related: [expect.objectContaining({ name: 'copy' })] }),
    ]);
    // The control: "true" is a canary, exempt.
    expect(duplicates([ingress('main'), ingress('canary', { 'nginx.ingress.kubernetes.io/canary': 'true' })])).toEqual([]);
  });

  test('networkpolicy-peer-targets-pod: a peer whose namespace selector lists several namespaces is judged only when the app owns all of them', () => {
    const policy = (values: string[]) => ({
      json: {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'from-monitoring', namespace: 'production' },
        spec: {
          podSelector: {}, policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] }, podSelector: { matchLabels: { app: 'prometheus' } } }] }],
        },
      },
      path: 'test/from-monitoring',
    });
    const peerFindings = (values: string[]) => runChecks({ objects: [policy(values)], ownedNamespaces: ['production', 'staging'] })
      .findings.filter((f) => f.check === 'networkpolicy-peer-targets-pod');
    // monitoring is not the app's: prometheus may well run there.
    expect(peerFindings(['production', 'monitoring'])).toEqual([]);
    // Every namespace it can select is the app's, and none has such a pod: dangling.
    expect(peerFindings(['production', 'staging'])).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(peerFindings(['production', 'staging'])[0].message).toContain('"production", "staging"');
  });
});

describe('report', () => {
  test('a host covered by a wildcard TLS host shows TLS on', () => {
    const { app, chart } = dnsWorld();
    new k8s.KubeService(chart, 'svc', { metadata: { name: 'client-svc', namespace: 'production' }, spec: { selector: { app: 'client' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] } });
    new k8s.KubeIngress(chart, 'ing', {
      metadata: { name: 'wild', namespace: 'production' },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['*.example.com'], secretName: 'wildcard-tls' }],
        rules: [{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'client-svc', port: { number: 80 } } } }] } }],
      },
    });
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    const entry = report.entryPoints.find((e: any) => e.host === 'api.example.com');
    expect(entry).toEqual(expect.objectContaining({ host: 'api.example.com', tls: 'on', tlsSecret: 'wildcard-tls' }));
  });
});

describe('sync waves', () => {
  test('a ReferenceGrant is applied before the HTTPRoute that needs it', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const payments = new ZeroTrustNamespace(chart, 'payments');
    const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:1.0.0', containerPort: 8080 });
    const gw = new ApiGateway(chart, 'gateway', {
      namespace: prod, tls: Tls.none(),
      controller: IngressController.custom({ name: 'envoy', className: 'eg', pods: { namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' } } }),
      api: RoutingApi.httpRoute({ gateway: { name: 'shared', namespace: 'infra' } }),
    });
    gw.addRoute({ host: 'pay.example.com', path: '/', backend: ledger });
    const { objects } = synth(app);
    const wave = (kind: string) => ofKind(objects, kind).map((o) => Number(o.metadata.annotations[SYNC_WAVE_ANNOTATION]));
    expect(wave('ReferenceGrant')).toEqual([-1]);
    expect(wave('HTTPRoute')).toEqual([1]);
  });
});
