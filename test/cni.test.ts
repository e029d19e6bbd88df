/**
 * The CNI choice and the well-known peers (issue #15): DNS names, the API server, the nodes and
 * host-network controllers, rendered for Cilium as CiliumNetworkPolicies next to the standard
 * policies, and for a generic CNI as ipBlocks or clear errors. Every synthesized CiliumNetworkPolicy
 * is schema-validated by test/util.ts (ajv against the schema derived from the upstream CRD).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, Cni, ExternalService, IngressController, NetworkModel, Peer, Port, SKIP_CHECKS_ANNOTATION, Tls, ValidationError, WARNING_METADATA,
  WebApp, ZeroTrustNamespace,
} from '../lib';
import type { IPeer } from '../lib';
import type { PodGroup } from '../lib/evaluator';
import { ciliumAllows } from '../lib/evaluator/cilium';
import { expectWarnings, find, ofKind, synth, synthError, testApp, validateManifest } from './util';

const PROMETHEUS = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly api: WebApp;
  readonly web: WebApp;
}

/**
 * The done-when app: FQDN egress, API server access, a host-network controller and a
 * metrics port, on the given CNI.
 */
function shop(cni: Cni | undefined, opts: { nodeCidrs?: string[]; apiEndpoints?: string[]; wildcard?: boolean; noFqdn?: boolean } = {}): Shop {
  const app = testApp();
  if (cni) NetworkModel.of(app).configure({ cni });
  const chart = new Chart(app, 'shop');
  const ns = new ZeroTrustNamespace(chart, 'shop');
  const api = new WebApp(chart, 'api', {
    namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 8080,
    metrics: { port: 9102, scrapedBy: Peer.pods(PROMETHEUS) },
  });
  const web = new WebApp(chart, 'web', { namespace: ns, image: 'ghcr.io/acme/web:1.0.0', containerPort: 3000 });
  api.allowFrom(web);
  if (!opts.noFqdn) api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
  if (opts.wildcard) api.allowEgressTo(Peer.fqdn('*.stripe.com'), Port.tcp(443));
  api.allowEgressTo(Peer.kubeApiServer({ endpoints: opts.apiEndpoints }));
  const gw = new ApiGateway(chart, 'gateway', {
    namespace: ns, controller: IngressController.nginx({ hostNetwork: true, nodeCidrs: opts.nodeCidrs }), tls: Tls.secret('shop-tls'),
  });
  gw.addRoute({ host: 'shop.example.com', backend: web });
  return { app, chart, api, web };
}

function report(app: App): any {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
}

function warnings(app: App): string[] {
  return app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === WARNING_METADATA).map((m) => String(m.data)));
}

function quiet(): jest.SpyInstance {
  return jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
}

afterEach(() => jest.restoreAllMocks());

/**
 * The "done when", end to end: the app with a DNS name and a wildcard, the API server, a
 * host-network controller and a metrics port scraped by Prometheus.
 */
describe('done when: the whole app on both CNIs', () => {
  test('on Cilium: schema-valid CiliumNetworkPolicies next to valid standard policies, and a report that shows the new peers', () => {
    // Node CIDRs given for the controller, as a generic CNI needs them: Cilium names the nodes by entity all the same.
    const s = shop(Cni.cilium(), { wildcard: true, nodeCidrs: ['10.0.0.0/16'] });
    quiet();
    const { objects } = synth(s.app);
    // readOutput validated every object already (kubernetes-models; the CRD schema for Cilium): say it here too.
    const cnps = ofKind(objects, 'CiliumNetworkPolicy');
    const nps = ofKind(objects, 'NetworkPolicy');
    for (const o of [...cnps, ...nps]) expect(() => validateManifest(o)).not.toThrow();
    expect(cnps.map((p) => p.metadata.name).sort()).toEqual([
      'allow-api-egress-to-fqdn-api-stripe-com', 'allow-api-egress-to-fqdn-wildcard-stripe-com', 'allow-api-egress-to-kube-apiserver',
      'allow-ingress-nginx-to-web',
    ]);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-api-egress-to-fqdn-wildcard-stripe-com').spec.egress[0])
      .toEqual({ toFQDNs: [{ matchPattern: '*.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(nps.map((p) => p.metadata.name).sort())
      .toEqual(['allow-dns-egress', 'allow-monitoring-prometheus-to-api', 'allow-web-egress-to-api', 'allow-web-to-api', 'default-deny']);
    expect(find(objects, 'NetworkPolicy', 'allow-monitoring-prometheus-to-api').spec.ingress[0].ports).toEqual([{ port: 9102 }]);

    const r = report(s.app);
    const byId = new Map(r.endpoints.map((e: any) => [e.id, e]));
    for (const [id, type, name] of [
      ['fqdn:api.stripe.com', 'fqdn', 'api.stripe.com'], ['fqdn:*.stripe.com', 'fqdn', '*.stripe.com'],
      ['entity:kube-apiserver', 'entity', 'kube-apiserver'], ['entity:host', 'entity', 'host'], ['entity:remote-node', 'entity', 'remote-node'],
    ]) expect(byId.get(id)).toEqual({ id, type, name });
    const flow = (from: string, to: string) => r.flows.find((f: any) => f.from === from && f.to === to);
    const API = 'shop/Deployment/api';
    expect(flow(API, 'fqdn:api.stripe.com')).toMatchObject({ ports: ['TCP 443'], declared: ['app'], policyKind: 'CiliumNetworkPolicy' });
    expect(flow(API, 'fqdn:*.stripe.com')).toMatchObject({ ports: ['TCP 443'], declared: ['app'], policyKind: 'CiliumNetworkPolicy' });
    expect(flow(API, 'entity:kube-apiserver')).toMatchObject({ ports: ['TCP 443', 'TCP 6443'], declared: ['app'], policyKind: 'CiliumNetworkPolicy' });
    expect(flow('entity:host', 'shop/Deployment/web')).toMatchObject({ ports: ['TCP 3000'], declared: ['gateway'], policyKind: 'CiliumNetworkPolicy' });
    expect(flow('entity:remote-node', 'shop/Deployment/web')).toMatchObject({ declared: ['gateway'], policyKind: 'CiliumNetworkPolicy' });
    expect(flow('monitoring/Peer/app.kubernetes.io/name=prometheus', API)).toMatchObject({ ports: ['TCP 9102'], policyKind: 'NetworkPolicy' });
    // Nothing is allowed that was not declared: every flow of the report is declared.
    expect(r.flows.filter((f: any) => f.declared.length === 0)).toEqual([]);
    // Without endpointPort both API server ports are open, and the report says why.
    expect(r.findings).toContainEqual(expect.objectContaining({ check: 'kube-apiserver-port', severity: 'warning' }));

    const md = fs.readFileSync(path.join(s.app.outdir, 'network-report.md'), 'utf8');
    for (const row of [
      '| api | api.stripe.com (DNS name) | TCP 443 | allow-api-egress-to-fqdn-api-stripe-com | CiliumNetworkPolicy | app |',
      '| api | *.stripe.com (DNS name) | TCP 443 | allow-api-egress-to-fqdn-wildcard-stripe-com | CiliumNetworkPolicy | app |',
      '| api | kube-apiserver (entity) | TCP 443, TCP 6443 | allow-api-egress-to-kube-apiserver | CiliumNetworkPolicy | app |',
      '| host (entity) | web | TCP 3000 | allow-ingress-nginx-to-web | CiliumNetworkPolicy | gateway |',
      '| remote-node (entity) | web | TCP 3000 | allow-ingress-nginx-to-web | CiliumNetworkPolicy | gateway |',
      '| monitoring/monitoring-prometheus (outside the app) | api | TCP 9102 | allow-monitoring-prometheus-to-api | NetworkPolicy | app |',
    ]) expect(md).toContain(row);
    expect(md).toContain('| warning | kube-apiserver-port |');
  });

  test('on a generic CNI: refused in one error that names each flow it cannot render and what to use instead', () => {
    let error: unknown;
    try {
      shop(undefined, { wildcard: true }).app.synth();
    } catch (e) {
      error = e;
    }
    expect(ValidationError.isValidationError(error)).toBe(true);
    const lines = (error as Error).message.split('\n');
    // Both DNS names and the API server without addresses, in the flows' order; the host-network controller
    // without nodeCidrs is a warning, not an error.
    expect(lines).toEqual([
      expect.stringMatching(/^shop\/api: allowEgressTo Peer\.fqdn\("\*\.stripe\.com"\) is invalid: a standard NetworkPolicy matches IP addresses, never DNS names/),
      expect.stringMatching(/^shop\/api: allowEgressTo Peer\.fqdn\("api\.stripe\.com"\) is invalid: a standard NetworkPolicy matches IP addresses, never DNS names/),
      expect.stringMatching(/^shop\/api: allowEgressTo Peer\.kubeApiServer\(\) is invalid: the chosen CNI \(Cni\.generic\(\)\) renders it as an ipBlock and no addresses were given; give them \(Peer\.kubeApiServer\(\{ endpoints: \['10\.0\.0\.10\/32'\] \}\)/),
    ]);
    for (const line of lines) expect(line).toContain('or NetworkModel.of(app).configure({ cni: Cni.cilium() }) if the cluster runs Cilium');
    expect(lines.filter((l) => l.includes('Peer.fqdn')).every((l) => l.includes('allow the service\'s published address ranges with Peer.cidr()'))).toBe(true);

    // With the addresses, only the DNS names are refused.
    const withAddresses = synthError(shop(undefined, { wildcard: true, apiEndpoints: ['10.0.0.10/32'], nodeCidrs: ['10.0.0.0/16'] }).app);
    expect(withAddresses.split('\n').map((l) => l.slice(0, l.indexOf(' is invalid')))).toEqual([
      'shop/api: allowEgressTo Peer.fqdn("*.stripe.com")', 'shop/api: allowEgressTo Peer.fqdn("api.stripe.com")',
    ]);
  });

  test('on a generic CNI, what it can express synthesizes as ipBlocks, valid for kubernetes-models', () => {
    const s = shop(undefined, { noFqdn: true, apiEndpoints: ['10.0.0.10/32'], nodeCidrs: ['10.0.0.0/16'] });
    quiet();
    const { objects } = synth(s.app);
    expect(ofKind(objects, 'CiliumNetworkPolicy')).toEqual([]);
    expect(find(objects, 'NetworkPolicy', 'allow-api-egress-to-kube-apiserver').spec.egress)
      .toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 443 }, { port: 6443 }] }]);
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-nginx-to-web').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 3000 }] }]);
    const r = report(s.app);
    expect(r.flows).toContainEqual(expect.objectContaining({ from: 'cidr:10.0.0.0/16', to: 'shop/Deployment/web', policyKind: 'NetworkPolicy' }));
    expect(r.flows.filter((f: any) => f.declared.length === 0)).toEqual([]);
  });
});

describe('on Cilium', () => {
  test('the done-when app: valid CiliumNetworkPolicies next to the standard ones', () => {
    const s = shop(Cni.cilium());
    const { objects } = expectWarnings(['[kube-apiserver-port] shop/api'], () => synth(s.app));
    const cnps = ofKind(objects, 'CiliumNetworkPolicy');
    expect(cnps.map((p) => p.metadata.name).sort()).toEqual([
      'allow-api-egress-to-fqdn-api-stripe-com', 'allow-api-egress-to-kube-apiserver', 'allow-ingress-nginx-to-web',
    ]);
    const fqdn = find(objects, 'CiliumNetworkPolicy', 'allow-api-egress-to-fqdn-api-stripe-com');
    expect(fqdn.spec.endpointSelector).toEqual({ matchLabels: { app: 'api' } });
    expect(fqdn.spec.egress[0]).toEqual({ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    // The DNS visibility rule: the same pods and ports as allow-dns-egress, plus rules.dns.
    expect(fqdn.spec.egress[1]).toEqual({
      toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
      toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
    });
    // A toFQDNs rule carries no other L3 selector (Cilium refuses it).
    for (const rule of fqdn.spec.egress) expect(Object.keys(rule).filter((k) => k.startsWith('to') && k !== 'toPorts')).toHaveLength(1);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-api-egress-to-kube-apiserver').spec.egress).toEqual([{
      toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] }],
    }]);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-ingress-nginx-to-web').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'web' } },
      ingress: [{ fromEntities: ['host', 'remote-node'], toPorts: [{ ports: [{ port: '3000', protocol: 'TCP' }] }] }],
    });
    // The standard policies are still there, and none names the Cilium-only peers.
    const nps = ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort();
    expect(nps).toEqual(['allow-dns-egress', 'allow-monitoring-prometheus-to-api', 'allow-web-egress-to-api', 'allow-web-to-api', 'default-deny']);
    expect(nps.some((n) => /stripe|apiserver|nginx/.test(n))).toBe(false);
  });

  test('the report lists DNS names and entities as endpoints, with the policy kind', () => {
    const s = shop(Cni.cilium());
    expectWarnings(['[kube-apiserver-port] shop/api'], () => synth(s.app));
    const r = report(s.app);
    expect(r.endpoints).toEqual(expect.arrayContaining([
      { id: 'fqdn:api.stripe.com', type: 'fqdn', name: 'api.stripe.com' },
      { id: 'entity:kube-apiserver', type: 'entity', name: 'kube-apiserver' },
      { id: 'entity:host', type: 'entity', name: 'host' },
      { id: 'entity:remote-node', type: 'entity', name: 'remote-node' },
    ]));
    expect(r.flows).toContainEqual(expect.objectContaining({
      from: 'shop/Deployment/api', to: 'fqdn:api.stripe.com', ports: ['TCP 443'],
      allowedBy: ['shop/allow-api-egress-to-fqdn-api-stripe-com'], declared: ['app'], policyKind: 'CiliumNetworkPolicy',
    }));
    expect(r.flows).toContainEqual(expect.objectContaining({
      from: 'shop/Deployment/api', to: 'entity:kube-apiserver', ports: ['TCP 443', 'TCP 6443'],
      allowedBy: ['shop/allow-api-egress-to-kube-apiserver'], declared: ['app'], policyKind: 'CiliumNetworkPolicy',
    }));
    for (const from of ['entity:host', 'entity:remote-node']) {
      expect(r.flows).toContainEqual(expect.objectContaining({
        from, to: 'shop/Deployment/web', ports: ['TCP 3000'], allowedBy: ['shop/allow-ingress-nginx-to-web'], declared: ['gateway'], policyKind: 'CiliumNetworkPolicy',
      }));
    }
    expect(r.flows).toContainEqual(expect.objectContaining({ from: 'monitoring/Peer/app.kubernetes.io/name=prometheus', to: 'shop/Deployment/api', ports: ['TCP 9102'], policyKind: 'NetworkPolicy' }));
    const md = fs.readFileSync(path.join(s.app.outdir, 'network-report.md'), 'utf8');
    expect(md).toContain('| Source | Destination | Ports | Allowed by | Policy kind | Declared as |');
    expect(md).toContain('| api | api.stripe.com (DNS name) | TCP 443 | allow-api-egress-to-fqdn-api-stripe-com | CiliumNetworkPolicy | app |');
  });

  test('wildcards become matchPattern; an ExternalService is its external name', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    const api = new WebApp(chart, 'api', { namespace: ns, image: 'a:1', containerPort: 8080 });
    api.allowEgressTo(Peer.fqdn('*.Stripe.com.'), Port.tcp(443));
    const payments = new ExternalService(chart, 'payments', { namespace: ns, externalName: 'api.payments.example', ports: [Port.tcp(443)] });
    api.allowTo(payments);
    const { objects } = synth(app);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-api-egress-to-fqdn-wildcard-stripe-com').spec.egress[0].toFQDNs).toEqual([{ matchPattern: '*.stripe.com' }]);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-api-egress-to-fqdn-api-payments-example').spec.egress[0])
      .toEqual({ toFQDNs: [{ matchName: 'api.payments.example' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(report(app).flows.map((f: any) => f.to)).toEqual(expect.arrayContaining(['fqdn:*.stripe.com', 'fqdn:api.payments.example']));
  });

  test('a policy rule removed after rendering leaves the declared flow dead: synth fails', () => {
    const s = shop(Cni.cilium());
    const cnp = s.chart.node.findAll().find((c) => c instanceof ApiObject && (c as ApiObject).name === 'allow-api-egress-to-kube-apiserver');
    // The policy is rendered at synth: patch it through the model's render step.
    NetworkModel.of(s.app).addSynthStep({
      name: 'tamper', phase: 'annotate' as any,
      run: () => {
        const obj = s.app.node.findAll().find((c) => c instanceof ApiObject && (c as ApiObject).name === 'allow-api-egress-to-kube-apiserver') as ApiObject;
        obj.addJsonPatch(JsonPatch.replace('/spec/egress/0/toPorts/0/ports/1/port', '8443'));
      },
    });
    expect(cnp).toBeUndefined();
    const message = synthError(s.app);
    expect(message).toContain('[declared-flow-denied]');
    expect(message).toContain('shop/Deployment/api -> entity:kube-apiserver on TCP 6443 (no CiliumNetworkPolicy allows it)');
    expect(message).toContain('[undeclared-flow]');
    expect(message).toContain('shop/Deployment/api -> entity:kube-apiserver on TCP 8443');
  });

  test('a hand-written CiliumNetworkPolicy may not widen in-cluster traffic, nor reach undeclared names', () => {
    const s = shop(Cni.cilium());
    new ApiObject(s.chart, 'wide', {
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'wide', namespace: 'shop' },
      spec: {
        endpointSelector: { matchLabels: { app: 'web' } },
        egress: [
          { toEndpoints: [{ matchLabels: { app: 'api' } }], toPorts: [{ ports: [{ port: '9102', protocol: 'TCP' }] }] },
          { toFQDNs: [{ matchName: 'evil.example.com' }] },
        ],
      },
    });
    const message = synthError(s.app);
    expect(message).toContain('[cilium-policy-widens] shop/wide: CiliumNetworkPolicy shop/wide is invalid: it allows in-cluster connections the standard '
      + 'NetworkPolicies do not: shop/Deployment/web -> shop/Deployment/api on TCP 9102');
    expect(message).toContain('[undeclared-flow]');
    expect(message).toContain('shop/Deployment/web -> fqdn:evil.example.com on TCP all, UDP all, SCTP all');
  });

  /** web and api in a zero-trust namespace, web -> api declared, and a hand-written CiliumNetworkPolicy selecting web. */
  function handWritten(spec: object): { app: App; chart: Chart } {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'x/web:1', containerPort: 8080 });
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'x/api:1', containerPort: 3000 });
    api.allowFrom(web);
    new ApiObject(chart, 'cnp', {
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'web-port-80', namespace: 'production' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } }, ...spec },
    });
    return { app, chart };
  }

  test('a rule with ports and no peer allows every pod and every address on them: synth fails naming the rule (passed before)', () => {
    const { app } = handWritten({
      egress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }],
      ingress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
    });
    const message = synthError(app);
    expect(message).toContain('[cilium-policy-widens] c/cnp: CiliumNetworkPolicy production/web-port-80 is invalid: it allows in-cluster connections the '
      + 'standard NetworkPolicies do not: spec.egress[0] names ports and no peer, so Cilium allows every pod of the cluster and every address on them: '
      + 'production/Deployment/web -> [any other namespace]/Peer/* on TCP 80; production/Deployment/web -> kube-system/Peer/k8s-app=kube-dns on TCP 80; '
      + 'production/Deployment/web -> production/Deployment/api on TCP 80; production/Deployment/web -> production/Deployment/web on TCP 80; '
      + 'spec.ingress[0] names ports and no peer, so Cilium allows every pod of the cluster and every address on them: '
      + '[any other namespace]/Peer/* -> production/Deployment/web on TCP 8080; kube-system/Peer/k8s-app=kube-dns -> production/Deployment/web on TCP 8080; '
      + 'production/Deployment/api -> production/Deployment/web on TCP 8080; production/Deployment/web -> production/Deployment/web on TCP 8080. '
      + 'Fix: give spec.egress[0] and spec.ingress[0] each a peer (toEndpoints, toEntities, toFQDNs), or remove them; for the rest, declare the flow so '
      + 'that the standard NetworkPolicies allow it, or narrow the CiliumNetworkPolicy to DNS names and entities '
      + '(to accept it, annotate CiliumNetworkPolicy production/web-port-80 with cdk8s-networking.io/skip-checks: cilium-policy-widens)');
    // What is not a pod: every address, as Cilium's entity world.
    expect(message).toContain('[undeclared-flow] c/cnp: CiliumNetworkPolicy production/web-port-80 is invalid: it allows connections touching a zero-trust '
      + 'namespace that no flow declares: entity:world -> production/Deployment/web on TCP 8080; production/Deployment/web -> entity:world on TCP 80.');
  });

  test('one rule with ports and no peer: the fix names it alone', () => {
    const { app } = handWritten({ egress: [{ toEndpoints: [{ matchLabels: { app: 'api' } }] }, { toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }] }] }] });
    expect(synthError(app)).toContain('. Fix: give spec.egress[1] a peer (toEndpoints, toEntities, toFQDNs), or remove it; for the rest, declare the flow');
  });

  test('an empty rule ({}) allows nothing: it only isolates, as upstream\'s default-deny example; a rule with a peer is read as before', () => {
    const { app } = handWritten({
      egress: [{}, { toEndpoints: [{ matchLabels: { app: 'api' } }], toPorts: [{ ports: [{ port: '3000', protocol: 'TCP' }] }] }],
      ingress: [{}],
    });
    quiet();
    synth(app);
    expect(warnings(app).filter((w) => w.includes('cilium-') || w.includes('flow'))).toEqual([]);
  });

  test('a hand-written policy inside what the standard policies allow passes; unreadable parts are warnings', () => {
    const s = shop(Cni.cilium());
    new ApiObject(s.chart, 'narrow', {
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'narrow', namespace: 'shop' },
      spec: {
        endpointSelector: { matchLabels: { app: 'web' } },
        egress: [
          { toEndpoints: [{ matchLabels: { app: 'api' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] },
          { toCIDR: ['198.51.100.0/24'] },
        ],
      },
    });
    quiet();
    synth(s.app);
    expect(warnings(s.app)).toContainEqual(expect.stringContaining('[cilium-policy-unverified] shop/narrow: CiliumNetworkPolicy shop/narrow field spec.egress[1].toCIDR is not verified'));
  });

  test('FQDN peers are egress only and need the namespace\'s DNS egress', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    const api = new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'shop', { allowDns: false }), image: 'a:1', containerPort: 8080 });
    api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    expect(() => app.synth()).toThrow('c/api: allowEgressTo api.stripe.com is invalid: Cilium learns a DNS name\'s addresses by watching the pods\' lookups, '
      + 'and namespace "shop" allows no DNS egress; keep its allowDns on');

    const app2 = testApp();
    NetworkModel.of(app2).configure({ cni: Cni.cilium() });
    const chart2 = new Chart(app2, 'c');
    const api2 = new WebApp(chart2, 'api', { namespace: new ZeroTrustNamespace(chart2, 'shop'), image: 'a:1', containerPort: 8080 });
    api2.allowIngressFrom(Peer.fqdn('api.stripe.com'));
    expect(() => app2.synth()).toThrow('c/api: allowIngressFrom Peer.fqdn("api.stripe.com") is invalid: a DNS name can only be a destination (egress)');
  });

  test('capability warnings: SCTP is off by default, ipBlocks do not match pods or nodes', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    const api = new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'shop'), image: 'a:1', containerPort: 8080 });
    api.allowEgressTo(Peer.cidr('10.20.0.0/16'), Port.sctp(3868));
    quiet();
    synth(app);
    const w = warnings(app);
    expect(w).toContainEqual(expect.stringContaining('[cni-unsupported-feature] c/api: flow api -> cidr-10-20-0-0-16 port SCTP/3868 is invalid on Cilium: SCTP is disabled by default'));
    expect(w).toContainEqual(expect.stringContaining('ipBlock 10.20.0.0/16 may not match as declared on Cilium: an ipBlock never matches pods'));

    const app2 = testApp();
    NetworkModel.of(app2).configure({ cni: Cni.cilium({ sctpEnabled: true }) });
    const chart2 = new Chart(app2, 'c');
    const api2 = new WebApp(chart2, 'api', { namespace: new ZeroTrustNamespace(chart2, 'shop'), image: 'a:1', containerPort: 8080 });
    api2.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.sctp(3868));
    synth(app2);
    expect(warnings(app2).filter((x) => x.includes('cni-'))).toEqual([]);
  });

  test('a host-network controller routing to an app of a plain namespace: no policy there, nothing to deny (seed -1323619556)', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    new k8s.KubeNamespace(chart, 'legacy', { metadata: { name: 'legacy' } });
    const web = new WebApp(chart, 'web', { namespace: 'legacy', image: 'a:1', containerPort: 8080 });
    const gateway = new ApiGateway(chart, 'gateway', {
      namespace: 'legacy', controller: IngressController.nginx({ hostNetwork: true }), tls: Tls.secret('t'),
    });
    gateway.addRoute({ host: 'shop.example.com', backend: web });
    quiet();
    const { objects } = synth(app); // declared-flow-denied before: the Cilium flow was held to a policy nobody renders
    expect(ofKind(objects, 'CiliumNetworkPolicy')).toEqual([]);
    expect(ofKind(objects, 'NetworkPolicy')).toEqual([]);
    expect(warnings(app).filter((w) => w.includes('declared-flow-denied'))).toEqual([]);
  });

  test('Peer.internet() takes the private ranges out, so Cilium\'s ipBlock caveat does not apply; 0.0.0.0/0 gets it', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'c');
    const prod = new ZeroTrustNamespace(chart, 'shop');
    const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 8080 });
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
    api.allowEgressTo(Peer.internet(), Port.tcp(443));
    web.allowEgressTo(Peer.anyIpv4(), Port.tcp(443));
    quiet();
    synth(app);
    const caveats = warnings(app).filter((x) => x.includes('may not match as declared on Cilium'));
    expect(caveats).toHaveLength(1);
    expect(caveats[0]).toContain('c/web: flow web -> cidr-0-0-0-0-0 ipBlock 0.0.0.0/0 may not match as declared on Cilium');
  });
});

describe('on Cilium, an egress port name the destination pods give different numbers', () => {
  /** web -> every pod of namespace backend on the name http, with api and auth listening on the given ports. */
  function named(cni: Cni, apiPort: number, authPort: number): App {
    const app = testApp();
    NetworkModel.of(app).configure({ cni });
    const chart = new Chart(app, 'c');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const backend = new ZeroTrustNamespace(chart, 'backend');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'x/web:1', containerPort: 8080 });
    new WebApp(chart, 'api', { namespace: backend, image: 'x/api:1', containerPort: apiPort });
    new WebApp(chart, 'auth', { namespace: backend, image: 'x/auth:1', containerPort: authPort });
    web.allowTo(Peer.namespace(backend), { ports: [Port.named('http')] });
    return app;
  }

  test('is a warning naming the flow, the name, its numbers, the Cilium versions that drop it and the fix', () => {
    const app = named(Cni.cilium(), 3000, 4000);
    quiet();
    const { objects } = synth(app);
    // The egress rule keeps the name: no one number stands for it.
    expect(find(objects, 'NetworkPolicy', 'allow-web-egress-to-namespace-backend').spec.egress[0].ports).toEqual([{ port: 'http' }]);
    expect(warnings(app).filter((w) => w.includes('cni-unsupported-feature'))).toEqual([
      '[cni-unsupported-feature] c/web: flow web -> namespace-backend port TCP/http may not match as declared on Cilium: the destination pods give '
      + '"http" different numbers (TCP 3000 on backend/api; TCP 4000 on backend/auth), so the egress rule names the port, and Cilium 1.19 and '
      + 'earlier ignore an egress rule whose port name maps to more than one number, so the flow is dead there (cilium/cilium#24779, #30003; '
      + 'fixed by #44429 and #45760, merged after 1.19.0). Fix: give each destination its own flow with a port number (Port.tcp(3000), '
      + 'Port.tcp(4000)), or one number for the name "http" on every destination pod',
    ]);
  });

  test('pods that agree on the number get it in the rule and no warning; a generic CNI gets none either', () => {
    const agree = named(Cni.cilium(), 3000, 3000);
    quiet();
    const { objects } = synth(agree);
    expect(find(objects, 'NetworkPolicy', 'allow-web-egress-to-namespace-backend').spec.egress[0].ports).toEqual([{ port: 3000 }]);
    expect(warnings(agree).filter((w) => w.includes('cni-unsupported-feature'))).toEqual([]);
    const generic = named(Cni.generic(), 3000, 4000);
    synth(generic);
    expect(warnings(generic).filter((w) => w.includes('cni-unsupported-feature'))).toEqual([]);
  });

  test('a source no policy isolates has no egress rule to drop: no warning', () => {
    const app = named(Cni.cilium(), 3000, 4000);
    const chart = app.node.findChild('c') as Chart;
    new k8s.KubeNamespace(chart, 'legacy', { metadata: { name: 'legacy' } });
    const batch = new WebApp(chart, 'batch', { namespace: 'legacy', image: 'x/batch:1', containerPort: 8080 });
    batch.allowTo(Peer.namespace('backend'), { ports: [Port.named('http')] });
    quiet();
    synth(app);
    expect(warnings(app).filter((w) => w.includes('cni-unsupported-feature')).map((w) => w.split(' port ')[0])).toEqual([
      '[cni-unsupported-feature] c/web: flow web -> namespace-backend',
    ]);
  });
});

test('on Cilium, a DNS name from a namespace that also uses NodeLocal DNSCache is a warning', () => {
  const app = testApp();
  NetworkModel.of(app).configure({ cni: Cni.cilium() });
  const chart = new Chart(app, 'c');
  const ns = new ZeroTrustNamespace(chart, 'shop', { dns: { cidrs: ['169.254.20.10/32'] } });
  new WebApp(chart, 'api', { namespace: ns, image: 'a:1', containerPort: 8080 }).allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
  quiet();
  synth(app);
  expect(warnings(app)).toContainEqual(expect.stringContaining('[cni-unsupported-feature] c/api: flow api -> api.stripe.com may not match as declared on Cilium: '
    + 'namespace "shop" also sends DNS to addresses outside the pod network (NodeLocal DNSCache)'));
});

describe('on a generic CNI', () => {
  test('the done-when app is refused: a DNS name cannot be a NetworkPolicy peer', () => {
    const s = shop(undefined, { apiEndpoints: ['10.0.0.10/32'], nodeCidrs: ['10.0.0.0/16'] });
    expect(() => s.app.synth()).toThrow('shop/api: allowEgressTo Peer.fqdn("api.stripe.com") is invalid: a standard NetworkPolicy matches IP addresses, '
      + 'never DNS names (the addresses behind a name change), and the chosen CNI (Cni.generic()) enforces nothing else; '
      + 'allow the service\'s published address ranges with Peer.cidr(), or NetworkModel.of(app).configure({ cni: Cni.cilium() }) if the cluster runs Cilium');
  });

  test('an ExternalService is refused the same way', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    const api = new WebApp(chart, 'api', { namespace: ns, image: 'a:1', containerPort: 8080 });
    api.allowTo(new ExternalService(chart, 'payments', { namespace: ns, externalName: 'api.payments.example', ports: [Port.tcp(443)] }));
    expect(() => app.synth()).toThrow('c/api: allowTo ExternalService c/payments (api.payments.example) is invalid: a standard NetworkPolicy matches IP addresses');
  });

  test('the API server and the nodes are ipBlocks of the given addresses; the endpoint port is opened', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    const op = new WebApp(chart, 'operator', { namespace: ns, image: 'a:1', containerPort: 8080 });
    op.allowEgressTo(Peer.kubeApiServer({ endpoints: ['10.0.0.10/32', '10.0.0.11/32'], endpointPort: 6443 }));
    op.allowIngressFrom(Peer.nodes(['10.0.0.0/16']), Port.tcp(8080));
    const gw = new ApiGateway(chart, 'gateway', {
      namespace: ns, controller: IngressController.traefik({ hostNetwork: true, nodeCidrs: ['10.1.0.0/16'] }), tls: Tls.secret('t'),
    });
    gw.addRoute({ host: 'op.example.com', backend: op });
    const { objects } = synth(app);
    expect(find(objects, 'NetworkPolicy', 'allow-operator-egress-to-kube-apiserver').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.0.11/32' } }], ports: [{ port: 6443 }],
    }]);
    expect(find(objects, 'NetworkPolicy', 'allow-nodes-to-operator').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 8080 }] }]);
    expect(find(objects, 'NetworkPolicy', 'allow-traefik-to-operator').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 8080 }] }]);
    expect(ofKind(objects, 'CiliumNetworkPolicy')).toEqual([]);
    const r = report(app);
    expect(r.flows).toContainEqual(expect.objectContaining({ from: 'shop/Deployment/operator', to: 'cidr:10.0.0.10/32', ports: ['TCP 6443'], policyKind: 'NetworkPolicy' }));
    expect(r.flows).toContainEqual(expect.objectContaining({ from: 'shop/Deployment/operator', to: 'cidr:10.0.0.11/32', ports: ['TCP 6443'] }));
  });

  test('without addresses, the API server and the nodes are errors that say what to give', () => {
    const make = (declare: (api: WebApp) => void) => {
      const app = testApp();
      const chart = new Chart(app, 'c');
      declare(new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'shop'), image: 'a:1', containerPort: 8080 }));
      return app;
    };
    expect(() => make((a) => a.allowEgressTo(Peer.kubeApiServer())).synth()).toThrow(
      'c/api: allowEgressTo Peer.kubeApiServer() is invalid: the chosen CNI (Cni.generic()) renders it as an ipBlock and no addresses were given; '
      + 'give them (Peer.kubeApiServer({ endpoints: [\'10.0.0.10/32\'] }) with the addresses of `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`)');
    expect(() => make((a) => a.allowIngressFrom(Peer.nodes())).synth()).toThrow('c/api: allowIngressFrom Peer.nodes() is invalid: the chosen CNI (Cni.generic()) renders it as an ipBlock');
    expect(() => make((a) => a.allowEgressTo(Peer.kubeApiServer({ endpoints: ['10.0.0.300/32'] })))).toThrow('c/api: allowEgressTo endpoints[0] "10.0.0.300/32" is invalid');
    expect(() => make((a) => a.allowEgressTo(Peer.fqdn('10.0.0.1'), Port.tcp(443)))).toThrow('must be a DNS name, not an IP address: use Peer.cidr() for addresses');
    expect(() => make((a) => a.allowEgressTo(Peer.fqdn('*'), Port.tcp(443)))).toThrow('a bare pattern would match every name');
    expect(() => make((a) => a.allowEgressTo(Peer.fqdn('api.stripe.com')))).toThrow('exposes no known port: pass the ports to open');
  });

  test('a host-network controller without node addresses is a warning, and its flow is not rendered', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    const web = new WebApp(chart, 'web', { namespace: ns, image: 'a:1', containerPort: 3000 });
    new ApiGateway(chart, 'gateway', { namespace: ns, controller: IngressController.nginx({ hostNetwork: true }), tls: Tls.secret('t') })
      .addRoute({ host: 'shop.example.com', backend: web });
    quiet();
    const { objects } = synth(app);
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['allow-dns-egress', 'default-deny']);
    expect(warnings(app)).toContainEqual(expect.stringContaining('[host-network-source-unknown] c/gateway: flow ingress-nginx -> web is not rendered: '
      + 'controller ingress-nginx (hostNetwork) has no addresses'));
    expect(() => IngressController.nginx({ nodeCidrs: ['10.0.0.0/16'] })._bind(chart, 'controller')).toThrow('only applies to a host-network controller');
  });

  describe('an ipBlock over pod addresses (ipblock-may-match-pods)', () => {
    /** A zero-trust app with one flow to or from a block, on a generic CNI with the given pod CIDRs. */
    const withBlock = (declare: (api: WebApp) => void, podCidrs?: string[]): string[] => {
      const app = testApp();
      NetworkModel.of(app).configure({ cni: Cni.generic(podCidrs ? { podCidrs } : {}) });
      const chart = new Chart(app, 'c');
      declare(new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'shop'), image: 'a:1', containerPort: 8080 }));
      quiet();
      synth(app);
      return warnings(app).filter((w) => w.includes('[ipblock-may-match-pods]'));
    };

    test('without the pod CIDRs, a block in a private range may admit pods, and the warning says what the library does not know', () => {
      expect(withBlock((api) => api.allowIngressFrom(Peer.cidr('10.20.0.0/16'), Port.tcp(8080)))).toEqual([
        '[ipblock-may-match-pods] c/api: flow cidr-10-20-0-0-16 -> api ipBlock 10.20.0.0/16 may admit pods as well: it overlaps 10.0.0.0/8, '
        + 'a private range where pods usually live, and on a CNI other than Cilium an ipBlock matches pod addresses too; '
        + 'the library does not know this cluster\'s pod CIDRs. Fix: give the pod CIDRs with Cni.generic({ podCidrs: [...] }) to have synth check '
        + 'them exactly; narrow the block to the addresses meant (a load balancer\'s own subnets, say) or take the pod CIDRs out of it '
        + '(Peer.cidr(block, [podCidr])); for pods use Peer.pods() or Peer.namespace()',
      ]);
      // Egress reaches pods; 0.0.0.0/0 overlaps every private IPv4 range.
      expect(withBlock((api) => api.allowEgressTo(Peer.anyIpv4(), Port.tcp(443)))).toEqual([expect.stringContaining(
        'c/api: flow api -> cidr-0-0-0-0-0 ipBlock 0.0.0.0/0 may reach pods as well: it overlaps 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, '
        + '100.64.0.0/10, private ranges where pods usually live')]);
    });

    test('with the pod CIDRs, exactly the blocks that cover them: named, with the pods\' range', () => {
      const podCidrs = ['10.244.0.0/16', 'fd00:10:244::/56'];
      expect(withBlock((api) => api.allowIngressFrom(Peer.cidr('10.0.0.0/8'), Port.tcp(8080)), podCidrs)).toEqual([
        '[ipblock-may-match-pods] c/api: flow cidr-10-0-0-0-8 -> api ipBlock 10.0.0.0/8 admits the pods in 10.244.0.0/16 as well (the pod CIDRs of '
        + 'Cni.generic({ podCidrs })): on a CNI other than Cilium an ipBlock matches pod addresses too, and no flow declares those pods. '
        + 'Fix: narrow the block to the addresses meant (a load balancer\'s own subnets, say) or take the pod CIDRs out of it '
        + '(Peer.cidr(block, [podCidr])); for pods use Peer.pods() or Peer.namespace()',
      ]);
      // A block inside a pod CIDR; an IPv6 one; a node subnet given to Peer.nodes().
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('10.244.3.0/24'), Port.tcp(443)), podCidrs)).toEqual([
        expect.stringContaining('flow api -> cidr-10-244-3-0-24 ipBlock 10.244.3.0/24 reaches the pods in 10.244.0.0/16 as well')]);
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('fd00:10::/32'), Port.tcp(443)), podCidrs)).toEqual([
        expect.stringContaining('ipBlock fd00:10::/32 reaches the pods in fd00:10:244::/56 as well')]);
      expect(withBlock((api) => api.allowIngressFrom(Peer.nodes(['10.244.0.0/20']), Port.tcp(8080)), podCidrs)).toEqual([
        expect.stringContaining('flow nodes -> api ipBlock 10.244.0.0/20 admits the pods in 10.244.0.0/16 as well')]);
      // Outside the pod CIDRs, or with them excepted: nothing to say.
      expect(withBlock((api) => api.allowIngressFrom(Peer.cidr('10.100.0.0/16'), Port.tcp(8080)), podCidrs)).toEqual([]);
      expect(withBlock((api) => api.allowIngressFrom(Peer.cidr('10.0.0.0/8', ['10.244.0.0/16']), Port.tcp(8080)), podCidrs)).toEqual([]);
      expect(withBlock((api) => api.allowEgressTo(Peer.anyIpv4(), Port.tcp(443)), ['10.244.0.0/16'])).toEqual([
        expect.stringContaining('ipBlock 0.0.0.0/0 reaches the pods in 10.244.0.0/16 as well')]);
    });

    test('without the pod CIDRs, Peer.internet()\'s IPv6 half may match pods with public IPv6 addresses: one warning per flow, in full', () => {
      const fix = 'Fix: give the pod CIDRs with Cni.generic({ podCidrs: [...] }) to have synth check them exactly (on an IPv4-only cluster its '
        + 'IPv4 pod CIDRs alone, which no IPv6 block covers); narrow the block to the addresses meant (a load balancer\'s own subnets, say) or '
        + 'take the pod CIDRs out of it (Peer.cidr(block, [podCidr])); for pods use Peer.pods() or Peer.namespace()';
      const why = 'it covers 2000::/3, global unicast IPv6, where pods of IPv6 and dual-stack clusters may take public addresses (EKS IPv6 '
        + 'clusters, GKE dual-stack on subnets with external IPv6), and the library does not know whether this cluster\'s pods have public IPv6 '
        + 'addresses, and on a CNI other than Cilium an ipBlock matches pod addresses too; the library does not know this cluster\'s pod CIDRs. ';
      expect(withBlock((api) => {
        api.allowIngressFrom(Peer.internet());
        api.allowEgressTo(Peer.internet(), Port.tcp(443));
      })).toEqual([
        '[ipblock-may-match-pods] c/api: flow api -> internet ipBlock ::/0 except ::1/128,fc00::/7,fe80::/10 may reach pods as well: ' + why + fix,
        '[ipblock-may-match-pods] c/api: flow internet -> api ipBlock ::/0 except ::1/128,fc00::/7,fe80::/10 may admit pods as well: ' + why + fix,
      ]);
      // A public IPv6 block; both kinds of range at once (::/0 covers fc00::/7 and 2000::/3).
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('2001:db8::/32'), Port.tcp(443)))).toEqual([
        '[ipblock-may-match-pods] c/api: flow api -> cidr-2001-db8---32 ipBlock 2001:db8::/32 may reach pods as well: ' + why + fix]);
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('::/0'), Port.tcp(443)))).toEqual([
        '[ipblock-may-match-pods] c/api: flow api -> cidr----0 ipBlock ::/0 may reach pods as well: it overlaps fc00::/7, a private range where pods '
        + 'usually live; it also covers 2000::/3, global unicast IPv6, where pods of IPv6 and dual-stack clusters may take public addresses (EKS '
        + 'IPv6 clusters, GKE dual-stack on subnets with external IPv6), and the library does not know whether this cluster\'s pods have public '
        + 'IPv6 addresses, and on a CNI other than Cilium an ipBlock matches pod addresses too; the library does not know this cluster\'s pod '
        + 'CIDRs. ' + fix]);
      // An IPv6 block outside global unicast and the private ranges says nothing.
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('4000::/3'), Port.tcp(443)))).toEqual([]);
    });

    test('IPv4-only pod CIDRs clear Peer.internet()\'s IPv6 half; IPv6 pod CIDRs in 2000::/3 name it exactly', () => {
      expect(withBlock((api) => {
        api.allowIngressFrom(Peer.internet());
        api.allowEgressTo(Peer.internet(), Port.tcp(443));
      }, ['10.244.0.0/16'])).toEqual([]);
      expect(withBlock((api) => api.allowEgressTo(Peer.internet(), Port.tcp(443)), ['10.244.0.0/16', '2600:1f18:1234:5600::/56'])).toEqual([
        '[ipblock-may-match-pods] c/api: flow api -> internet ipBlock ::/0 except ::1/128,fc00::/7,fe80::/10 reaches the pods in '
        + '2600:1f18:1234:5600::/56 as well (the pod CIDRs of Cni.generic({ podCidrs })): on a CNI other than Cilium an ipBlock matches pod '
        + 'addresses too, and no flow declares those pods. Fix: narrow the block to the addresses meant (a load balancer\'s own subnets, say) '
        + 'or take the pod CIDRs out of it (Peer.cidr(block, [podCidr])); for pods use Peer.pods() or Peer.namespace()',
      ]);
    });

    test('IPv4 blocks outside the private ranges, the API server\'s addresses, DNS, pods outside zero-trust namespaces and Cilium: no warning', () => {
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']),
        Port.tcp(443)))).toEqual([]);
      expect(withBlock((api) => api.allowEgressTo(Peer.kubeApiServer({ endpoints: ['10.0.0.10/32'], endpointPort: 443 })))).toEqual([]);
      expect(withBlock((api) => api.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443)))).toEqual([]);
      const app = testApp();
      NetworkModel.of(app).configure({ cni: Cni.cilium() });
      const chart = new Chart(app, 'c');
      const dns = new ZeroTrustNamespace(chart, 'shop', { dns: { cidrs: ['10.96.0.10/32'] } });
      new WebApp(chart, 'api', { namespace: dns, image: 'a:1', containerPort: 8080 }).allowIngressFrom(Peer.cidr('10.20.0.0/16'), Port.tcp(8080));
      new WebApp(chart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 8080 }).allowIngressFrom(Peer.cidr('10.20.0.0/16'), Port.tcp(8080));
      quiet();
      synth(app);
      expect(warnings(app).filter((w) => w.includes('[ipblock-may-match-pods]'))).toEqual([]);
      const generic = testApp();
      const gchart = new Chart(generic, 'c');
      const gns = new ZeroTrustNamespace(gchart, 'shop', { dns: { cidrs: ['10.96.0.10/32'] } });
      new WebApp(gchart, 'api', { namespace: gns, image: 'a:1', containerPort: 8080 });
      new k8s.KubeNamespace(gchart, 'legacy-namespace', { metadata: { name: 'legacy' } });
      new WebApp(gchart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 8080 }).allowIngressFrom(Peer.cidr('10.20.0.0/16'), Port.tcp(8080));
      synth(generic);
      expect(warnings(generic).filter((w) => w.includes('[ipblock-may-match-pods]'))).toEqual([]);
    });

    test('pod CIDRs that are no CIDRs are refused where they are given', () => {
      const app = testApp();
      expect(() => NetworkModel.of(app).configure({ cni: Cni.generic({ podCidrs: ['10.244.0.0'] }) })).toThrow(
        'NetworkModel.configure() cni podCidrs "10.244.0.0" is invalid: must be a CIDR with a prefix length; did you mean "10.244.0.0/32"?');
      expect(() => NetworkModel.of(app).configure({ cni: Cni.generic({ podCidrs: '10.244.0.0/16' as any }) })).toThrow(
        'NetworkModel.configure() cni podCidrs "10.244.0.0/16" is invalid: must be a list of CIDRs');
    });
  });

  test('Flannel: synth warns that nothing is enforced', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.flannel() });
    new ZeroTrustNamespace(new Chart(app, 'c'), 'shop');
    quiet();
    synth(app);
    expect(warnings(app)).toContainEqual(expect.stringContaining('[cni-no-enforcement]'));
    expect(warnings(app).join('\n')).toContain('Flannel enforces no NetworkPolicy, so shop would be open to every pod');
  });
});

describe('the API server: which port, and calls from it', () => {
  /** An operator with a webhook on 9443 that also watches the API server, on the given CNI. */
  const operator = (cni: Cni, options: { endpointPort?: number; ports?: Port[]; webhook?: boolean; skip?: boolean; tunnel?: IPeer } = {}) => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni, ...(options.skip ? { skipChecks: ['kube-apiserver-source'] } : {}) });
    const chart = new Chart(app, 'c');
    const op = new WebApp(chart, 'operator', { namespace: new ZeroTrustNamespace(chart, 'ops'), image: 'a:1', containerPort: 9443 });
    const endpoints = cni.rendersCiliumPolicies ? undefined : ['10.0.0.10/32'];
    op.allowEgressTo(Peer.kubeApiServer({ endpoints, endpointPort: options.endpointPort }), ...options.ports ?? []);
    if (options.webhook) op.allowIngressFrom(Peer.kubeApiServer({ endpoints }));
    if (options.tunnel) op.allowIngressFrom(options.tunnel);
    return app;
  };

  test.each([['generic', Cni.generic()], ['cilium', Cni.cilium()]])('on %s without endpointPort both 443 and 6443 are open, and a warning says why', (kind, cni) => {
    const app = operator(cni);
    quiet();
    const { objects } = synth(app);
    const ports = kind === 'generic'
      ? find(objects, 'NetworkPolicy', 'allow-operator-egress-to-kube-apiserver').spec.egress[0].ports
      : find(objects, 'CiliumNetworkPolicy', 'allow-operator-egress-to-kube-apiserver').spec.egress[0].toPorts[0].ports.map((p: any) => ({ port: Number(p.port) }));
    expect(ports).toEqual([{ port: 443 }, { port: 6443 }]);
    const w = warnings(app).filter((x) => x.includes('[kube-apiserver-port]'));
    expect(w).toEqual([expect.stringContaining('c/operator: flow operator -> Peer.kubeApiServer() opens both TCP 443 and TCP 6443: policies see the '
      + 'connection at the API server\'s endpoint, which listens on 443 on EKS, GKE and AKS and on 6443 on kubeadm, k3s and kind')]);
    expect(w[0]).toContain('Fix: give the port of your cluster');
    expect(report(app).findings).toContainEqual(expect.objectContaining({ check: 'kube-apiserver-port', severity: 'warning' }));
  });

  test('with endpointPort only that port is open, and nothing to warn about; ports given explicitly were chosen', () => {
    for (const cni of [Cni.generic(), Cni.cilium()]) {
      const app = operator(cni, { endpointPort: 443 });
      const { objects } = synth(app);
      const policy = objects.find((o) => o.metadata.name === 'allow-operator-egress-to-kube-apiserver');
      expect(JSON.stringify(policy.spec)).not.toContain('6443');
      expect(warnings(app)).toEqual([]);

      const both = operator(cni, { ports: [Port.tcp(443), Port.tcp(6443)] });
      const spec = JSON.stringify(synth(both).objects.find((o) => o.metadata.name === 'allow-operator-egress-to-kube-apiserver').spec);
      expect(spec).toContain('443');
      expect(spec).toContain('6443');
      expect(warnings(both)).toEqual([]);
    }
  });

  test('a webhook (the API server calling a pod) opens the pod\'s port on both CNIs, with a warning about managed clusters', () => {
    quiet();
    const generic = operator(Cni.generic(), { endpointPort: 6443, webhook: true });
    const g = synth(generic).objects;
    expect(find(g, 'NetworkPolicy', 'allow-kube-apiserver-to-operator').spec.ingress)
      .toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 9443 }] }]);
    expect(report(generic).flows).toContainEqual(expect.objectContaining({
      from: 'cidr:10.0.0.10/32', to: 'ops/Deployment/operator', ports: ['TCP 9443'], declared: ['app'], policyKind: 'NetworkPolicy',
    }));
    expect(warnings(generic)).toEqual([expect.stringContaining('[kube-apiserver-source] c/operator: flow Peer.kubeApiServer() -> operator may not '
      + 'match as declared: the ipBlock matches the API server\'s calls into the cluster (admission webhooks, aggregated APIs) only when they leave '
      + 'from its endpoint addresses (as on kubeadm, k3s, kind); on GKE and AKS they are tunnelled through the konnectivity-agent pods')]);

    const cilium = operator(Cni.cilium(), { endpointPort: 6443, webhook: true });
    const c = synth(cilium).objects;
    expect(find(c, 'CiliumNetworkPolicy', 'allow-kube-apiserver-to-operator').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'operator' } },
      ingress: [{ fromEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '9443', protocol: 'TCP' }] }] }],
    });
    expect(report(cilium).flows).toContainEqual(expect.objectContaining({
      from: 'entity:kube-apiserver', to: 'ops/Deployment/operator', ports: ['TCP 9443'], declared: ['app'], policyKind: 'CiliumNetworkPolicy',
    }));
    const w = warnings(cilium);
    expect(w).toEqual([expect.stringContaining('[kube-apiserver-source] c/operator: flow Peer.kubeApiServer() -> operator may not match as declared '
      + 'on Cilium: the kube-apiserver entity matches the API server\'s calls into the cluster (admission webhooks, aggregated APIs) only where it '
      + 'runs on a node of the cluster (kubeadm, k3s, kind); on EKS, GKE and AKS Cilium does not identify them as the API server')]);
    expect(w[0]).toContain('Fix: on a managed cluster also declare where the calls arrive from: the konnectivity agents');

    // In a namespace that is not zero-trust nothing isolates the pods: no policy, nothing to warn about.
    const plain = testApp();
    const legacy = new WebApp(new Chart(plain, 'c'), 'operator', { namespace: 'legacy', image: 'a:1', containerPort: 9443 });
    legacy.allowIngressFrom(Peer.kubeApiServer({ endpoints: ['10.0.0.10/32'] }));
    legacy.allowEgressTo(Peer.kubeApiServer({ endpoints: ['10.0.0.10/32'] }));
    synth(plain);
    expect(warnings(plain).filter((x) => x.includes('kube-apiserver'))).toEqual([]);

    // Declaring where a managed cluster's calls arrive from (the konnectivity agents, or the nodes) clears the warning.
    const konnectivity = Peer.pods({ namespace: 'kube-system', labels: { 'k8s-app': 'konnectivity-agent' } });
    for (const tunnel of [konnectivity, Peer.nodes()]) {
      const managed = operator(Cni.cilium(), { endpointPort: 6443, webhook: true, tunnel });
      synth(managed);
      expect(warnings(managed)).toEqual([]);
    }
    // A tunnel declared for other pods clears nothing.
    const elsewhere = operator(Cni.cilium(), { endpointPort: 6443, webhook: true });
    const chart = elsewhere.node.findChild('c');
    new WebApp(chart, 'other', { namespace: 'ops', image: 'a:1', containerPort: 8443 }).allowIngressFrom(konnectivity);
    synth(elsewhere);
    expect(warnings(elsewhere).filter((x) => x.includes('[kube-apiserver-source] c/operator'))).toHaveLength(1);
    const gke = operator(Cni.generic(), { endpointPort: 6443, webhook: true, tunnel: konnectivity });
    expect(find(synth(gke).objects, 'NetworkPolicy', 'allow-kube-system-konnectivity-agent-to-operator').spec.ingress[0].ports).toEqual([{ port: 9443 }]);
    expect(warnings(gke)).toEqual([]);

    // Where the API server calls pods as itself, the check is turned off for the app.
    const kubeadm = operator(Cni.cilium(), { endpointPort: 6443, webhook: true, skip: true });
    synth(kubeadm);
    expect(warnings(kubeadm)).toEqual([]);
  });

  test('a webhook\'s flow removed from the rendered policy fails synth: the Cilium edge from an entity is verified', () => {
    const app = operator(Cni.cilium(), { endpointPort: 6443, webhook: true, skip: true });
    NetworkModel.of(app).addSynthStep({
      name: 'tamper', phase: 'annotate' as any,
      run: () => {
        const obj = app.node.findAll().find((x) => x instanceof ApiObject && (x as ApiObject).name === 'allow-kube-apiserver-to-operator') as ApiObject;
        obj.addJsonPatch(JsonPatch.replace('/spec/ingress/0/fromEntities/0', 'remote-node'));
      },
    });
    const message = synthError(app);
    expect(message).toContain('[declared-flow-denied] c/operator: app flow entity:kube-apiserver -> ops/operator on TCP/9443 is invalid: '
      + 'the synthesized NetworkPolicies deny it: entity:kube-apiserver -> ops/Deployment/operator on TCP 9443 (no CiliumNetworkPolicy allows it)');
    expect(message).toContain('[undeclared-flow]');
    expect(message).toContain('entity:remote-node -> ops/Deployment/operator on TCP 9443');
  });
});

describe('more than one port per WebApp', () => {
  test('named container and Service ports; the metrics shortcut declares the scrape flow', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    const api = new WebApp(chart, 'api', {
      namespace: ns, image: 'a:1', containerPort: 8080, ports: [{ name: 'grpc', port: 9090, servicePort: 90 }],
      metrics: { port: 9102, scrapedBy: Peer.pods(PROMETHEUS) },
    });
    const web = new WebApp(chart, 'web', { namespace: ns, image: 'a:1', containerPort: 3000 });
    api.allowFrom(web, { ports: [Port.named('grpc')] });
    const { objects } = synth(app);
    expect(find(objects, 'Deployment', 'api').spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'grpc' }, { containerPort: 9102, name: 'metrics' },
    ]);
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 90, targetPort: 9090 }, { name: 'metrics', port: 9102, targetPort: 9102 },
    ]);
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([{ port: 80, targetPort: 3000 }]);
    expect(find(objects, 'NetworkPolicy', 'allow-monitoring-prometheus-to-api').spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 9102 }] }],
    });
    const r = report(app);
    expect(r.flows).toContainEqual(expect.objectContaining({ from: 'shop/Deployment/web', to: 'shop/Deployment/api', ports: ['TCP 9090'] }));
    expect(r.flows).toContainEqual(expect.objectContaining({ to: 'shop/Deployment/api', ports: ['TCP 9102'], declared: ['app'] }));
  });

  test('port names and numbers are checked', () => {
    const make = (props: object) => () => new WebApp(new Chart(testApp(), 'c'), 'api', { namespace: 'shop', image: 'a:1', containerPort: 8080, ...props });
    expect(make({ ports: [{ name: 'http', port: 9000 }] })).toThrow('c/api: ports[0].name "http" is invalid: is already used by containerPort (the main port is named "http")');
    expect(make({ ports: [{ name: 'grpc', port: 8080 }] })).toThrow('c/api: ports[0].port 8080 is invalid: is already used by containerPort');
    expect(make({ ports: [{ name: 'Bad_Name', port: 9000 }] })).toThrow('c/api: ports[0].name "Bad_Name" is invalid');
    expect(make({ ports: [{ name: 'grpc', port: 9000 }], metrics: { port: 9000, scrapedBy: Peer.pods(PROMETHEUS) } }))
      .toThrow('c/api: metrics.port 9000 is invalid: is already used by ports[0]');
    expect(make({ ports: [{ name: 'a', port: 9000, servicePort: 80 }] })).toThrow('c/api: ports[0].servicePort 80 is invalid: is already used by servicePort');
  });
});

describe('the Cilium reading of the evaluator', () => {
  const groups: PodGroup[] = [
    { id: 'shop/Deployment/api', namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }] },
    { id: 'kube-system/Peer/dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  ];
  const policy = (spec: object) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec });

  test('entities, names and pods, with ports; namespaces from the Cilium label; named ports resolved', () => {
    const read = ciliumAllows([policy({
      endpointSelector: { matchLabels: { app: 'api' } },
      egress: [
        { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }] },
        { toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns' } }] },
        { toFQDNs: [{ matchPattern: '*.Example.com.' }], toPorts: [{ ports: [{ port: '8000', endPort: 8010, protocol: 'TCP' }] }] },
      ],
      ingress: [{ fromEntities: ['remote-node'], toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] }],
    })], groups);
    expect(read.unsupported).toEqual([]);
    expect(read.allows).toEqual([
      { policy: 'shop/p', direction: 'egress', group: 'shop/Deployment/api', peer: 'kube-system/Peer/dns', peerIsPod: true,
        ports: [{ protocol: 'TCP', from: 53, to: 53 }, { protocol: 'UDP', from: 53, to: 53 }, { protocol: 'SCTP', from: 53, to: 53 }] },
      { policy: 'shop/p', direction: 'egress', group: 'shop/Deployment/api', peer: 'fqdn:*.example.com', peerIsPod: false, ports: [{ protocol: 'TCP', from: 8000, to: 8010 }] },
      { policy: 'shop/p', direction: 'ingress', group: 'shop/Deployment/api', peer: 'entity:remote-node', peerIsPod: false, ports: [{ protocol: 'TCP', from: 8080, to: 8080 }] },
    ]);
  });

  test('a rule with ports and no peer allows every group and every address; {} and an explicitly empty peer list allow nothing', () => {
    const read = ciliumAllows([policy({
      endpointSelector: { matchLabels: { app: 'api' } },
      egress: [{ toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }, { port: '53', protocol: 'UDP' }] }] }, {}, { toEndpoints: [], toPorts: [{ ports: [{ port: '9' }] }] }],
      ingress: [{ toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] }],
    })], groups);
    expect(read.unsupported).toEqual([]);
    const everyPeerRule = 'spec.egress[0]';
    expect(read.allows).toEqual([
      { policy: 'shop/p', direction: 'egress', group: 'shop/Deployment/api', peer: 'shop/Deployment/api', peerIsPod: true, everyPeerRule,
        ports: [{ protocol: 'TCP', from: 8080, to: 8080 }, { protocol: 'UDP', from: 53, to: 53 }] },
      { policy: 'shop/p', direction: 'egress', group: 'shop/Deployment/api', peer: 'kube-system/Peer/dns', peerIsPod: true, everyPeerRule,
        ports: [{ protocol: 'UDP', from: 53, to: 53 }] },
      { policy: 'shop/p', direction: 'egress', group: 'shop/Deployment/api', peer: 'entity:world', peerIsPod: false, everyPeerRule,
        ports: [{ protocol: 'UDP', from: 53, to: 53 }] },
      ...['shop/Deployment/api', 'kube-system/Peer/dns', 'entity:world'].map((peer) => ({
        policy: 'shop/p', direction: 'ingress', group: 'shop/Deployment/api', peer, peerIsPod: peer !== 'entity:world', everyPeerRule: 'spec.ingress[0]',
        ports: [{ protocol: 'TCP', from: 8080, to: 8080 }],
      })),
    ]);
    expect(read.isolates.map((i) => `${i.direction} ${i.group}`)).toEqual(['ingress shop/Deployment/api', 'egress shop/Deployment/api']);
  });

  test('what it cannot read is reported, never taken for nothing', () => {
    const read = ciliumAllows([policy({ endpointSelector: {}, egress: [{ toEntities: ['cluster'] }, { toServices: [] }], egressDeny: [] })], groups);
    expect(read.unsupported.map((u) => u.field)).toEqual(['spec.egressDeny', 'spec.egress[0] entity cluster', 'spec.egress[1].toServices']);
  });
});

describe('the CiliumNetworkPolicy schema check is not vacuous', () => {
  const valid = {
    apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'shop' },
    spec: { endpointSelector: {}, egress: [{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] }] },
  };
  test.each([
    ['an unknown entity', { ...valid, spec: { ...valid.spec, egress: [{ toEntities: ['apiserver'] }] } }, 'must be equal to one of the allowed values'],
    ['a numeric port', { ...valid, spec: { ...valid.spec, egress: [{ toEntities: ['host'], toPorts: [{ ports: [{ port: 443 }] }] }] } }, 'must be string'],
    ['no selector', { ...valid, spec: { egress: valid.spec.egress } }, 'must match exactly one schema in oneOf'],
    ['no rules', { ...valid, spec: { endpointSelector: {} } }, 'must match a schema in anyOf'],
    ['a misspelt field', { ...valid, spec: { ...valid.spec, egress: [{ toFQDN: [{ matchName: 'a.example' }] }] } }, 'must NOT have additional properties'],
    ['a name with both forms', { ...valid, spec: { ...valid.spec, egress: [{ toFQDNs: [{ matchName: 'a.example', matchPattern: '*.example' }] }] } }, 'must match exactly one schema in oneOf'],
  ])('%s is refused', (_what, obj, message) => {
    expect(() => validateManifest(obj)).toThrow(message);
  });

  test('a valid one passes', () => {
    expect(() => validateManifest(valid)).not.toThrow();
  });
});

test('the skip annotation accepts a CiliumNetworkPolicy finding on that policy', () => {
  const s = shop(Cni.cilium());
  new ApiObject(s.chart, 'narrow', {
    apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy',
    metadata: { name: 'narrow', namespace: 'shop', annotations: { [SKIP_CHECKS_ANNOTATION]: 'cilium-policy-unverified' } },
    spec: { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toCIDR: ['198.51.100.0/24'] }] },
  });
  quiet();
  synth(s.app);
  expect(warnings(s.app).filter((w) => w.includes('cilium-policy-unverified'))).toEqual([]);
});

test('forbidInternetEgress counts a DNS name as the internet', () => {
  const s = shop(Cni.cilium());
  NetworkModel.of(s.app).forbidInternetEgress();
  expect(() => s.app.synth()).toThrow('shop/Deployment/api -> fqdn:api.stripe.com on TCP 443');
});
