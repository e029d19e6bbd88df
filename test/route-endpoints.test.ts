/**
 * Routes to Services without a selector: their endpoints are what EndpointSlices (or a legacy
 * Endpoints) list, and the controller connects to those addresses, so a zero-trust namespace's
 * default-deny applies at the pods they are. Endpoints whose targetRef names a pod of the app's
 * workloads are verified like a selector's pods (route-backend-unreachable); endpoints the library
 * cannot tie to pods are a route-backend-unverified warning. Every synthesized object is
 * schema-validated by test/util.ts (EndpointSlices with kubernetes-models' discovery.k8s.io/v1).
 */
import type { ApiObject, App } from 'cdk8s';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ApiGateway, Backend, Cni, IngressController, NetworkModel, Peer, Port, Tls, WebApp, ZeroTrustNamespace } from '../lib';
import { podOfWorkload, podRangesOf, serviceEndpoints } from '../lib/checks/service-endpoints';
import { captureWarnings, synth, testApp } from './util';

interface Shop {
  readonly app: App;
  readonly chart: Chart;
  readonly api: WebApp;
}

/** A zero-trust `production` namespace with `api` (3000), a selector-less Service `legacy` (80, "http") and an Ingress to it. */
function shop(cni?: Cni): Shop {
  const app = testApp();
  if (cni) NetworkModel.of(app).configure({ cni });
  const chart = new Chart(app, 'test');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  new k8s.KubeService(chart, 'legacy', {
    metadata: { name: 'legacy', namespace: 'production' },
    spec: { ports: [{ name: 'http', port: 80 }] },
  });
  new k8s.KubeIngress(chart, 'edge', {
    metadata: { name: 'edge', namespace: 'production' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'legacy', port: { number: 80 } } } }] } }],
    },
  });
  return { app, chart, api };
}

/** An EndpointSlice of `legacy` with one endpoint on port "http" `port`. */
function slice(s: Shop, endpoint: k8s.Endpoint, port = 3000, name = 'legacy-1'): ApiObject {
  return new k8s.KubeEndpointSlice(s.chart, name, {
    metadata: { name, namespace: 'production', labels: { 'kubernetes.io/service-name': 'legacy' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: [endpoint],
  });
}

const apiPod = { addresses: ['10.244.1.7'], targetRef: { kind: 'Pod', namespace: 'production', name: 'api-7d9f8b6c5d-x2x4z' } };
const controller = Peer.pods({ namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } });

const warningsOf = (app: App, check: string) => captureWarnings(() => synth(app)).warnings.filter((w) => w.startsWith(`[${check}]`));
const unreachable = (app: App) => warningsOf(app, 'route-backend-unreachable');
const unverified = (app: App) => warningsOf(app, 'route-backend-unverified');

describe('route-backend-unreachable through EndpointSlices', () => {
  test('a selector-less Service whose EndpointSlice names the app\'s pods, with no controller flow: the route is dead', () => {
    const s = shop();
    slice(s, apiPod);
    expect(unreachable(s.app)).toEqual([
      '[route-backend-unreachable] test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "legacy" is accepted, '
        + 'but: its pods (production/Deployment/api, listed by EndpointSlice production/legacy-1) are in zero-trust namespace "production" and '
        + 'admit no connection from outside it on TCP 3000, so the controller serving this route, which runs in a namespace of its own, cannot '
        + 'reach them and the route fails. Fix: declare the controller\'s flow, e.g. allowIngressFrom(Peer.pods({ namespace: \'ingress-nginx\', '
        + 'labels: { \'app.kubernetes.io/name\': \'ingress-nginx\' } }), Port.tcp(3000)) on the app api, or route through an ApiGateway, which '
        + 'declares it (to accept it, annotate Ingress production/edge with cdk8s-networking.io/skip-checks: route-backend-unreachable)',
    ]);
    expect(unverified(s.app)).toEqual([]);
  });

  test('the controller\'s flow on the endpoint port clears it; on another port it does not (the port is the slice\'s, not the Service\'s)', () => {
    const s = shop();
    slice(s, apiPod);
    s.api.allowIngressFrom(controller, Port.tcp(3000));
    expect(captureWarnings(() => synth(s.app)).warnings).toEqual([]);

    const t = shop();
    slice(t, apiPod, 8443);
    t.api.allowIngressFrom(controller, Port.tcp(3000));
    expect(unreachable(t.app)).toEqual([expect.stringContaining('its pods (production/Deployment/api, listed by EndpointSlice '
      + 'production/legacy-1) are in zero-trust namespace "production" and admit no connection from outside it on TCP 8443')]);
  });

  test('a legacy Endpoints object is read the same way', () => {
    const s = shop();
    new k8s.KubeEndpoints(s.chart, 'legacy-endpoints', {
      metadata: { name: 'legacy', namespace: 'production' },
      subsets: [{ addresses: [{ ip: '10.244.1.7', targetRef: { kind: 'Pod', name: 'api-7d9f8b6c5d-x2x4z' } }], ports: [{ name: 'http', port: 3000 }] }],
    });
    expect(unreachable(s.app)).toEqual([expect.stringContaining('its pods (production/Deployment/api, listed by Endpoints production/legacy) '
      + 'are in zero-trust namespace "production" and admit no connection from outside it on TCP 3000')]);
  });

  test('an ApiGateway route to Backend.service() of a selector-less Service is verified through its slice too', () => {
    const s = shop();
    slice(s, apiPod);
    const gw = new ApiGateway(s.chart, 'gateway', { namespace: 'production', controller: IngressController.nginx(), tls: Tls.secret('t') });
    gw.addRoute({ host: 'b.example.com', path: '/', backend: Backend.service('legacy', 80) });
    expect(unreachable(s.app)).toEqual([
      expect.stringContaining('test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "legacy" is accepted'),
      expect.stringContaining('test/gateway/Ingress: Ingress production/gateway spec.rules[0].http.paths[0].backend.service.name "legacy" is '
        + 'accepted, but: its pods (production/Deployment/api, listed by EndpointSlice production/legacy-1) are in zero-trust namespace'),
    ]);
  });

  test('a pod of a StatefulSet is tied to it by its ordinal name; a pod in a namespace that is not zero-trust is not judged', () => {
    const s = shop();
    new k8s.KubeStatefulSet(s.chart, 'db', {
      metadata: { name: 'db', namespace: 'production' },
      spec: {
        serviceName: 'db', selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16', ports: [{ containerPort: 5432 }] }] } },
      },
    });
    slice(s, { addresses: ['10.244.1.9'], targetRef: { kind: 'Pod', namespace: 'production', name: 'db-0' } }, 5432);
    expect(unreachable(s.app)).toEqual([expect.stringContaining('its pods (production/StatefulSet/db, listed by EndpointSlice production/legacy-1)')]);

    const t = shop();
    slice(t, { addresses: ['10.244.1.9'], targetRef: { kind: 'Pod', namespace: 'legacy', name: 'db-0' } });
    expect(captureWarnings(() => synth(t.app)).warnings).toEqual([]);
  });
});

describe('which pods an endpoint names', () => {
  const statefulSet = (s: Shop, name: string, port: number) => new k8s.KubeStatefulSet(s.chart, name, {
    metadata: { name, namespace: 'production' },
    spec: {
      serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'postgres:16', ports: [{ containerPort: port }] }] } },
    },
  });

  test('the workload of the longest name that can have made the pod: api-v2-0 is StatefulSet api-v2\'s, not Deployment api\'s', () => {
    const s = shop();
    s.api.allowIngressFrom(controller, Port.tcp(3000));
    statefulSet(s, 'api-v2', 5432);
    slice(s, { addresses: ['10.244.1.9'], targetRef: { kind: 'Pod', namespace: 'production', name: 'api-v2-0' } }, 5432);
    expect(unreachable(s.app)).toEqual([expect.stringContaining('its pods (production/StatefulSet/api-v2, listed by EndpointSlice production/legacy-1) '
      + 'are in zero-trust namespace "production" and admit no connection from outside it on TCP 5432')]);
  });

  test.each([false, true])('a pod in another zero-trust namespace is judged by that namespace (a flow from the route\'s: %s)', (fromProduction) => {
    const s = shop();
    const payments = new ZeroTrustNamespace(s.chart, 'payments');
    const ledger = new WebApp(s.chart, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:1.0.0', containerPort: 9000 });
    slice(s, { addresses: ['10.244.2.4'], targetRef: { kind: 'Pod', namespace: 'payments', name: 'ledger-7d9f8b6c5d-x2x4z' } }, 9000);
    // A flow from production is from outside payments.
    if (fromProduction) ledger.allowFrom(s.api);
    expect(unreachable(s.app)).toEqual(fromProduction ? [] : [expect.stringContaining('its pods (payments/Deployment/ledger, listed by '
      + 'EndpointSlice production/legacy-1) are in zero-trust namespace "payments" and admit no connection from outside it on TCP 9000')]);
  });

  test('an EndpointSlice labelled for another Service is not this one\'s', () => {
    const s = shop();
    new k8s.KubeEndpointSlice(s.chart, 'other-1', {
      metadata: { name: 'other-1', namespace: 'production', labels: { 'kubernetes.io/service-name': 'other' } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 3000 }], endpoints: [apiPod],
    });
    expect(captureWarnings(() => synth(s.app)).warnings).toEqual([expect.stringMatching(/^\[route-backend-unverified\] .*the app writes no EndpointSlice labelled kubernetes.io\/service-name: legacy/)]);
  });

  test('an ExternalName Service has no endpoints to judge', () => {
    const s = shop();
    new k8s.KubeService(s.chart, 'payments-api', { metadata: { name: 'payments-api', namespace: 'production' }, spec: { type: 'ExternalName', externalName: 'api.payments.example', ports: [{ port: 443 }] } });
    new k8s.KubeIngress(s.chart, 'edge2', {
      metadata: { name: 'edge2', namespace: 'production' },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'p.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'payments-api', port: { number: 443 } } } }] } }],
      },
    });
    expect(unverified(s.app).map((w) => w.slice(0, w.indexOf(' is accepted')))).toEqual([
      '[route-backend-unverified] test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "legacy"',
    ]);
  });
});

describe('route-backend-unverified', () => {
  test('a selector-less Service with no EndpointSlice in the app: its endpoints are written elsewhere', () => {
    const s = shop();
    expect(unverified(s.app)).toEqual([
      '[route-backend-unverified] test/edge: Ingress production/edge spec.rules[0].http.paths[0].backend.service.name "legacy" is accepted, '
        + 'but: Service production/legacy has no selector, and the library cannot tell which pods its endpoints for port 80 are: the app writes no '
        + 'EndpointSlice labelled kubernetes.io/service-name: legacy in namespace "production" (nor an Endpoints "legacy"), so its endpoints are '
        + 'written outside the app. If they are pods of zero-trust namespace "production", whose default-deny drops the controller serving this '
        + 'route unless a flow admits it, the route fails, and synth cannot verify it. Fix: list the endpoints in an EndpointSlice of the app '
        + '(label kubernetes.io/service-name: legacy) whose targetRef names each pod (kind: Pod), so synth verifies them, or give the Service a '
        + 'selector; accept it if the endpoints are outside the pod network (to accept it, annotate Ingress production/edge with '
        + 'cdk8s-networking.io/skip-checks: route-backend-unverified)',
    ]);
    expect(unreachable(s.app)).toEqual([]);
  });

  test('an address with no targetRef may be a pod: warned without the pod CIDRs, and inside them; not outside them', () => {
    const s = shop();
    slice(s, { addresses: ['10.244.1.7'] });
    expect(unverified(s.app)).toEqual([expect.stringContaining('Service production/legacy has no selector, and the library cannot tell which '
      + 'pods its endpoints for port 80 are: EndpointSlice production/legacy-1 endpoints[0] address 10.244.1.7 is inside 10.0.0.0/8, where pods '
      + 'may have addresses (the pod CIDRs are not given), with no targetRef naming its pod. If they are pods of zero-trust namespace')]);

    const inside = shop(Cni.generic({ podCidrs: ['10.244.0.0/16'] }));
    slice(inside, { addresses: ['10.244.1.7'] });
    expect(unverified(inside.app)).toEqual([expect.stringContaining('EndpointSlice production/legacy-1 endpoints[0] address 10.244.1.7 is inside '
      + '10.244.0.0/16, a pod CIDR of Cni.generic({ podCidrs }), with no targetRef naming its pod')]);

    const outside = shop(Cni.generic({ podCidrs: ['10.244.0.0/16'] }));
    slice(outside, { addresses: ['10.20.0.5'] });
    expect(unverified(outside.app)).toEqual([]);
    expect(unreachable(outside.app)).toEqual([]);
  });

  test('a public address is no pod\'s without the pod CIDRs either', () => {
    const s = shop();
    slice(s, { addresses: ['203.0.113.10'] });
    expect(captureWarnings(() => synth(s.app)).warnings).toEqual([]);
  });

  test('a targetRef naming a pod no workload of the app makes is named', () => {
    const s = shop();
    slice(s, { addresses: ['10.244.1.9'], targetRef: { kind: 'Pod', namespace: 'production', name: 'cache-0' } });
    expect(unverified(s.app)).toEqual([expect.stringContaining('EndpointSlice production/legacy-1 endpoints[0] names pod production/cache-0, '
      + 'which no workload of the app makes (a controller names its pods <workload>-...). If they are pods of zero-trust namespace')]);
  });

  test('a slice with no port of the Service port\'s name lists nothing for it', () => {
    const s = shop();
    new k8s.KubeEndpointSlice(s.chart, 'legacy-1', {
      metadata: { name: 'legacy-1', namespace: 'production', labels: { 'kubernetes.io/service-name': 'legacy' } },
      addressType: 'IPv4', ports: [{ name: 'metrics', port: 3000 }], endpoints: [apiPod],
    });
    expect(captureWarnings(() => synth(s.app)).warnings).toEqual([]);
  });
});

describe('service-endpoints', () => {
  const workload = (kind: string, name: string) => ({ path: 'x', json: { kind, metadata: { name, namespace: 'production' } } });

  test.each([
    ['Deployment', 'api', 'api-7d9f8b6c5d-x2x4z', true],
    ['Deployment', 'api', 'api-x2x4z', false],
    ['Deployment', 'api', 'apis-7d9f8b6c5d-x2x4z', false],
    ['StatefulSet', 'db', 'db-0', true],
    ['StatefulSet', 'db', 'db-a', false],
    ['Pod', 'debug', 'debug', true],
    ['Pod', 'debug', 'debug-1', false],
    ['DaemonSet', 'agent', 'agent-x2x4z', true],
    ['DaemonSet', 'agent', 'agent-7d9f8b6c5d-x2x4z', false],
    ['CronJob', 'report', 'report-28930210-x2x4z', true],
    ['Job', 'a.b', 'axb-x2x4z', false],
  ])('a %s %s makes pod %s: %s', (kind, name, pod, expected) => {
    expect(podOfWorkload(pod, workload(kind, name))).toBe(expected);
  });

  test('addresses in the pod ranges', () => {
    expect(podRangesOf('10.1.2.3', undefined)).toEqual(['10.0.0.0/8']);
    expect(podRangesOf('2001:db8::1', undefined)).toEqual(['2000::/3']);
    expect(podRangesOf('10.1.2.3', ['10.244.0.0/16'])).toEqual([]);
    expect(podRangesOf('not-an-ip', undefined)).toEqual([]);
  });

  test('ports pair by name; an unnamed Service port takes the unnamed slice port', () => {
    const obj = (ports: any[]) => ({ path: 'x', json: { kind: 'EndpointSlice', metadata: { name: 's', namespace: 'n' }, ports, endpoints: [{ addresses: ['10.0.0.1'] }] } });
    expect(serviceEndpoints([obj([{ name: 'a', port: 1 }, { name: 'http', port: 2 }])], { name: 'http', port: 80 }).map((e) => e.port)).toEqual([2]);
    expect(serviceEndpoints([obj([{ port: 5 }])], { port: 80 }).map((e) => e.port)).toEqual([5]);
    expect(serviceEndpoints([obj([{ name: 'http', port: 5, protocol: 'UDP' }])], { name: 'http', port: 80 })).toEqual([]);
  });
});
