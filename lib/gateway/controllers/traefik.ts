import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import type { GatewayFeatures } from '../features';
import { featuresSet, unsupported } from '../features';
import type { BoundTls } from '../tls';
import type { BoundController } from './controller';
import { refuseAcm } from './controller';
import type { InClusterControllerOptions } from './in-cluster';
import { bindInCluster } from './in-cluster';

/** Options of `IngressController.traefik()`. */
export interface TraefikControllerOptions extends InClusterControllerOptions {}

const TRAEFIK = 'traefik.ingress.kubernetes.io/';

/** The Middleware CRD type each typed feature needs on Traefik (or why none can express it). */
const MIDDLEWARE: Record<keyof GatewayFeatures, string> = {
  maxRequestBodySize: 'Buffering',
  timeouts: 'none: Traefik sets timeouts on entryPoints and serversTransports, not per router',
  cors: 'Headers',
  rateLimit: 'RateLimit',
  sourceAllowlist: 'IPAllowList',
};

/**
 * Traefik's Kubernetes Ingress provider, bound to one gateway: the router on the `websecure`
 * entryPoint when TLS is on; typed features and rewrites need Middleware CRDs, so they are errors.
 * @internal
 */
export class TraefikController implements BoundController {
  public static bind(scope: IConstruct, field: string, options: TraefikControllerOptions | undefined): TraefikController {
    const { name, className, source } = bindInCluster(scope, field, options, {
      name: 'traefik', className: 'traefik', namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' },
    });
    return new TraefikController(name, className, source);
  }

  public readonly rewriteRefusal = 'it needs a Traefik Middleware CRD of type StripPrefix or ReplacePathRegex; '
    + `create one and attach it with annotations {"${TRAEFIK}router.middlewares": "<namespace>-<middleware>@kubernetescrd"}`;

  private constructor(public readonly name: string, public readonly className: string, public readonly source: Endpoint) {}

  public tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string> {
    if (tls.mode === 'acm') throw refuseAcm(scope, field, this.name);
    if (tls.mode === 'none') return { [`${TRAEFIK}router.entrypoints`]: 'web' };
    // spec.tls only selects certificates: the router must be on websecure with TLS enabled.
    // The router is NOT attached to `web`; the HTTP->HTTPS redirect is the web entryPoint's
    // redirection (Helm: ports.web.redirections.entryPoint.to=websecure), which a per-Ingress
    // annotation cannot express without a RedirectScheme Middleware.
    return { [`${TRAEFIK}router.entrypoints`]: 'websecure', [`${TRAEFIK}router.tls`]: 'true' };
  }

  public featureAnnotations(scope: IConstruct, f: GatewayFeatures): Record<string, string> {
    for (const k of featuresSet(f)) {
      const mw = MIDDLEWARE[k];
      throw unsupported(scope, k, f[k], `controller ${this.name} (Traefik)`, mw.startsWith('none')
        ? mw.slice(6)
        : `it needs a Traefik Middleware CRD of type ${mw}; create one and attach it with annotations {"${TRAEFIK}router.middlewares": `
        + `"<namespace>-<middleware>@kubernetescrd"}`);
    }
    return {};
  }

  public checkPath(): void { /* Traefik accepts any path the API server accepts. */ }
}
