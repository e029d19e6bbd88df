/**
 * The checks read the kinds they know (Service, Namespace, NetworkPolicy, Ingress, ...) in those
 * kinds' own API groups: Knative's `Service` (serving.knative.dev) is not a core Service, and
 * Calico's `NetworkPolicy` (projectcalico.org) not a networking.k8s.io one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { WebApp, ZeroTrustNamespace } from '../lib';
import { CheckContext } from '../lib/checks/context';
import type { ManifestObject } from '../lib/checks/objects';
import { synth, synthError, testApp } from './util';

const object = (apiVersion: string, kind: string, name: string): ManifestObject =>
  ({ path: `app/${name}`, json: { apiVersion, kind, metadata: { name, namespace: 'shop' } } });

/** A Knative Service (serving.knative.dev/v1): Knative creates the core Services for it in the cluster. */
function knativeService(scope: Construct, name: string): ApiObject {
  return new ApiObject(scope, `knative-${name}`, {
    apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name, namespace: 'shop' },
    spec: { template: { spec: { containers: [{ image: 'ghcr.io/acme/hello:1.0.0', ports: [{ containerPort: 8080 }] }] } } },
  } as any);
}

/** An Ingress of the shop namespace routing a.example.com to the Service `name` on port 80. */
function ingressTo(scope: Construct, name: string): ApiObject {
  return new ApiObject(scope, 'ingress', {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }],
    },
  } as any);
}

describe('CheckContext.ofKind', () => {
  const objects = [
    object('v1', 'Service', 'core'),
    object('serving.knative.dev/v1', 'Service', 'knative'),
    object('networking.k8s.io/v1', 'NetworkPolicy', 'standard'),
    object('extensions/v1beta1', 'NetworkPolicy', 'old'),
    object('projectcalico.org/v3', 'NetworkPolicy', 'calico'),
    object('v1', 'Namespace', 'ns'),
    object('example.com/v1', 'Namespace', 'other-ns'),
    object('networking.k8s.io/v1', 'Ingress', 'ingress'),
    object('traefik.io/v1alpha1', 'Ingress', 'traefik'),
    object('gateway.networking.k8s.io/v1', 'HTTPRoute', 'route'),
    object('example.com/v1', 'HTTPRoute', 'other-route'),
    object('cilium.io/v2', 'CiliumNetworkPolicy', 'cnp'),
    object('example.com/v1', 'CiliumNetworkPolicy', 'not-cilium'),
    object('discovery.k8s.io/v1', 'EndpointSlice', 'slice'),
    object('example.com/v1', 'EndpointSlice', 'other-slice'),
    object('v1', 'Endpoints', 'endpoints'),
    object('example.com/v1', 'Endpoints', 'other-endpoints'),
    object('gateway.networking.k8s.io/v1', 'Gateway', 'gateway'),
    object('example.com/v1', 'Gateway', 'other-gateway'),
    object('example.com/v1', 'Widget', 'a'),
    object('example.org/v2', 'Widget', 'b'),
  ];
  const names = (kind: string) => new CheckContext({ objects }).ofKind(kind).map((o) => o.json.metadata.name);

  test.each([
    ['Service', ['core']],
    ['NetworkPolicy', ['standard', 'old']],
    ['Namespace', ['ns']],
    ['Ingress', ['ingress']],
    ['HTTPRoute', ['route']],
    ['CiliumNetworkPolicy', ['cnp']],
    ['EndpointSlice', ['slice']],
    ['Endpoints', ['endpoints']],
    ['Gateway', ['gateway']],
  ])('reads %s in its own API group only', (kind, expected) => {
    expect(names(kind)).toEqual(expected);
  });

  test('reads a kind it has no group for in every group', () => {
    expect(names('Widget')).toEqual(['a', 'b']);
    expect(names('Missing')).toEqual([]);
  });
});

describe('a Knative Service in a zero-trust namespace', () => {
  test('is no core Service: the report lists only the app\'s Services', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    new WebApp(chart, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 8080 });
    knativeService(chart, 'hello');
    const out = synth(app);
    expect(out.objects.some((o) => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1')).toBe(true);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    expect(report.services.map((s: any) => `${s.namespace}/${s.name} ${s.type}`)).toEqual(['shop/api ClusterIP']);
  });

  test('a route to it names what is missing: the core Service Knative creates is not in the app', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    new ZeroTrustNamespace(chart, 'shop');
    knativeService(chart, 'hello');
    ingressTo(chart, 'hello');
    expect(synthError(app)).toContain('[ingress-targets-service] shop/ingress: Ingress shop/web spec.rules[0].http.paths[0].backend.service.name '
      + '"hello" is invalid: there is no Service "hello" in namespace "shop" in this app, so the controller answers 503 for this route. Fix: point '
      + 'the backend at a Service of the app, or, if the Service is deployed outside this app, list "hello" in the annotation '
      + 'cdk8s-networking.io/external-backends of the Ingress');
  });

  test('beside a core Service of the same name, the route checks read the core Service', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const ns = new ZeroTrustNamespace(chart, 'shop');
    new WebApp(chart, 'hello', { namespace: ns, image: 'ghcr.io/acme/hello:1.0.0', containerPort: 8080 });
    // Written after the core Service: read by kind name alone, it would replace it (and has no port 80).
    knativeService(chart, 'hello');
    ingressTo(chart, 'hello');
    const out = synth(app);
    expect(out.objects.filter((o) => o.kind === 'Service').map((o) => o.apiVersion).sort()).toEqual(['serving.knative.dev/v1', 'v1']);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8'));
    expect(report.services.map((s: any) => `${s.namespace}/${s.name} ${s.ports.join(',')}`)).toEqual(['shop/hello 80 -> 8080 TCP']);
    expect(report.findings.filter((f: any) => f.severity === 'error')).toEqual([]);
  });
});
