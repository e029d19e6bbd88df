/**
 * ApiGateway with ingress-nginx: the Ingress it emits (class, rules per host, ordering, TLS with
 * one secret, cert-manager), typed features as nginx annotations, rewrites, raw annotations and
 * service backends.
 */
import { Size } from 'cdk8s';
import { Backend, IngressController, PathType, Tls, WebApp } from '../lib';
import { gateway, ingressPaths, objectsOf, ofKind, ownAnnotations, shop, theIngress } from './api-gateway.fixtures';

const NGINX = 'nginx.ingress.kubernetes.io/';

describe('ApiGateway with ingress-nginx and cert-manager', () => {
  const s = shop();
  const gw = gateway(s);
  gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
  gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
  gw.addRoute({ host: 'admin.example.com', path: '/v1/users', pathType: PathType.EXACT, backend: s.api });
  gw.addRoute({ host: 'admin.example.com', path: '/v1', backend: s.api });
  gw.addRoute({ host: '*.example.com', backend: s.frontend });
  const objects = objectsOf(s);
  const ingress = theIngress(objects);

  test('one networking.k8s.io/v1 Ingress named after the gateway, in its namespace', () => {
    expect(ofKind(objects, 'Ingress')).toHaveLength(1);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.name).toBe('gateway');
    expect(ingress.metadata.namespace).toBe('production');
    expect(gw.name).toBe('gateway');
    expect(gw.controllerName).toBe('ingress-nginx');
    expect(gw.hosts).toEqual(['*.example.com', 'admin.example.com', 'app.example.com']);
  });

  test('spec.ingressClassName from the controller, never the deprecated class annotation', () => {
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations['kubernetes.io/ingress.class']).toBeUndefined();
  });

  test('rules grouped per host, hosts sorted, paths longest first, Exact before Prefix', () => {
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['*.example.com', 'admin.example.com', 'app.example.com']);
    expect(ingressPaths(ingress)).toEqual([
      ['*.example.com', '/', 'Prefix', 'frontend', 80],
      ['admin.example.com', '/v1/users', 'Exact', 'api', 80],
      ['admin.example.com', '/v1', 'Prefix', 'api', 80],
      ['app.example.com', '/api', 'Prefix', 'api', 80],
      ['app.example.com', '/', 'Prefix', 'frontend', 80],
    ]);
  });

  test('every host in one spec.tls entry with one secretName, and the cert-manager issuer annotation', () => {
    expect(ingress.spec.tls).toEqual([{ hosts: ['*.example.com', 'admin.example.com', 'app.example.com'], secretName: 'gateway-tls' }]);
    expect(ownAnnotations(ingress)).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
  });

  test('HTTP->HTTPS relies on ingress-nginx\'s default ssl-redirect for TLS hosts: no annotation', () => {
    expect(ingress.metadata.annotations[`${NGINX}ssl-redirect`]).toBeUndefined();
    expect(ingress.metadata.annotations[`${NGINX}force-ssl-redirect`]).toBeUndefined();
  });

  test('snapshot (without the annotations other features add to every object)', () => {
    expect({ ...ingress, metadata: { ...ingress.metadata, annotations: ownAnnotations(ingress) } }).toMatchSnapshot();
  });
});

describe('ApiGateway output details', () => {
  test('the same routes in any order give the same Ingress', () => {
    const routes = (s: ReturnType<typeof shop>) => [
      { host: 'b.example.com', path: '/x', backend: s.api },
      { host: 'a.example.com', path: '/', backend: s.frontend },
      { host: 'b.example.com', path: '/', backend: s.frontend },
      { host: 'a.example.com', path: '/api/v2', backend: s.api },
      { host: 'a.example.com', path: '/api', backend: s.api },
    ];
    const one = shop();
    gateway(one, { routes: routes(one) });
    const two = shop();
    const gw = gateway(two);
    for (const r of routes(two).reverse()) gw.addRoute(r);
    expect(theIngress(objectsOf(one))).toEqual(theIngress(objectsOf(two)));
  });

  test('Tls.certManager with a namespaced Issuer and a chosen secret name', () => {
    const s = shop();
    gateway(s, { tls: Tls.certManager({ issuer: 'internal-ca', secretName: 'shop-cert' }) })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ownAnnotations(ingress)).toEqual({ 'cert-manager.io/issuer': 'internal-ca' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com'], secretName: 'shop-cert' }]);
  });

  test('Tls.secret: the Secret, no cert-manager annotation', () => {
    const s = shop();
    gateway(s, { tls: Tls.secret('wildcard-cert') }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com'], secretName: 'wildcard-cert' }]);
    expect(ownAnnotations(ingress)).toEqual({});
  });

  test('Tls.none: no spec.tls, hence no redirect', () => {
    const s = shop();
    gateway(s, { tls: Tls.none() }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.spec.tls).toBeUndefined();
    expect(ownAnnotations(ingress)).toEqual({});
  });

  test('name and routes through props', () => {
    const s = shop();
    gateway(s, { name: 'public.web', routes: [{ host: 'app.example.com', path: '/', backend: s.frontend }] }, 'gw');
    const ingress = theIngress(objectsOf(s), 'public.web');
    expect(ingressPaths(ingress)).toEqual([['app.example.com', '/', 'Prefix', 'frontend', 80]]);
    expect(ingress.spec.tls[0].secretName).toBe('public.web-tls');
  });

  test('Backend.service: a Service by name, on a port number or a port name', () => {
    const s = shop();
    // Services deployed outside this app are declared so to the synth-time dangling-backend check.
    const gw = gateway(s, { annotations: { 'cdk8s-networking.io/external-backends': 'legacy,grpc-gw' } });
    gw.addRoute({ host: 'app.example.com', path: '/legacy', backend: Backend.service('legacy', 8080) });
    gw.addRoute({ host: 'app.example.com', path: '/grpc', backend: Backend.service('grpc-gw', 'grpc-web') });
    gw.addRoute({ host: 'app.example.com', path: '/', backend: Backend.app(s.frontend) });
    expect(ingressPaths(theIngress(objectsOf(s)))).toEqual([
      ['app.example.com', '/legacy', 'Prefix', 'legacy', 8080],
      ['app.example.com', '/grpc', 'Prefix', 'grpc-gw', 'grpc-web'],
      ['app.example.com', '/', 'Prefix', 'frontend', 80],
    ]);
  });

  test('a WebApp with its own Service name and port', () => {
    const s = shop();
    const web = new WebApp(s.chart, 'web', { namespace: s.prod, serviceName: 'web-service', servicePort: 8443, image: 'x:1', containerPort: 8443 });
    gateway(s).addRoute({ host: 'app.example.com', backend: web });
    expect(ingressPaths(theIngress(objectsOf(s)))).toEqual([['app.example.com', '/', 'Prefix', 'web-service', 8443]]);
  });
});

describe('typed features on ingress-nginx', () => {
  test('body size, timeouts, CORS, rate limit and allowlist become nginx annotations', () => {
    const s = shop();
    gateway(s, {
      maxRequestBodySize: Size.mebibytes(8),
      timeouts: { readSeconds: 120, sendSeconds: 30, connectSeconds: 5 },
      cors: {
        allowOrigins: ['https://www.example.com', 'https://*.example.org:8443'],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['Authorization', 'Content-Type'],
        exposeHeaders: ['X-Request-Id'],
        allowCredentials: true,
        maxAgeSeconds: 600,
      },
      rateLimit: { requestsPerSecond: 20 },
      sourceAllowlist: ['203.0.113.0/24', '10.0.0.0/8'],
    }).addRoute({ host: 'app.example.com', backend: s.frontend });
    expect(ownAnnotations(theIngress(objectsOf(s)))).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      [`${NGINX}proxy-body-size`]: '8m',
      [`${NGINX}proxy-read-timeout`]: '120',
      [`${NGINX}proxy-send-timeout`]: '30',
      [`${NGINX}proxy-connect-timeout`]: '5',
      [`${NGINX}enable-cors`]: 'true',
      [`${NGINX}cors-allow-origin`]: 'https://*.example.org:8443, https://www.example.com',
      [`${NGINX}cors-allow-methods`]: 'GET, POST',
      [`${NGINX}cors-allow-headers`]: 'Authorization, Content-Type',
      [`${NGINX}cors-expose-headers`]: 'X-Request-Id',
      [`${NGINX}cors-allow-credentials`]: 'true',
      [`${NGINX}cors-max-age`]: '600',
      [`${NGINX}limit-rps`]: '20',
      [`${NGINX}whitelist-source-range`]: '10.0.0.0/8,203.0.113.0/24',
    });
  });

  test('CORS credentials are off unless asked for (ingress-nginx would default them on)', () => {
    const s = shop();
    gateway(s, { cors: { allowOrigins: ['*'] }, maxRequestBodySize: Size.kibibytes(512) })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const a = ownAnnotations(theIngress(objectsOf(s)));
    expect(a[`${NGINX}cors-allow-credentials`]).toBe('false');
    expect(a[`${NGINX}cors-allow-origin`]).toBe('*');
    expect(a[`${NGINX}proxy-body-size`]).toBe('512k');
  });

  test('rewriteTarget replaces the matched prefix: capture-group paths and one Ingress-wide rewrite-target', () => {
    const s = shop();
    const gw = gateway(s);
    gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api, rewriteTarget: '/' });
    gw.addRoute({ host: 'app.example.com', path: '/v1', pathType: PathType.EXACT, backend: s.api, rewriteTarget: '/' });
    gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend, rewriteTarget: '/' });
    const ingress = theIngress(objectsOf(s));
    expect(ownAnnotations(ingress)).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      [`${NGINX}use-regex`]: 'true',
      [`${NGINX}rewrite-target`]: '/$2',
    });
    // Regex paths need ImplementationSpecific under strict path validation; the order is that of
    // the original paths (/api, /v1 exact, /).
    expect(ingressPaths(ingress)).toEqual([
      ['app.example.com', '/api(/|$)(.*)', 'ImplementationSpecific', 'api', 80],
      ['app.example.com', '/v1()()$', 'ImplementationSpecific', 'api', 80],
      ['app.example.com', '/()(.*)', 'ImplementationSpecific', 'frontend', 80],
    ]);
  });

  test('a rewrite target without a trailing slash keeps the separator: /old/x -> /new/x', () => {
    const s = shop();
    gateway(s).addRoute({ host: 'app.example.com', path: '/old/', backend: s.api, rewriteTarget: '/new' });
    const ingress = theIngress(objectsOf(s));
    expect(ingress.metadata.annotations[`${NGINX}rewrite-target`]).toBe('/new$1$2');
    expect(ingressPaths(ingress)).toEqual([['app.example.com', '/old(/|$)(.*)', 'ImplementationSpecific', 'api', 80]]);
    // What nginx does with it: rewrite "(?i)<path>" <target> on the request path.
    const rewrite = (uri: string) => uri.replace(new RegExp('^/old(/|$)(.*)', 'i'), (_m, a: string, b: string) => `/new${a}${b}`);
    expect(rewrite('/old/x/y')).toBe('/new/x/y');
    expect(rewrite('/old')).toBe('/new');
  });

  test('raw annotations are an escape hatch; snippets only with allowSnippetAnnotations', () => {
    const s = shop();
    gateway(s, {
      annotations: { [`${NGINX}backend-protocol`]: 'HTTPS', [`${NGINX}configuration-snippet`]: 'more_set_headers "X: y";' },
      allowSnippetAnnotations: true,
    }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const a = ownAnnotations(theIngress(objectsOf(s)));
    expect(a[`${NGINX}backend-protocol`]).toBe('HTTPS');
    expect(a[`${NGINX}configuration-snippet`]).toBe('more_set_headers "X: y";');
  });

  test('overridden preset: class, namespace, labels and name', () => {
    const s = shop();
    gateway(s, {
      controller: IngressController.nginx({ className: 'nginx-internal', namespace: 'ingress-internal', podLabels: { app: 'internal-nginx' }, name: 'internal-nginx' }),
    }).addRoute({ host: 'app.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    expect(theIngress(objects).spec.ingressClassName).toBe('nginx-internal');
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-internal-nginx-to-frontend');
    expect(policy.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-internal' } },
      podSelector: { matchLabels: { app: 'internal-nginx' } },
    }]);
  });
});
