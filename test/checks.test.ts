/**
 * Cross-object checks at synth: for each check, a broken app it catches (synth fails naming the
 * check, the object and its construct path) and a correct app it passes (synth succeeds and every
 * object is schema-validated by test/util.ts). Edge cases run on plain JSON through checks.runChecks().
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import type { Construct } from 'constructs';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, Backend, checks, EXTERNAL_BACKENDS_ANNOTATION, ExternalTrafficPolicy, IngressController, NetworkModel, Peer, Port, RoutingApi,
  ServiceType, SKIP_CHECKS_ANNOTATION, Tls, WARNING_METADATA, WebApp, ZeroTrustNamespace,
} from '../lib';
import { FLOW_CHECKS } from '../lib/checks/flow-checks';
import { tlsHostCovers } from '../lib/checks/routes';
import { captureWarnings, synth, synthError, testApp } from './util';

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly prod: ZeroTrustNamespace;
  readonly api: WebApp;
  readonly web: WebApp;
}

/** A zero-trust `production` namespace with `api` (3000) and `web` (8080), web -> api declared. */
function shop(): Shop {
  const app = testApp();
  const chart = new Chart(app, 'test');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
  api.allowFrom(web);
  return { app, chart, prod, api, web };
}

/**
 * Declares an ingress controller's flow to api and web: a route written by hand needs it, or its
 * backends in the zero-trust namespace are unreachable (route-backend-unreachable).
 */
function admitController(s: Shop): void {
  const controller = Peer.pods({ namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
  s.api.allowIngressFrom(controller, Port.tcp(3000));
  s.web.allowIngressFrom(controller, Port.tcp(8080));
}

/** The findings lines of a synth error that belong to one check. */
function linesOf(message: string, check: string): string[] {
  return message.split('\n').filter((l) => l.includes(`[${check}]`));
}

/**
 * Synthesizes an app that must pass and returns its objects: the report lists no finding but the
 * expected warnings, nothing suppressed but what is expected, and every object under judgment
 * (`Kind/namespace/name`) was written.
 */
function passes(app: App, written: string[], expected: { warnings?: string[]; suppressed?: string[] } = {}): any[] {
  const { result: { objects }, warnings } = captureWarnings(() => synth(app));
  // Printed as they are reported (and captured here, so they stay out of the test output).
  expect(warnings.map((w) => w.slice(1, w.indexOf(']')))).toEqual(expected.warnings ?? []);
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
  expect(report.findings.map((f: any) => `${f.severity} ${f.check}`)).toEqual((expected.warnings ?? []).map((c) => `warning ${c}`));
  expect(report.suppressed.map((f: any) => f.check)).toEqual(expected.suppressed ?? []);
  expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(expect.arrayContaining(written));
  return objects;
}

function service(chart: Chart, id: string, spec: k8s.ServiceSpec, annotations?: Record<string, string>): ApiObject {
  return new k8s.KubeService(chart, id, { metadata: { name: id, namespace: 'production', ...(annotations ? { annotations } : {}) }, spec });
}

function ingress(chart: Construct, id: string, spec: k8s.IngressSpec, annotations?: Record<string, string>): ApiObject {
  return new k8s.KubeIngress(chart, id, { metadata: { name: id, namespace: 'production', ...(annotations ? { annotations } : {}) }, spec });
}

function rule(host: string, path: string, name: string, port: number | string): k8s.IngressRule {
  return {
    host,
    http: {
      paths: [{
        path, pathType: 'Prefix',
        backend: { service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } },
      }],
    },
  };
}

describe('the check table', () => {
  test('every check has a unique kebab-case name, a severity and a description', () => {
    const names = checks.CHECKS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of checks.CHECKS) {
      expect(c.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(['error', 'warning']).toContain(c.severity);
      expect(c.description.length).toBeGreaterThan(20);
    }
    expect(checks.CHECKS.filter((c) => c.severity === 'warning').map((c) => c.name))
      .toEqual(['metadata-namespace-unverified', 'duplicate-port-name', 'pod-networkpolicy', 'pod-security', 'policy-unverified', 'sync-wave-order',
        'policy-as-hook']);
  });

  test('lib/checks/README.md documents every check with its severity', () => {
    const readme = require('fs').readFileSync(require('path').join(__dirname, '..', 'lib', 'checks', 'README.md'), 'utf8') as string;
    const documented = new Map([...readme.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]));
    // Every name the skip annotation accepts is a documented check, and nothing else is.
    expect([...documented.keys()].sort()).toEqual([...checks.CHECK_NAMES].sort());
    // Where the library declares a check's severity in a table, the README says the same.
    for (const c of [...checks.CHECKS, ...FLOW_CHECKS]) expect(`${c.name} ${documented.get(c.name)}`).toBe(`${c.name} ${c.severity}`);
  });

  test('the example shop passes every check', () => {
    const s = shop();
    const { objects } = synth(s.app);
    const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(expect.arrayContaining([
      'Namespace//production', 'NetworkPolicy/production/default-deny', 'Deployment/production/api', 'Service/production/api',
    ]));
  });
});

describe('service-targets-pod', () => {
  test('a Service whose selector matches no pod template fails synth, naming it and its path', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'apii' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(3000) }] });
    const lines = linesOf(synthError(s.app), 'service-targets-pod');
    expect(lines).toHaveLength(1);
    const labels = (app: string) => `{app=${app}, app.kubernetes.io/managed-by=cdk8s-networking, app.kubernetes.io/name=${app}, app.kubernetes.io/part-of=production}`;
    expect(lines[0]).toBe('  - [service-targets-pod] test/typo: Service production/typo spec.selector "{app=apii}" is invalid: it matches no pod '
      + `template in namespace "production", so the Service has no endpoints (pod templates in "production": Deployment api ${labels('api')}; `
      + `Deployment web ${labels('web')}). Fix: make the selector match the labels of the workload's pod template (spec.template.metadata.labels; `
      + 'a CronJob\'s spec.jobTemplate.spec.template.metadata.labels, a Pod\'s metadata.labels), or remove the Service (to accept it, annotate '
      + 'Service production/typo with cdk8s-networking.io/skip-checks: service-targets-pod)');
  });

  test('a second Service selecting the app\'s pods passes; ExternalName and selector-less Services are not judged', () => {
    const s = shop();
    service(s.chart, 'api-internal', { selector: { app: 'api' }, ports: [{ port: 8080, targetPort: k8s.IntOrString.fromNumber(3000) }] });
    service(s.chart, 'manual', { ports: [{ port: 80 }] });
    service(s.chart, 'cname', { type: 'ExternalName', externalName: 'db.example.com' });
    passes(s.app, ['Service/production/api-internal', 'Service/production/manual', 'Service/production/cname']);
  });

  test('a failing synth writes no file', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'nope' }, ports: [{ port: 80 }] });
    synthError(s.app);
    const fs: typeof import('fs') = require('fs'); // eslint-disable-line @typescript-eslint/consistent-type-imports
    expect(fs.readdirSync(s.app.outdir)).toEqual([]);
  });
});

describe('service-target-port', () => {
  test('a numeric targetPort no container declares fails synth, listing the declared ports', () => {
    const s = shop();
    service(s.chart, 'api-alt', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(3001) }] });
    const lines = linesOf(synthError(s.app), 'service-target-port');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/api-alt: Service production/api-alt spec.ports[0].targetPort 3001 is invalid');
    expect(lines[0]).toContain('(they declare TCP/3000)');
  });

  test('a named targetPort the pods do not name, or a protocol they do not serve, fails synth', () => {
    const s = shop();
    service(s.chart, 'api-named', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('web') }] });
    service(s.chart, 'api-udp', { selector: { app: 'api' }, ports: [{ port: 80, protocol: 'UDP', targetPort: k8s.IntOrString.fromNumber(3000) }] });
    const lines = linesOf(synthError(s.app), 'service-target-port');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('no TCP container port named "web" in Deployment production/api');
    expect(lines.join('\n')).toContain('declares UDP port 3000');
  });

  test('a targetPort by the container port name, or by number, passes; an omitted targetPort means the port', () => {
    const s = shop();
    service(s.chart, 'api-named', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] });
    service(s.chart, 'api-direct', { selector: { app: 'api' }, ports: [{ port: 3000 }] });
    passes(s.app, ['Service/production/api-named', 'Service/production/api-direct']);
  });
});

describe('ingress-targets-service', () => {
  test('a backend naming a missing Service or a port the Service lacks fails synth', () => {
    const s = shop();
    ingress(s.chart, 'edge', {
      ingressClassName: 'nginx',
      rules: [rule('a.example.com', '/', 'apii', 80), rule('b.example.com', '/', 'api', 3000), rule('c.example.com', '/', 'api', 'http')],
    });
    const lines = linesOf(synthError(s.app), 'ingress-targets-service');
    expect(lines).toHaveLength(3);
    const text = lines.join('\n');
    expect(text).toContain('test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "apii" is invalid: there is no Service "apii" in namespace "production"');
    expect(text).toContain(`list "apii" in the annotation ${EXTERNAL_BACKENDS_ANNOTATION}`);
    expect(text).toContain('spec.rules[1].http.paths[0].backend.service.port 3000 is invalid: Service production/api has no port numbered 3000 (it has 80)');
    expect(text).toContain('has no port named "http"');
  });

  test('an HTTPRoute backendRef to a missing Service fails synth; one to an existing Service passes', () => {
    const broken = shop();
    new ApiObject(broken.chart, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route', namespace: 'production' },
      spec: { parentRefs: [{ name: 'public', namespace: 'gateways' }], rules: [{ backendRefs: [{ name: 'missing', port: 80 }] }] },
    });
    expect(linesOf(synthError(broken.app), 'ingress-targets-service')[0])
      .toContain('test/route: HTTPRoute production/route spec.rules[0].backendRefs[0].name "missing" is invalid');

    const ok = shop();
    new ApiObject(ok.chart, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route', namespace: 'production' },
      spec: { parentRefs: [{ name: 'public', namespace: 'gateways' }], rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] },
    });
    admitController(ok);
    passes(ok.app, ['HTTPRoute/production/route']);
  });

  test('backends declared external, by annotation or by option, pass; so do the ApiGateway\'s own', () => {
    const s = shop();
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'legacy', 80)] },
      { [EXTERNAL_BACKENDS_ANNOTATION]: 'legacy' });
    ingress(s.chart, 'edge2', { ingressClassName: 'nginx', rules: [rule('b.example.com', '/', 'billing', 8080)] });
    NetworkModel.of(s.app).configure({ externalBackends: ['production/billing'] });
    const gw = new ApiGateway(s.chart, 'gateway', { namespace: s.prod, controller: IngressController.nginx(), tls: Tls.secret('app-tls') });
    gw.addRoute({ host: 'app.example.com', backend: s.web });
    passes(s.app, ['Ingress/production/edge', 'Ingress/production/edge2', 'Ingress/production/gateway']);
  });

  test('a malformed externalBackends entry is an error', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ externalBackends: ['billing'] });
    expect(synthError(s.app)).toContain('externalBackends ["billing"] is invalid: each entry must be "<namespace>/<service name>"');
  });
});

describe('route-backend-unreachable', () => {
  const warningsOf = (app: App) => captureWarnings(() => synth(app)).warnings.filter((w) => w.startsWith('[route-backend-unreachable]'));

  test('an Ingress written by hand to a zero-trust app no controller may reach is named: the route fails', () => {
    const s = shop();
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'api', 80), rule('b.example.com', '/', 'api', 80)] });
    expect(warningsOf(s.app)).toEqual([
      '[route-backend-unreachable] test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "api" is accepted, but: '
        + 'its pods (production/Deployment/api) are in zero-trust namespace "production" and admit no connection from outside it on TCP 3000, '
        + 'so the controller serving this route, which runs in a namespace of its own, cannot reach them and the route fails. Fix: declare the '
        + 'controller\'s flow, e.g. allowIngressFrom(Peer.pods({ namespace: \'ingress-nginx\', labels: { \'app.kubernetes.io/name\': '
        + '\'ingress-nginx\' } }), Port.tcp(3000)) on the app api, or route through an ApiGateway, which declares it (to accept it, annotate '
        + 'Ingress production/edge with cdk8s-networking.io/skip-checks: route-backend-unreachable)',
    ]);
  });

  test('an HTTPRoute written by hand is named too; a flow from outside on another port does not count', () => {
    const s = shop();
    // Prometheus in another namespace reaches the metrics port, 9102: not the port the route needs.
    const prometheus = Peer.pods({ namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } });
    new WebApp(s.chart, 'stats', { namespace: s.prod, image: 'a:1', containerPort: 3000, metrics: { port: 9102, scrapedBy: prometheus } });
    new ApiObject(s.chart, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route', namespace: 'production' },
      spec: { parentRefs: [{ name: 'public', namespace: 'gateways' }], rules: [{ backendRefs: [{ name: 'stats', port: 80 }] }] },
    });
    expect(warningsOf(s.app)).toEqual([expect.stringContaining(
      'test/route: HTTPRoute production/route spec.rules[0].backendRefs[0].name "stats" is accepted, but: its pods (production/Deployment/stats) '
        + 'are in zero-trust namespace "production" and admit no connection from outside it on TCP 3000')]);
  });

  test.each([
    ['the controller\'s flow declared', (s: Shop) => admitController(s)],
    ['a namespace admitted on the target port', (s: Shop) => s.api.allowIngressFrom(Peer.namespace('ingress-nginx'), Port.tcp(3000))],
    ['IP blocks admitted on the target port (a controller on the host network)', (s: Shop) => s.api.allowIngressFrom(Peer.cidr('10.0.0.0/16'), Port.tcp(3000))],
  ])('nothing is named with %s', (_name, admit) => {
    const s = shop();
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'api', 80)] });
    admit(s);
    expect(warningsOf(s.app)).toEqual([]);
  });

  test('a flow from a sibling in the same namespace does not count: the controller runs elsewhere', () => {
    const s = shop(); // web -> api is declared
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'api', 80)] });
    expect(warningsOf(s.app)).toHaveLength(1);
  });

  /**
   * An app `admin` whose Service port "admin" (8443) forwards to container port 9000, routed by an ApiGateway through
   * `Backend.service` (by port name on an Ingress, by number on an HTTPRoute, which names Service ports by number).
   */
  const gatewayTo = (containerPort: number, api: 'ingress' | 'httpRoute') => {
    const s = shop();
    const admin = new WebApp(s.chart, 'admin', { namespace: s.prod, image: 'a:1', containerPort: 3000, ports: [{ name: 'admin', port: 9000, servicePort: 8443 }] });
    const gw = new ApiGateway(s.chart, 'gateway', {
      namespace: s.prod, tls: Tls.secret('t'),
      ...(api === 'ingress' ? { controller: IngressController.nginx() } : {
        controller: IngressController.custom({ name: 'envoy-gateway', pods: { namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' } } }),
        api: RoutingApi.httpRoute({ gateway: { name: 'shared', namespace: 'infra' } }),
      }),
    });
    gw.addRoute({ host: 'admin.example.com', path: '/', backend: Backend.service('admin', api === 'ingress' ? 'admin' : 8443, { podLabels: { app: 'admin' }, containerPort }) });
    // The gateway's flow to other pods (web's, on 8080) is not the one to admin's.
    gw.addRoute({ host: 'web.example.com', path: '/', backend: s.web });
    return { ...s, admin };
  };

  test('an ApiGateway route whose backend gives another containerPort than the Service forwards to names both ports and the fix', () => {
    expect(warningsOf(gatewayTo(3000, 'ingress').app)).toEqual([
      '[route-backend-unreachable] test/gateway/Ingress: Ingress production/gateway spec.rules[0].http.paths[0].backend.service.name "admin" is '
        + 'accepted, but: its pods (production/Deployment/admin) are in zero-trust namespace "production" and admit no connection from outside it '
        + 'on TCP 9000, where Service port "admin" (8443) forwards; the ApiGateway test/gateway opened TCP 3000 to its controller instead, the '
        + 'containerPort its backend gives, so the controller cannot reach the pods and the route fails. Fix: give the backend the container port '
        + 'Service port "admin" (8443) forwards to: Backend.service(\'admin\', \'admin\', { podLabels: { app: \'admin\' }, containerPort: 9000 }) '
        + '(to accept it, annotate Ingress production/gateway with cdk8s-networking.io/skip-checks: route-backend-unreachable)',
    ]);
    expect(warningsOf(gatewayTo(3000, 'httpRoute').app)).toEqual([
      '[route-backend-unreachable] test/gateway/HTTPRoute:admin.example.com: HTTPRoute production/gateway-admin.example.com spec.rules[0].backendRefs[0].name '
        + '"admin" is accepted, but: its pods (production/Deployment/admin) are in zero-trust namespace "production" and admit no connection from '
        + 'outside it on TCP 9000, where Service port "admin" (8443) forwards; the ApiGateway test/gateway opened TCP 3000 to its controller '
        + 'instead, the containerPort its backend gives, so the controller cannot reach the pods and the route fails. Fix: give the backend the '
        + 'container port Service port "admin" (8443) forwards to: Backend.service(\'admin\', 8443, { podLabels: { app: \'admin\' }, '
        + 'containerPort: 9000 }) (to accept it, annotate HTTPRoute production/gateway-admin.example.com with cdk8s-networking.io/skip-checks: '
        + 'route-backend-unreachable)',
    ]);
  });

  test('with the containerPort the Service forwards to, the ApiGateway route passes', () => {
    for (const api of ['ingress', 'httpRoute'] as const) expect(warningsOf(gatewayTo(9000, api).app)).toEqual([]);
  });

  test('a flow the app itself declares from outside does not make a route under it an ApiGateway\'s', () => {
    const s = shop();
    // Prometheus reaches the metrics port, 9102, from outside the namespace; the Ingress sits under the app's construct.
    const prometheus = Peer.pods({ namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } });
    const stats = new WebApp(s.chart, 'stats', { namespace: s.prod, image: 'a:1', containerPort: 3000, metrics: { port: 9102, scrapedBy: prometheus } });
    ingress(stats, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'stats', 80)] });
    expect(warningsOf(s.app)).toEqual([expect.stringContaining('test/stats/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name '
      + '"stats" is accepted, but: its pods (production/Deployment/stats) are in zero-trust namespace "production" and admit no connection from '
      + 'outside it on TCP 3000, so the controller serving this route')]);
  });

  test('another ApiGateway\'s flow to the same pods does not make a hand-written route an ApiGateway\'s', () => {
    const s = gatewayTo(9000, 'ingress');
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'admin', 80)] });
    expect(warningsOf(s.app)).toEqual([expect.stringContaining(
      'test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "admin" is accepted, but: its pods '
        + '(production/Deployment/admin) are in zero-trust namespace "production" and admit no connection from outside it on TCP 3000, so the '
        + 'controller serving this route, which runs in a namespace of its own, cannot reach them and the route fails. Fix: declare the controller\'s '
        + 'flow, e.g. allowIngressFrom(')]);
  });

  test('backends outside the zero-trust namespaces are not judged', () => {
    const app = testApp();
    const chart = new Chart(app, 'test');
    new WebApp(chart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 3000 });
    new k8s.KubeIngress(chart, 'edge', { metadata: { name: 'edge', namespace: 'legacy' },
      spec: { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'legacy', 80)] } });
    expect(warningsOf(app)).toEqual([]);
  });
});

describe('duplicate-route', () => {
  test('two ApiGateways routing the same host and path fail synth, naming both', () => {
    const s = shop();
    for (const id of ['public', 'public2']) {
      const gw = new ApiGateway(s.chart, id, { namespace: s.prod, controller: IngressController.nginx(), tls: Tls.secret(`${id}-tls`) });
      gw.addRoute({ host: 'app.example.com', path: '/', backend: s.web });
    }
    const lines = linesOf(synthError(s.app), 'duplicate-route');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/public2/Ingress: Ingress production/public2 spec.rules[0].http.paths[0] "host app.example.com path / (Prefix, class nginx)" is invalid');
    expect(lines[0]).toContain('Ingress production/public (test/public/Ingress) routes it already');
  });

  test('/api and /api/ as Prefix are the same route', () => {
    const s = shop();
    ingress(s.chart, 'one', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/api', 'api', 80)] });
    ingress(s.chart, 'two', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/api/', 'api', 80)] });
    expect(linesOf(synthError(s.app), 'duplicate-route')).toEqual([
      expect.stringContaining('Ingress production/two spec.rules[0].http.paths[0] "host a.example.com path /api/ (Prefix, class nginx)" is invalid: Ingress production/one (test/one) routes it already'),
    ]);
  });

  test('other classes, other hosts, other paths and nginx canaries pass', () => {
    const s = shop();
    ingress(s.chart, 'one', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'api', 80)] });
    ingress(s.chart, 'internal', { ingressClassName: 'traefik', rules: [rule('a.example.com', '/', 'api', 80)] });
    ingress(s.chart, 'other-host', { ingressClassName: 'nginx', rules: [rule('b.example.com', '/', 'api', 80)] });
    ingress(s.chart, 'other-path', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/v2', 'api', 80)] });
    ingress(s.chart, 'canary', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'web', 80)] },
      { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
    admitController(s);
    passes(s.app, ['Ingress/production/one', 'Ingress/production/internal', 'Ingress/production/other-host', 'Ingress/production/other-path', 'Ingress/production/canary']);
  });

  test('HTTPRoutes on the same parent and host clash unless a header match sets them apart', () => {
    const route = (name: string, matches: any[]) => ({
      json: {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'production' },
        spec: { parentRefs: [{ name: 'public' }], hostnames: ['a.example.com'], rules: [{ matches, backendRefs: [{ name: 'api', port: 80 }] }] },
      },
      path: `t/${name}`,
    });
    const run = (objects: any[]) => checks.runChecks({ objects }).findings.filter((f) => f.check === 'duplicate-route');
    expect(run([route('a', []), route('b', [{ path: { type: 'PathPrefix', value: '/' } }])])).toHaveLength(1);
    expect(run([route('a', []), route('b', [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'x-canary', value: '1' }] }])])).toHaveLength(0);
    expect(run([route('a', [{ path: { type: 'Exact', value: '/' } }]), route('b', [])])).toHaveLength(0);
  });
});

describe('ingress-host-match-tls', () => {
  test('a rule host missing from tls[].hosts fails synth', () => {
    const s = shop();
    ingress(s.chart, 'edge', {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'], secretName: 'edge-tls' }],
      rules: [rule('a.example.com', '/', 'api', 80), rule('b.example.com', '/', 'web', 80)],
    });
    const lines = linesOf(synthError(s.app), 'ingress-host-match-tls');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/edge: Ingress production/edge spec.rules[1].host "b.example.com" is invalid: it is not in spec.tls[].hosts (a.example.com)');
  });

  test('listed hosts and one-label wildcards pass; an Ingress without tls is not judged', () => {
    const s = shop();
    ingress(s.chart, 'edge', {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['*.example.com'], secretName: 'edge-tls' }],
      rules: [rule('a.example.com', '/', 'api', 80), rule('b.example.com', '/', 'web', 80)],
    });
    ingress(s.chart, 'plain', { ingressClassName: 'nginx', rules: [rule('c.example.org', '/', 'api', 80)] });
    admitController(s);
    passes(s.app, ['Ingress/production/edge', 'Ingress/production/plain']);
  });

  test('a wildcard covers exactly one label', () => {
    expect(tlsHostCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(tlsHostCovers('*.example.com', 'a.b.example.com')).toBe(false);
    expect(tlsHostCovers('*.example.com', 'example.com')).toBe(false);
    expect(tlsHostCovers('a.example.com', 'a.example.com')).toBe(true);
  });
});

describe('duplicate-nodeport', () => {
  test('two Services claiming one nodePort fail synth, naming both', () => {
    const s = shop();
    new WebApp(s.chart, 'one', { namespace: s.prod, image: 'a:1', containerPort: 80, serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
    new WebApp(s.chart, 'two', { namespace: s.prod, image: 'a:1', containerPort: 80, serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
    const lines = linesOf(synthError(s.app), 'duplicate-nodeport');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/two/Service: Service production/two spec.ports[0].nodePort 30080 is invalid: Service production/one (test/one/Service) claims nodePort 30080 too');
  });

  test('distinct nodePorts pass; one Service may use a nodePort for TCP and UDP', () => {
    const s = shop();
    // Local keeps the clients' address (with Cluster they would arrive from node addresses: external-client-snat).
    const local = { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL };
    new WebApp(s.chart, 'one', { namespace: s.prod, image: 'a:1', containerPort: 80, serviceType: ServiceType.NODE_PORT, nodePort: 30080, ...local });
    new WebApp(s.chart, 'two', { namespace: s.prod, image: 'a:1', containerPort: 80, serviceType: ServiceType.NODE_PORT, nodePort: 30081, ...local });
    // NodePort apps behind default-deny are reachable only with their clients declared.
    s.chart.node.findAll().filter((c): c is WebApp => c instanceof WebApp && c.serviceType === ServiceType.NODE_PORT)
      .forEach((w) => w.allowIngressFrom(Peer.cidr('198.51.100.0/24')));
    const nodePorts = passes(s.app, ['Service/production/one', 'Service/production/two']).filter((o) => o.kind === 'Service' && o.spec.type === 'NodePort');
    expect(nodePorts.map((o) => o.spec.ports[0].nodePort)).toEqual([30080, 30081]);
    const dual = {
      json: {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'dns', namespace: 'x' },
        spec: { type: 'NodePort', ports: [{ name: 'udp', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 'tcp', port: 53, nodePort: 30053 }] },
      },
      path: 't/dns',
    };
    expect(checks.runChecks({ objects: [dual] }).findings.filter((f) => f.check === 'duplicate-nodeport')).toEqual([]);
  });
});

describe('metadata-namespace', () => {
  test('a namespaced object without metadata.namespace fails synth', () => {
    const s = shop();
    const bare = new Chart(s.app, 'bare');
    new k8s.KubeConfigMap(bare, 'settings', { metadata: { name: 'settings' }, data: { a: 'b' } });
    const lines = linesOf(synthError(s.app), 'metadata-namespace');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('bare/settings: ConfigMap settings metadata.namespace undefined is invalid: a ConfigMap is namespaced and must name its namespace');
  });

  test('a namespace from the Chart passes; cluster-scoped kinds are not judged', () => {
    const s = shop();
    const scoped = new Chart(s.app, 'scoped', { namespace: 'production' });
    new k8s.KubeConfigMap(scoped, 'settings', { metadata: { name: 'settings' }, data: { a: 'b' } });
    passes(s.app, ['ConfigMap/production/settings']);
  });

  // Scope by API group and kind: a name starting with Cluster says nothing (CloudNativePG's Cluster is namespaced).
  const judged = (objects: any[]) => checks.runChecks({ objects: objects.map((json, i) => ({ json, path: `t/${i}` })) }).findings
    .filter((f) => f.check.startsWith('metadata-namespace')).map((f) => `${f.check} ${f.object?.kind} ${f.object?.name}`);

  test('known kinds by API group: the built-in APIs and the custom APIs the library works with; a CRD of the app says its kind\'s scope', () => {
    expect(judged([
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'hook' } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'cilium' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'ccnp' } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumCIDRGroup', metadata: { name: 'partners' } },
      { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'cnp' } },
      { apiVersion: 'crd.projectcalico.org/v1', kind: 'HostEndpoint', metadata: { name: 'node-1-eth0' } },
      { apiVersion: 'projectcalico.org/v3', kind: 'IPPool', metadata: { name: 'pool' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'tenants.acme.io' },
        spec: { group: 'acme.io', scope: 'Cluster', names: { kind: 'Tenant' } } },
      { apiVersion: 'acme.io/v1', kind: 'Tenant', metadata: { name: 't' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'clusters.postgresql.cnpg.io' },
        spec: { group: 'postgresql.cnpg.io', scope: 'Namespaced', names: { kind: 'Cluster' } } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb' } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'self' } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNodeConfig', metadata: { name: 'cfg' } },
      { apiVersion: 'projectcalico.org/v3', kind: 'NetworkSet', metadata: { name: 'set' } },
      // The Tenant CRD names acme.io's Tenant: another group's Tenant is not what it says.
      { apiVersion: 'other.io/v1', kind: 'Tenant', metadata: { name: 'o' } },
      // A kind of a known custom API that the library does not list: new ones come with each release.
      { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'pool' } },
    ])).toEqual([
      'metadata-namespace Cluster db', 'metadata-namespace Deployment d', 'metadata-namespace RoleBinding rb',
      'metadata-namespace HTTPRoute route', 'metadata-namespace Issuer self', 'metadata-namespace CiliumNodeConfig cfg',
      'metadata-namespace NetworkSet set', 'metadata-namespace-unverified Tenant o',
      'metadata-namespace-unverified CiliumLoadBalancerIPPool pool',
    ]);
  });

  test('duplicate-object keys objects by the same scope: a cluster-scoped kind by name alone, a namespaced Cluster by namespace too', () => {
    const duplicates = (objects: any[]) => checks.runChecks({ objects: objects.map((json, i) => ({ json, path: `t/${i}` })) }).findings
      .filter((f) => f.check === 'duplicate-object').map((f) => `${f.object?.kind} ${f.object?.namespace ?? ''}/${f.object?.name}`);
    // A Chart's namespace stamped on a ClusterRole (cdk8s-team/cdk8s#2170) does not make it another object.
    expect(duplicates([
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'production' } },
    ])).toEqual(['ClusterRole production/reader']);
    // Two CloudNativePG Clusters of one name in two namespaces are two objects (the Cluster... name once made them one).
    expect(duplicates([
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'production' }, spec: { instances: 1 } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'staging' }, spec: { instances: 1 } },
    ])).toEqual([]);
  });

  test('a namespaced CRD named Cluster... without a namespace is no longer taken as cluster-scoped: a warning names its kind', () => {
    const s = shop();
    // CloudNativePG's Cluster (postgresql.cnpg.io/v1, scope: Namespaced in its CRD) took the Cluster... naming convention for
    // cluster-scoped and passed; without its CRD in the app the library cannot know, and says so. (synth() validates it against
    // a schema derived from CloudNativePG's CRD.)
    new ApiObject(s.chart, 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'orders-db' }, spec: { instances: 3, storage: { size: '1Gi' } } });
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings).toEqual([
      '[metadata-namespace-unverified] test/pg: Cluster orders-db metadata.namespace undefined is accepted, but: the library does not know '
        + 'whether a Cluster of postgresql.cnpg.io/v1 is namespaced (its CustomResourceDefinition is not in the app): if it is, kubectl puts it '
        + 'in the default namespace and Argo CD in its Application\'s destination namespace, not where its pods and policies are meant to be. '
        + 'Fix: set the namespace on the object, or on its Chart (new Chart(app, id, { namespace })); if a Cluster is cluster-scoped, accept '
        + 'it with the skip annotation (to accept it, annotate Cluster orders-db with cdk8s-networking.io/skip-checks: metadata-namespace-unverified)',
    ]);
    // Under strict it fails synth; with its namespace, or accepted with the skip annotation, it passes.
    const strict = shop();
    NetworkModel.of(strict.app).configure({ strict: true });
    new ApiObject(strict.chart, 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'orders-db' }, spec: { instances: 3, storage: { size: '1Gi' } } });
    expect(linesOf(synthError(strict.app), 'metadata-namespace-unverified')).toHaveLength(1);
    const set = shop();
    new ApiObject(set.chart, 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'orders-db', namespace: 'production' },
      spec: { instances: 3, storage: { size: '1Gi' } } });
    new ApiObject(set.chart, 'accepted', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'accepted',
      annotations: { [SKIP_CHECKS_ANNOTATION]: 'metadata-namespace-unverified' } }, spec: { instances: 1 } });
    passes(set.app, ['Cluster/production/orders-db', 'Cluster//accepted'], { suppressed: ['metadata-namespace-unverified'] });
  });
});

describe('networkpolicy-targets-pod', () => {
  test('a policy in a zero-trust namespace selecting no pod fails synth', () => {
    const s = shop();
    new k8s.KubeNetworkPolicy(s.chart, 'deny-apii', {
      metadata: { name: 'deny-apii', namespace: 'production' },
      spec: { podSelector: { matchLabels: { app: 'apii' } }, policyTypes: ['Ingress'] },
    });
    const lines = linesOf(synthError(s.app), 'networkpolicy-targets-pod');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/deny-apii: NetworkPolicy production/deny-apii spec.podSelector "{app=apii}" is invalid: it selects no pod in namespace "production"');
  });

  test('selecting pods, selecting all, or a namespace the app does not own passes', () => {
    const s = shop();
    new k8s.KubeNetworkPolicy(s.chart, 'deny-api', {
      metadata: { name: 'deny-api', namespace: 'production' },
      spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'apii'] }] }, policyTypes: ['Ingress'] },
    });
    new k8s.KubeNetworkPolicy(s.chart, 'deny-all', {
      metadata: { name: 'deny-all-ingress', namespace: 'production' }, spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    new k8s.KubeNetworkPolicy(s.chart, 'monitoring', {
      metadata: { name: 'protect-prometheus', namespace: 'monitoring' },
      spec: { podSelector: { matchLabels: { app: 'prometheus' } }, policyTypes: ['Ingress'] },
    });
    passes(s.app, ['NetworkPolicy/production/deny-api', 'NetworkPolicy/production/deny-all-ingress', 'NetworkPolicy/monitoring/protect-prometheus']);
  });
});

describe('networkpolicy-peer-targets-pod', () => {
  test('a raw policy peer selecting no pod of a zero-trust namespace fails synth', () => {
    const s = shop();
    new k8s.KubeNetworkPolicy(s.chart, 'web-egress', {
      metadata: { name: 'web-egress', namespace: 'production' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'apii' } } }] }],
      },
    });
    const lines = linesOf(synthError(s.app), 'networkpolicy-peer-targets-pod');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test/web-egress: NetworkPolicy production/web-egress spec.egress[0].to[0].podSelector "{app=apii}" is invalid: it selects no pod in namespace "production"');
  });

  test('a declared Peer.pods() with a typo in a zero-trust namespace fails synth at the rendered policy', () => {
    const s = shop();
    s.api.allowIngressFrom(Peer.pods({ labels: { app: 'wbe' } }));
    const lines = linesOf(synthError(s.app), 'networkpolicy-peer-targets-pod');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NetworkPolicy production/allow-wbe-to-api spec.ingress[0].from[0].podSelector "{app=wbe}" is invalid');
  });

  test('peers outside the app (kube-dns, an ingress controller, another namespace) pass', () => {
    const s = shop();
    s.api.allowIngressFrom(Peer.pods({ namespace: 'monitoring', labels: { app: 'prometheus' } }));
    new k8s.KubeNetworkPolicy(s.chart, 'web-dns', {
      // The team=platform rule admits pods of namespaces the app does not know: an exposure, accepted here.
      metadata: { name: 'web-dns', namespace: 'production', annotations: { [SKIP_CHECKS_ANNOTATION]: 'undeclared-flow' } },
      spec: {
        podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }] },
          { to: [{ namespaceSelector: { matchLabels: { team: 'platform' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }] },
        ],
      },
    });
    passes(s.app, ['NetworkPolicy/production/web-dns', 'NetworkPolicy/production/allow-monitoring-prometheus-to-api'], { suppressed: ['undeclared-flow'] });
  });

  test('sharedNamespaces tells that pods from outside the app run in a zero-trust namespace too', () => {
    const s = shop();
    s.api.allowEgressTo(Peer.pods({ labels: { app: 'statsd' } }), Port.udp(8125));
    NetworkModel.of(s.app).configure({ sharedNamespaces: ['production'] });
    passes(s.app, ['NetworkPolicy/production/allow-api-egress-to-statsd']);
  });

  test('sharedNamespaces must name zero-trust namespaces', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ sharedNamespaces: ['monitoring'] });
    expect(synthError(s.app)).toContain('sharedNamespaces ["monitoring"] is invalid: must name zero-trust namespaces');
  });
});

describe('pod-networkpolicy (a warning)', () => {
  /** The finding strict mode turns into an error, naming the workload and why. */
  const STRICT_LEGACY = '[pod-networkpolicy] test/legacy/Deployment: Deployment legacy/legacy pods "legacy" is invalid: no NetworkPolicy of namespace "legacy" isolates them';
  function plain(before: (app: App) => void = () => undefined): { app: App; legacy: WebApp } {
    const app = testApp();
    before(app);
    const chart = new Chart(app, 'test');
    const legacy = new WebApp(chart, 'legacy', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    return { app, legacy };
  }

  test('a workload no policy isolates is reported on its construct and stderr, and synth succeeds', () => {
    const { app, legacy } = plain();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      synth(app);
      const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('[cdk8s-networking] warning: [pod-networkpolicy] test/legacy/Deployment: Deployment legacy/legacy pods "legacy" is accepted, but: no NetworkPolicy of namespace "legacy" isolates them for ingress or egress');
    } finally {
      stderr.mockRestore();
    }
    const recorded = legacy.deployment.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === WARNING_METADATA);
    expect(recorded).toHaveLength(1);
  });

  test('strict mode turns it into an error: by option, by context, by environment', () => {
    const byOption = plain();
    NetworkModel.of(byOption.app).configure({ strict: true });
    expect(linesOf(synthError(byOption.app), 'pod-networkpolicy')).toEqual([expect.stringContaining(STRICT_LEGACY)]);

    const byContext = plain((app) => app.node.setContext('cdk8s-networking:strict', true));
    expect(linesOf(synthError(byContext.app), 'pod-networkpolicy')).toEqual([expect.stringContaining(STRICT_LEGACY)]);

    const byEnv = plain();
    process.env.CDK8S_NETWORKING_STRICT = 'true';
    try {
      expect(linesOf(synthError(byEnv.app), 'pod-networkpolicy')).toEqual([expect.stringContaining(STRICT_LEGACY)]);
      const optionWins = plain();
      NetworkModel.of(optionWins.app).configure({ strict: false });
      passes(optionWins.app, [], { warnings: ['pod-networkpolicy'] });
    } finally {
      delete process.env.CDK8S_NETWORKING_STRICT;
    }
  });

  test('workloads of a zero-trust namespace are isolated: no warning, even in strict mode', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ strict: true });
    passes(s.app, ['NetworkPolicy/production/default-deny', 'Deployment/production/api', 'Deployment/production/web']);
  });

  test('a namespace with only an ingress default-deny still warns about egress', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'n' }, spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [] } } } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'd', namespace: 'n' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    ].map((json, i) => ({ json, path: `t/${i}` }));
    const [w] = checks.runChecks({ objects }).findings.filter((f) => f.check === 'pod-networkpolicy');
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('isolates them for egress, so they can reach anything');
  });
});

describe('opting out', () => {
  test(`${SKIP_CHECKS_ANNOTATION} on the object skips that check only, and the report lists it as suppressed`, () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'apii' }, ports: [{ port: 80 }] }, { [SKIP_CHECKS_ANNOTATION]: 'service-targets-pod, pod-networkpolicy' });
    const out = synth(s.app);
    expect(out.objects.some((o) => o.metadata.name === 'typo')).toBe(true);
    const report = JSON.parse(require('fs').readFileSync(`${s.app.outdir}/network-report.json`, 'utf8'));
    expect(report.suppressed.map((f: any) => f.check)).toEqual(['service-targets-pod']);
  });

  test('the annotation does not skip other checks', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(1) }] },
      { [SKIP_CHECKS_ANNOTATION]: 'service-targets-pod' });
    expect(linesOf(synthError(s.app), 'service-target-port')).toHaveLength(1);
  });

  test('an unknown check name in the annotation or the option is an error, not a silent no-op', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(3000) }] },
      { [SKIP_CHECKS_ANNOTATION]: 'service-target-pod' });
    expect(linesOf(synthError(s.app), 'skip-checks')[0]).toContain('"service-target-pod" is invalid: it names no known check');

    const t = shop();
    NetworkModel.of(t.app).configure({ skipChecks: ['dangling-service'] });
    expect(synthError(t.app)).toContain('skipChecks ["dangling-service"] is invalid: no such check');
  });

  test('skipChecks turns a check off for the whole app', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'apii' }, ports: [{ port: 80 }] });
    NetworkModel.of(s.app).configure({ skipChecks: ['service-targets-pod'] });
    // Turned off app-wide, the check does not run at all: nothing found, nothing listed as suppressed.
    passes(s.app, ['Service/production/typo']);
  });
});

describe('all problems at once', () => {
  test('one error lists every finding, sorted, and names what to do', () => {
    const s = shop();
    service(s.chart, 'typo', { selector: { app: 'apii' }, ports: [{ port: 80 }] });
    ingress(s.chart, 'edge', { ingressClassName: 'nginx', rules: [rule('a.example.com', '/', 'gone', 80)] });
    const patched = ApiObject.of(s.web.service);
    patched.addJsonPatch(JsonPatch.replace('/spec/ports/0/targetPort', 8081));
    const message = synthError(s.app);
    expect(message.split('\n')[0]).toMatch(/^cdk8s-networking: 3 problems found at synth; no file was written; the files already in \S+\/ were left as they were\.$/);
    expect(message.split('\n').slice(1).map((l) => l.match(/\[([a-z-]+)\]/)![1]))
      .toEqual(['ingress-targets-service', 'service-target-port', 'service-targets-pod']);
    expect(message.split('\n').slice(1).every((l) => l.includes('. Fix: '))).toBe(true);
  });
});

/** A NetworkPolicy written by hand in `namespace`, selecting `app: api`, with one ingress rule on these ports. */
function handPolicy(chart: Chart, id: string, ports: any[], namespace = 'production', annotations?: Record<string, string>): ApiObject {
  return new ApiObject(chart, id, {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: id, namespace, ...(annotations ? { annotations } : {}) },
    spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports }] },
  });
}

/** The finding lines of a synth error (without the header), each `[check] message. Fix: ...`. */
function findingLines(message: string): string[] {
  return message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
}

describe('networkpolicy-port', () => {
  test('every port the API server refuses fails synth, once per field, and nothing past the checks runs', () => {
    const s = shop();
    handPolicy(s.chart, 'hand', [
      { port: '3000' }, { port: 0, endPort: 65535 }, { port: 65536, protocol: 'UDP' }, { port: 'HTTP' }, { port: 'http', endPort: 3001 },
      { endPort: 3001 }, { port: 3010, endPort: 3000 }, { port: 3000, endPort: 70000 }, { port: 3000, protocol: 'tcp' },
      { port: 0 }, { port: '3000', endPort: 3001 },
    ]);
    const message = synthError(s.app);
    expect(message.split('\n')[0]).toMatch(/^cdk8s-networking: 12 problems found at synth; no file was written;/);
    const at = 'test/hand: NetworkPolicy production/hand spec.ingress[0]';
    expect(findingLines(message)).toEqual([
      `[networkpolicy-port] ${at}.ports[0].port "3000" is invalid: a quoted number is a port name to the API server, and a port name needs a letter: `
        + 'write the port number without quotes. Fix: write port: 3000',
      // Sorted as text: ports[10] before ports[1].
      `[networkpolicy-port] ${at}.ports[10].endPort 3001 is invalid: may not be given when port is a name ("3000"). Fix: give the range as port `
        + 'numbers, or leave endPort out',
      `[networkpolicy-port] ${at}.ports[10].port "3000" is invalid: a quoted number is a port name to the API server, and a port name needs a `
        + 'letter: write the port number without quotes. Fix: write port: 3000',
      `[networkpolicy-port] ${at}.ports[1].port 0 is invalid: must be a port number from 1 to 65535 (cdk8s-plus's NetworkPolicyPort.allTcp() and `
        + 'allUdp() write port 0 to endPort 65535, which the API server refuses: cdk8s-team/cdk8s-plus#4395). Fix: leave port and endPort out to allow '
        + 'every TCP port (in cdk8s-plus, NetworkPolicyPort.of({ protocol: NetworkProtocol.TCP }) in place of allTcp())',
      `[networkpolicy-port] ${at}.ports[2].port 65536 is invalid: must be a port number from 1 to 65535. Fix: give a port number from 1 to 65535`,
      `[networkpolicy-port] ${at}.ports[3].port "HTTP" is invalid: must be an IANA service name: lowercase letters, digits and "-". Fix: name the `
        + 'port as the destination pods\' container port is named (lowercase, such as http-alt), or give its number',
      `[networkpolicy-port] ${at}.ports[4].endPort 3001 is invalid: may not be given when port is a name ("http"). Fix: give the range as port `
        + 'numbers, or leave endPort out',
      `[networkpolicy-port] ${at}.ports[5].endPort 3001 is invalid: may not be given without port (leave both out to allow every port). Fix: give `
        + 'port, the first port of the range, or leave endPort out',
      `[networkpolicy-port] ${at}.ports[6].endPort 3000 is invalid: must not be below port (3010). Fix: give the range from its lowest port: `
        + 'port: 3000, endPort: 3010',
      `[networkpolicy-port] ${at}.ports[7].endPort 70000 is invalid: must be a port number from 1 to 65535. Fix: give endPort from port to 65535`,
      `[networkpolicy-port] ${at}.ports[8].protocol "tcp" is invalid: must be "TCP", "UDP" or "SCTP" (in capitals). Fix: write TCP, UDP or `
        + 'SCTP, in capitals, or leave protocol out for TCP',
      `[networkpolicy-port] ${at}.ports[9].port 0 is invalid: must be a port number from 1 to 65535. Fix: give a port number from 1 to 65535`,
    ]);
  });

  test('a JSON patch on a rendered policy is judged like a policy written by hand', () => {
    const s = shop();
    NetworkModel.of(s.app).renderPolicies();
    ApiObject.of(s.prod.node.findChild('Policy:allow-web-to-api')).addJsonPatch(JsonPatch.replace('/spec/ingress/0/ports/0/port', '3000'));
    ApiObject.of(s.prod.node.findChild('Policy:allow-web-egress-to-api')).addJsonPatch(JsonPatch.add('/spec/egress/0/ports/0/endPort', 2999));
    expect(findingLines(synthError(s.app))).toEqual([
      '[networkpolicy-port] test/production/Policy:allow-web-egress-to-api: NetworkPolicy production/allow-web-egress-to-api '
        + 'spec.egress[0].ports[0].endPort 2999 is invalid: must not be below port (3000). Fix: give the range from its lowest port: port: 2999, '
        + 'endPort: 3000',
      '[networkpolicy-port] test/production/Policy:allow-web-to-api: NetworkPolicy production/allow-web-to-api spec.ingress[0].ports[0].port "3000" '
        + 'is invalid: a quoted number is a port name to the API server, and a port name needs a letter: write the port number without quotes. '
        + 'Fix: write port: 3000',
    ]);
  });

  test("a user's cdk8s-plus policy with NetworkPolicyPort.allUdp() fails synth, saying what to write instead", () => {
    const s = shop();
    new kplus.NetworkPolicy(s.chart, 'plus', {
      metadata: { name: 'plus', namespace: 'production' },
      selector: kplus.Pods.select(s.chart, 'plus-pods', { labels: { app: 'api' } }),
      ingress: { rules: [{ peer: kplus.Pods.select(s.chart, 'plus-web', { labels: { app: 'web' } }), ports: [kplus.NetworkPolicyPort.allUdp()] }] },
    });
    expect(findingLines(synthError(s.app))).toEqual([
      '[networkpolicy-port] test/plus/Resource: NetworkPolicy production/plus spec.ingress[0].ports[0].port 0 is invalid: must be a port number from '
        + '1 to 65535 (cdk8s-plus\'s NetworkPolicyPort.allTcp() and allUdp() write port 0 to endPort 65535, which the API server refuses: '
        + 'cdk8s-team/cdk8s-plus#4395). Fix: leave port and endPort out to allow every UDP port (in cdk8s-plus, NetworkPolicyPort.of({ protocol: '
        + 'NetworkProtocol.UDP }) in place of allUdp())',
    ]);
  });

  test('the edges the API server accepts pass: port 1 and 65535, endPort equal to port, a name with a hyphen, a protocol without a port', () => {
    const s = shop();
    handPolicy(s.chart, 'edges', [{ port: 1 }, { port: 65535, protocol: 'UDP' }, { port: 4000, endPort: 4000, protocol: 'SCTP' }, { port: 'http-alt' },
      { protocol: 'UDP' }, { port: 5000, endPort: 65535 }], 'legacy');
    passes(s.app, ['NetworkPolicy/legacy/edges']);
  });

  test('it cannot be skipped: the annotation or the option naming it is an error, and the finding stays', () => {
    const s = shop();
    handPolicy(s.chart, 'hand', [{ port: 70000 }], 'production', { [SKIP_CHECKS_ANNOTATION]: 'networkpolicy-port' });
    expect(findingLines(synthError(s.app))).toEqual([
      '[networkpolicy-port] test/hand: NetworkPolicy production/hand spec.ingress[0].ports[0].port 70000 is invalid: must be a port number from 1 to '
        + '65535. Fix: give a port number from 1 to 65535',
      `[skip-checks] test/hand: NetworkPolicy production/hand metadata.annotations["${SKIP_CHECKS_ANNOTATION}"] "networkpolicy-port" is invalid: `
        + 'networkpolicy-port cannot be skipped: the API server refuses what it reports, so skipping it would only move the error to kubectl apply. '
        + 'Fix: remove networkpolicy-port from the annotation, and fix what it reports',
    ]);
    const t = shop();
    NetworkModel.of(t.app).configure({ skipChecks: ['networkpolicy-port', 'container-port'] });
    expect(synthError(t.app)).toBe('cdk8s-networking: NetworkModel.configure() skipChecks ["networkpolicy-port","container-port"] is invalid: '
      + 'networkpolicy-port and container-port cannot be skipped: the API server refuses what it reports, so skipping it would only move the error '
      + 'to kubectl apply');
  });

  test('on plain JSON, runChecks stops after the checks of what the API server refuses, and the evaluator names the construct path', () => {
    const policy = { json: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' },
      spec: { podSelector: {}, ingress: [{ ports: [{ port: '53', protocol: 'UDP' }] }] } }, path: 'app/p' };
    const workload = { json: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'n' },
      spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } } } }, path: 'app/a' };
    const ctx = new checks.CheckContext({ objects: [policy, workload] });
    // pod-networkpolicy, which reads the evaluator, would warn about the workload: it did not run.
    expect(checks.runChecks(ctx).findings.map((f) => f.check)).toEqual(['networkpolicy-port']);
    expect(checks.runChecks(ctx, { skipChecks: ['networkpolicy-port'] }).findings.map((f) => f.check)).toEqual(['networkpolicy-port']);
    expect(() => ctx.evaluator).toThrow('app/p: NetworkPolicy n/p spec.ingress[0].ports[0].port "53" is invalid: a quoted number is a port name to '
      + 'the API server, and a port name needs a letter: write the port number without quotes');
  });
});

/** A Deployment written by hand in `namespace` with these containers (image and name filled in). */
function handDeployment(chart: Chart, id: string, containers: any[], namespace = 'legacy'): ApiObject {
  return new ApiObject(chart, id, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: id, namespace },
    spec: {
      selector: { matchLabels: { app: id } },
      template: { metadata: { labels: { app: id } }, spec: { containers: containers.map((c, i) => ({ name: `c${i}`, image: 'ghcr.io/acme/x:1.0.0', ...c })) } },
    },
  });
}

describe('container-port', () => {
  test('a port name that is not an IANA service name, or twice in one container, a port out of range, a protocol in lower case fail synth', () => {
    const s = shop();
    handDeployment(s.chart, 'hand', [
      { ports: [{ name: 'HTTP', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }, { name: 'metrics', containerPort: 9091 }] },
      { ports: [{ name: '8443', containerPort: 0 }, { containerPort: 53, protocol: 'udp' }, { name: 'abcdefghijklmnop', containerPort: 443 }] },
    ]);
    const at = 'test/hand: Deployment legacy/hand spec.template.spec.containers';
    expect(findingLines(synthError(s.app))).toEqual([
      `[container-port] ${at}[0].ports[0].name "HTTP" is invalid: must be an IANA service name: lowercase letters, digits and "-". Fix: name the `
        + 'port with lowercase letters, digits and "-" (1 to 15, at least one letter), such as http-alt',
      `[container-port] ${at}[0].ports[2].name "metrics" is invalid: spec.template.spec.containers[0].ports[1] of the same container is named `
        + '"metrics" too, and the API server refuses a port name twice in a container. Fix: give each port of the container a name of its own, or '
        + 'leave one unnamed',
      `[container-port] ${at}[1].ports[0].containerPort 0 is invalid: must be a port number from 1 to 65535. Fix: give the port the container `
        + 'listens on',
      `[container-port] ${at}[1].ports[0].name "8443" is invalid: must be an IANA service name: at least one letter. Fix: name the port with `
        + 'lowercase letters, digits and "-" (1 to 15, at least one letter), such as http-alt',
      `[container-port] ${at}[1].ports[1].protocol "udp" is invalid: must be "TCP", "UDP" or "SCTP" (in capitals). Fix: write TCP, UDP or SCTP, `
        + 'in capitals, or leave protocol out for TCP',
      `[container-port] ${at}[1].ports[2].name "abcdefghijklmnop" is invalid: must be an IANA service name of 1 to 15 characters. Fix: name the `
        + 'port with lowercase letters, digits and "-" (1 to 15, at least one letter), such as http-alt',
    ]);
  });

  test('a JSON patch giving a WebApp\'s container port a second port of the same name fails synth', () => {
    const s = shop();
    ApiObject.of(s.api.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/ports/-', { name: 'http', containerPort: 3001 }),
      JsonPatch.add('/spec/template/spec/initContainers', [{ name: 'init', image: 'ghcr.io/acme/init:1.0.0', ports: [{ name: 'Init', containerPort: 1 }] }]));
    expect(findingLines(synthError(s.app))).toEqual([
      '[container-port] test/api/Deployment: Deployment production/api spec.template.spec.containers[0].ports[1].name "http" is invalid: '
        + 'spec.template.spec.containers[0].ports[0] of the same container is named "http" too, and the API server refuses a port name twice in a '
        + 'container. Fix: give each port of the container a name of its own, or leave one unnamed',
      '[container-port] test/api/Deployment: Deployment production/api spec.template.spec.initContainers[0].ports[0].name "Init" is invalid: must be '
        + 'an IANA service name: lowercase letters, digits and "-". Fix: name the port with lowercase letters, digits and "-" (1 to 15, at least one '
        + 'letter), such as http-alt',
    ]);
  });

  test('the edges the API server accepts pass: ports 1 and 65535, 15-character and hyphenated names, the same name in two protocols of two containers', () => {
    const s = shop();
    handDeployment(s.chart, 'edges', [
      { ports: [{ name: 'http-alt', containerPort: 1 }, { name: 'abcdefghijklmno', containerPort: 65535, protocol: 'UDP' }, { containerPort: 8080 }, { containerPort: 8081 }] },
      { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'x1', containerPort: 9000, protocol: 'SCTP' }, { name: 'metrics', containerPort: 9100 }] },
      // The same name with another protocol, or the same number, in another container: no port is ambiguous, nothing to warn about.
      { ports: [{ name: 'dns', containerPort: 5353 }, { name: 'metrics', containerPort: 9100 }] },
    ]).addJsonPatch(JsonPatch.add('/spec/template/spec/initContainers', [
      // An init container that is not a sidecar has finished before the pod serves: its port names mean nothing to policies.
      { name: 'init', image: 'ghcr.io/acme/init:1.0.0', ports: [{ name: 'http-alt', containerPort: 2 }] },
    ]));
    handPolicy(s.chart, 'edges-isolated', [{ port: 'http-alt' }], 'legacy').addJsonPatch(
      JsonPatch.replace('/spec/podSelector', { matchLabels: { app: 'edges' } }), JsonPatch.replace('/spec/policyTypes', ['Ingress', 'Egress']));
    passes(s.app, ['Deployment/legacy/edges']);
  });
});

describe('duplicate-port-name (a warning)', () => {
  test('a sidecar giving the main container\'s port name another number warns, naming both ports and which the verification took', () => {
    const s = shop();
    ApiObject.of(s.api.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/initContainers', [{
      name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0', restartPolicy: 'Always', ports: [{ name: 'http', containerPort: 9090 }],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    }]));
    const { result: { objects }, warnings } = captureWarnings(() => synth(s.app));
    expect(objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'api')).toHaveLength(1);
    expect(warnings).toEqual([
      '[duplicate-port-name] test/api/Deployment: Deployment production/api spec.template.spec.initContainers[0].ports[0].name "http" is accepted, but: '
        + 'spec.template.spec.containers[0].ports[0] has the same name with TCP 3000, this one is TCP 9090: the flow verification resolves a '
        + 'NetworkPolicy port "http" to every port so named (TCP 3000, 9090), but Services and probes that select the port by name use the first, '
        + 'TCP 3000 (the API server warns so), and CNIs differ (Cilium ignores an egress rule whose port name stands for two numbers: '
        + 'cilium/cilium#30003), so the cluster may allow less than the verification shows. Fix: give each container port a name of its own (such '
        + 'as http and http-admin), and name in policies and Services the one you mean (to accept it, annotate Deployment production/api with '
        + `${SKIP_CHECKS_ANNOTATION}: duplicate-port-name)`,
    ]);
  });
});

describe('policy-not-applied', () => {
  /** A NetworkPolicy admitting web to api on 3000 (what the declared flow opens), with these annotations. */
  function webToApi(chart: Chart, id: string, annotations: Record<string, string>): ApiObject {
    return new ApiObject(chart, id, {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: id, namespace: 'production', annotations },
      spec: {
        podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 3000 }] }],
      },
    });
  }
  const tail = 'yet the flow verification and the report count this policy: the flows it allows are dead in the cluster, and the pods it isolates '
    + 'stay open to what it denies. Fix: remove the hook annotations (order the policy with argocd.argoproj.io/sync-wave instead), or leave the '
    + 'policy out of the manifests';

  test('a policy Argo CD skips fails synth: the whole finding', () => {
    const s = shop();
    webToApi(s.chart, 'skipped', { 'argocd.argoproj.io/hook': 'Skip' });
    expect(linesOf(synthError(s.app), 'policy-not-applied')).toEqual([
      '  - [policy-not-applied] test/skipped: NetworkPolicy production/skipped metadata.annotations["argocd.argoproj.io/hook"] "Skip" is invalid: '
        + `Argo CD skips an object whose only hook is Skip: no sync ever applies it, ${tail} (to accept it, annotate NetworkPolicy `
        + 'production/skipped with cdk8s-networking.io/skip-checks: policy-not-applied)',
    ]);
  });

  test('a SyncFail hook, a hook Argo CD does not know, a Helm hook it does not run, a hook deleted once it succeeds', () => {
    const s = shop();
    webToApi(s.chart, 'on-failure', { 'argocd.argoproj.io/hook': 'SyncFail' });
    webToApi(s.chart, 'unknown', { 'argocd.argoproj.io/hook': 'PreSynch' });
    webToApi(s.chart, 'helm', { 'helm.sh/hook': 'pre-delete' });
    webToApi(s.chart, 'deleted', { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' });
    webToApi(s.chart, 'helm-deleted', { 'helm.sh/hook': 'post-install', 'helm.sh/hook-delete-policy': 'hook-succeeded' });
    const lines = linesOf(synthError(s.app), 'policy-not-applied').map((l) => l.slice(0, l.indexOf(`, ${tail}`)));
    expect(lines).toEqual([
      '  - [policy-not-applied] test/deleted: NetworkPolicy production/deleted metadata.annotations["argocd.argoproj.io/hook-delete-policy"] '
        + '"HookSucceeded" is invalid: Argo CD deletes this PostSync hook as soon as it succeeds, which an applied policy does at once: it is not in '
        + 'the cluster after the sync',
      '  - [policy-not-applied] test/helm-deleted: NetworkPolicy production/helm-deleted metadata.annotations["helm.sh/hook-delete-policy"] '
        + '"hook-succeeded" is invalid: Argo CD deletes this PostSync hook as soon as it succeeds, which an applied policy does at once: it is not in '
        + 'the cluster after the sync',
      '  - [policy-not-applied] test/helm: NetworkPolicy production/helm metadata.annotations["helm.sh/hook"] "pre-delete" is invalid: it makes the '
        + 'object an Argo CD hook of no phase a sync runs (Argo CD runs PreSync, Sync, PostSync and SyncFail hooks, and of Helm\'s only '
        + 'pre-install, pre-upgrade, post-install and post-upgrade): no sync applies it',
      '  - [policy-not-applied] test/on-failure: NetworkPolicy production/on-failure metadata.annotations["argocd.argoproj.io/hook"] "SyncFail" is '
        + 'invalid: Argo CD applies a SyncFail hook only when a sync fails, never in a sync that succeeds',
      '  - [policy-not-applied] test/unknown: NetworkPolicy production/unknown metadata.annotations["argocd.argoproj.io/hook"] "PreSynch" is '
        + 'invalid: it makes the object an Argo CD hook of no phase a sync runs (Argo CD runs PreSync, Sync, PostSync and SyncFail hooks, and of '
        + 'Helm\'s only pre-install, pre-upgrade, post-install and post-upgrade): no sync applies it',
    ]);
  });

  const WARNED = ['policy-as-hook', 'policy-as-hook', 'policy-as-hook', 'policy-as-hook', 'policy-as-hook', 'sync-wave-order'];
  test('what Argo CD applies and keeps passes: sync waves, hooks of a sync phase, Skip with another hook, crd-install, other delete policies', () => {
    const s = shop();
    const kept: Record<string, string>[] = [
      { 'argocd.argoproj.io/sync-wave': '-5' },
      { 'argocd.argoproj.io/hook': 'PreSync' },
      { 'argocd.argoproj.io/hook': 'Skip, PostSync' },
      { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookFailed' },
      { 'helm.sh/hook': 'crd-install' },
      { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation' },
      // Argo CD's annotation wins over Helm's: a valid Argo CD hook type, so the Helm hook is not read.
      { 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'test' },
    ];
    kept.forEach((annotations, i) => webToApi(s.chart, `kept${i}`, annotations));
    // Applied and kept, so no policy-not-applied. The five hooks are policy-as-hook's (below); the PostSync one comes after api's
    // pods start, which sync-wave-order warns about.
    passes(s.app, kept.map((_, i) => `NetworkPolicy/production/kept${i}`), { warnings: WARNED });
  });

  test('policy-as-hook: a policy that is a hook Argo CD keeps is applied, but not compared with the cluster and re-created at each sync', () => {
    const s = shop();
    webToApi(s.chart, 'presync', { 'argocd.argoproj.io/hook': 'PreSync' });
    webToApi(s.chart, 'waved', { 'argocd.argoproj.io/sync-wave': '-2' });
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(warnings.filter((w) => w.startsWith('[policy-as-hook]'))).toEqual([
      '[policy-as-hook] test/presync: NetworkPolicy production/presync metadata.annotations["argocd.argoproj.io/hook"] "PreSync" is accepted, '
        + 'but: makes the policy an Argo CD PreSync hook: Argo CD leaves hooks out of its comparison with the cluster, so self-heal does not '
        + 'restore it if anyone deletes it, and with the default delete policy (BeforeHookCreation) deletes it before it creates it again at '
        + 'each sync: in both gaps the pods it selects run without it, which the flow verification does not see. Fix: remove the hook '
        + 'annotations and order the policy with argocd.argoproj.io/sync-wave (SyncWaves puts NetworkPolicies in wave -2) (to accept it, '
        + `annotate NetworkPolicy production/presync with ${SKIP_CHECKS_ANNOTATION}: policy-as-hook)`,
    ]);
    // A hook Argo CD never applies is policy-not-applied's alone.
    const hooked = (name: string, hook: string) => ({
      json: {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name, namespace: 'production', annotations: { 'argocd.argoproj.io/hook': hook } }, spec: { podSelector: {} },
      },
      path: `test/${name}`,
    });
    const found = checks.runChecks({ objects: [hooked('skipped', 'Skip'), hooked('on-failure', 'SyncFail'), hooked('before', 'PreSync')] }).findings
      .filter((f) => f.check === 'policy-as-hook' || f.check === 'policy-not-applied').map((f) => `${f.check} ${f.object?.name}`);
    expect(found).toEqual(['policy-not-applied on-failure', 'policy-not-applied skipped', 'policy-as-hook before']);
  });

  test('CiliumNetworkPolicies too; other policy APIs are policy-unverified\'s', () => {
    const cnp = (name: string, apiVersion = 'cilium.io/v2') => ({
      json: {
        apiVersion, kind: 'CiliumNetworkPolicy', metadata: { name, namespace: 'production', annotations: { 'argocd.argoproj.io/hook': 'Skip' } },
        spec: { endpointSelector: { matchLabels: { app: 'api' } } },
      },
      path: `test/${name}`,
    });
    const found = checks.runChecks({ objects: [cnp('skipped'), cnp('other', 'cilium.io/v3')] }).findings
      .filter((f) => f.check === 'policy-not-applied');
    expect(found.map((f) => [f.severity, f.message.slice(0, f.message.indexOf(' is invalid'))])).toEqual([
      ['error', 'test/skipped: CiliumNetworkPolicy production/skipped metadata.annotations["argocd.argoproj.io/hook"] "Skip"'],
    ]);
  });
});
