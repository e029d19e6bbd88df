/**
 * The example app that `cdk8s synth` builds into dist/.
 *
 * - chart `seed`: the objects of the user's own description of the Kubernetes network model
 *   (the `my-app` Service, the `allow-frontend-to-api` NetworkPolicy, the `my-ingress` Ingress),
 *   reproduced with this library;
 * - chart `shop`: a zero-trust `production` namespace with a storefront, an API, a worker and a
 *   payments namespace, same- and cross-namespace flows, and egress to an external API;
 * - chart `argocd`: the Argo CD Application that deploys the other charts from Git (applied once
 *   with `kubectl apply -f dist/argocd.k8s.yaml`; it leaves its own file out of what it syncs).
 */
import { App, Chart, Size } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  ApiGateway, ArgoCdApplication, ExternalService, IngressController, Peer, Port, Tls, WebApp, ZeroTrustNamespace,
} from '../lib';

/** The seed's objects: `my-app`, and `frontend` -> `api` on port 3000. */
export class SeedChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const seed = new ZeroTrustNamespace(this, 'seed');
    new WebApp(this, 'my-app', { namespace: seed, image: 'ghcr.io/acme/my-app:1.0.0', containerPort: 3000 });
    const api = new WebApp(this, 'api', {
      namespace: seed, serviceName: 'api-service', image: 'ghcr.io/acme/api:1.4.2', containerPort: 3000,
    });
    const frontend = new WebApp(this, 'frontend', {
      namespace: seed, serviceName: 'frontend-service', image: 'ghcr.io/acme/web:2.0.0', containerPort: 8080,
      env: { API_URL: api.url },
    });
    api.allowFrom(frontend);

    // The seed's `my-ingress`, field for field. Its Ingress-wide `rewrite-target: /` stays a raw
    // annotation on purpose: ingress-nginx >= 0.22 replaces the WHOLE path with it (`/api/users`
    // reaches the api as `/`), which the typed `rewriteTarget` (prefix replacement) does not mimic.
    new ApiGateway(this, 'my-ingress', {
      namespace: seed,
      controller: IngressController.nginx(),
      tls: Tls.secret('tls-secret'),
      annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' },
      routes: [
        { host: 'app.example.com', path: '/api', backend: api },
        { host: 'app.example.com', path: '/', backend: frontend },
      ],
    });
  }
}

/** A shop: storefront -> api -> payments, a worker, and an external card processor. */
export class ShopChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const prod = new ZeroTrustNamespace(this, 'production');
    const payments = new ZeroTrustNamespace(this, 'payments');

    const ledger = new WebApp(this, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:3.1.0', containerPort: 9000 });
    const api = new WebApp(this, 'api', {
      namespace: prod, image: 'ghcr.io/acme/api:1.4.2', containerPort: 3000, healthCheckPath: '/healthz',
      env: { LEDGER_URL: ledger.url },
    });
    const storefront = new WebApp(this, 'storefront', {
      namespace: prod, image: 'ghcr.io/acme/web:2.0.0', containerPort: 8080, env: { API_URL: api.url },
    });
    const worker = new WebApp(this, 'worker', {
      namespace: prod, image: 'ghcr.io/acme/worker:1.4.2', containerPort: 9090, replicas: 1,
    });
    new ExternalService(this, 'card-processor', { namespace: payments, externalName: 'api.cards.example' });

    api.allowFrom(storefront);                 // same namespace
    worker.allowTo(api);                       // same namespace, declared from the source
    ledger.allowFrom(api);                     // cross-namespace: production/api -> payments/ledger
    ledger.allowEgressTo(Peer.cidr('203.0.113.0/24'), Port.tcp(443)); // the card processor's API

    // One TLS entry point for two hosts: cert-manager issues `gateway-tls` for both, ingress-nginx
    // redirects HTTP to HTTPS, and only the routed apps (not the worker) admit the controller.
    const gateway = new ApiGateway(this, 'gateway', {
      namespace: prod,
      controller: IngressController.nginx(),
      tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }),
      maxRequestBodySize: Size.mebibytes(8),
      rateLimit: { requestsPerSecond: 50 },
    });
    gateway.addRoute({ host: 'shop.example.com', path: '/', backend: storefront });
    gateway.addRoute({ host: 'shop.example.com', path: '/api', backend: api });
    gateway.addRoute({ host: 'api.shop.example.com', path: '/', backend: api });
  }
}

/** The Argo CD objects, in a chart of their own so that they are not synced into the workload cluster. */
export class ArgoCdChart extends Chart {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new ArgoCdApplication(this, 'example', {
      repoURL: 'https://github.com/cdk8s-networking/cdk8s-networking.git',
      path: 'dist',
    });
  }
}

export function buildApp(app: App): App {
  new SeedChart(app, 'seed');
  new ShopChart(app, 'shop');
  new ArgoCdChart(app, 'argocd');
  return app;
}

if (require.main === module) {
  buildApp(new App()).synth();
}
