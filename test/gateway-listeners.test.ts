/**
 * HTTPRoutes and the listeners of their Gateway: which listeners take a route (sectionName, port,
 * hostname, allowedRoutes), the TLS that follows for requireTls() and the report, routes no
 * listener takes (route-not-attached), what requireTls() cannot see (tls-unverified), and the
 * flow to cert-manager's HTTP-01 solver pods over Gateway API.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { ApiObject, Chart } from 'cdk8s';
import { ApiGateway, IngressController, NetworkModel, RoutingApi, Tls, WebApp, ZeroTrustNamespace } from '../lib';
import { CheckContext } from '../lib/checks/context';
import { tlsUnverified } from '../lib/checks/tls-unverified';
import { gatewaysOf, hostnamesIntersect, listenersOf, listenerVerdict, routeTls } from '../lib/checks/listeners';
import { captureWarnings, find, synth, synthError, testApp } from './util';

const ENVOY = IngressController.custom({ name: 'envoy-gateway', pods: { namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' } } });
const GUARDRAIL = 'guardrail requireTls() (declared at cdk8s-networking; reason: entry points must use TLS) is violated by entry point ';

/** The README's shop behind the library's own Gateway `public` (listeners `http` and `https-shop.example.com`). */
function shopApp(options: { tls?: Tls; gatewayNamespace?: string; createGateway?: boolean; requireTls?: boolean } = {}): { app: App; chart: Chart } {
  const app = testApp();
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  if (options.gatewayNamespace) new ZeroTrustNamespace(chart, options.gatewayNamespace);
  const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:2.0.0', containerPort: 8080 });
  const gw = new ApiGateway(chart, 'gateway', {
    namespace: prod,
    controller: ENVOY,
    tls: options.tls ?? Tls.secret('shop-tls'),
    api: RoutingApi.httpRoute({
      gateway: { name: 'public', ...(options.gatewayNamespace ? { namespace: options.gatewayNamespace } : {}) },
      ...(options.createGateway === false ? {} : { createGateway: { gatewayClassName: 'eg' } }),
    }),
  });
  gw.addRoute({ host: 'shop.example.com', path: '/', backend: web });
  if (options.requireTls !== false) NetworkModel.of(app).requireTls();
  return { app, chart };
}

/** A hand-written HTTPRoute `admin` in `production` to the WebApp's Service. */
function route(chart: Chart, spec: Record<string, unknown>, name = 'admin', namespace = 'production'): ApiObject {
  return new ApiObject(chart, name, {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace },
    spec: { rules: [{ backendRefs: [{ name: 'web', namespace: 'production', port: 80 }] }], ...spec },
  });
}

function report(app: App): any {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
}

describe('requireTls() on HTTPRoutes: TLS from the listeners that take the route', () => {
  test('no sectionName: a hostname only the plain http listener takes is served without TLS', () => {
    const { app, chart } = shopApp();
    route(chart, { parentRefs: [{ name: 'public' }], hostnames: ['admin.example.com'] });
    expect(synthError(app)).toBe('cdk8s-networking: 1 guardrail violation found at synth; no file was written; the files already in '
      + `${app.outdir}/ were left as they were.\n`
      + `  - ${GUARDRAIL}admin.example.com / (PathPrefix) -> web:80 (HTTPRoute/admin in production) without TLS, served by the `
      + 'plain-HTTP listener production/public#http (HTTP 80), declared by shop/admin');
  });

  test('port 80 in the parentRef narrows to the http listener; a route without hostnames is every host', () => {
    const { app, chart } = shopApp();
    route(chart, { parentRefs: [{ name: 'public', port: 80 }] });
    expect(synthError(app)).toContain(`${GUARDRAIL}* / (PathPrefix) -> web:80 (HTTPRoute/admin in production) without TLS, served by `
      + 'the plain-HTTP listener production/public#http (HTTP 80), declared by shop/admin');
  });

  test('the HTTPS listener\'s own host without sectionName is served both ways: the redirect route on http does not outrank it', () => {
    const { app, chart } = shopApp();
    route(chart, { parentRefs: [{ name: 'public' }], hostnames: ['shop.example.com'], rules: [{
      matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'web', port: 80 }],
    }] });
    expect(synthError(app)).toContain(`${GUARDRAIL}shop.example.com /admin (PathPrefix) -> web:80 (HTTPRoute/admin in production) without TLS, `
      + 'served by the plain-HTTP listener production/public#http (HTTP 80), declared by shop/admin');
  });

  test('sectionName or port 443 on the HTTPS listener passes; the report says on with the listener\'s Secret', () => {
    const { app, chart } = shopApp();
    route(chart, { parentRefs: [{ name: 'public', sectionName: 'https-shop.example.com' }], hostnames: ['shop.example.com'], rules: [{
      matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'web', port: 80 }],
    }] });
    route(chart, { parentRefs: [{ name: 'public', port: 443 }], hostnames: ['*.example.com'], rules: [{
      matches: [{ path: { type: 'PathPrefix', value: '/ops' } }], backendRefs: [{ name: 'web', port: 80 }],
    }] }, 'ops');
    synth(app);
    const entries = report(app).entryPoints.filter((e: any) => !e.backend.startsWith('redirect'));
    expect(entries.map((e: any) => [e.via, e.host, e.match, e.tls, e.tlsSecret, e.tlsNote])).toEqual([
      ['HTTPRoute/ops', '*.example.com', '/ops (PathPrefix)', 'on', 'shop-tls', undefined],
      ['HTTPRoute/gateway-shop.example.com', 'shop.example.com', '/ (PathPrefix)', 'on', 'shop-tls', undefined],
      ['HTTPRoute/admin', 'shop.example.com', '/admin (PathPrefix)', 'on', 'shop-tls', undefined],
    ]);
    // The library's redirect route is plain HTTP and says on which listener; the guardrail passes redirects.
    const redirect = report(app).entryPoints.find((e: any) => e.via === 'HTTPRoute/gateway-redirect-shop.example.com');
    expect(redirect).toMatchObject({ tls: 'off', tlsNote: 'served by the plain-HTTP listener production/public#http (HTTP 80)' });
  });
});

describe('requireTls() on redirects: only a redirect to https passes', () => {
  /** A hand-written redirect HTTPRoute `name` for shop.example.com/<name>, on the plain-HTTP listener unless told. */
  function redirect(chart: Chart, name: string, requestRedirect: Record<string, unknown>, parent: Record<string, unknown> = { name: 'public', sectionName: 'http' }) {
    route(chart, { parentRefs: [parent], hostnames: ['shop.example.com'], rules: [{
      matches: [{ path: { type: 'PathPrefix', value: `/${name}` } }], filters: [{ type: 'RequestRedirect', requestRedirect }],
    }] }, name);
  }

  test('on the plain-HTTP listener: no scheme keeps http, so it fails like a route, and so does http to another host; https passes', () => {
    const { app, chart } = shopApp();
    // Gateway API HTTPRequestRedirectFilter.Scheme: "When empty, the scheme of the request is used".
    redirect(chart, 'same', { statusCode: 301 });
    redirect(chart, 'plain', { scheme: 'http', hostname: 'www.example.com' });
    redirect(chart, 'secure', { scheme: 'https', hostname: 'www.example.com', port: 8443 });
    expect(synthError(app)).toBe('cdk8s-networking: 2 guardrail violations found at synth; no file was written; the files already in '
      + `${app.outdir}/ were left as they were.\n`
      + `  - ${GUARDRAIL}shop.example.com /plain (PathPrefix) -> redirect http://www.example.com (HTTPRoute/plain in production) without TLS, `
      + 'served by the plain-HTTP listener production/public#http (HTTP 80), declared by shop/plain\n'
      + `  - ${GUARDRAIL}shop.example.com /same (PathPrefix) -> redirect (same host) (HTTPRoute/same in production) without TLS, `
      + 'served by the plain-HTTP listener production/public#http (HTTP 80), declared by shop/same');
  });

  test('on the HTTPS listener: a redirect to http sends the client to plain HTTP and fails; one keeping the scheme stays on TLS', () => {
    const { app, chart } = shopApp();
    const https = { name: 'public', sectionName: 'https-shop.example.com' };
    redirect(chart, 'down', { scheme: 'http' }, https);
    redirect(chart, 'moved', { hostname: 'www.example.com' }, https);
    expect(synthError(app).split('\n').slice(1)).toEqual([`  - ${GUARDRAIL}shop.example.com /down (PathPrefix) -> redirect http://(same host) `
      + '(HTTPRoute/down in production) redirecting to plain HTTP, declared by shop/down']);
    const ok = shopApp();
    redirect(ok.chart, 'moved', { hostname: 'www.example.com' }, https);
    redirect(ok.chart, 'secure', { scheme: 'https' });
    synth(ok.app);
    expect(report(ok.app).entryPoints.filter((e: any) => ['HTTPRoute/moved', 'HTTPRoute/secure'].includes(e.via))
      .map((e: any) => [e.via, e.backend, e.tls])).toEqual([
      ['HTTPRoute/moved', 'redirect www.example.com', 'on'],
      ['HTTPRoute/secure', 'redirect https://(same host)', 'off'],
    ]);
  });
});

describe('tls-unverified: what requireTls() cannot see', () => {
  test('a Gateway not in the app: a warning naming the hosts and why, not a violation; none without requireTls()', () => {
    const { app } = shopApp({ createGateway: false });
    const { warnings } = captureWarnings(() => synth(app));
    expect(warnings).toEqual([
      '[tls-unverified] shop/gateway/HTTPRoute:shop.example.com: HTTPRoute production/gateway-shop.example.com spec.hostnames '
      + '["shop.example.com"] is accepted, but: requireTls() cannot verify that it is served with TLS only: Gateway production/public is not in '
      + 'the app, so the library cannot see its listeners. Fix: put the Gateway in the app (RoutingApi.httpRoute({ createGateway }), or an '
      + 'ApiObject of it) so that its listeners are checked, or check them yourself and accept this warning (to accept it, annotate HTTPRoute '
      + 'production/gateway-shop.example.com with cdk8s-networking.io/skip-checks: tls-unverified)',
    ]);
    expect(report(app).entryPoints[0]).toMatchObject({
      host: 'shop.example.com', tls: 'unknown', tlsNote: 'Gateway production/public is not in the app, so the library cannot see its listeners',
    });
    const quiet = shopApp({ createGateway: false, requireTls: false }).app;
    expect(captureWarnings(() => synth(quiet)).warnings).toEqual([]);
  });
});

describe('tls-unverified and redirects', () => {
  test('a redirect keeping the scheme on a Gateway not in the app is unverified too; one naming its scheme is not', () => {
    const { app, chart } = shopApp({ createGateway: false });
    for (const [name, requestRedirect] of [['same', {}], ['secure', { scheme: 'https' }]] as const) {
      route(chart, { parentRefs: [{ name: 'public' }], hostnames: ['old.example.com'], rules: [{
        matches: [{ path: { type: 'PathPrefix', value: `/${name}` } }], filters: [{ type: 'RequestRedirect', requestRedirect }],
      }] }, name);
    }
    const { warnings } = captureWarnings(() => synth(app));
    expect(warnings.filter((w) => !w.includes('gateway-shop.example.com'))).toEqual([
      '[tls-unverified] shop/same: HTTPRoute production/same spec.hostnames ["old.example.com"] is accepted, but: requireTls() cannot verify that '
      + 'it is served with TLS only: Gateway production/public is not in the app, so the library cannot see its listeners. Fix: put the Gateway in '
      + 'the app (RoutingApi.httpRoute({ createGateway }), or an ApiObject of it) so that its listeners are checked, or check them yourself and '
      + 'accept this warning (to accept it, annotate HTTPRoute production/same with cdk8s-networking.io/skip-checks: tls-unverified)',
    ]);
  });
});

describe('a Gateway written by hand', () => {
  /** Gateway `edge` in production: plain HTTP for plain.example.com only, HTTPS for every host, and HTTPS for namespaces labelled team=shop. */
  function edgeApp(): { app: App; chart: Chart } {
    const { app, chart } = shopApp();
    new ApiObject(chart, 'edge', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'production' },
      spec: {
        gatewayClassName: 'eg',
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP', hostname: 'plain.example.com' },
          { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'edge-tls' }] } },
          { name: 'teams', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'teams-tls' }] },
            allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } },
        ],
      },
    });
    return { app, chart };
  }

  test('no sectionName: a hostname the plain listener does not take is served with TLS only', () => {
    const { app, chart } = edgeApp();
    route(chart, { parentRefs: [{ name: 'edge' }], hostnames: ['secure.example.com', 'plain.example.com'] }, 'both');
    expect(synthError(app).split('\n').slice(1)).toEqual([`  - ${GUARDRAIL}plain.example.com / (PathPrefix) -> web:80 (HTTPRoute/both in `
      + 'production) without TLS, served by the plain-HTTP listener production/edge#http (HTTP 80), declared by shop/both']);

    // Each parentRef is judged alone: the port-80 one attaches nowhere, though the other one does.
    const other = edgeApp();
    route(other.chart, { parentRefs: [{ name: 'edge', sectionName: 'https' }, { name: 'edge', port: 80 }], hostnames: ['secure.example.com'] });
    expect(synthError(other.app)).toContain('[route-not-attached] shop/admin: HTTPRoute production/admin spec.parentRefs[1] {"name":"edge","port":80} is '
      + 'invalid: no listener of Gateway production/edge takes it: production/edge#http (HTTP 80): its hostname plain.example.com does not intersect '
      + 'secure.example.com; production/edge#https (HTTPS 443): it listens on port 443, not 80; production/edge#teams (HTTPS 8443): it listens on '
      + 'port 8443, not 80; the Gateway does not accept the route there');
  });

  test('a listener selecting labels of a namespace the app does not create: unknown, so not detached, and tls-unverified says why', () => {
    const { app, chart } = edgeApp();
    route(chart, { parentRefs: [{ name: 'edge', namespace: 'production', sectionName: 'teams' }], hostnames: ['team.example.com'] }, 'team', 'legacy');
    const { warnings } = captureWarnings(() => synth(app));
    expect(warnings.filter((w) => w.startsWith('[tls-unverified]'))).toEqual([
      '[tls-unverified] shop/team: HTTPRoute legacy/team spec.hostnames ["team.example.com"] is accepted, but: requireTls() cannot verify that it '
      + 'is served with TLS only: whether listener production/edge#teams (HTTPS 8443) takes it is unknown: its allowedRoutes.namespaces.selector '
      + 'names labels of namespace legacy, whose Namespace is not in the app. Fix: put the Gateway in the app (RoutingApi.httpRoute({ createGateway }), '
      + 'or an ApiObject of it) so that its listeners are checked, or check them yourself and accept this warning (to accept it, annotate HTTPRoute '
      + 'legacy/team with cdk8s-networking.io/skip-checks: tls-unverified)',
    ]);
    expect(warnings.filter((w) => w.startsWith('[route-not-attached]'))).toEqual([]);
  });
});

describe('route-not-attached', () => {
  test('a sectionName naming no listener, and a namespace the listeners do not admit, each with the reasons', () => {
    const { app, chart } = shopApp({ requireTls: false });
    route(chart, { parentRefs: [{ name: 'public', sectionName: 'https' }], hostnames: ['shop.example.com'] });
    route(chart, { parentRefs: [{ name: 'public', namespace: 'production' }], hostnames: ['shop.example.com'] }, 'other', 'staging');
    expect(synthError(app).split('\n').slice(1).join('\n')).toBe(
      '  - [route-not-attached] shop/admin: HTTPRoute production/admin spec.parentRefs[0] {"name":"public","sectionName":"https"} is invalid: '
      + 'Gateway production/public has no listener named https (it has http, https-shop.example.com); the Gateway does not accept the route '
      + 'there, so it serves nothing through it. Fix: attach it to a listener that takes it: a sectionName (or port) of a listener whose hostname '
      + 'intersects the route\'s hostnames and whose allowedRoutes admit its namespace, or change the Gateway\'s listeners (to accept it, annotate '
      + 'HTTPRoute production/admin with cdk8s-networking.io/skip-checks: route-not-attached)\n'
      + '  - [route-not-attached] shop/other: HTTPRoute staging/other spec.parentRefs[0] {"name":"public","namespace":"production"} is invalid: '
      + 'no listener of Gateway production/public takes it: production/public#http (HTTP 80): it takes routes from namespace production only; '
      + 'production/public#https-shop.example.com (HTTPS 443): it takes routes from namespace production only; the Gateway does not accept the '
      + 'route there, so it serves nothing through it. Fix: attach it to a listener that takes it: a sectionName (or port) of a listener whose '
      + 'hostname intersects the route\'s hostnames and whose allowedRoutes admit its namespace, or change the Gateway\'s listeners (to accept it, '
      + 'annotate HTTPRoute staging/other with cdk8s-networking.io/skip-checks: route-not-attached)');
  });

  test('the library\'s own routes attach, on a Gateway in another namespace too', () => {
    for (const options of [{}, { gatewayNamespace: 'gateways' }, { tls: Tls.none(), requireTls: false }]) {
      expect(() => synth(shopApp(options).app)).not.toThrow();
    }
  });
});

describe('listener verdicts', () => {
  const gateway = {
    path: 'g',
    json: {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'infra' },
      spec: {
        gatewayClassName: 'eg',
        listeners: [
          { name: 'web', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
          { name: 'team', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } },
          { name: 'named', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Selector', selector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } } },
          { name: 'tls', port: 8443, protocol: 'TLS' },
          { name: 'kinds', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } },
        ],
      },
    },
  };
  const namespace = { path: 'n', json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'owned', labels: { team: 'shop' } } } };
  const ctx = new CheckContext({ objects: [gateway, namespace] });
  const [web, team, named, tls, kinds] = listenersOf(gateway);
  const parent = { field: 'spec.parentRefs[0]', namespace: 'infra', name: 'edge' };

  test('hostnames: wildcards are suffix matches of one label or more, for listeners and routes', () => {
    expect(hostnamesIntersect('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.com', 'example.com')).toBe(false);
    expect(hostnamesIntersect('a.example.com', '*.example.com')).toBe(true);
    expect(hostnamesIntersect('*.a.example.com', '*.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.com', '*.a.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.net', '*.example.com')).toBe(false);
    expect(hostnamesIntersect('a.example.com', 'b.example.com')).toBe(false);
    expect(hostnamesIntersect('xexample.com', '*.example.com')).toBe(false);
    expect(listenerVerdict(ctx, web, parent, 'shop', ['shop.example.net'])).toEqual({ takes: 'no', why: 'its hostname *.example.com does not intersect shop.example.net' });
    expect(listenerVerdict(ctx, web, parent, 'shop', ['shop.example.net', 'a.b.example.com'])).toEqual({ takes: 'yes' });
    expect(listenerVerdict(ctx, web, parent, 'shop', [])).toEqual({ takes: 'yes' });
  });

  test('allowedRoutes: a selector on the namespace\'s labels is decided for namespaces of the app or by name, unknown otherwise', () => {
    expect(listenerVerdict(ctx, team, parent, 'owned', [])).toEqual({ takes: 'yes' });
    expect(listenerVerdict(ctx, team, parent, 'infra', [])).toEqual({
      takes: 'unknown', why: 'its allowedRoutes.namespaces.selector names labels of namespace infra, whose Namespace is not in the app',
    });
    expect(listenerVerdict(ctx, named, parent, 'shop', [])).toEqual({ takes: 'yes' });
    expect(listenerVerdict(ctx, named, parent, 'owned', [])).toEqual({ takes: 'no', why: 'its allowedRoutes.namespaces.selector does not select namespace owned' });
  });

  test('TLS of a host: off as soon as a plain listener takes it, even when another verdict is unknown; unknown when none takes it', () => {
    const gateways = gatewaysOf(ctx);
    expect(routeTls(ctx, gateways, 'infra', [parent], 'a.example.com')).toEqual({ tls: 'off', note: 'served by the plain-HTTP listener infra/edge#web (HTTP 80)' });
    expect(routeTls(ctx, gateways, 'infra', [parent], 'a.example.net')).toEqual({
      tls: 'unknown', note: 'whether listener infra/edge#team (HTTPS 443) takes it is unknown: its allowedRoutes.namespaces.selector names labels of '
        + 'namespace infra, whose Namespace is not in the app',
    });
    expect(routeTls(ctx, gateways, 'shop', [{ ...parent, sectionName: 'tls' }], 'a.example.com')).toEqual({ tls: 'unknown', note: 'no listener of its Gateways takes it' });
    expect(routeTls(ctx, gateways, 'shop', [{ ...parent, sectionName: 'named' }], 'a.example.com')).toEqual({ tls: 'on' });
    expect(routeTls(ctx, gateways, 'shop', [{ ...parent, kind: 'Service' }], 'a.example.com')).toEqual({ tls: 'unknown', note: 'its parent infra/edge is a Service, not a Gateway' });
  });

  test('tls-unverified names only the hosts whose TLS is unknown, not those known to be off', () => {
    const httpRoute = {
      path: 'r',
      json: {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'infra' },
        spec: { parentRefs: [{ name: 'edge' }], hostnames: ['a.example.com', 'a.example.net'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
      },
    };
    expect(tlsUnverified(new CheckContext({ objects: [gateway, namespace, httpRoute] })).map((f) => [f.check, f.severity, f.message])).toEqual([[
      'tls-unverified', 'warning', 'r: HTTPRoute infra/r spec.hostnames ["a.example.net"] is invalid: requireTls() cannot verify that it is served with '
        + 'TLS only: whether listener infra/edge#team (HTTPS 443) takes it is unknown: its allowedRoutes.namespaces.selector names labels of namespace '
        + 'infra, whose Namespace is not in the app',
    ]]);
  });

  test('sectionName, port, protocol and kinds', () => {
    expect(listenerVerdict(ctx, web, { ...parent, sectionName: 'team' }, 'shop', [])).toEqual({ takes: 'no', why: 'sectionName is team' });
    expect(listenerVerdict(ctx, web, { ...parent, port: 443 }, 'shop', [])).toEqual({ takes: 'no', why: 'it listens on port 80, not 443' });
    expect(listenerVerdict(ctx, named, { ...parent, port: 443, sectionName: 'named' }, 'shop', [])).toEqual({ takes: 'yes' });
    expect(listenerVerdict(ctx, tls, parent, 'infra', [])).toEqual({ takes: 'no', why: 'protocol TLS takes no HTTPRoute' });
    expect(listenerVerdict(ctx, kinds, parent, 'infra', [])).toEqual({ takes: 'no', why: 'its allowedRoutes.kinds do not list HTTPRoute' });
  });
});

describe('cert-manager HTTP-01 over Gateway API: the proxy reaches the solver pods', () => {
  const solverPolicy = (objects: any[], namespace: string) => find(objects, 'NetworkPolicy', 'allow-envoy-gateway-to-acme-http01-solver', namespace);

  test('the README\'s example declares the flow in the Gateway\'s namespace, as Ingress output does', () => {
    const { app } = shopApp({ tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }), requireTls: false });
    const { objects } = synth(app);
    expect(solverPolicy(objects, 'production').spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy' } },
        }],
        ports: [{ port: 8089 }],
      }],
    });
    expect(find(objects, 'Gateway', 'public').spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
  });

  test('a Gateway in another namespace: the flow goes there, and its http listener admits the challenge route from there', () => {
    const { app } = shopApp({ tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }), gatewayNamespace: 'gateways', requireTls: false });
    const { objects } = synth(app);
    expect(solverPolicy(objects, 'gateways').spec.podSelector).toEqual({ matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } });
    expect(objects.filter((o) => o.metadata?.name === 'allow-envoy-gateway-to-acme-http01-solver').map((o) => o.metadata.namespace)).toEqual(['gateways']);
    const [http, https] = find(objects, 'Gateway', 'public', 'gateways').spec.listeners;
    expect(http.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['gateways', 'production'] }] } } });
    expect(https.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } } });
  });

  test('http01Solver: false declares no flow and leaves the http listener to the routes\' namespace', () => {
    const { app } = shopApp({ tls: Tls.certManager({ clusterIssuer: 'le', http01Solver: false }), gatewayNamespace: 'gateways', requireTls: false });
    const { objects } = synth(app);
    expect(objects.filter((o) => o.metadata?.name === 'allow-envoy-gateway-to-acme-http01-solver')).toEqual([]);
    expect(find(objects, 'Gateway', 'public', 'gateways').spec.listeners[0].allowedRoutes)
      .toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } } } });
  });
});
