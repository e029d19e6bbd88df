/**
 * The seed's `my-ingress` (../shared/seed/), reproduced by the example app's SeedChart with an
 * ApiGateway, compared field by field. The seed's YAML lost its indentation in transcription, so
 * the object is written out here and each of its lines is checked to appear in the seed text.
 *
 * What the library adds on purpose, and nothing else: `metadata.namespace` (every namespaced
 * object has one), the managed-by label, `spec.ingressClassName` (the seed relies on a default
 * IngressClass), and annotations other features put on every object (Argo CD sync waves).
 */
import { buildApp } from '../apps/main';
import { NetworkPolicyEvaluator } from '../lib/evaluator';
import { find, ownAnnotations } from './api-gateway.fixtures';
import { seedText, synth, testApp } from './util';

const SEED_INGRESS = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: 'my-ingress',
    annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' },
  },
  spec: {
    rules: [{
      host: 'app.example.com',
      http: {
        paths: [
          { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api-service', port: { number: 80 } } } },
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend-service', port: { number: 80 } } } },
        ],
      },
    }],
    tls: [{ hosts: ['app.example.com'], secretName: 'tls-secret' }],
  },
};


describe('the seed Ingress my-ingress', () => {
  const { objects } = synth(buildApp(testApp()));
  const ingress = find(objects, 'Ingress', 'my-ingress', 'seed');

  test('the transcription matches the seed text, in order', () => {
    const text = seedText();
    const start = text.indexOf('kind: Ingress');
    expect(start).toBeGreaterThan(-1);
    let at = start;
    for (const line of ['name: my-ingress', 'nginx.ingress.kubernetes.io/rewrite-target: /', 'rules:', '- host: app.example.com',
      '- path: /api', 'pathType: Prefix', 'name: api-service', 'number: 80', '- path: /', 'pathType: Prefix', 'name: frontend-service',
      'number: 80', 'tls:', '- app.example.com', 'secretName: tls-secret']) {
      const next = text.indexOf(line, at);
      expect({ line, found: next > -1 }).toEqual({ line, found: true });
      at = next + line.length;
    }
  });

  test('apiVersion, kind, name', () => {
    expect(ingress.apiVersion).toBe(SEED_INGRESS.apiVersion);
    expect(ingress.kind).toBe(SEED_INGRESS.kind);
    expect(ingress.metadata.name).toBe(SEED_INGRESS.metadata.name);
  });

  test('annotations: exactly the seed\'s rewrite-target', () => {
    expect(ownAnnotations(ingress)).toEqual(SEED_INGRESS.metadata.annotations);
  });

  test('rules: one host, /api then /, Prefix, to the seed\'s Services on port 80', () => {
    expect(ingress.spec.rules).toEqual(SEED_INGRESS.spec.rules);
  });

  test('tls: the host, with tls-secret', () => {
    expect(ingress.spec.tls).toEqual(SEED_INGRESS.spec.tls);
  });

  test('only the documented additions', () => {
    expect(Object.keys(ingress).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(ingress.spec).sort()).toEqual(['ingressClassName', 'rules', 'tls']);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(Object.keys(ingress.metadata).sort()).toEqual(['annotations', 'labels', 'name', 'namespace']);
    expect(ingress.metadata.namespace).toBe('seed');
    expect(ingress.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-networking' });
  });

  test('the backends exist: api-service and frontend-service on port 80', () => {
    for (const name of ['api-service', 'frontend-service']) {
      expect(find(objects, 'Service', name, 'seed').spec.ports.map((p: any) => p.port)).toEqual([80]);
    }
  });

  test('in the zero-trust seed namespace, ingress-nginx reaches both backends and nothing else', () => {
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const groups = NetworkPolicyEvaluator.podGroupsFromManifests(objects);
    const group = (name: string) => groups.find((g) => g.id === `seed/Deployment/${name}`)!;
    const nginx = { id: 'ingress-nginx/Deployment/ingress-nginx-controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    expect(evaluator.check(nginx, group('api'), 3000).allowed).toBe(true);
    expect(evaluator.check(nginx, group('frontend'), 8080).allowed).toBe(true);
    expect(evaluator.check(nginx, group('my-app'), 3000).allowed).toBe(false);
  });
});

describe('the shop gateway of the example app', () => {
  const { objects } = synth(buildApp(testApp()));
  const ingress = find(objects, 'Ingress', 'gateway', 'production');

  test('cert-manager TLS for both hosts in one secret, typed nginx features', () => {
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.shop.example.com', 'shop.example.com'], secretName: 'gateway-tls' }]);
    expect(ownAnnotations(ingress)).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      'nginx.ingress.kubernetes.io/limit-rps': '50',
    });
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['api.shop.example.com', 'shop.example.com']);
  });

  test('the controller reaches storefront and api, not the worker', () => {
    const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
    const groups = NetworkPolicyEvaluator.podGroupsFromManifests(objects);
    const group = (name: string) => groups.find((g) => g.id === `production/Deployment/${name}`)!;
    const nginx = { id: 'ingress-nginx/Deployment/ingress-nginx-controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    expect(evaluator.check(nginx, group('storefront'), 8080).allowed).toBe(true);
    expect(evaluator.check(nginx, group('api'), 3000).allowed).toBe(true);
    expect(evaluator.check(nginx, group('worker'), 9090).allowed).toBe(false);
  });
});
