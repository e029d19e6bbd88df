import type { IConstruct } from 'constructs';
import type { AwsAlbControllerOptions } from './controllers/aws-alb';
import { AwsAlbController } from './controllers/aws-alb';
import type { CiliumControllerOptions } from './controllers/cilium';
import { CiliumController } from './controllers/cilium';
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
 * Which routing API (`RoutingApi`) each serves:
 *
 * - `nginx()`: ingress-nginx, pods `app.kubernetes.io/name: ingress-nginx` in `ingress-nginx`;
 *   Ingress output only (ingress-nginx does not implement the Gateway API);
 * - `traefik()`: Traefik, pods `app.kubernetes.io/name: traefik` in `traefik`; Ingress and
 *   HTTPRoute output (its Gateway API provider runs in the same pods);
 * - `awsAlb({ vpcCidrs })`: the AWS Load Balancer Controller with target type `ip`; the ALB sits
 *   outside the cluster, so the allow is an ipBlock of its CIDRs; Ingress output only;
 * - `cilium()`: Cilium's own Ingress controller and Gateway API implementation (`Cni.cilium()` only):
 *   its Envoy reaches the backends as Cilium's reserved identity `ingress`, allowed by a
 *   CiliumNetworkPolicy with `fromEntities: [ingress]`; Ingress and HTTPRoute output;
 * - `custom({ name, className, pods | cidrs })`: anything else; no typed features; Ingress and
 *   HTTPRoute output (for HTTPRoutes, name the proxy pods of your Gateway API implementation, e.g.
 *   Envoy Gateway's or NGINX Gateway Fabric's).
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
   *
   * Ingress output only: ingress-nginx does not implement the Gateway API, so with
   * `RoutingApi.httpRoute()` the gateway is an error (for HTTPRoutes served by NGINX Gateway Fabric,
   * a separate project with its own proxy pods, use `custom({ name, pods })`).
   */
  public static nginx(options: NginxControllerOptions = {}): IngressController {
    return new IngressController(options?.name ?? 'ingress-nginx', (scope, field) => NginxController.bind(scope, field, options));
  }

  /**
   * Traefik's Kubernetes Ingress provider. With TLS on, the router listens on the `websecure`
   * entryPoint only, with `router.tls: "true"`; redirecting HTTP is the `web` entryPoint's job
   * (Helm `ports.web.redirections.entryPoint.to: websecure`), since a per-Ingress redirect needs a
   * RedirectScheme Middleware CRD. Typed features that need Middlewares are errors.
   *
   * Ingress and HTTPRoute output: Traefik's Gateway API provider (`kubernetesGateway`) runs in the
   * same pods, so the flows from them hold for HTTPRoutes too.
   */
  public static traefik(options: TraefikControllerOptions = {}): IngressController {
    return new IngressController(options?.name ?? 'traefik', (scope, field) => TraefikController.bind(scope, field, options));
  }

  /**
   * The AWS Load Balancer Controller (an ALB per Ingress, target type `ip`): TLS with ACM
   * (`Tls.acm()`), listeners on 80 and 443 with `ssl-redirect: '443'`. IngressGroups
   * (`group.name`) are not modelled: one ALB per gateway.
   *
   * Ingress output only: the controller's Gateway API support defaults to instance targets, from
   * which the flow from `vpcCidrs` does not hold, and an ALB Gateway takes its scheme, certificates
   * and target type from LoadBalancerConfiguration and TargetGroupConfiguration resources, not from
   * these annotations. For HTTPRoutes on an ALB Gateway whose default TargetGroupConfiguration sets
   * `targetType: ip`, use `custom({ name, cidrs })` with the ALB's subnet CIDRs.
   */
  public static awsAlb(options: AwsAlbControllerOptions): IngressController {
    return new IngressController(options?.name ?? 'aws-alb', (scope, field) => AwsAlbController.bind(scope, field, options));
  }

  /**
   * Cilium's own Ingress controller (IngressClass `cilium`) and Gateway API implementation
   * (GatewayClass `cilium`). Its per-node Envoy proxies the requests, and Cilium gives that traffic
   * the reserved identity `ingress` (Cilium's "Ingress and CiliumNetworkPolicy"): no pod, namespace
   * or ipBlock peer of a standard NetworkPolicy matches it, so each backend admits it with a
   * CiliumNetworkPolicy, `fromEntities: [ingress]` on the backend's ports, and the report shows the
   * flow from `entity:ingress`. It needs `Cni.cilium()`: on any other CNI synth fails.
   *
   * With TLS on, the Ingress carries `ingress.cilium.io/force-https: enabled`, Cilium's per-Ingress
   * HTTP->HTTPS redirect for every host in `spec.tls` (without it the cluster-wide
   * `enforce-ingress-https` decides). No typed feature and no rewrite has an Ingress annotation on
   * Cilium: they are errors (HTTPRoute output rewrites with the standard URLRewrite filter).
   *
   * cert-manager's HTTP-01 solver Ingress is served by the same Envoy, so the flow to the solver pods
   * (8089) is admitted from `entity:ingress` too. Where the challenge is routed is Cilium's: in the
   * default `dedicated` load balancer mode the solver's own Ingress gets an address of its own
   * (cert-manager/cert-manager#6805), and `force-https` may redirect the challenge
   * (cilium/cilium#35347); add `acme.cert-manager.io/http01-edit-in-place: "true"` with `annotations`,
   * or issue with DNS-01 (`http01Solver: false`).
   *
   * Ingress and HTTPRoute output (GatewayClass `gatewayClassName`, default `cilium`).
   */
  public static cilium(options: CiliumControllerOptions = {}): IngressController {
    return new IngressController(options?.name ?? 'cilium-ingress', (scope, field) => CiliumController.bind(scope, field, options));
  }

  /**
   * Any other controller: its class, and where its traffic comes from. Ingress and HTTPRoute output:
   * for HTTPRoutes, `pods` names the proxy pods of the Gateway API implementation that serves the
   * Gateway (Envoy Gateway, NGINX Gateway Fabric, ...), or `cidrs` a load balancer that targets pod IPs.
   */
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
