'use strict';
/**
 * (b) The same Kubernetes objects written by hand with cdk8s-plus-27, no checks: per namespace a
 * Namespace, a default-deny policy, a DNS egress policy and an Ingress with TLS; per app a
 * Deployment and a Service (`exposeViaService`); per flow the two policies cdk8s-plus writes for
 * `connections.allowFrom` (ingress on the destination, egress on the source); per routed app an
 * ingress policy from the ingress-nginx pods. Object counts per kind match (a); the bench checks it.
 */
const { ApiObject, App, Chart, Size } = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const { Construct } = require('constructs');
const W = require('./plan');

const PSA = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

function build(plan, outdir, { gateway = true } = {}) {
  const app = new App({ outdir });
  const charts = new Map();
  // Names are given explicitly where people refer to them; disabling hashes keeps the generated
  // policy names readable like ours (and costs nothing).
  const chartOf = (id) => charts.get(id) ?? charts.set(id, new Chart(app, id, { disableResourceNameHashes: true })).get(id);
  for (const ns of plan.namespaces) {
    const scope = new Construct(chartOf(ns.chart), ns.name);
    const namespace = ns.name;
    new kplus.Namespace(scope, 'Namespace', { metadata: { name: namespace, labels: { ...PSA, 'app.kubernetes.io/managed-by': 'cdk8s-networking' } } });
    new kplus.NetworkPolicy(scope, 'default-deny', {
      metadata: { name: 'default-deny', namespace },
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    const dns = kplus.Pods.select(scope, 'kube-dns', {
      labels: W.KUBE_DNS.labels,
      namespaces: kplus.Namespaces.select(scope, 'kube-system', { names: [W.KUBE_DNS.namespace] }),
    });
    new kplus.NetworkPolicy(scope, 'allow-dns-egress', {
      metadata: { name: 'allow-dns-egress', namespace },
      egress: { rules: [{ peer: dns, ports: [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)] }] },
    });
    const nginx = kplus.Pods.select(scope, 'ingress-nginx', {
      labels: W.NGINX.labels,
      namespaces: kplus.Namespaces.select(scope, 'ingress-nginx-ns', { names: [W.NGINX.namespace] }),
    });
    const gatewayName = `${ns.name}-${ns.gateway}`;
    const ingress = gateway && ns.apps.some((a) => a.routed) && new kplus.Ingress(scope, 'gateway', {
      metadata: {
        name: gatewayName, namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
        annotations: { 'cert-manager.io/cluster-issuer': W.CLUSTER_ISSUER },
      },
      className: 'nginx',
      tls: [{ hosts: [ns.host], secret: kplus.Secret.fromSecretName(scope, 'tls', `${gatewayName}-tls`) }],
    });
    if (ingress) {
      // cert-manager's HTTP-01 solver pods answer ingress-nginx on 8089 while a certificate is issued.
      new kplus.NetworkPolicy(scope, 'acme-solver', {
        metadata: { name: 'allow-ingress-nginx-to-acme-http01-solver', namespace },
        selector: kplus.Pods.select(scope, 'acme-solver-pods', { labels: { 'acme.cert-manager.io/http01-solver': 'true' } }),
        ingress: { rules: [{ peer: nginx, ports: [kplus.NetworkPolicyPort.tcp(8089)] }] },
      });
    }
    let prev;
    for (const a of ns.apps) {
      const labels = { 'app': a.name, 'app.kubernetes.io/name': a.name, 'app.kubernetes.io/part-of': namespace, 'app.kubernetes.io/managed-by': 'cdk8s-networking' };
      const d = new kplus.Deployment(scope, a.name, {
        metadata: { name: a.name, namespace, labels },
        replicas: 2,
        automountServiceAccountToken: false,
        containers: [{
          name: a.name,
          image: W.IMAGE,
          ports: [{ number: W.CONTAINER_PORT, name: 'http' }],
          securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false },
          resources: {
            cpu: { request: kplus.Cpu.millis(100) },
            memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
          },
          readiness: kplus.Probe.fromTcpSocket({ port: W.CONTAINER_PORT }),
        }],
      });
      for (const [k, v] of Object.entries(labels)) d.podMetadata.addLabel(k, v);
      const svc = d.exposeViaService({ name: a.name, ports: [{ port: W.SERVICE_PORT, targetPort: W.CONTAINER_PORT }] });
      if (prev) d.connections.allowFrom(prev);
      if (gateway && a.routed) {
        ingress.addHostRule(ns.host, `/${a.name}`, kplus.IngressBackend.fromService(svc));
        d.connections.allowFrom(nginx, { isolation: kplus.PodConnectionsIsolation.POD, ports: [kplus.NetworkPolicyPort.tcp(W.CONTAINER_PORT)] });
      }
      prev = d;
    }
  }
  // Argo CD sync waves by kind, as (a) writes them: one pass over the objects at the end.
  for (const c of app.node.findAll()) {
    if (c instanceof ApiObject && W.SYNC_WAVES[c.kind] !== undefined) c.metadata.addAnnotation(W.SYNC_WAVE_ANNOTATION, String(W.SYNC_WAVES[c.kind]));
  }
  return { app };
}

function synth(built) {
  built.app.synth();
}

module.exports = { build, synth };
