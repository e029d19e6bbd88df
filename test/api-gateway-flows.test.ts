/**
 * A gateway records a flow from its controller's traffic source to each backend's pods: under a
 * ZeroTrustNamespace the routes work and nothing else opens. Checked on the NetworkPolicy fields,
 * and with the NetworkPolicy evaluator on the synthesized YAML alone.
 */
import { k8s } from 'cdk8s-plus-27';
import { Backend, RoutingApi, IngressController, Tls } from '../lib';
import type { PodGroup } from '../lib/evaluator';
import { NetworkPolicyEvaluator } from '../lib/evaluator';
import { find, gateway, objectsOf, ofKind, shop } from './api-gateway.fixtures';
import { expectWarnings } from './util';

const NGINX_PODS: PodGroup = {
  id: 'ingress-nginx/Deployment/ingress-nginx-controller', namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

function groupOf(objects: any[], namespace: string, name: string): PodGroup {
  const group = NetworkPolicyEvaluator.podGroupsFromManifests(objects).find((g) => g.id === `${namespace}/Deployment/${name}`);
  if (!group) throw new Error(`no pod group ${namespace}/${name}`);
  return group;
}

describe('ingress-nginx -> backends in a zero-trust namespace', () => {
  const s = shop();
  const gw = gateway(s);
  gw.addRoute({ host: 'app.example.com', path: '/api', backend: s.api });
  gw.addRoute({ host: 'app.example.com', path: '/', backend: s.frontend });
  gw.addRoute({ host: 'www.example.com', path: '/', backend: s.frontend }); // same backend again: one flow
  const objects = objectsOf(s);
  const evaluator = NetworkPolicyEvaluator.fromManifests(objects);

  test('allow-ingress-nginx-to-<app> in the backend namespace: controller pods, container port only', () => {
    const policy = find(objects, 'NetworkPolicy', 'allow-ingress-nginx-to-frontend', 'production');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        }],
        ports: [{ port: 8080 }],
      }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-nginx-to-api', 'production').spec.ingress[0].ports).toEqual([{ port: 3000 }]);
  });

  test('one policy per backend, none for unrouted apps, nothing in the controller namespace', () => {
    const names = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name.includes('ingress-nginx')).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    // And to cert-manager's HTTP-01 solver pods (the gateway uses Tls.certManager()).
    expect(names.sort()).toEqual([
      'production/allow-ingress-nginx-to-acme-http01-solver', 'production/allow-ingress-nginx-to-api', 'production/allow-ingress-nginx-to-frontend',
    ]);
    expect(ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'ingress-nginx')).toEqual([]);
  });

  test('evaluator: the controller reaches each routed backend on its container port', () => {
    expect(evaluator.check(NGINX_PODS, groupOf(objects, 'production', 'frontend'), 8080).allowed).toBe(true);
    expect(evaluator.check(NGINX_PODS, groupOf(objects, 'production', 'api'), 3000).allowed).toBe(true);
  });

  test('evaluator: and nothing else', () => {
    // an app without a route
    expect(evaluator.check(NGINX_PODS, groupOf(objects, 'production', 'worker'), 9090).allowed).toBe(false);
    // another port of a routed app
    expect(evaluator.check(NGINX_PODS, groupOf(objects, 'production', 'frontend'), 9999).allowed).toBe(false);
    // another pod of the controller's namespace
    const other: PodGroup = { id: 'ingress-nginx/Deployment/other', namespace: 'ingress-nginx', labels: { app: 'other' } };
    expect(evaluator.check(other, groupOf(objects, 'production', 'frontend'), 8080).allowed).toBe(false);
    // pods with the controller's labels in another namespace
    const impostor: PodGroup = { ...NGINX_PODS, id: 'default/Deployment/impostor', namespace: 'default' };
    expect(evaluator.check(impostor, groupOf(objects, 'production', 'frontend'), 8080).allowed).toBe(false);
    // the frontend itself may not call the api because the gateway routes to both
    expect(evaluator.check(groupOf(objects, 'production', 'frontend'), groupOf(objects, 'production', 'api'), 3000).allowed).toBe(false);
  });
});

describe('other traffic sources', () => {
  test('AWS ALB (target type ip): an ipBlock of its CIDRs', () => {
    const s = shop();
    gateway(s, { controller: IngressController.awsAlb({ vpcCidrs: ['10.0.1.0/24', '10.0.0.0/24'] }), tls: Tls.acm() })
      .addRoute({ host: 'app.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    const policy = find(objects, 'NetworkPolicy', 'allow-aws-alb-to-frontend', 'production');
    expect(policy.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }, { ipBlock: { cidr: '10.0.1.0/24' } }], ports: [{ port: 8080 }] }]);
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const frontend = groupOf(objects, 'production', 'frontend');
    expect(evaluator.check({ cidr: '10.0.1.17' }, frontend, 8080).allowed).toBe(true);
    expect(evaluator.check({ cidr: '10.0.2.17' }, frontend, 8080).allowed).toBe(false);
    expect(evaluator.check({ cidr: '10.0.1.17' }, groupOf(objects, 'production', 'worker'), 9090).allowed).toBe(false);
  });

  test('Traefik: its pods in the traefik namespace', () => {
    const s = shop();
    gateway(s, { controller: IngressController.traefik() }).addRoute({ host: 'app.example.com', backend: s.api });
    const policy = find(objectsOf(s), 'NetworkPolicy', 'allow-traefik-to-api', 'production');
    expect(policy.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
    }]);
  });

  test('Backend.service: no flow without pods; with podLabels and containerPort, the flow to those pods', () => {
    const s = shop();
    // billing: a workload written without WebApp, with its own Service.
    new k8s.KubeDeployment(s.chart, 'billing', {
      metadata: { name: 'billing', namespace: 'production' },
      spec: {
        selector: { matchLabels: { app: 'billing' } },
        template: {
          metadata: { labels: { app: 'billing' } },
          spec: { containers: [{ name: 'billing', image: 'ghcr.io/acme/billing:1.0.0', ports: [{ containerPort: 7000 }] }] },
        },
      },
    });
    new k8s.KubeService(s.chart, 'billing-svc', {
      metadata: { name: 'billing', namespace: 'production' },
      spec: { selector: { app: 'billing' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(7000) }] },
    });
    const gw = gateway(s, { annotations: { 'cdk8s-networking.io/external-backends': 'legacy' } });
    gw.addRoute({ host: 'app.example.com', path: '/legacy', backend: Backend.service('legacy', 80) });
    gw.addRoute({ host: 'app.example.com', path: '/billing', backend: Backend.service('billing', 80, { podLabels: { app: 'billing' }, containerPort: 7000 }) });
    // billing's bare pod spec does not meet the namespace's restricted Pod Security.
    const objects = expectWarnings(['[pod-security] test/billing'], () => objectsOf(s));
    const names = ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name);
    expect(names).not.toContain('allow-ingress-nginx-to-legacy');
    const policy = find(objects, 'NetworkPolicy', 'allow-ingress-nginx-to-billing', 'production');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'billing' } });
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 7000 }]);
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    expect(evaluator.check(NGINX_PODS, groupOf(objects, 'production', 'billing'), 7000).allowed).toBe(true);
  });

  test('Gateway API: the implementation\'s pods reach a backend in another namespace too', () => {
    const s = shop();
    gateway(s, {
      controller: IngressController.custom({ name: 'envoy-gateway', pods: { namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' } } }),
      tls: Tls.none(),
      api: RoutingApi.httpRoute({ gateway: { name: 'shared', namespace: 'infra' } }),
    }).addRoute({ host: 'pay.example.com', backend: s.ledger });
    const objects = objectsOf(s);
    const policy = find(objects, 'NetworkPolicy', 'allow-envoy-gateway-to-ledger', 'payments');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 9000 }]);
    const envoy: PodGroup = { id: 'envoy-gateway-system/Deployment/envoy', namespace: 'envoy-gateway-system', labels: { 'app.kubernetes.io/name': 'envoy' } };
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    expect(evaluator.check(envoy, groupOf(objects, 'payments', 'ledger'), 9000).allowed).toBe(true);
    expect(evaluator.check(envoy, groupOf(objects, 'production', 'api'), 3000).allowed).toBe(false);
  });

  test('two gateways on one controller share the flow to a backend', () => {
    const s = shop();
    gateway(s, {}, 'public').addRoute({ host: 'app.example.com', backend: s.frontend });
    gateway(s, {}, 'partner').addRoute({ host: 'partner.example.com', backend: s.frontend });
    const objects = objectsOf(s);
    expect(ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name === 'allow-ingress-nginx-to-frontend')).toHaveLength(1);
    expect(ofKind(objects, 'Ingress').map((i) => i.metadata.name).sort()).toEqual(['partner', 'public']);
  });
});
