import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import { check } from '../../util/validation';
import type { GatewayFeatures } from '../features';
import { sizeText } from '../features';
import { nginxStrictPath, PathType } from '../rules';
import type { BoundTls } from '../tls';
import type { BoundController, IngressRewrite } from './controller';
import { refuseAcm } from './controller';
import type { InClusterControllerOptions } from './in-cluster';
import { bindInCluster } from './in-cluster';

/** Options of `IngressController.nginx()`. */
export interface NginxControllerOptions extends InClusterControllerOptions {}

const NGINX = 'nginx.ingress.kubernetes.io/';

/**
 * ingress-nginx (kubernetes/ingress-nginx), bound to one gateway: TLS from Secrets with the
 * controller's default HTTP->HTTPS redirect, typed features as `nginx.ingress.kubernetes.io/*`
 * annotations, strict path validation and Ingress-wide rewrites. @internal
 */
export class NginxController implements BoundController {
  public static bind(scope: IConstruct, field: string, options: NginxControllerOptions | undefined): NginxController {
    const { name, className, source } = bindInCluster(scope, field, options, {
      name: 'ingress-nginx', className: 'nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    });
    return new NginxController(name, className, source);
  }

  public readonly rewrite: IngressRewrite;
  /**
   * ingress-nginx reads Ingresses only: the Gateway API's implementations list (kubernetes-sigs/gateway-api
   * site-src/implementations.md) has NGINX Gateway Fabric, a separate project whose own proxy pods serve the routes.
   */
  public readonly gatewayApiRefusal: string;

  private constructor(public readonly name: string, public readonly className: string, public readonly source: Endpoint) {
    this.rewrite = nginxRewrite(name);
    this.gatewayApiRefusal = `controller ${name} (ingress-nginx) implements the Ingress API only, not the Gateway API (NGINX Gateway Fabric is a `
      + `separate project with its own proxy pods): no ${name} pod serves an HTTPRoute, so the flows the gateway declares from them would leave `
      + 'every route dead; use RoutingApi.ingress() with IngressController.nginx(), or for HTTPRoutes the controller of your Gateway API '
      + 'implementation: IngressController.traefik(), IngressController.cilium(), or IngressController.custom({ name, pods }) naming its proxy pods';
  }

  public tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string> {
    if (tls.mode === 'acm') throw refuseAcm(scope, field, this.name);
    // ingress-nginx redirects HTTP to HTTPS (308) by default for every host listed in spec.tls;
    // this library relies on that default instead of emitting ssl-redirect: "true".
    return {};
  }

  public featureAnnotations(_scope: IConstruct, f: GatewayFeatures): Record<string, string> {
    const a: Record<string, string> = {};
    if (f.maxRequestBodySize) a[`${NGINX}proxy-body-size`] = sizeText(f.maxRequestBodySize);
    if (f.timeouts?.readSeconds !== undefined) a[`${NGINX}proxy-read-timeout`] = String(f.timeouts.readSeconds);
    if (f.timeouts?.sendSeconds !== undefined) a[`${NGINX}proxy-send-timeout`] = String(f.timeouts.sendSeconds);
    if (f.timeouts?.connectSeconds !== undefined) a[`${NGINX}proxy-connect-timeout`] = String(f.timeouts.connectSeconds);
    if (f.cors) {
      a[`${NGINX}enable-cors`] = 'true';
      a[`${NGINX}cors-allow-origin`] = [...f.cors.allowOrigins].sort().join(', ');
      if (f.cors.allowMethods?.length) a[`${NGINX}cors-allow-methods`] = f.cors.allowMethods.join(', ');
      if (f.cors.allowHeaders?.length) a[`${NGINX}cors-allow-headers`] = f.cors.allowHeaders.join(', ');
      if (f.cors.exposeHeaders?.length) a[`${NGINX}cors-expose-headers`] = f.cors.exposeHeaders.join(', ');
      a[`${NGINX}cors-allow-credentials`] = String(f.cors.allowCredentials ?? false);
      if (f.cors.maxAgeSeconds !== undefined) a[`${NGINX}cors-max-age`] = String(f.cors.maxAgeSeconds);
    }
    if (f.rateLimit) a[`${NGINX}limit-rps`] = String(f.rateLimit.requestsPerSecond);
    // whitelist-source-range is understood by every controller version (allowlist-source-range
    // only by recent ones, and an ignored allowlist fails open).
    if (f.sourceAllowlist) a[`${NGINX}whitelist-source-range`] = [...f.sourceAllowlist].sort().join(',');
    return a;
  }

  public checkPath(scope: IConstruct, field: string, path: string, pathType: PathType): void {
    if (pathType !== PathType.IMPLEMENTATION_SPECIFIC) check(scope, field, path, nginxStrictPath);
  }
}

/**
 * ingress-nginx (>= 0.22) replaces the WHOLE path with rewrite-target, keeping only what the path
 * regex captures. To replace just the matched prefix, every path captures "(/|$)(.*)" (the
 * canonical `/something(/|$)(.*)` + `/$2` form) and the target appends the captures.
 */
function nginxRewrite(name: string): IngressRewrite {
  return {
    annotations(target) {
      return {
        [`${NGINX}use-regex`]: 'true',
        [`${NGINX}rewrite-target`]: target.endsWith('/') ? `${target}$2` : `${target}$1$2`,
      };
    },
    // Prefix /api -> `/api(/|$)(.*)`: $1 is the separator, $2 the rest, so `/api` stays an
    // element-wise prefix (`/apix` does not match). Exact /v1 -> `/v1()()$`: both captures empty.
    // Root / -> `/()(.*)`: an Ingress path must start with "/", so the separator is not captured.
    path(path, pathType) {
      if (pathType === PathType.EXACT) return { path: `${path}()()$`, pathType: PathType.IMPLEMENTATION_SPECIFIC };
      const prefix = path.replace(/\/+$/, '');
      return { path: prefix === '' ? '/()(.*)' : `${prefix}(/|$)(.*)`, pathType: PathType.IMPLEMENTATION_SPECIFIC };
    },
    refusal(path, pathType, target) {
      if (pathType === PathType.PREFIX && /^\/+$/.test(path) && !target.endsWith('/')) {
        return `${name} cannot replace the root prefix "/" with a target that does not end in "/" (the separator is not captured); use `
        + `${JSON.stringify(`${target}/`)}`;
      }
      return undefined;
    },
  };
}
