/**
 * `IngressController.cilium()`: Cilium's own Ingress controller and Gateway API implementation. Its
 * Envoy reaches the backends as Cilium's reserved identity `ingress` (Cilium's "Ingress and
 * CiliumNetworkPolicy"), so each backend admits it with a CiliumNetworkPolicy `fromEntities: [ingress]`,
 * and a gateway whose class is Cilium's while its controller is another one is refused: the flows it
 * would declare from that controller's pods or addresses are dead. Every synthesized object is
 * schema-validated by test/util.ts (the CiliumNetworkPolicy against the schema from the upstream CRD).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import {
  ApiGateway, Cni, IngressController, NetworkModel, RoutingApi, Tls, WebApp, ZeroTrustNamespace,
} from '../lib';
import { gateway, ingressPaths, ownAnnotations, shop, theIngress } from './api-gateway.fixtures';
import type { Shop } from './api-gateway.fixtures';
import { find, ofKind, synth, synthError, testApp, validateManifest } from './util';

function ciliumShop(): Shop {
  const s = shop();
  NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
  return s;
}

function report(app: App): any {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
}

const INGRESS_RULE = (port: number) => ({ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }] });

describe('IngressController.cilium() with Ingress output', () => {
  test('class cilium, force-https with TLS, and a CiliumNetworkPolicy from the ingress entity to each backend and the solver', () => {
    const s = ciliumShop();
    const gw = gateway(s, { controller: IngressController.cilium() });
    gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
    gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
    gw.addRoute({ host: 'jobs.example.com', backend: s.worker });
    const { objects } = synth(s.app);

    const ingress = theIngress(objects);
    expect(ingress.spec.ingressClassName).toBe('cilium');
    expect(ownAnnotations(ingress)).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod', 'ingress.cilium.io/force-https': 'enabled' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com', 'jobs.example.com'], secretName: 'gateway-tls' }]);
    expect(ingressPaths(ingress)).toEqual([
      ['app.example.com', '/api', 'Prefix', 'api', 80],
      ['app.example.com', '/', 'Prefix', 'frontend', 80],
      ['jobs.example.com', '/', 'Prefix', 'worker', 80],
    ]);
    expect(gw.controllerName).toBe('cilium-ingress');

    const cnps = ofKind(objects, 'CiliumNetworkPolicy');
    for (const o of cnps) expect(() => validateManifest(o)).not.toThrow();
    expect(cnps.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual([
      'production/allow-cilium-ingress-to-acme-http01-solver', 'production/allow-cilium-ingress-to-api', 'production/allow-cilium-ingress-to-frontend',
      'production/allow-cilium-ingress-to-worker',
    ]);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-cilium-ingress-to-api', 'production').spec)
      .toEqual({ endpointSelector: { matchLabels: { app: 'api' } }, ingress: [INGRESS_RULE(3000)] });
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-cilium-ingress-to-worker', 'production').spec)
      .toEqual({ endpointSelector: { matchLabels: { app: 'worker' } }, ingress: [INGRESS_RULE(9090)] });
    // cert-manager's HTTP-01 solver Ingress is served by the same Envoy: the solver pods admit the entity on 8089.
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-cilium-ingress-to-acme-http01-solver', 'production').spec).toEqual({
      endpointSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } }, ingress: [INGRESS_RULE(8089)],
    });
    // No standard policy tries to name the controller: none could match the ingress identity.
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).filter((n) => n.includes('cilium'))).toEqual([]);
  });

  test('the report and its verification show each flow allowed from entity:ingress', () => {
    const s = ciliumShop();
    const gw = gateway(s, {
      controller: IngressController.cilium(), tls: Tls.secret('shop-tls'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'cilium' } }),
    });
    gw.addRoute({ host: 'app.example.com', backend: s.frontend });
    gw.addRoute({ host: 'pay.example.com', backend: s.ledger });
    const { objects } = synth(s.app);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-cilium-ingress-to-ledger', 'payments').spec)
      .toEqual({ endpointSelector: { matchLabels: { app: 'ledger' } }, ingress: [INGRESS_RULE(9000)] });
    const r = report(s.app);
    expect(r.endpoints).toContainEqual({ id: 'entity:ingress', type: 'entity', name: 'ingress' });
    const fromIngress = r.flows.filter((f: any) => f.from === 'entity:ingress').map((f: any) => ({
      to: f.to, ports: f.ports, allowedBy: f.allowedBy, declared: f.declared, policyKind: f.policyKind,
    }));
    expect(fromIngress).toEqual([
      {
        to: 'payments/Deployment/ledger', ports: ['TCP 9000'], allowedBy: ['payments/allow-cilium-ingress-to-ledger'],
        declared: ['gateway'], policyKind: 'CiliumNetworkPolicy',
      },
      {
        to: 'production/Deployment/frontend', ports: ['TCP 8080'], allowedBy: ['production/allow-cilium-ingress-to-frontend'],
        declared: ['gateway'], policyKind: 'CiliumNetworkPolicy',
      },
    ]);
    expect(r.flows.filter((f: any) => f.declared.length === 0)).toEqual([]);
    expect(r.findings).toEqual([]);
    const md = fs.readFileSync(path.join(s.app.outdir, 'network-report.md'), 'utf8');
    expect(md).toContain('| ingress (entity) | frontend | TCP 8080 | allow-cilium-ingress-to-frontend | CiliumNetworkPolicy | gateway |');
  });

  test('a CiliumNetworkPolicy that no longer admits the entity leaves the route dead: synth fails', () => {
    const s = ciliumShop();
    gateway(s, { controller: IngressController.cilium(), tls: Tls.secret('shop-tls') }).addRoute({ host: 'app.example.com', backend: s.frontend });
    NetworkModel.of(s.app).addSynthStep({
      name: 'tamper', phase: 'annotate' as any,
      run: () => {
        const obj = s.app.node.findAll().find((c) => c instanceof ApiObject && (c as ApiObject).name === 'allow-cilium-ingress-to-frontend') as ApiObject;
        obj.addJsonPatch(JsonPatch.replace('/spec/ingress/0/fromEntities/0', 'host'));
      },
    });
    const message = synthError(s.app);
    expect(message).toContain('[declared-flow-denied]');
    expect(message).toContain('entity:ingress -> production/Deployment/frontend on TCP 8080 (no CiliumNetworkPolicy allows it)');
  });

  test('Tls.none: no redirect annotation; options name the class and the policies', () => {
    const s = ciliumShop();
    gateway(s, { controller: IngressController.cilium({ className: 'cilium-internal', name: 'edge' }), tls: Tls.none() })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const { objects } = synth(s.app);
    const ingress = theIngress(objects);
    expect(ingress.spec.ingressClassName).toBe('cilium-internal');
    expect(ownAnnotations(ingress)).toEqual({});
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-edge-to-frontend', 'production').spec.ingress).toEqual([INGRESS_RULE(8080)]);
  });

  test.each([
    ['maxRequestBodySize', { maxRequestBodySize: Size.mebibytes(8) }, '"8m"'],
    ['cors', { cors: { allowOrigins: ['*'] } }, '{"allowOrigins":["*"]}'],
    ['sourceAllowlist', { sourceAllowlist: ['10.0.0.0/8'] }, '["10.0.0.0/8"]'],
  ])('%s is an error naming Cilium', (feature, props, value) => {
    const s = ciliumShop();
    expect(() => gateway(s, { controller: IngressController.cilium(), ...props })).toThrow(
      `test/gateway: ${feature} ${value} is invalid: controller cilium-ingress (Cilium) cannot express ${feature}: Cilium's Ingress has no `
      + 'annotation for it; use RoutingApi.httpRoute() with Cilium\'s Gateway API support, or Envoy settings of the cluster (CiliumEnvoyConfig)');
  });

  test('rewriteTarget and ACM are refused', () => {
    const s = ciliumShop();
    const gw = gateway(s, { controller: IngressController.cilium() });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' })).toThrow(
      'test/gateway: rewriteTarget "/" is invalid: controller cilium-ingress cannot express rewriteTarget: Cilium\'s Ingress has no path '
      + 'rewrite annotation; use RoutingApi.httpRoute(), whose URLRewrite filter Cilium\'s Gateway API support implements');
    expect(() => gateway(s, { controller: IngressController.cilium(), tls: Tls.acm() }, 'acm')).toThrow(
      'test/acm: tls "Tls.acm()" is invalid: cilium-ingress serves certificates from Secrets, not ACM; use Tls.secret() or Tls.certManager()');
  });

  test.each([
    ['name', { name: 'Edge' }, 'controller name "Edge" is invalid'],
    ['className', { className: 'Cilium' }, 'controller className "Cilium" is invalid'],
    ['gatewayClassName', { gatewayClassName: 'x_y' }, 'controller gatewayClassName "x_y" is invalid'],
  ])('a bad %s is refused with the gateway path', (_f, options, text) => {
    const s = ciliumShop();
    expect(() => gateway(s, { controller: IngressController.cilium(options) })).toThrow(`test/gateway: ${text}`);
  });
});

describe('IngressController.cilium() with Gateway API output', () => {
  test('a created Gateway of class cilium; the routes\' flows are CiliumNetworkPolicies from the ingress entity', () => {
    const s = ciliumShop();
    gateway(s, {
      controller: IngressController.cilium(), tls: Tls.secret('shop-tls'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'cilium' } }),
      routes: [{ host: 'shop.example.com', backend: s.frontend }],
    });
    const { objects } = synth(s.app);
    expect(find(objects, 'Gateway', 'public', 'production').spec.gatewayClassName).toBe('cilium');
    expect(ofKind(objects, 'CiliumNetworkPolicy').map((p) => p.metadata.name)).toEqual(['allow-cilium-ingress-to-frontend']);
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-cilium-ingress-to-frontend', 'production').spec.ingress).toEqual([INGRESS_RULE(8080)]);
    expect(report(s.app).flows).toContainEqual(expect.objectContaining({
      from: 'entity:ingress', to: 'production/Deployment/frontend', policyKind: 'CiliumNetworkPolicy', declared: ['gateway'],
    }));
  });

  test('a created Gateway of another class is refused: another implementation would serve it', () => {
    const s = ciliumShop();
    expect(() => gateway(s, {
      controller: IngressController.cilium(), tls: Tls.secret('shop-tls'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'eg' } }),
    })).toThrow('test/gateway: api createGateway.gatewayClassName "eg" is invalid: is not the GatewayClass of controller cilium-ingress '
      + '(Cilium), "cilium": another implementation would serve the Gateway, from pods or addresses the CiliumNetworkPolicies from Cilium\'s '
      + '"ingress" identity do not admit, so the flows the gateway declares would be dead behind default-deny; give '
      + 'IngressController.cilium({ gatewayClassName }) the class of your Cilium GatewayClass, or choose the controller that serves "eg"');
    // With its own GatewayClass named, it is fine.
    gateway(s, {
      controller: IngressController.cilium({ gatewayClassName: 'eg' }), tls: Tls.secret('shop-tls'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'eg' } }),
    }, 'own-class');
  });
});

describe('on a CNI other than Cilium', () => {
  test.each([
    ['generic', undefined, 'Cni.generic()'],
    ['flannel', Cni.flannel(), 'Cni.flannel()'],
  ])('%s: synth fails with a line per flow that says to choose Cni.cilium()', (_n, cni, text) => {
    const s = shop();
    if (cni) NetworkModel.of(s.app).configure({ cni });
    const gw = gateway(s, { controller: IngressController.cilium() });
    gw.addRoute({ host: 'app.example.com', backend: s.frontend });
    gw.addRoute({ host: 'jobs.example.com', backend: s.worker });
    const why = (field: string) => `test/gateway: ${field} IngressController.cilium() is invalid: Cilium's Ingress and Gateway API proxy reaches `
      + 'the backends as Cilium\'s reserved identity "ingress", which no NetworkPolicy peer (pods, namespaces, ipBlocks) matches and only a '
      + `CiliumNetworkPolicy can admit (fromEntities: [ingress]), and the chosen CNI (${text}) renders none; Cilium's Ingress runs only on `
      + 'Cilium: choose NetworkModel.of(app).configure({ cni: Cni.cilium() }), or the controller that serves the routes '
      + '(IngressController.nginx(), .traefik(), .custom())';
    // The flows in their sorted order: the solver (tls), then the backends (addRoute).
    expect(synthError(s.app).split('\n')).toEqual([why('tls'), why('addRoute'), why('addRoute')]);
  });
});

describe('a gateway whose class is Cilium\'s with another controller', () => {
  const cilium = (extra: string) => 'Cilium\'s own Ingress and Gateway API proxy, its per-node Envoy, reaches the backends as Cilium\'s reserved '
    + `identity "ingress", not from the pods or addresses of controller ${extra}, so the flows the gateway declares would be dead behind `
    + 'default-deny; use IngressController.cilium()';

  test('the probe: a custom controller naming cilium-envoy pods with a created Gateway of class cilium', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:2.0.0', containerPort: 8080 });
    expect(() => new ApiGateway(chart, 'gateway', {
      namespace: prod,
      controller: IngressController.custom({ name: 'cilium-gateway', pods: { namespace: 'kube-system', labels: { 'k8s-app': 'cilium-envoy' } } }),
      tls: Tls.secret('shop-tls'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'cilium' } }),
      routes: [{ host: 'shop.example.com', backend: web }],
    })).toThrow('shop/gateway: api createGateway.gatewayClassName "cilium" is invalid: is the GatewayClass of Cilium\'s Gateway API '
      + `implementation: ${cilium('cilium-gateway')}`);
  });

  test.each([
    ['custom', IngressController.custom({ name: 'envoy', className: 'cilium', pods: { namespace: 'kube-system', labels: { 'k8s-app': 'cilium-envoy' } } }), 'envoy'],
    ['nginx', IngressController.nginx({ className: 'cilium' }), 'ingress-nginx'],
  ])('%s with IngressClass cilium is refused', (_n, controller, name) => {
    const s = ciliumShop();
    expect(() => gateway(s, { controller })).toThrow(
      `test/gateway: controller className "cilium" is invalid: is the IngressClass of Cilium's Ingress controller: ${cilium(name)}`);
  });

  test('another class, or an existing Gateway whose class is unknown, is accepted', () => {
    const s = ciliumShop();
    gateway(s, { controller: IngressController.nginx() }, 'a').addRoute({ host: 'a.example.com', backend: s.frontend });
    gateway(s, {
      controller: IngressController.custom({ name: 'eg', pods: { namespace: 'envoy-gateway-system', labels: { app: 'envoy' } } }), tls: Tls.secret('t'),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' } }),
    }, 'b').addRoute({ host: 'b.example.com', backend: s.frontend });
    expect(() => synth(s.app)).not.toThrow();
  });
});
