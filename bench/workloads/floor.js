'use strict';
/**
 * (c) The floor: the same Kubernetes objects as (a), built as plain JS objects and written with
 * the `yaml` package that cdk8s bundles, with cdk8s's own `Yaml.save` options, one file per chart.
 * Nothing can synthesize these manifests faster than this without a faster YAML writer.
 * The bench compares this output with (a)'s at a small N, so the floor stays honest.
 */
const fs = require('fs');
const path = require('path');
const W = require('./plan');

// The very copy of `yaml` that cdk8s uses (cdk8s bundles its dependencies).
const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s/package.json'))] }));
/** cdk8s `Yaml.stringify` (lib/yaml.js): one document per object, `---` between them. */
function saveYaml(file, docs) {
  fs.writeFileSync(file, docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n'));
}

const MANAGED_BY = 'cdk8s-networking';

function appLabels(a, ns) {
  return { 'app': a.name, 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/name': a.name, 'app.kubernetes.io/part-of': ns.name };
}

const waves = (kind) => ({ [W.SYNC_WAVE_ANNOTATION]: String(W.SYNC_WAVES[kind]) });

function namespace(ns) {
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: {
      annotations: waves('Namespace'),
      labels: {
        'app.kubernetes.io/managed-by': MANAGED_BY,
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
      name: ns.name,
    },
  };
}

function policy(ns, name, spec) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { annotations: waves('NetworkPolicy'), name, namespace: ns.name }, spec };
}

function deployment(ns, a) {
  const labels = appLabels(a, ns);
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { annotations: waves('Deployment'), labels, name: a.name, namespace: ns.name },
    spec: {
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      replicas: 2,
      selector: { matchLabels: { app: a.name } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            image: W.IMAGE,
            imagePullPolicy: 'Always',
            name: a.name,
            ports: [{ containerPort: W.CONTAINER_PORT, name: 'http' }],
            readinessProbe: { failureThreshold: 3, tcpSocket: { port: W.CONTAINER_PORT } },
            resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
            },
          }],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Always',
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          setHostnameAsFQDN: false,
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
}

function service(ns, a) {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { annotations: waves('Service'), labels: appLabels(a, ns), name: a.name, namespace: ns.name },
    spec: { ports: [{ port: W.SERVICE_PORT, targetPort: W.CONTAINER_PORT }], selector: { app: a.name }, type: 'ClusterIP' },
  };
}

const podSel = (name) => ({ matchLabels: { app: name } });

function flowPolicies(ns, from, to) {
  const ports = [{ port: W.CONTAINER_PORT }];
  return [
    policy(ns, `allow-${from.name}-to-${to.name}`, {
      ingress: [{ from: [{ podSelector: podSel(from.name) }], ports }],
      podSelector: podSel(to.name),
      policyTypes: ['Ingress'],
    }),
    policy(ns, `allow-${from.name}-egress-to-${to.name}`, {
      egress: [{ ports, to: [{ podSelector: podSel(to.name) }] }],
      podSelector: podSel(from.name),
      policyTypes: ['Egress'],
    }),
  ];
}

/** The gateway: an Ingress with TLS per namespace and an allow from ingress-nginx per backend. */
function gateway(ns, routed) {
  const name = `${ns.name}-${ns.gateway}`;
  const ingress = {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: {
      annotations: { ...waves('Ingress'), 'cert-manager.io/cluster-issuer': W.CLUSTER_ISSUER },
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY },
      name,
      namespace: ns.name,
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [{
        host: ns.host,
        http: {
          paths: routed.map((a) => ({
            backend: { service: { name: a.name, port: { number: W.SERVICE_PORT } } },
            path: `/${a.name}`,
            pathType: 'Prefix',
          })),
        },
      }],
      tls: [{ hosts: [ns.host], secretName: `${name}-tls` }],
    },
  };
  // cert-manager's HTTP-01 solver pods answer ingress-nginx on 8089 while a certificate is issued.
  const solver = policy(ns, 'allow-ingress-nginx-to-acme-http01-solver', {
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': W.NGINX.namespace } }, podSelector: { matchLabels: W.NGINX.labels } }],
      ports: [{ port: 8089 }],
    }],
    podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
    policyTypes: ['Ingress'],
  });
  const allows = [solver, ...routed.map((a) => policy(ns, `allow-ingress-nginx-to-${a.name}`, {
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': W.NGINX.namespace } }, podSelector: { matchLabels: W.NGINX.labels } }],
      ports: [{ port: W.CONTAINER_PORT }],
    }],
    podSelector: podSel(a.name),
    policyTypes: ['Ingress'],
  }))];
  return { ingress, allows };
}

/** Every object of one namespace, in (a)'s order (the bench checks the files are byte-identical). */
function objects(ns, withGateway) {
  const docs = [
    namespace(ns),
    policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(ns, 'allow-dns-egress', {
      egress: [{
        ports: [{ port: 53 }, { port: 53, protocol: 'UDP' }],
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': W.KUBE_DNS.namespace } }, podSelector: { matchLabels: W.KUBE_DNS.labels } }],
      }],
      podSelector: {},
      policyTypes: ['Egress'],
    }),
  ];
  const routed = ns.apps.filter((a) => a.routed);
  const gw = withGateway && routed.length > 0 ? gateway(ns, routed) : undefined;
  if (gw) docs.push(...gw.allows);
  for (let i = 1; i < ns.apps.length; i++) docs.push(...flowPolicies(ns, ns.apps[i - 1], ns.apps[i]));
  for (const a of ns.apps) docs.push(deployment(ns, a), service(ns, a));
  if (gw) docs.push(gw.ingress);
  return docs;
}

/** Builds the plain objects, grouped by chart. */
function build(plan, outdir, { gateway: withGateway = true } = {}) {
  const byChart = new Map();
  for (const ns of plan.namespaces) {
    const docs = byChart.get(ns.chart) ?? byChart.set(ns.chart, []).get(ns.chart);
    docs.push(...objects(ns, withGateway));
  }
  return { outdir, byChart };
}

/** Serializes and writes one file per chart, as cdk8s does. */
function synth({ outdir, byChart }) {
  fs.mkdirSync(outdir, { recursive: true });
  for (const [chart, docs] of byChart) saveYaml(path.join(outdir, `${chart}.k8s.yaml`), docs);
}

module.exports = { build, synth };
