/**
 * The normalised route list (lib/checks/routes.ts) that the route checks and the network report
 * share: every Ingress rule and default backend, every HTTPRoute rule, with the API server's
 * defaults filled in, in the order of the objects.
 */
import { routeRules } from '../lib/checks/routes';

const ingress = {
  path: 'test/gw/Ingress',
  json: {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'gw', namespace: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: { resource: { kind: 'Bucket', name: 'static' } },
      rules: [
        { host: 'app.example.com', http: { paths: [
          { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } },
          { path: '/x', backend: { service: { name: 'web', port: { name: 'http' } } } },
        ] } },
        { host: 'empty.example.com' },
      ],
    },
  },
};

const httpRoute = {
  path: 'test/gw/HTTPRoute',
  json: {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' },
    spec: {
      parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https' }, { name: 'local', port: 8443 }],
      hostnames: ['a.example.com', 'b.example.com'],
      rules: [
        { matches: [{ path: { type: 'Exact', value: '/v1' }, method: 'GET' }, { headers: [{ name: 'x', value: 'y' }] }],
          backendRefs: [{ name: 'api', namespace: 'payments', port: 80 }, { group: 'example.com', kind: 'Bucket', name: 'b' }] },
        { backendRefs: [{ name: 'web', port: 8080 }] },
        { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
      ],
    },
  },
};

describe('routeRules', () => {
  const rules = routeRules([ingress], [httpRoute]);

  test('Ingress: the default backend first, then one rule per spec.rules entry, paths as matches', () => {
    expect(rules.map((r) => `${r.kind} ${r.field}`)).toEqual([
      'Ingress spec.defaultBackend', 'Ingress spec.rules[0]', 'Ingress spec.rules[1]',
      'HTTPRoute spec.rules[0]', 'HTTPRoute spec.rules[1]', 'HTTPRoute spec.rules[2]',
    ]);
    const [def, main, empty] = rules;
    expect(def).toMatchObject({ hosts: [], className: 'nginx', namespace: 'shop' });
    expect(def.matches[0].path).toBeUndefined();
    expect(def.backends).toEqual([{ field: 'spec.defaultBackend.resource', kind: 'resource', namespace: 'shop', name: 'static', resourceKind: 'Bucket' }]);
    expect(main.hosts).toEqual(['app.example.com']);
    expect(main.matches.map((m) => [m.field, m.path, m.pathType])).toEqual([
      ['spec.rules[0].http.paths[0]', '/api', 'Prefix'],
      ['spec.rules[0].http.paths[1]', '/x', 'ImplementationSpecific'],
    ]);
    expect(main.backends).toEqual([
      { field: 'spec.rules[0].http.paths[0].backend.service', kind: 'Service', namespace: 'shop', name: 'api', port: 80 },
      { field: 'spec.rules[0].http.paths[1].backend.service', kind: 'Service', namespace: 'shop', name: 'web', port: 'http' },
    ]);
    expect(empty).toMatchObject({ hosts: ['empty.example.com'], matches: [], backends: [] });
  });

  test('HTTPRoute: parents and hosts normalised, matches defaulted, only Service backendRefs, redirects', () => {
    const [, , , first, second, third] = rules;
    expect(first.namespace).toBe('default');
    expect(first.parents).toEqual([
      { field: 'spec.parentRefs[0]', namespace: 'infra', name: 'edge', sectionName: 'https' },
      { field: 'spec.parentRefs[1]', namespace: 'default', name: 'local', port: 8443 },
    ]);
    expect(first.hosts).toEqual(['a.example.com', 'b.example.com']);
    expect(first.matches.map((m) => [m.field, m.path, m.pathType, m.method, m.headers])).toEqual([
      ['spec.rules[0].matches[0]', '/v1', 'Exact', 'GET', false],
      ['spec.rules[0].matches[1]', '/', 'PathPrefix', undefined, true],
    ]);
    expect(first.backends).toEqual([{ field: 'spec.rules[0].backendRefs[0]', kind: 'Service', namespace: 'payments', name: 'api', port: 80 }]);
    expect(first.matches[1].backends).toBe(first.backends);
    expect(second.matches.map((m) => `${m.pathType} ${m.path}`)).toEqual(['PathPrefix /']);
    expect(second.backends.map((b) => `${b.namespace}/${b.name}:${b.port}`)).toEqual(['default/web:8080']);
    expect(third.redirect).toEqual({ scheme: 'https', statusCode: 301 });
    expect(third.backends).toEqual([]);
  });
});
