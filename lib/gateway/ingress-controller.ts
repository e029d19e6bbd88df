import type { IConstruct } from 'constructs';
import type { AwsAlbControllerOptions } from './controllers/aws-alb';
import { AwsAlbController } from './controllers/aws-alb';
import type { BoundController } from './controllers/controller';
import type { CustomControllerOptions } from './controllers/custom';
import { CustomController } from './controllers/custom';
import type { NginxControllerOptions } from './controllers/nginx';
import { NginxController } from './controllers/nginx';
import type { TraefikControllerOptions } from './controllers/traefik';
import { TraefikController } from './controllers/traefik';

/**
 * The Ingress controller that serves a gateway: its IngressClass, where its proxied traffic comes
 * from (for the NetworkPolicy allows), and how it spells TLS, redirects and the typed features.
 *
 * - `nginx()`: ingress-nginx, pods `app.kubernetes.io/name: ingress-nginx` in `ingress-nginx`;
 * - `traefik()`: Traefik, pods `app.kubernetes.io/name: traefik` in `traefik`;
 * - `awsAlb({ vpcCidrs })`: the AWS Load Balancer Controller with target type `ip`; the ALB sits
 *   outside the cluster, so the allow is an ipBlock of its CIDRs;
 * - `custom({ name, className, pods | cidrs })`: anything else; no typed features.
 *
 * Options are validated when a gateway uses the controller, so errors name the gateway. Each
 * controller is one class in `controllers/`.
 */
export class IngressController {
  /**
   * ingress-nginx (kubernetes/ingress-nginx). With TLS on, HTTP->HTTPS relies on the controller's
   * default `ssl-redirect` (a 308 for every host in `spec.tls`); no annotation is emitted, so a
   * cluster-wide `ssl-redirect: "false"` in the controller ConfigMap would turn it off.
   * Exact and Prefix paths follow strict path validation (v1.12+).
   */
  public static nginx(options: NginxControllerOptions = {}): IngressController {
    return new IngressController(options?.name ?? 'ingress-nginx', (scope, field) => NginxController.bind(scope, field, options));
  }

  /**
   * Traefik's Kubernetes Ingress provider. With TLS on, the router listens on the `websecure`
   * entryPoint only, with `router.tls: "true"`; redirecting HTTP is the `web` entryPoint's job
   * (Helm `ports.web.redirections.entryPoint.to: websecure`), since a per-Ingress redirect needs a
   * RedirectScheme Middleware CRD. Typed features that need Middlewares are errors.
   */
  public static traefik(options: TraefikControllerOptions = {}): IngressController {
    return new IngressController(options?.name ?? 'traefik', (scope, field) => TraefikController.bind(scope, field, options));
  }

  /**
   * The AWS Load Balancer Controller (an ALB per Ingress, target type `ip`): TLS with ACM
   * (`Tls.acm()`), listeners on 80 and 443 with `ssl-redirect: '443'`. IngressGroups
   * (`group.name`) are not modelled: one ALB per gateway.
   */
  public static awsAlb(options: AwsAlbControllerOptions): IngressController {
    return new IngressController(options?.name ?? 'aws-alb', (scope, field) => AwsAlbController.bind(scope, field, options));
  }

  /** Any other controller: its class, and where its traffic comes from. */
  public static custom(options: CustomControllerOptions): IngressController {
    return new IngressController(options?.name, (scope, field) => CustomController.bind(scope, field, options));
  }

  /** The controller's readable name, e.g. `ingress-nginx`. */
  public readonly name: string;

  private constructor(name: string, private readonly binder: (scope: IConstruct, field: string) => BoundController) {
    this.name = name;
  }

  /** @internal Validates the options for a gateway and returns the controller bound to it. */
  public _bind(scope: IConstruct, field: string): BoundController {
    return this.binder(scope, field);
  }
}
