import type { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { declareFlow } from '../model/flows/declare';
import { podsEndpoint } from '../model/flows/endpoint';
import { NetworkModel } from '../model/network-model';
import type { NamespaceRef } from '../namespace';
import { namespaceName } from '../namespace';
import { Port } from '../port';
import { ACME_SOLVER_LABEL, ACME_SOLVER_NAME, ACME_SOLVER_PORT } from '../util/well-known-pods';
import { check, checkList, checkProps, dns1123Subdomain, invalid, oneOf } from '../util/validation';
import { validateAnnotations } from './annotations';
import type { IBackend } from './backend';
import { resolveBackend } from './backend';
import type { BoundController } from './controllers/controller';
import type { CorsOptions, GatewayFeatures, GatewayTimeouts, RateLimitOptions } from './features';
import { validateFeatures } from './features';
import { IngressController } from './ingress-controller';
import type { GatewayOutput } from './output/output';
import type { Route } from './render';
import { hostsOf } from './render';
import { RoutingApi } from './routing-api';
import { ingressHost, ingressPath, PATH_TYPES, PathType, pathKey, rewriteTarget } from './rules';
import type { BoundTls } from './tls';
import { Tls } from './tls';

/** One route: requests for `host` whose path matches `path` go to `backend`. */
export interface RouteOptions {
  /** The host, a DNS name (`app.example.com`) or a wildcard of one label (`*.example.com`). */
  readonly host: string;
  /**
   * The path, starting with "/".
   * @default '/'
   */
  readonly path?: string;
  /**
   * How the path matches: `Prefix` (element-wise on "/": `/api` matches `/api` and `/api/x`, not
   * `/apix`), `Exact`, or `ImplementationSpecific` (the controller's own syntax, e.g. a regex;
   * Ingress output only).
   * @default PathType.PREFIX
   */
  readonly pathType?: PathType;
  /** Where the requests go: a WebApp (its Service and Service port) or `Backend.service(name, port)`. */
  readonly backend: IBackend;
  /**
   * Replace the matched path with this path before forwarding: with path `/api` and
   * `rewriteTarget: '/'`, `/api/users` reaches the backend as `/users` (Gateway API
   * `ReplacePrefixMatch`; `ReplaceFullPath` for Exact paths). On ingress-nginx, which rewrites per
   * Ingress, every route of the gateway must then have the same rewriteTarget; Traefik and the ALB
   * cannot express it on an Ingress (an error).
   * @default - the path is forwarded unchanged
   */
  readonly rewriteTarget?: string;
}

/** Props of an `ApiGateway`. */
export interface ApiGatewayProps {
  /** The namespace of the Ingress (or HTTPRoutes): a `ZeroTrustNamespace` or a namespace name. */
  readonly namespace: NamespaceRef;
  /**
   * The Ingress name (a DNS-1123 subdomain); HTTPRoutes are named `<name>-<host>`.
   * @default - the construct id
   */
  readonly name?: string;
  /** The controller that serves the routes: `IngressController.nginx()`, `.traefik()`, `.awsAlb()`, `.cilium()`, `.custom()`. */
  readonly controller: IngressController;
  /**
   * How TLS is terminated: `Tls.certManager({ clusterIssuer })`, `Tls.secret(name)`, `Tls.acm()`
   * (AWS ALB), or `Tls.none()` as an explicit opt-out. When on, HTTP is redirected to HTTPS.
   */
  readonly tls: Tls;
  /**
   * The API the routing is written in: an Ingress, or Gateway API HTTPRoutes.
   * @default RoutingApi.ingress()
   */
  readonly api?: RoutingApi;
  /**
   * The largest request body accepted (ingress-nginx `proxy-body-size`).
   * @default - the controller's default (ingress-nginx 1m)
   */
  readonly maxRequestBodySize?: Size;
  /**
   * Proxy timeouts towards the backends (ingress-nginx `proxy-*-timeout`; ALB idle timeout).
   * @default - the controller's defaults
   */
  readonly timeouts?: GatewayTimeouts;
  /**
   * CORS answered by the proxy (ingress-nginx `enable-cors`).
   * @default - no CORS headers are added
   */
  readonly cors?: CorsOptions;
  /**
   * A per-client-IP rate limit (ingress-nginx `limit-rps`).
   * @default - no rate limit
   */
  readonly rateLimit?: RateLimitOptions;
  /**
   * Only these client CIDRs may use the gateway (ingress-nginx `whitelist-source-range`, ALB
   * `inbound-cidrs`). The controller must see the real client IP for this to mean anything.
   * @default - every client
   */
  readonly sourceAllowlist?: string[];
  /**
   * Raw annotations for the Ingress (or the HTTPRoutes): an escape hatch for what the typed
   * options do not cover. They may not repeat an annotation the typed options set.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Accept `*-snippet` annotations, which inject raw proxy configuration (ingress-nginx's
   * CVE-2021-25742 class, blocked by default since controller v1.12).
   * @default false
   */
  readonly allowSnippetAnnotations?: boolean;
  /**
   * Routes, as if passed to `addRoute` one by one.
   * @default - none; add them with `addRoute` (a gateway needs at least one by synth)
   */
  readonly routes?: RouteOptions[];
}

/**
 * One TLS entry point that routes hosts and paths to many services: an Ingress for the chosen
 * controller (or Gateway API HTTPRoutes), with TLS on every host, HTTP redirected to HTTPS, typed
 * proxy features translated for that controller, and a flow from the controller's traffic source
 * to every backend's pods, so that routes work in a `ZeroTrustNamespace` and nothing else opens.
 *
 * @example
 * const gw = new ApiGateway(chart, 'gateway', {
 *   namespace: prod,
 *   controller: IngressController.nginx(),
 *   tls: Tls.certManager({ clusterIssuer: 'letsencrypt-prod' }),
 * });
 * gw.addRoute({ host: 'app.example.com', path: '/api', backend: api });
 * gw.addRoute({ host: 'app.example.com', path: '/', backend: frontend });
 */
export class ApiGateway extends Construct {
  /** The gateway name: the Ingress name, and the prefix of HTTPRoute names. */
  public readonly name: string;
  /** The namespace of the Ingress or HTTPRoutes. */
  public readonly namespace: string;
  /** The controller's readable name, e.g. `ingress-nginx`. */
  public readonly controllerName: string;
  /** The Ingress (Ingress output only). */
  public readonly ingress?: ApiObject;
  /** The Gateway (Gateway API output with `createGateway` only). */
  public readonly gateway?: ApiObject;

  private readonly controller: BoundController;
  private readonly tls: BoundTls;
  /** The Ingress or the HTTPRoutes: everything that depends on the routing API. */
  private readonly output: GatewayOutput;
  private readonly routes: Route[] = [];

  public constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    checkProps(this, 'props', props, 'namespace, controller, tls');
    this.name = check(this, 'name', props.name ?? id, dns1123Subdomain);
    this.namespace = namespaceName(this, 'namespace', props.namespace);
    if (!(props.controller instanceof IngressController)) {
      throw invalid(this, 'controller', props.controller === undefined ? undefined : String(props.controller),
        'must be an IngressController such as IngressController.nginx()');
    }
    if (!(props.tls instanceof Tls)) {
      throw invalid(this, 'tls', props.tls === undefined ? undefined : String(props.tls),
        'must be a Tls: Tls.certManager(), Tls.secret(), Tls.acm(), or Tls.none() to opt out explicitly');
    }
    const api = props.api ?? RoutingApi.ingress();
    if (!(api instanceof RoutingApi)) throw invalid(this, 'api', String(api), 'must be RoutingApi.ingress() or RoutingApi.httpRoute()');
    this.controller = props.controller._bind(this, 'controller');
    this.controllerName = this.controller.name;
    if (api.kind === 'httpRoute' && this.controller.gatewayApiRefusal !== undefined) {
      throw invalid(this, 'api', 'RoutingApi.httpRoute()', this.controller.gatewayApiRefusal);
    }
    const routing = api._bind(this, 'api', this.namespace, props.tls.mode !== 'none');
    checkCiliumClass(this, this.controller, api.kind === 'ingress' ? this.controller.className : undefined, routing.gatewayClassName);
    this.tls = props.tls._bind(this, 'tls', routing.certificateOwner ?? this.name);

    const features: GatewayFeatures = {
      maxRequestBodySize: props.maxRequestBodySize,
      timeouts: props.timeouts,
      cors: props.cors,
      rateLimit: props.rateLimit,
      sourceAllowlist: props.sourceAllowlist,
    };
    validateFeatures(this, features);

    this.output = routing.output({
      scope: this, name: this.name, namespace: this.namespace, controller: this.controller, tls: this.tls, features, routes: this.routes,
    });
    const rawAnnotations = validateAnnotations(this, 'annotations', props.annotations ?? {}, {
      snippetRefusal: props.allowSnippetAnnotations ? undefined : '; set allowSnippetAnnotations: true to accept them',
      ingressClassHint: 'choose the class with the controller\'s className',
      generated: this.output.generatedAnnotations,
    });
    if (this.tls.mode === 'cert-manager') {
      // cert-manager names the Certificate after the Secret: two gateways sharing it would fight.
      NetworkModel.of(this).claimName(this, 'tls secretName', 'Certificate', this.output.certificateNamespace, this.tls.secretName!);
    }
    this.output.create(rawAnnotations);
    this.ingress = this.output.ingress;
    this.gateway = this.output.gateway;
    if (this.tls.mode === 'cert-manager' && this.tls.http01Solver) this.allowAcmeSolver();

    this.node.addValidation({
      validate: () => (this.routes.length === 0
        ? [`${this.node.path}: routes [] is invalid: a gateway needs at least one route; call addRoute() or pass routes`]
        : []),
    });

    checkList(this, 'routes', props.routes, 'route options { host, path, backend }');
    (props.routes ?? []).forEach((r, i) => this.add(r, `routes[${i}]`));
  }

  /** The hosts routed so far, sorted. */
  public get hosts(): string[] {
    return hostsOf(this.routes);
  }

  /**
   * Routes requests for `host` and `path` to a backend, and records the flow from the controller
   * to the backend's pods (WebApps, or `Backend.service()` with pod labels).
   */
  public addRoute(route: RouteOptions): void {
    this.add(route, 'addRoute');
  }

  private add(options: RouteOptions, field: string): void {
    if (!options || typeof options !== 'object') throw invalid(this, field, options, 'must be route options { host, path, backend }');
    const host = check(this, `${field} host`, options.host, ingressHost);
    const pathType = check(this, `${field} pathType`, options.pathType ?? PathType.PREFIX, oneOf(PATH_TYPES));
    const path = check(this, `${field} path`, options.path ?? '/', ingressPath(pathType));
    this.output.checkPath(field, path, pathType);

    const backend = resolveBackend(this, `${field} backend`, options.backend, this.namespace);
    this.output.checkBackend(`${field} backend`, backend);

    const key = pathKey(path, pathType);
    const prior = this.routes.find((r) => r.host === host && pathKey(r.path, r.pathType) === key);
    if (prior) {
      throw invalid(this, `${field} path`, path,
        `duplicates the route ${prior.field} (${prior.host} ${prior.pathType} ${prior.path}) on host ${host}`);
    }

    const target = options.rewriteTarget;
    if (target !== undefined) {
      check(this, `${field} rewriteTarget`, target, rewriteTarget);
      if (pathType === PathType.IMPLEMENTATION_SPECIFIC) {
        throw invalid(this, `${field} rewriteTarget`, target,
          'needs a Prefix or Exact path: an ImplementationSpecific path has no defined prefix to replace');
      }
    }

    const route: Route = { host, path, pathType, backend, rewriteTarget: target, field };
    this.output.addRoute(route);
    this.routes.push(route);

    if (backend.endpoint) {
      declareFlow(this, field, this.controller.source, backend.endpoint, undefined, 'gateway');
    }
  }

  /**
   * cert-manager answers ACME HTTP-01 challenges with solver pods in the Challenge's namespace, the
   * Certificate's: the Ingress's (ingress-shim) or the Gateway's (gateway-shim). The proxy that
   * serves the challenge route (the solver Ingress, or the `gatewayHTTPRoute` HTTPRoute the issuer
   * attaches to the Gateway) must reach them on port 8089; behind default-deny the certificate is
   * never issued otherwise. cert-manager `pkg/issuer/acme/http/pod.go` (pods in `ch.Namespace`),
   * `httproute.go` (the HTTPRoute in `ch.Namespace`, backend port 8089), `pkg/controller/acmeorders/util.go`
   * (the Challenge in the Order's namespace).
   */
  private allowAcmeSolver(): void {
    const solver = podsEndpoint(ACME_SOLVER_NAME, this.output.certificateNamespace, { [ACME_SOLVER_LABEL]: 'true' }, [Port.tcp(ACME_SOLVER_PORT)]);
    declareFlow(this, 'tls', this.controller.source, solver, undefined, 'gateway');
  }
}

/** The IngressClass and GatewayClass Cilium installs for its own Ingress controller and Gateway API implementation. */
const CILIUM_CLASS = 'cilium';

/**
 * The class that picks the proxy must be the controller's: Cilium's Envoy reaches the backends as
 * Cilium's reserved identity `ingress`, never from another controller's pods or addresses, and the
 * reverse. A mismatch leaves every flow the gateway declares dead, so it is an error.
 * @param ingressClass the Ingress's class (Ingress output)
 * @param gatewayClass the class of the Gateway the gateway creates (HTTPRoute output with createGateway)
 */
function checkCiliumClass(scope: Construct, controller: BoundController, ingressClass: string | undefined, gatewayClass: string | undefined): void {
  const dead = 'so the flows the gateway declares would be dead behind default-deny';
  if (controller.ciliumIngress) {
    if (gatewayClass !== undefined && gatewayClass !== controller.gatewayClassName) {
      throw invalid(scope, 'api createGateway.gatewayClassName', gatewayClass,
        `is not the GatewayClass of controller ${controller.name} (Cilium), "${controller.gatewayClassName}": another implementation would `
        + `serve the Gateway, from pods or addresses the CiliumNetworkPolicies from Cilium's "ingress" identity do not admit, ${dead}; `
        + 'give IngressController.cilium({ gatewayClassName }) the class of your Cilium GatewayClass, or choose the controller that serves '
        + `${JSON.stringify(gatewayClass)}`);
    }
    return;
  }
  const why = `Cilium's own Ingress and Gateway API proxy, its per-node Envoy, reaches the backends as Cilium's reserved identity "ingress", `
    + `not from the pods or addresses of controller ${controller.name}, ${dead}; use IngressController.cilium()`;
  if (ingressClass === CILIUM_CLASS) {
    throw invalid(scope, 'controller className', ingressClass, `is the IngressClass of Cilium's Ingress controller: ${why}`);
  }
  if (gatewayClass === CILIUM_CLASS) {
    throw invalid(scope, 'api createGateway.gatewayClassName', gatewayClass, `is the GatewayClass of Cilium's Gateway API implementation: ${why}`);
  }
}
