/**
 * Gateway API output: one gateway.networking.k8s.io/v1 HTTPRoute per host, a redirect HTTPRoute on
 * the plain-HTTP listener when TLS is on, URLRewrite for rewrites, a v1beta1 ReferenceGrant for
 * backends in other namespaces, and optionally the Gateway itself. Every object is validated
 * against the Gateway API schema (@kubernetes-models/gateway-api) by `synth`.
 */
import { Size } from 'cdk8s';
import { Backend, IngressController, PathType, RoutingApi, Tls } from '../lib';
import { find, gateway, objectsOf, ofKind, ownAnnotations, shop } from './api-gateway.fixtures';

const envoy = () => IngressController.custom({
  name: 'envoy-gateway', pods: { namespace: 'envoy-gateway-system', labels: { 'gateway.envoyproxy.io/owning-gateway-name': 'shared' } },
});

describe('HTTPRoutes attached to an existing Gateway, TLS on', () => {
  const s = shop();
  const gw = gateway(s, {
    controller: envoy(),
    tls: Tls.secret('shared-tls'),
    api: RoutingApi.httpRoute({ gateway: { name: 'shared', namespace: 'infra' } }),
  });
  gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
  gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' });
  gw.addRoute({ host: 'app.example.com', path: '/v1', pathType: PathType.EXACT, backend: s.api, rewriteTarget: '/v1/index' });
  gw.addRoute({ host: 'app.example.com', path: '/static', backend: s.frontend });
  gw.addRoute({ host: 'admin.example.com', path: '/', backend: s.api });
  const objects = objectsOf(s);
  const route = find(objects, 'HTTPRoute', 'gateway-app.example.com', 'production');

  test('no Ingress; one HTTPRoute per host and one redirect route per host', () => {
    expect(ofKind(objects, 'Ingress')).toEqual([]);
    expect(ofKind(objects, 'HTTPRoute').map((r) => r.metadata.name).sort()).toEqual([
      'gateway-admin.example.com', 'gateway-app.example.com', 'gateway-redirect-admin.example.com', 'gateway-redirect-app.example.com',
    ]);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.hostnames).toEqual(['app.example.com']);
  });

  test('content routes attach to the https listener of the Gateway in its namespace', () => {
    expect(route.spec.parentRefs).toEqual([{ name: 'shared', namespace: 'infra', sectionName: 'https' }]);
  });

  test('rules: most specific first, PathPrefix/Exact, URLRewrite per rewritten route, shared rules per backend', () => {
    expect(route.spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/static' } }, { path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'frontend', port: 80 }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
        backendRefs: [{ name: 'api', port: 80 }],
      },
      {
        matches: [{ path: { type: 'Exact', value: '/v1' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/v1/index' } } }],
        backendRefs: [{ name: 'api', port: 80 }],
      },
    ]);
  });

  test('HTTP->HTTPS: a separate route on the http listener with only a RequestRedirect', () => {
    const redirect = find(objects, 'HTTPRoute', 'gateway-redirect-app.example.com', 'production');
    expect(redirect.spec).toEqual({
      parentRefs: [{ name: 'shared', namespace: 'infra', sectionName: 'http' }],
      hostnames: ['app.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('no Gateway is emitted for an existing one', () => {
    expect(ofKind(objects, 'Gateway')).toEqual([]);
    expect(gw.gateway).toBeUndefined();
    expect(gw.ingress).toBeUndefined();
  });
});

describe('Gateway API details', () => {
  test('a backend in another namespace: backendRefs namespace and a ReferenceGrant there', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'shared', namespace: 'infra', sectionName: 'web' } }) });
    gw.addRoute({ host: 'pay.example.com', path: '/ledger', backend: s.ledger });
    gw.addRoute({ host: 'pay.example.com', path: '/', backend: s.frontend });
    const objects = objectsOf(s);
    const route = find(objects, 'HTTPRoute', 'gateway-pay.example.com', 'production');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'ledger', namespace: 'payments', port: 80 }]);
    expect(route.spec.parentRefs).toEqual([{ name: 'shared', namespace: 'infra', sectionName: 'web' }]);
    const grant = find(objects, 'ReferenceGrant', 'gateway-from-production', 'payments');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'production' }],
      to: [{ group: '', kind: 'Service', name: 'ledger' }],
    });
    // TLS off: no redirect route.
    expect(ofKind(objects, 'HTTPRoute')).toHaveLength(1);
  });

  test('Tls.none with an existing Gateway and no sectionName: attach to every listener', () => {
    const s = shop();
    gateway(s, { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }) })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    expect(find(objectsOf(s), 'HTTPRoute', 'gateway-app.example.com').spec.parentRefs).toEqual([{ name: 'shared' }]);
  });

  test('createGateway with cert-manager: the Gateway with an HTTP listener and one HTTPS listener per host', () => {
    const s = shop();
    const gw = gateway(s, {
      controller: envoy(),
      tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }),
      api: RoutingApi.httpRoute({ gateway: { name: 'shop' }, createGateway: { gatewayClassName: 'eg' } }),
      annotations: { 'example.com/owner': 'team-shop' },
    });
    gw.addRoute({ host: 'shop.example.com', backend: s.frontend });
    gw.addRoute({ host: '*.shop.example.com', backend: s.api });
    const objects = objectsOf(s);
    const g = find(objects, 'Gateway', 'shop', 'production');
    expect(g.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(ownAnnotations(g)).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    const allowedRoutes = { namespaces: { from: 'Same' } };
    const https = (host: string, name: string) => ({
      name, hostname: host, port: 443, protocol: 'HTTPS', allowedRoutes,
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: 'shop-tls' }] },
    });
    expect(g.spec).toEqual({
      gatewayClassName: 'eg',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes },
        https('*.shop.example.com', 'https-wildcard.shop.example.com'),
        https('shop.example.com', 'https-shop.example.com'),
      ],
    });
    // Each host's route attaches to its own listener; redirects to `http`; raw annotations go on routes.
    const route = find(objects, 'HTTPRoute', 'gateway-wildcard.shop.example.com');
    expect(route.spec.parentRefs).toEqual([{ name: 'shop', sectionName: 'https-wildcard.shop.example.com' }]);
    expect(route.spec.hostnames).toEqual(['*.shop.example.com']);
    expect(ownAnnotations(route)).toEqual({ 'example.com/owner': 'team-shop' });
    expect(find(objects, 'HTTPRoute', 'gateway-redirect-shop.example.com').spec.parentRefs).toEqual([{ name: 'shop', sectionName: 'http' }]);
    expect(gw.gateway).toBeDefined();
  });

  test('a created Gateway in another namespace admits only the routes\' namespace', () => {
    const s = shop();
    gateway(s, {
      controller: envoy(), tls: Tls.secret('edge-cert'),
      api: RoutingApi.httpRoute({ gateway: { name: 'edge', namespace: 'infra' }, createGateway: { gatewayClassName: 'eg' } }),
    }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const g = find(objectsOf(s), 'Gateway', 'edge', 'infra');
    for (const l of g.spec.listeners) {
      expect(l.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } } });
    }
    expect(g.spec.listeners[1].tls.certificateRefs).toEqual([{ kind: 'Secret', group: '', name: 'edge-cert' }]);
    expect(ownAnnotations(g)).toEqual({});
  });

  test('a created Gateway without TLS: only the http listener, routes attach to it, no redirects', () => {
    const s = shop();
    gateway(s, { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'plain' }, createGateway: { gatewayClassName: 'eg' } }) })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    expect(find(objects, 'Gateway', 'plain').spec.listeners).toEqual([{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }]);
    expect(ofKind(objects, 'HTTPRoute').map((r) => r.spec.parentRefs)).toEqual([[{ name: 'plain', sectionName: 'http' }]]);
  });
});

describe('Gateway API refusals', () => {
  const api = RoutingApi.httpRoute({ gateway: { name: 'shared' } });

  test('ImplementationSpecific paths have no portable match', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api/.*', pathType: PathType.IMPLEMENTATION_SPECIFIC, backend: s.api }))
      .toThrow('test/gateway: addRoute pathType "ImplementationSpecific" is invalid: has no portable Gateway API match; use Prefix or Exact with RoutingApi.httpRoute()');
  });

  test('backendRefs need a port number', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api });
    expect(() => gw.addRoute({ host: 'app.example.com', backend: Backend.service('legacy', 'http') }))
      .toThrow('test/gateway: addRoute backend port "http" is invalid: must be a number: Gateway API backendRefs name Service ports by number');
  });

  test('typed proxy features are errors naming the Gateway API output', () => {
    expect(() => gateway(shop(), { controller: envoy(), tls: Tls.none(), api, maxRequestBodySize: Size.mebibytes(1) }))
      .toThrow('test/gateway: maxRequestBodySize "1m" is invalid: Gateway API output (HTTPRoute) cannot express maxRequestBodySize: the standard HTTPRoute has no field for it');
    expect(() => gateway(shop(), { controller: envoy(), tls: Tls.none(), api, sourceAllowlist: ['10.0.0.0/8'] }))
      .toThrow('test/gateway: sourceAllowlist ["10.0.0.0/8"] is invalid: Gateway API output (HTTPRoute) cannot express sourceAllowlist');
  });

  test('TLS that a Gateway cannot carry', () => {
    expect(() => gateway(shop(), { controller: envoy(), tls: Tls.acm(), api }))
      .toThrow('test/gateway: tls "Tls.acm()" is invalid: ACM certificates are for the AWS Load Balancer Controller\'s Ingress');
    expect(() => gateway(shop(), { controller: envoy(), api }))
      .toThrow('test/gateway: tls "Tls.certManager()" is invalid: cert-manager reads its issuer annotation from the Gateway, which this gateway does not create; set createGateway');
  });

  test('listener names: not with createGateway, and https differs from http', () => {
    expect(() => gateway(shop(), {
      controller: envoy(), tls: Tls.secret('x'),
      api: RoutingApi.httpRoute({ gateway: { name: 'g', sectionName: 'https' }, createGateway: { gatewayClassName: 'eg' } }),
    })).toThrow('test/gateway: api gateway.sectionName "https" is invalid: must not be set with createGateway');
    expect(() => gateway(shop(), {
      controller: envoy(), tls: Tls.secret('x'), api: RoutingApi.httpRoute({ gateway: { name: 'g', sectionName: 'web', httpSectionName: 'web' } }),
    })).toThrow('test/gateway: api gateway.sectionName "web" is invalid: must differ from httpSectionName');
    expect(() => gateway(shop(), { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'Shared' } }) }))
      .toThrow('test/gateway: api gateway.name "Shared" is invalid: must be a DNS-1123 subdomain');
    expect(() => gateway(shop(), {
      controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'g' }, createGateway: { gatewayClassName: 'EG' } }),
    })).toThrow('test/gateway: api createGateway.gatewayClassName "EG" is invalid: must be a DNS-1123 subdomain');
  });

  test('a created Gateway holds at most 64 listeners: http and 63 HTTPS hosts', () => {
    const s = shop();
    const gw = gateway(s, {
      controller: envoy(), tls: Tls.secret('x'), api: RoutingApi.httpRoute({ gateway: { name: 'g' }, createGateway: { gatewayClassName: 'eg' } }),
    });
    for (let i = 0; i < 63; i++) gw.addRoute({ host: `h${i}.example.com`, backend: s.frontend });
    expect(() => gw.addRoute({ host: 'h63.example.com', backend: s.frontend }))
      .toThrow('test/gateway: addRoute host "h63.example.com" is invalid: would give the created Gateway more than 64 listeners (one HTTPS listener per host)');
    expect(find(objectsOf(s), 'Gateway', 'g').spec.listeners).toHaveLength(64);
  });

  test('a host needing more than 16 rules', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api });
    gw.addRoute({ host: 'app.example.com', path: '/plain', backend: s.frontend });
    for (let i = 0; i < 15; i++) gw.addRoute({ host: 'app.example.com', path: `/r${i}`, backend: s.api, rewriteTarget: '/' });
    // Routes to one backend without a rewrite share a rule, so this one does not count ...
    gw.addRoute({ host: 'app.example.com', path: '/plain2', backend: s.frontend });
    // ... but a 16th rewritten route needs a 17th rule.
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/r15', backend: s.api, rewriteTarget: '/' }))
      .toThrow('test/gateway: addRoute path "/r15" is invalid: would make host app.example.com need 17 HTTPRoute rules; Gateway API allows 16 per HTTPRoute');
  });

  test('a path with characters an HTTPRoute match refuses', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api });
    for (const path of ['/docs#intro', '/search?q', '/caf\u00e9', '/a%zz', '/[v1]']) {
      expect(() => gw.addRoute({ host: 'app.example.com', path, backend: s.api })).toThrow(`test/gateway: addRoute path ${JSON.stringify(path).replace(/[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)} is invalid: must only contain the characters an HTTPRoute path match allows: letters, `
        + 'digits, "-/._~!$&\'()*+,;=:@" and %XX escapes (no "#", "?", spaces or non-ASCII: percent-encode them)');
    }
    gw.addRoute({ host: 'app.example.com', path: '/caf%C3%A9/v1.0/@me', backend: s.api });
  });

  test('a path longer than an HTTPRoute match holds', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api });
    const path = `/${'a'.repeat(1024)}`;
    expect(() => gw.addRoute({ host: 'app.example.com', path, backend: s.api }))
      .toThrow(`test/gateway: addRoute path "${path}" is invalid: must be at most 1024 characters: the longest HTTPRoute path match, got 1025`);
  });
});

describe('many paths to one backend', () => {
  test('take a new rule every 8 paths (the most matches a rule holds), the rules counting towards the 16', () => {
    const s = shop();
    const gw = gateway(s, { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }) });
    for (let i = 0; i < 17; i++) gw.addRoute({ host: 'app.example.com', path: `/p${String(i).padStart(2, '0')}`, backend: s.api });
    const rules = find(objectsOf(s), 'HTTPRoute', 'gateway-app.example.com', 'production').spec.rules;
    expect(rules.map((r: any) => r.matches.length)).toEqual([8, 8, 1]);
    expect(rules.flatMap((r: any) => r.matches.map((m: any) => m.path.value)).sort()).toEqual(Array.from({ length: 17 }, (_, i) => `/p${String(i).padStart(2, '0')}`));
    expect(new Set(rules.map((r: any) => JSON.stringify(r.backendRefs)))).toEqual(new Set([JSON.stringify([{ name: 'api', port: 80 }])]));

    const more = shop();
    const gw2 = gateway(more, { controller: envoy(), tls: Tls.none(), api: RoutingApi.httpRoute({ gateway: { name: 'shared' } }) });
    for (let i = 0; i < 17; i++) gw2.addRoute({ host: 'app.example.com', path: `/p${i}`, backend: more.api });
    for (let i = 0; i < 13; i++) gw2.addRoute({ host: 'app.example.com', path: `/r${i}`, backend: more.api, rewriteTarget: '/' });
    expect(() => gw2.addRoute({ host: 'app.example.com', path: '/r13', backend: more.api, rewriteTarget: '/' }))
      .toThrow('test/gateway: addRoute path "/r13" is invalid: would make host app.example.com need 17 HTTPRoute rules; Gateway API allows 16 per '
        + 'HTTPRoute (routes to one backend without a rewrite share a rule, 8 paths each)');
  });
});

describe('which controllers serve HTTPRoutes', () => {
  const api = RoutingApi.httpRoute({ gateway: { name: 'public', namespace: 'infra' } });
  const nginxRefusal = (name: string) => `test/gateway: api "RoutingApi.httpRoute()" is invalid: controller ${name} (ingress-nginx) implements the `
    + 'Ingress API only, not the Gateway API (NGINX Gateway Fabric is a separate project with its own proxy pods): no '
    + `${name} pod serves an HTTPRoute, so the flows the gateway declares from them would leave every route dead; use RoutingApi.ingress() with `
    + 'IngressController.nginx(), or for HTTPRoutes the controller of your Gateway API implementation: IngressController.traefik(), '
    + 'IngressController.cilium(), or IngressController.custom({ name, pods }) naming its proxy pods';

  test('ingress-nginx does not implement the Gateway API: an error, with an existing or a created Gateway, in-cluster or host-network', () => {
    expect(() => gateway(shop(), { controller: IngressController.nginx(), tls: Tls.secret('x'), api })).toThrow(nginxRefusal('ingress-nginx'));
    expect(() => gateway(shop(), {
      controller: IngressController.nginx({ name: 'edge', hostNetwork: true }), tls: Tls.none(),
      api: RoutingApi.httpRoute({ gateway: { name: 'public' }, createGateway: { gatewayClassName: 'nginx' } }),
    })).toThrow(nginxRefusal('edge'));
  });

  test('ingress-nginx still writes an Ingress', () => {
    const s = shop();
    gateway(s, { controller: IngressController.nginx(), tls: Tls.secret('x') }).addRoute({ host: 'app.example.com', backend: s.frontend });
    expect(find(objectsOf(s), 'Ingress', 'gateway', 'production').spec.ingressClassName).toBe('nginx');
  });

  test('the AWS Load Balancer Controller: its Gateway API targets are instances by default, so an error', () => {
    const alb = IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] });
    const refusal = 'test/gateway: api "RoutingApi.httpRoute()" is invalid: controller aws-alb (AWS Load Balancer Controller) reaches the '
      + 'backends from vpcCidrs only with IP targets, and its Gateway API support defaults to instance targets (the nodes\' NodePorts; it '
      + 'refuses ClusterIP Services there) unless a TargetGroupConfiguration sets targetType: ip, while the scheme, ACM certificates and '
      + 'target type of an ALB Gateway are LoadBalancerConfiguration and TargetGroupConfiguration resources, not the Ingress annotations '
      + 'awsAlb() writes; use RoutingApi.ingress() with IngressController.awsAlb(), or for HTTPRoutes on an ALB Gateway whose default '
      + 'TargetGroupConfiguration sets targetType: ip, IngressController.custom({ name, cidrs }) with the ALB\'s subnet CIDRs';
    expect(() => gateway(shop(), { controller: alb, tls: Tls.none(), api })).toThrow(refusal);
    // The refusal comes before the HTTPRoute output's own refusal of ACM.
    expect(() => gateway(shop(), { controller: alb, tls: Tls.acm(), api })).toThrow(refusal);
  });

  test('an ALB Gateway with IP targets: custom({ cidrs }), the flow from the ALB subnets', () => {
    const s = shop();
    gateway(s, { controller: IngressController.custom({ name: 'alb-gateway', cidrs: ['10.0.0.0/20'] }), tls: Tls.none(), api })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    expect(find(objects, 'HTTPRoute', 'gateway-app.example.com', 'production').spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'frontend', port: 80 }] },
    ]);
    expect(find(objects, 'NetworkPolicy', 'allow-alb-gateway-to-frontend', 'production').spec.ingress)
      .toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/20' } }], ports: [{ port: 8080 }] }]);
  });

  test('Traefik serves HTTPRoutes from its own pods: the flow is from them', () => {
    const s = shop();
    gateway(s, { controller: IngressController.traefik(), tls: Tls.secret('x'), api }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    expect(find(objects, 'HTTPRoute', 'gateway-app.example.com', 'production').spec.parentRefs)
      .toEqual([{ name: 'public', namespace: 'infra', sectionName: 'https' }]);
    expect(find(objects, 'NetworkPolicy', 'allow-traefik-to-frontend', 'production').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
      }],
      ports: [{ port: 8080 }],
    }]);
  });
});
