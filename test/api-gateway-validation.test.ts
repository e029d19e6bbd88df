/**
 * Every validation rule of ApiGateway, each with a failing input and the exact message:
 * `<construct path>: <field> <value> is invalid: <rule>`. Rules mirror the API server's Ingress
 * validation, ingress-nginx's strict path validation, cert-manager, and what a controller accepts.
 */
import { Size } from 'cdk8s';
import type { RouteOptions } from '../lib';
import { ApiGateway, Backend, IngressController, Tls, WebApp, PathType } from '../lib';
import { gateway, objectsOf, shop } from './api-gateway.fixtures';
import { expectWarnings } from './util';

/** Adds one route to a fresh nginx gateway and returns the error message. */
function routeError(route: (s: ReturnType<typeof shop>) => Partial<RouteOptions>, props = {}): string {
  const s = shop();
  const gw = gateway(s, props);
  try {
    gw.addRoute({ host: 'app.example.com', backend: s.frontend, ...route(s) } as RouteOptions);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('hosts: DNS names, not IPs; a wildcard only as one leading "*." label', () => {
  test.each([
    ['10.0.0.1', 'must be a DNS name, not an IP address'],
    ['2001:db8::1', 'must be a DNS name, not an IP address'],
    ['[2001:db8::1]', 'must be a DNS name, not an IP address'],
    ['app.example.com:443', 'must not contain a port: hosts match the HTTP Host header without it'],
    ['*', 'may contain a wildcard only as one whole leading "*." label, e.g. "*.example.com"'],
    ['app.*.example.com', 'may contain a wildcard only as one whole leading "*." label, e.g. "*.example.com"'],
    ['*app.example.com', 'may contain a wildcard only as one whole leading "*." label, e.g. "*.example.com"'],
    ['*.*.example.com', 'may contain a wildcard only as one whole leading "*." label, e.g. "*.example.com"'],
    ['*.Example.com', 'must be "*." followed by a DNS name, and "Example.com" must be a DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and "-"'],
    ['App.example.com', 'must be a DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and "-"'],
    ['app.example.com.', 'must be a DNS-1123 subdomain: dot-separated labels of lowercase letters, digits and "-"'],
    ['', 'must be a non-empty DNS name such as "app.example.com"'],
  ])('%j', (host, rule) => {
    expect(routeError(() => ({ host }))).toBe(`test/gateway: addRoute host ${JSON.stringify(host)} is invalid: ${rule}`);
  });

  test('a wildcard host is accepted', () => {
    const s = shop();
    gateway(s).addRoute({ host: '*.example.com', backend: s.frontend });
    expect(objectsOf(s).find((o) => o.kind === 'Ingress').spec.rules[0].host).toBe('*.example.com');
  });
});

describe('paths: what the API server accepts for Exact and Prefix', () => {
  test.each([
    ['api', 'Prefix', 'must start with "/"'],
    ['/a//b', 'Prefix', 'must not contain "//" (Prefix paths are normalized)'],
    ['/a/./b', 'Exact', 'must not contain "/./" (Exact paths are normalized)'],
    ['/a/../b', 'Prefix', 'must not contain "/../" (Prefix paths are normalized)'],
    ['/a%2fb', 'Prefix', 'must not contain an encoded slash "%2f" or "%2F"'],
    ['/a%2Fb', 'Exact', 'must not contain an encoded slash "%2f" or "%2F"'],
    ['/a/.', 'Prefix', 'must not end with "/." or "/.."'],
    ['/a/..', 'Exact', 'must not end with "/." or "/.."'],
    ['/a b', 'Prefix', 'must not contain whitespace'],
    ['api/.*', 'ImplementationSpecific', 'must start with "/"'],
  ])('%j (%s)', (path, pathType, rule) => {
    // Traefik: only the API server's rules apply, not ingress-nginx's strict validation.
    expect(routeError(() => ({ path, pathType: pathType as any }), { controller: IngressController.traefik() }))
      .toBe(`test/gateway: addRoute path ${JSON.stringify(path)} is invalid: ${rule}`);
  });

  test('an unknown pathType', () => {
    expect(routeError(() => ({ path: '/api', pathType: 'Regex' as any })))
      .toBe('test/gateway: addRoute pathType "Regex" is invalid: must be one of "Prefix", "Exact", "ImplementationSpecific"');
  });
});

describe('ingress-nginx strict path validation (v1.12+)', () => {
  const rule = 'must only contain letters, digits, "/", "_" and "-" for ingress-nginx strict path validation (v1.12+); regex paths and paths with "." or ":" need pathType "ImplementationSpecific"';
  test.each([['/.well-known/acme-challenge', 'Prefix'], ['/api/(.*)', 'Prefix'], ['/v1:batch', 'Exact'], ['/caf\u00e9', 'Prefix']])('%j (%s)', (path, pathType) => {
    expect(routeError(() => ({ path, pathType: pathType as any }))).toBe(`test/gateway: addRoute path ${JSON.stringify(path).replace(/\u00e9/, '\\u00e9')} is invalid: ${rule}`);
  });

  test('regex paths are fine as ImplementationSpecific', () => {
    const s = shop();
    gateway(s).addRoute({ host: 'app.example.com', path: '/api/(.*)', pathType: PathType.IMPLEMENTATION_SPECIFIC, backend: s.api });
    expect(objectsOf(s).find((o) => o.kind === 'Ingress').spec.rules[0].http.paths[0]).toMatchObject({ path: '/api/(.*)', pathType: 'ImplementationSpecific' });
  });
});

describe('routes', () => {
  test('duplicate host and path, whatever the pathType; Prefix /api and /api/ are the same path', () => {
    const s = shop();
    const gw = gateway(s);
    gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.frontend }))
      .toThrow('test/gateway: addRoute path "/api" is invalid: duplicates the route addRoute (app.example.com Prefix /api) on host app.example.com');
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api/', backend: s.api }))
      .toThrow('test/gateway: addRoute path "/api/" is invalid: duplicates the route addRoute (app.example.com Prefix /api) on host app.example.com');
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', pathType: PathType.EXACT, backend: s.api }))
      .toThrow('test/gateway: addRoute path "/api" is invalid: duplicates the route addRoute (app.example.com Prefix /api) on host app.example.com');
    // Another host is another route.
    gw.addRoute({ host: 'www.example.com', path: '/api', backend: s.api });
  });

  test('duplicates among props.routes name the index', () => {
    const s = shop();
    expect(() => gateway(s, { routes: [{ host: 'a.example.com', backend: s.api }, { host: 'a.example.com', path: '/', backend: s.frontend }] }))
      .toThrow('test/gateway: routes[1] path "/" is invalid: duplicates the route routes[0] (a.example.com Prefix /) on host a.example.com');
  });

  test('a gateway with no route at synth', () => {
    const s = shop();
    gateway(s);
    expect(() => objectsOf(s)).toThrow('test/gateway: routes [] is invalid: a gateway needs at least one route; call addRoute() or pass routes');
  });

  test('route options that are not an object', () => {
    const s = shop();
    expect(() => gateway(s).addRoute(undefined as any)).toThrow('test/gateway: addRoute undefined is invalid: must be route options { host, path, backend }');
  });
});

describe('backends', () => {
  test.each([
    [() => Backend.service('legacy', undefined as any), 'addRoute backend port undefined is invalid: a route needs the port of Service "legacy": a number or a port name'],
    [() => Backend.service('legacy', 0), 'addRoute backend port 0 is invalid: must be a port number from 1 to 65535'],
    [() => Backend.service('legacy', 'https-upstream-1'), 'addRoute backend port "https-upstream-1" is invalid: must be an IANA service name of 1 to 15 characters'],
    [() => Backend.service('legacy', 'HTTP'), 'addRoute backend port "HTTP" is invalid: must be an IANA service name: lowercase letters, digits and "-"'],
    [() => Backend.service('legacy', '8080'), 'addRoute backend port "8080" is invalid: must be an IANA service name: at least one letter'],
    [() => Backend.service('Legacy', 80), 'addRoute backend service "Legacy" is invalid: must be a DNS-1035 label'],
    [() => Backend.service('legacy', 80, { podLabels: { app: 'legacy' } }), 'addRoute backend containerPort undefined is invalid: podLabels and containerPort go together'],
    [() => Backend.service('legacy', 80, { containerPort: 8080 }), 'addRoute backend podLabels undefined is invalid: podLabels and containerPort go together'],
    [() => Backend.service('legacy', 80, { podLabels: {}, containerPort: 8080 }), 'addRoute backend podLabels {} is invalid: must have at least one label'],
    [() => Backend.service('legacy', 80, { podLabels: { app: 'legacy' }, containerPort: 70000 }), 'addRoute backend containerPort 70000 is invalid: must be a port number from 1 to 65535'],
    [() => 'frontend' as any, 'addRoute backend "frontend" is invalid: must be a WebApp or a Backend (Backend.service(name, port))'],
  ])('%#', (backend, message) => {
    expect(routeError(() => ({ backend: backend() }))).toContain(`test/gateway: ${message}`);
  });

  test('an Ingress cannot route to another namespace', () => {
    expect(routeError((s) => ({ backend: s.ledger })))
      .toBe('test/gateway: addRoute backend "payments/ledger" is invalid: an Ingress routes only to Services in its own namespace "production"; use RoutingApi.httpRoute() for a backend in another namespace');
  });
});

describe('rewriteTarget', () => {
  test.each([
    ['api', 'must be a path starting with "/"'],
    ['/a/$1', 'must not contain whitespace, "$", "?" or "#"'],
    ['/a?b=1', 'must not contain whitespace, "$", "?" or "#"'],
    ['/a//b', 'must not contain "//"'],
  ])('%j', (rewriteTarget, rule) => {
    expect(routeError((s) => ({ path: '/api', backend: s.api, rewriteTarget })))
      .toBe(`test/gateway: addRoute rewriteTarget ${JSON.stringify(rewriteTarget)} is invalid: ${rule}`);
  });

  test('needs a Prefix or Exact path', () => {
    expect(routeError((s) => ({ path: '/api/(.*)', pathType: PathType.IMPLEMENTATION_SPECIFIC, backend: s.api, rewriteTarget: '/' })))
      .toBe('test/gateway: addRoute rewriteTarget "/" is invalid: needs a Prefix or Exact path: an ImplementationSpecific path has no defined prefix to replace');
  });

  test('ingress-nginx: every route of the gateway has the same rewriteTarget or none', () => {
    const s = shop();
    const gw = gateway(s);
    gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
    expect(() => gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' })).toThrow(
      'test/gateway: addRoute rewriteTarget "/" is invalid: ingress-nginx applies rewrite-target to every path of an Ingress, and route addRoute (app.example.com /) has no rewriteTarget; give every route of this gateway the same rewriteTarget, or put these routes in a second ApiGateway');
    const t = shop();
    const gw2 = gateway(t);
    gw2.addRoute({ host: 'app.example.com', path: '/api', backend: t.api, rewriteTarget: '/' });
    expect(() => gw2.addRoute({ host: 'app.example.com', path: '/v2', backend: t.api, rewriteTarget: '/v2' })).toThrow(
      'test/gateway: addRoute rewriteTarget "/v2" is invalid: ingress-nginx applies rewrite-target to every path of an Ingress, and route addRoute (app.example.com /api) has rewriteTarget "/"');
    expect(() => gw2.addRoute({ host: 'app.example.com', path: '/', backend: t.frontend })).toThrow(
      'test/gateway: addRoute rewriteTarget undefined is invalid: ingress-nginx applies rewrite-target to every path of an Ingress');
  });

  test('ingress-nginx: the root prefix needs a target ending in "/"', () => {
    expect(routeError((s) => ({ path: '/', backend: s.frontend, rewriteTarget: '/app' }))).toBe(
      'test/gateway: addRoute rewriteTarget "/app" is invalid: ingress-nginx cannot replace the root prefix "/" with a target that does not end in "/" (the separator is not captured); use "/app/"');
  });

  test('a raw rewrite-target conflicts with a typed rewriteTarget', () => {
    expect(routeError((s) => ({ path: '/api', backend: s.api, rewriteTarget: '/' }), { annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } })).toBe(
      'test/gateway: annotations["nginx.ingress.kubernetes.io/rewrite-target"] "/" is invalid: conflicts with rewriteTarget of addRoute, which sets this annotation; drop one of them');
  });
});

describe('annotations', () => {
  test.each([
    'nginx.ingress.kubernetes.io/configuration-snippet',
    'nginx.ingress.kubernetes.io/server-snippet',
    'nginx.ingress.kubernetes.io/auth-snippet',
    'nginx.org/server-snippets',
  ])('%s is refused unless allowSnippetAnnotations', (key) => {
    expect(() => gateway(shop(), { annotations: { [key]: 'return 200;' } })).toThrow(
      `test/gateway: annotations[${JSON.stringify(key)}] "return 200;" is invalid: snippet annotations inject raw proxy configuration (CVE-2021-25742) and are refused; set allowSnippetAnnotations: true to accept them`);
  });

  test('the deprecated class annotation, non-string values, bad keys, and conflicts with typed options', () => {
    expect(() => gateway(shop(), { annotations: { 'kubernetes.io/ingress.class': 'nginx' } })).toThrow(
      'test/gateway: annotations["kubernetes.io/ingress.class"] "nginx" is invalid: is deprecated and rejected by the API server when it differs from spec.ingressClassName');
    expect(() => gateway(shop(), { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': false as any } })).toThrow(
      'test/gateway: annotations["nginx.ingress.kubernetes.io/ssl-redirect"] false is invalid: must be a string (quote numbers and booleans: "true", "100")');
    expect(() => gateway(shop(), { annotations: { 'bad key': 'x' } })).toThrow('test/gateway: annotations key "bad key" is invalid: must be a label key');
    expect(() => gateway(shop(), { annotations: { 'cert-manager.io/cluster-issuer': 'other' } })).toThrow(
      'test/gateway: annotations["cert-manager.io/cluster-issuer"] "other" is invalid: conflicts with the value "letsencrypt-prod" set by the typed options (tls, controller or features); change the typed option instead');
    expect(() => gateway(shop(), { maxRequestBodySize: Size.mebibytes(1), annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '2m' } })).toThrow(
      'test/gateway: annotations["nginx.ingress.kubernetes.io/proxy-body-size"] "2m" is invalid: conflicts with the value "1m" set by the typed options');
  });
});

describe('TLS', () => {
  test.each([
    [() => Tls.secret('TLS_secret'), 'tls secretName "TLS_secret" is invalid: must be a DNS-1123 subdomain'],
    [() => Tls.certManager({}), 'tls issuer {} is invalid: Tls.certManager() needs exactly one of clusterIssuer and issuer'],
    [() => Tls.certManager({ clusterIssuer: 'a', issuer: 'b' }), 'tls issuer {"clusterIssuer":"a","issuer":"b"} is invalid: Tls.certManager() needs exactly one of clusterIssuer and issuer'],
    [() => Tls.certManager({ clusterIssuer: 'LetsEncrypt' }), 'tls clusterIssuer "LetsEncrypt" is invalid: must name a cert-manager issuer: it must be a DNS-1123 subdomain'],
    [() => Tls.certManager({ issuer: 'ca issuer' }), 'tls issuer "ca issuer" is invalid: must name a cert-manager issuer: it must be a DNS-1123 subdomain'],
    [() => Tls.certManager({ clusterIssuer: 'le', secretName: 'Shop.TLS' }), 'tls secretName "Shop.TLS" is invalid: must be a DNS-1123 subdomain'],
  ])('%#', (tls, message) => {
    expect(() => gateway(shop(), { tls: tls() })).toThrow(`test/gateway: ${message}`);
  });

  test('cert-manager needs a unique secret per gateway: one Certificate is named after it', () => {
    const s = shop();
    gateway(s, { tls: Tls.certManager({ clusterIssuer: 'le', secretName: 'shop-tls' }) }, 'public').addRoute({ host: 'a.example.com', backend: s.frontend });
    expect(() => gateway(s, { tls: Tls.certManager({ clusterIssuer: 'le', secretName: 'shop-tls' }) }, 'admin')).toThrow(
      'test/admin: tls secretName "shop-tls" is invalid: a Certificate named "shop-tls" already exists in namespace "production" (declared at test/public)');
  });

  test('tls is required: Tls.none() is the explicit opt-out', () => {
    const s = shop();
    expect(() => new ApiGateway(s.chart, 'gateway', { namespace: s.prod, controller: IngressController.nginx() } as any)).toThrow(
      'test/gateway: tls undefined is invalid: must be a Tls: Tls.certManager(), Tls.secret(), Tls.acm(), or Tls.none() to opt out explicitly');
  });
});

describe('typed features', () => {
  test.each([
    [{ cors: { allowOrigins: [] } }, 'cors.allowOrigins [] is invalid: must list at least one origin, or "*"'],
    [{ cors: { allowOrigins: ['example.com'] } }, 'cors.allowOrigins[0] "example.com" is invalid: must be "*" or an origin "http(s)://host[:port]" without a path'],
    [{ cors: { allowOrigins: ['https://example.com/app'] } }, 'cors.allowOrigins[0] "https://example.com/app" is invalid: must be "*" or an origin "http(s)://host[:port]" without a path'],
    [{ cors: { allowOrigins: ['*'], allowMethods: ['get'] } }, 'cors.allowMethods[0] "get" is invalid: must be an uppercase HTTP method'],
    [{ cors: { allowOrigins: ['*'], allowHeaders: ['X Bad'] } }, 'cors.allowHeaders[0] "X Bad" is invalid: must be an HTTP header name'],
    [{ cors: { allowOrigins: ['*'], allowCredentials: true } }, 'cors.allowCredentials true is invalid: cannot be combined with origin "*"'],
    [{ timeouts: {} }, 'timeouts {} is invalid: must set at least one of readSeconds, sendSeconds, connectSeconds'],
    [{ timeouts: { readSeconds: 1.5 } }, 'timeouts.readSeconds 1.5 is invalid: must be a whole number of seconds from 1 to 86400'],
    [{ rateLimit: { requestsPerSecond: 0 } }, 'rateLimit.requestsPerSecond 0 is invalid: must be a whole number of requests from 1 to 1000000'],
    [{ sourceAllowlist: [] }, 'sourceAllowlist [] is invalid: must list at least one CIDR'],
    [{ sourceAllowlist: ['10.0.0.1/8'] }, 'sourceAllowlist[0] "10.0.0.1/8" is invalid: must have its host bits zero'],
    [{ maxRequestBodySize: Size.kibibytes(0) }, 'maxRequestBodySize "0KiB" is invalid: must be a whole number of KiB, at least 1 KiB'],
  ])('%j', (props, message) => {
    expect(() => gateway(shop(), props as any)).toThrow(`test/gateway: ${message}`);
  });

  test('the ALB idle timeout range', () => {
    expect(() => gateway(shop(), { controller: IngressController.awsAlb({ vpcCidrs: ['10.0.0.0/16'] }), tls: Tls.acm(), timeouts: { readSeconds: 5000 } }))
      .toThrow('test/gateway: timeouts.readSeconds 5000 is invalid: must be an ALB idle timeout in seconds from 1 to 4000');
  });
});

describe('the gateway itself', () => {
  test('name, namespace, controller', () => {
    expect(() => gateway(shop(), { name: 'Public_Gateway' })).toThrow('test/gateway: name "Public_Gateway" is invalid: must be a DNS-1123 subdomain');
    expect(() => gateway(shop(), { namespace: 'Prod' })).toThrow('test/gateway: namespace "Prod" is invalid: must be a DNS-1123 label');
    expect(() => gateway(shop(), { controller: 'nginx' as any })).toThrow(
      'test/gateway: controller "nginx" is invalid: must be an IngressController such as IngressController.nginx()');
  });

  test('two gateways with one Ingress name in a namespace', () => {
    const s = shop();
    gateway(s, { tls: Tls.secret('a') }, 'one');
    expect(() => gateway(s, { name: 'one', tls: Tls.secret('a') }, 'two')).toThrow(
      'test/two: name "one" is invalid: a Ingress named "one" already exists in namespace "production" (declared at test/one)');
  });

  test('an app in a plain namespace still gets its Ingress (no policy is needed there)', () => {
    const s = shop();
    const plain = new WebApp(s.chart, 'plain', { namespace: 'default', image: 'x:1', containerPort: 80 });
    new ApiGateway(s.chart, 'edge', { namespace: 'default', controller: IngressController.nginx(), tls: Tls.none() })
      .addRoute({ host: 'plain.example.com', backend: plain });
    const objects = expectWarnings(['[pod-networkpolicy] test/plain/Deployment'], () => objectsOf(s));
    expect(objects.filter((o) => o.kind === 'Ingress' && o.metadata.namespace === 'default')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'default')).toEqual([]);
  });
});

describe('object names are checked as the API server checks them: no limit per dot-separated part', () => {
  // IsDNS1123Subdomain: 253 characters in all; a DNS name (a host) keeps its 63 per label.
  const long = `tls-${'a'.repeat(66)}`;

  test('a TLS secret, a cert-manager issuer and an ingress class with a part over 63 characters synthesize (schema-validated)', () => {
    const s = shop();
    const gw = gateway(s, { controller: IngressController.nginx({ className: `nginx-${'b'.repeat(64)}` }),
      tls: Tls.certManager({ clusterIssuer: `issuer-${'c'.repeat(64)}`, secretName: long }) });
    gw.addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = objectsOf(s).find((o) => o.kind === 'Ingress');
    expect(ingress.spec.tls[0].secretName).toBe(long);
    expect(ingress.spec.ingressClassName).toBe(`nginx-${'b'.repeat(64)}`);
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe(`issuer-${'c'.repeat(64)}`);
  });

  test('past 253 characters they are still refused; a host keeps the DNS limit of 63 per label', () => {
    const s = shop();
    expect(() => gateway(s, { tls: Tls.secret('a'.repeat(254)) }).addRoute({ host: 'app.example.com', backend: s.frontend }))
      .toThrow('tls secretName "' + 'a'.repeat(254) + '" is invalid: must be at most 253 characters (a Kubernetes object name), got 254');
    expect(routeError(() => ({ host: `${'d'.repeat(64)}.example.com` })))
      .toContain('is invalid: must be a DNS-1123 subdomain: each dot-separated label at most 63 characters, got one of 64');
  });
});
