/**
 * The review diff of a Cilium app: DNS names and Cilium entities are endpoints of their own, so a
 * pull request that adds an FQDN egress or drops an API server flow shows exactly those flows, with
 * the endpoints as a reviewer reads them, in Markdown and in JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cli, json, synthCiliumShop } from './cli.fixtures';

const API = 'production/Deployment/api';

let base: string;
beforeAll(() => {
  base = synthCiliumShop();
});

describe('diff of a Cilium app', () => {
  test('adding FQDN egress and removing the API server flow: exactly those flows opened and closed, with the ids of the report', () => {
    const head = synthCiliumShop({ fqdnEgress: true, removeApiServer: true });
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    expect(d.summary).toBe('Network changes: 2 flows opened, 1 flow closed.');
    expect(d.opened).toEqual([
      {
        from: API, to: 'fqdn:*.stripe.com', ports: ['TCP 443'], allowedBy: ['production/allow-api-egress-to-fqdn-wildcard-stripe-com'],
        declared: ['app'], declaredBy: ['shop/api'], calls: ['shop/api.allowEgressTo(Peer.fqdn("*.stripe.com"))'],
      },
      {
        from: API, to: 'fqdn:api.stripe.com', ports: ['TCP 443'], allowedBy: ['production/allow-api-egress-to-fqdn-api-stripe-com'],
        declared: ['app'], declaredBy: ['shop/api'], calls: ['shop/api.allowEgressTo(Peer.fqdn("api.stripe.com"))'],
      },
    ]);
    expect(d.closed).toEqual([{
      from: API, to: 'entity:kube-apiserver', ports: ['TCP 6443'], allowedBy: ['production/allow-api-egress-to-kube-apiserver'],
      declared: ['app'], declaredBy: ['shop/api'], calls: ['shop/api.allowEgressTo(Peer.kubeApiServer())'],
    }]);
    // The host-network controller's entity flows are unchanged, so they are not listed.
    expect(d.changed).toEqual([]);
    expect(d.exposure).toEqual({ widened: [], narrowed: [] });
    expect(d.workloads).toEqual({ added: [], removed: [] });
    // The JSON names every endpoint the changes name, as the reports describe it: enough to show them without the reports.
    expect(d.endpoints).toEqual({
      'entity:kube-apiserver': { id: 'entity:kube-apiserver', type: 'entity', name: 'kube-apiserver' },
      'fqdn:*.stripe.com': { id: 'fqdn:*.stripe.com', type: 'fqdn', name: '*.stripe.com' },
      'fqdn:api.stripe.com': { id: 'fqdn:api.stripe.com', type: 'fqdn', name: 'api.stripe.com' },
      [API]: expect.objectContaining({ id: API, type: 'workload', namespace: 'production', name: 'api', kind: 'Deployment' }),
    });
    // The endpoints are those of the reports, typed and named there.
    const endpoints = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'network-report.json'), 'utf8')).endpoints;
    expect(endpoints(head)).toEqual(expect.arrayContaining([
      { id: 'fqdn:api.stripe.com', type: 'fqdn', name: 'api.stripe.com' }, { id: 'fqdn:*.stripe.com', type: 'fqdn', name: '*.stripe.com' },
    ]));
    expect(endpoints(base)).toContainEqual({ id: 'entity:kube-apiserver', type: 'entity', name: 'kube-apiserver' });
    // Two network-report.json files compare like their folders.
    const files = json(['diff', path.join(base, 'network-report.json'), path.join(head, 'network-report.json')]);
    expect({ opened: files.opened, closed: files.closed }).toEqual({ opened: d.opened, closed: d.closed });
  });

  test('the Markdown names DNS names and entities as such, in the tables and the chart', () => {
    const r = cli(['diff', base, synthCiliumShop({ fqdnEgress: true, removeApiServer: true })]);
    expect(r.code).toBe(1);
    const section = (title: string) => r.stdout.slice(r.stdout.indexOf(title)).split('\n\n')[1].split('\n');
    expect(section('#### Flows opened')).toEqual([
      '| From | To | Ports | Declared by | Allowed by |',
      '|---|---|---|---|---|',
      '| production/api | *.stripe.com (DNS name) | TCP 443 | `shop/api.allowEgressTo(Peer.fqdn("*.stripe.com"))` '
        + '| production/allow-api-egress-to-fqdn-wildcard-stripe-com |',
      '| production/api | api.stripe.com (DNS name) | TCP 443 | `shop/api.allowEgressTo(Peer.fqdn("api.stripe.com"))` '
        + '| production/allow-api-egress-to-fqdn-api-stripe-com |',
    ]);
    expect(section('#### Flows closed')).toEqual([
      '| From | To | Ports | Declared by |',
      '|---|---|---|---|',
      '| production/api | kube-apiserver (entity) | TCP 6443 | `shop/api.allowEgressTo(Peer.kubeApiServer())` |',
    ]);
    const chart = r.stdout.slice(r.stdout.indexOf('```mermaid') + 10, r.stdout.lastIndexOf('```'));
    expect(chart).toContain('n_entity_x3a_kube_apiserver["kube-apiserver (entity)"]');
    expect(chart).toContain('n_fqdn_x3a_api_stripe_com["api.stripe.com (DNS name)"]');
    expect(chart).toContain('n_production__Deployment__api -.->|"closed: TCP 6443"| n_entity_x3a_kube_apiserver');
    expect(chart.match(/-->|-\.->/g)).toHaveLength(3);
  });

  test('a webhook from the API server: opened, and the workload newly reachable from the entity', () => {
    const d = json(['diff', base, synthCiliumShop({ webhook: true })]);
    expect(d.opened).toEqual([expect.objectContaining({
      from: 'entity:kube-apiserver', to: API, ports: ['TCP 3000'], allowedBy: ['production/allow-kube-apiserver-to-api'],
      calls: ['shop/api.allowIngressFrom(Peer.kubeApiServer())'],
    })]);
    expect(d.closed).toEqual([]);
    expect(d.exposure.widened).toEqual([{ workload: API, path: 'shop/api/Deployment', sources: ['entity:kube-apiserver'] }]);
    expect(Object.keys(d.endpoints)).toEqual(['entity:kube-apiserver', API]);
    const md = cli(['diff', base, synthCiliumShop({ webhook: true }), '--fail-on', 'exposure']);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| production/api | kube-apiserver (entity) | shop/api/Deployment |');
  });

  test('a hand-written CiliumNetworkPolicy next to the output: its DNS name is opened, not declared, read from the manifests', () => {
    const head = synthCiliumShop();
    fs.writeFileSync(path.join(head, 'extra.yaml'), [
      'apiVersion: cilium.io/v2', 'kind: CiliumNetworkPolicy', 'metadata:', '  name: extra', '  namespace: production', 'spec:',
      '  endpointSelector:', '    matchLabels:', '      app: api', '  egress:', '    - toFQDNs:', '        - matchName: evil.example.com',
      '      toPorts:', '        - ports:', '            - port: "443"', '              protocol: TCP', '',
    ].join('\n'));
    const d = json(['diff', base, head, '--fail-on', 'opened']);
    expect(d.code).toBe(1);
    expect(d.opened).toEqual([{
      from: API, to: 'fqdn:evil.example.com', ports: ['TCP 443'], allowedBy: ['production/extra'], declared: [], declaredBy: [], calls: [],
    }]);
    expect(cli(['diff', base, head]).stdout).toContain('| production/api | evil.example.com (DNS name) | TCP 443 | not declared | production/extra |');
  });
});
