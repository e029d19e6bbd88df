'use strict';
/**
 * The benchmark's workload, shared by the three implementations so they emit the same objects.
 *
 * N WebApps over max(1, floor(N / 50)) namespaces, in contiguous blocks (50 apps per namespace);
 * app i-1 -> app i is a declared flow inside a namespace; every tenth app (i % 10 === 0) is routed
 * by the namespace's gateway under one host per namespace, path `/<app>`, with TLS.
 *
 * Charts: `per-namespace` is what a user naturally writes, one Chart per team/namespace (cdk8s
 * writes one file per chart, which maps to one Argo CD Application per namespace); `single` puts
 * everything in one Chart (the best case for cdk8s, whose synth cost grows with the chart count).
 */

const APPS_PER_NAMESPACE = 50;
const IMAGE = 'ghcr.io/acme/app:1.0.0';
const CONTAINER_PORT = 8080;
const SERVICE_PORT = 80;
const CLUSTER_ISSUER = 'letsencrypt-prod';
/** Where ingress-nginx runs (the library's IngressController.nginx() preset). */
const NGINX = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const KUBE_DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

/** Argo CD sync waves per kind, as (a) writes them by default (lib/sync-waves.ts). */
const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const SYNC_WAVES = { Namespace: -3, NetworkPolicy: -2, Service: -1, Deployment: 0, Ingress: 1 };

function pad(i, width) {
  return String(i).padStart(width, '0');
}

/**
 * @param {number} n number of apps
 * @param {'per-namespace'|'single'} layout
 */
function plan(n, layout) {
  const nsCount = Math.max(1, Math.floor(n / APPS_PER_NAMESPACE));
  const perNs = Math.ceil(n / nsCount);
  const namespaces = [];
  for (let k = 0; k < nsCount; k++) {
    const name = `team-${pad(k, 3)}`;
    const apps = [];
    for (let i = k * perNs; i < Math.min(n, (k + 1) * perNs); i++) {
      apps.push({ index: i, name: `app-${pad(i, 4)}`, routed: i % 10 === 0 });
    }
    namespaces.push({
      name,
      chart: layout === 'single' ? 'bench' : name,
      host: `${name}.example.com`,
      gateway: 'gateway',
      apps,
    });
  }
  const charts = [...new Set(namespaces.map((ns) => ns.chart))];
  return { n, layout, namespaces, charts };
}

module.exports = { plan, SYNC_WAVE_ANNOTATION, SYNC_WAVES, IMAGE, CONTAINER_PORT, SERVICE_PORT, CLUSTER_ISSUER, NGINX, KUBE_DNS, APPS_PER_NAMESPACE };
