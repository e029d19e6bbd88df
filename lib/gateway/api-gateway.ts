import type { Size } from 'cdk8s';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { declareFlow } from '../model/flows/declare';
import type { BoundHttpRouteApi } from './gateway-api';
import { GatewayApi } from './gateway-api';
import type { Backend } from './backend';
import { resolveBackend } from './backend';
import type { CorsOptions, GatewayFeatures, GatewayTimeouts, RateLimitOptions } from './features';
import { featuresSet, unsupported, validateFeatures } from './features';
import type { Route } from './render';
import { hostFragment, hostsOf, httpRouteRules, ingressSpec, ruleGroups } from './render';
import type { PathType } from './rules';
import { ingressHost, ingressPath, isSnippetAnnotation, PATH_TYPES, pathKey, rewriteTarget } from './rules';
import type { BoundController } from './ingress-controller';
import { IngressController } from './ingress-controller';
import type { NamespaceRef } from '../namespace';
import { namespaceName } from '../namespace';
import { NetworkModel } from '../model/network-model';
import { NAMESPACE_NAME_LABEL } from '../model/flows/render';
import type { BoundTls } from './tls';
import { Tls } from './tls';
import { check, dns1123Subdomain, invalid, labelKey, objectName, oneOf, yamlSafeText } from '../util/validation';
import type { WebApp } from '../web-app';

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
   * @default 'Prefix'
   */
  readonly pathType?: PathType;
  /** Where the requests go: a WebApp (its Service and Service port) or `Backend.service(name, port)`. */
  readonly backend: WebApp | Backend;
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
  /** The controller that serves the routes: `IngressController.nginx()`, `.traefik()`, `.awsAlb()`, `.custom()`. */
  readonly controller: IngressController;
  /**
   * How TLS is terminated: `Tls.certManager({ clusterIssuer })`, `Tls.secret(name)`, `Tls.acm()`
   * (AWS ALB), or `Tls.none()` as an explicit opt-out. When on, HTTP is redirected to HTTPS.
   */
  readonly tls: Tls;
  /**
   * The API the routing is written in.
   * @default GatewayApi.ingress()
   */
  readonly api?: GatewayApi;
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
  private readonly httpApi?: BoundHttpRouteApi;
  private readonly rawAnnotations: Readonly<Record<string, string>>;
  private readonly generatedAnnotations: Record<string, string>;
  private readonly routes: Route[] = [];
  /** Host -> names of its HTTPRoute and redirect HTTPRoute; the objects are made at synth. */
  private readonly httpRoutes = new Map<string, { name: string; redirectName?: string }>();
  /** HTTPRoute name -> the kind of route and the host it was made for. */
  private readonly httpRouteNames = new Map<string, { kind: string; value: string }>();
  /** Backend namespace -> the ReferenceGrant's name and the Services it grants. */
  private readonly referenceGrants = new Map<string, { name: string; services: Set<string> }>();
  /** ingress-nginx: the rewrite target every route shares (null: no rewrite); unset before the first route. */
  private nginxRewrite?: string | null;

  public constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    this.name = check(this, 'name', props.name ?? id, dns1123Subdomain);
    this.namespace = namespaceName(this, 'namespace', props.namespace);
    if (!(props.controller instanceof IngressController)) {
      throw invalid(this, 'controller', props.controller === undefined ? undefined : String(props.controller), 'must be an IngressController such as IngressController.nginx()');
    }
    if (!(props.tls instanceof Tls)) {
      throw invalid(this, 'tls', props.tls === undefined ? undefined : String(props.tls), 'must be a Tls: Tls.certManager(), Tls.secret(), Tls.acm(), or Tls.none() to opt out explicitly');
    }
    const api = props.api ?? GatewayApi.ingress();
    if (!(api instanceof GatewayApi)) throw invalid(this, 'api', String(api), 'must be GatewayApi.ingress() or GatewayApi.httpRoute()');
    this.controller = props.controller._bind(this, 'controller');
    this.controllerName = this.controller.name;
    this.httpApi = api._bindHttpRoute(this, 'api', this.namespace, props.tls.mode !== 'none');
    this.tls = props.tls._bind(this, 'tls', this.httpApi?.gatewayName ?? this.name);

    const features: GatewayFeatures = {
      maxRequestBodySize: props.maxRequestBodySize,
      timeouts: props.timeouts,
      cors: props.cors,
      rateLimit: props.rateLimit,
      sourceAllowlist: props.sourceAllowlist,
    };
    validateFeatures(this, features);

    const model = NetworkModel.of(this);
    if (this.httpApi) {
      this.checkHttpRouteOutput(features);
      this.generatedAnnotations = {};
    } else {
      if (this.controller.className === undefined) {
        throw invalid(this, 'controller className', undefined, `custom controller ${this.controller.name} needs a className for Ingress output (spec.ingressClassName)`);
      }
      this.generatedAnnotations = {
        ...this.tls.annotations,
        ...this.controller.tlsAnnotations(this, 'tls', this.tls),
        ...this.controller.featureAnnotations(this, features),
      };
    }
    this.rawAnnotations = this.checkAnnotations(props.annotations ?? {}, props.allowSnippetAnnotations ?? false);
    if (this.tls.mode === 'cert-manager') {
      // cert-manager names the Certificate after the Secret: two gateways sharing it would fight.
      model.claimName(this, 'tls secretName', 'Certificate', this.httpApi?.gatewayNamespace ?? this.namespace, this.tls.secretName!);
    }

    if (this.httpApi) {
      if (this.httpApi.createGateway) this.gateway = this.makeGateway(this.httpApi);
    } else {
      model.claimName(this, 'name', 'Ingress', this.namespace, this.name);
      this.ingress = new k8s.KubeIngress(this, 'Ingress', {
        metadata: {
          name: this.name,
          namespace: this.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
          annotations: { ...this.generatedAnnotations, ...this.rawAnnotations },
        },
        spec: Lazy.any({ produce: () => ingressSpec(this.controller.className!, this.routes, this.tls, this.controller.rewrite) }),
      });
    }

    this.node.addValidation({
      validate: () => (this.routes.length === 0
        ? [`${this.node.path}: routes [] is invalid: a gateway needs at least one route; call addRoute() or pass routes`]
        : []),
    });

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
    const pathType = check(this, `${field} pathType`, options.pathType ?? 'Prefix', oneOf(PATH_TYPES));
    const path = check(this, `${field} path`, options.path ?? '/', ingressPath(pathType));
    if (this.httpApi) {
      if (pathType === 'ImplementationSpecific') {
        throw invalid(this, `${field} pathType`, pathType, 'has no portable Gateway API match; use Prefix or Exact with GatewayApi.httpRoute()');
      }
    } else {
      this.controller.checkPath(this, `${field} path`, path, pathType);
    }

    const backend = resolveBackend(this, `${field} backend`, options.backend, this.namespace);
    if (!this.httpApi && backend.namespace !== this.namespace) {
      throw invalid(this, `${field} backend`, `${backend.namespace}/${backend.serviceName}`,
        `an Ingress routes only to Services in its own namespace "${this.namespace}"; use GatewayApi.httpRoute() for a backend in another namespace`);
    }
    if (this.httpApi && typeof backend.port === 'string') {
      throw invalid(this, `${field} backend port`, backend.port, 'must be a number: Gateway API backendRefs name Service ports by number');
    }

    const key = pathKey(path, pathType);
    const prior = this.routes.find((r) => r.host === host && pathKey(r.path, r.pathType) === key);
    if (prior) {
      throw invalid(this, `${field} path`, path, `duplicates the route ${prior.field} (${prior.host} ${prior.pathType} ${prior.path}) on host ${host}`);
    }

    const target = options.rewriteTarget;
    if (target !== undefined) {
      check(this, `${field} rewriteTarget`, target, rewriteTarget);
      if (pathType === 'ImplementationSpecific') {
        throw invalid(this, `${field} rewriteTarget`, target, 'needs a Prefix or Exact path: an ImplementationSpecific path has no defined prefix to replace');
      }
    }
    if (!this.httpApi) this.checkIngressRewrite(field, path, pathType, target);

    const route: Route = { host, path, pathType, backend, rewriteTarget: target, field };
    if (this.httpApi) this.addHttpRoute(route, field);
    this.routes.push(route);

    if (backend.endpoint) {
      declareFlow(this, field, this.controller.source, backend.endpoint, undefined, 'gateway');
    }
  }

  /** Rewrites on an Ingress: only ingress-nginx, and one target for the whole Ingress. */
  private checkIngressRewrite(field: string, path: string, pathType: PathType, target: string | undefined): void {
    const rewrite = this.controller.rewrite;
    if (target !== undefined && !rewrite) {
      throw unsupported(this, 'rewriteTarget', target, `controller ${this.controller.name}`, this.controller.rewriteRefusal ?? 'it has no path rewrite');
    }
    if (!rewrite) return;
    const refusal = target !== undefined ? rewrite.refusal(path, pathType, target) : undefined;
    if (refusal) throw invalid(this, `${field} rewriteTarget`, target, refusal);
    const state = target ?? null;
    if (this.nginxRewrite !== undefined && this.nginxRewrite !== state) {
      const other = this.routes.find((r) => (r.rewriteTarget ?? null) !== state)!;
      throw invalid(this, `${field} rewriteTarget`, target,
        `${this.controller.name} applies rewrite-target to every path of an Ingress, and route ${other.field} (${other.host} ${other.path}) has ${other.rewriteTarget === undefined ? 'no rewriteTarget' : `rewriteTarget ${JSON.stringify(other.rewriteTarget)}`}; give every route of this gateway the same rewriteTarget, or put these routes in a second ApiGateway`);
    }
    if (this.nginxRewrite === undefined && target !== undefined) {
      const annotations = rewrite.annotations(target);
      for (const k of Object.keys(annotations)) {
        if (k in this.rawAnnotations) {
          throw invalid(this, `annotations[${JSON.stringify(k)}]`, this.rawAnnotations[k], `conflicts with rewriteTarget of ${field}, which sets this annotation; drop one of them`);
        }
      }
      for (const [k, v] of Object.entries(annotations)) this.ingress!.metadata.addAnnotation(k, v);
    }
    this.nginxRewrite = state;
  }

  /** Gateway API output: typed features other than rewrites have no portable HTTPRoute field. */
  private checkHttpRouteOutput(features: GatewayFeatures): void {
    if (this.tls.mode === 'acm') {
      throw invalid(this, 'tls', 'Tls.acm()', 'ACM certificates are for the AWS Load Balancer Controller\'s Ingress; a Gateway terminates TLS with certificateRefs to Secrets (Tls.secret() or Tls.certManager())');
    }
    if (this.tls.mode === 'cert-manager' && !this.httpApi!.createGateway) {
      throw invalid(this, 'tls', 'Tls.certManager()',
        'cert-manager reads its issuer annotation from the Gateway, which this gateway does not create; set createGateway, or annotate your Gateway and pass Tls.secret(<its certificate Secret>)');
    }
    for (const k of featuresSet(features)) {
      throw unsupported(this, k, features[k], 'Gateway API output (HTTPRoute)',
        'the standard HTTPRoute has no field for it; use the Gateway implementation\'s policy resources, or Ingress output');
    }
  }

  private checkAnnotations(raw: Record<string, string>, allowSnippets: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of Object.keys(raw).sort()) {
      const v = raw[k];
      check(this, 'annotations key', k, labelKey);
      if (typeof v !== 'string') throw invalid(this, `annotations[${JSON.stringify(k)}]`, v, 'must be a string (quote numbers and booleans: "true", "100")');
      check(this, `annotations[${JSON.stringify(k)}]`, v, yamlSafeText);
      if (isSnippetAnnotation(k) && !allowSnippets) {
        throw invalid(this, `annotations[${JSON.stringify(k)}]`, v,
          'snippet annotations inject raw proxy configuration (CVE-2021-25742) and are refused; set allowSnippetAnnotations: true to accept them');
      }
      if (k === 'kubernetes.io/ingress.class') {
        throw invalid(this, `annotations[${JSON.stringify(k)}]`, v, 'is deprecated and rejected by the API server when it differs from spec.ingressClassName; choose the class with the controller\'s className');
      }
      if (k in this.generatedAnnotations) {
        throw invalid(this, `annotations[${JSON.stringify(k)}]`, v,
          `conflicts with the value ${JSON.stringify(this.generatedAnnotations[k])} set by the typed options (tls, controller or features); change the typed option instead`);
      }
      out[k] = v;
    }
    return out;
  }

  private parentRef(api: BoundHttpRouteApi, sectionName: string | undefined): Record<string, unknown> {
    return {
      name: api.gatewayName,
      ...(api.gatewayNamespace !== this.namespace ? { namespace: api.gatewayNamespace } : {}),
      ...(sectionName !== undefined ? { sectionName } : {}),
    };
  }

  /** The listener a host's routes attach to. */
  private sectionFor(api: BoundHttpRouteApi, host: string): string | undefined {
    if (!api.createGateway) return api.sectionName;
    return this.tls.mode === 'none' ? 'http' : `https-${hostFragment(host)}`;
  }

  private addHttpRoute(route: Route, field: string): void {
    const api = this.httpApi!;
    const { host, backend } = route;
    const hostRoutes = [...this.routes.filter((r) => r.host === host), route];
    if (ruleGroups(hostRoutes).length > 16) {
      throw invalid(this, `${field} path`, route.path, `would make host ${host} need ${ruleGroups(hostRoutes).length} HTTPRoute rules; Gateway API allows 16 per HTTPRoute (routes to one backend without a rewrite share a rule)`);
    }
    const model = NetworkModel.of(this);
    if (!this.httpRoutes.has(host)) {
      if (api.createGateway && this.tls.mode !== 'none' && this.hosts.length + 2 > 64) {
        throw invalid(this, `${field} host`, host, 'would give the created Gateway more than 64 listeners (one HTTPS listener per host)');
      }
      const name = this.generatedName(`${field} host`, host, 'HTTPRoute', `${this.name}-${hostFragment(host)}`);
      model.claimName(this, `${field} host`, 'HTTPRoute', this.namespace, name);
      let redirectName: string | undefined;
      if (this.tls.mode !== 'none') {
        redirectName = this.generatedName(`${field} host`, host, 'redirect HTTPRoute', `${this.name}-redirect-${hostFragment(host)}`);
        model.claimName(this, `${field} host`, 'HTTPRoute', this.namespace, redirectName);
      }
      if (this.httpRoutes.size === 0) model._addRenderer(() => this.renderHttpRoutes(api));
      this.httpRoutes.set(host, { name, redirectName });
    }
    if (backend.namespace !== this.namespace) this.grantReference(backend.namespace, backend.serviceName, field);
  }

  /**
   * A name built from the user's `value`: an error names the field and that value, then the name.
   * Two hosts can give one HTTPRoute name (`*.a.com` and `wildcard.a.com`; `a.com`'s redirect and
   * `redirect-a.com`): the model lets a construct claim a name twice, so the clash is checked here.
   */
  private generatedName(field: string, value: string, kind: string, name: string): string {
    const broken = objectName(name);
    if (broken) throw invalid(this, field, value, `gives the ${kind} name "${name}", which ${broken}`);
    if (kind.endsWith('HTTPRoute')) {
      const prior = this.httpRouteNames.get(name);
      if (prior && prior.value !== value) {
        throw invalid(this, field, value, `gives the ${kind} name "${name}", which the ${prior.kind} of host ${JSON.stringify(prior.value)} already has; route one of the hosts through another ApiGateway`);
      }
      this.httpRouteNames.set(name, { kind, value });
    }
    return name;
  }

  private routeMetadata(name: string) {
    const annotations = { ...this.rawAnnotations };
    return {
      name,
      namespace: this.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    };
  }

  /** A ReferenceGrant in the backend's namespace lets this namespace's HTTPRoutes reach the Service. */
  private grantReference(namespace: string, service: string, field: string): void {
    let grant = this.referenceGrants.get(namespace);
    if (!grant) {
      const name = this.generatedName(`${field} backend`, `${namespace}/${service}`, 'ReferenceGrant', `${this.name}-from-${this.namespace}`);
      NetworkModel.of(this).claimName(this, `${field} backend`, 'ReferenceGrant', namespace, name);
      grant = { name, services: new Set() };
      this.referenceGrants.set(namespace, grant);
    }
    grant.services.add(service);
  }

  /**
   * Emits the HTTPRoutes (one per host, plus its redirect) and ReferenceGrants (one per backend
   * namespace) at synth, sorted by host and namespace, so the output does not depend on the order
   * in which routes were added.
   */
  private renderHttpRoutes(api: BoundHttpRouteApi): void {
    for (const host of [...this.httpRoutes.keys()].sort()) {
      const { name, redirectName } = this.httpRoutes.get(host)!;
      new ApiObject(this, `HTTPRoute:${host}`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: this.routeMetadata(name),
        spec: {
          parentRefs: [this.parentRef(api, this.sectionFor(api, host))],
          hostnames: [host],
          rules: httpRouteRules(this.routes.filter((r) => r.host === host), this.namespace),
        },
      });
      if (redirectName) {
        new ApiObject(this, `HTTPRoute:redirect:${host}`, {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: this.routeMetadata(redirectName),
          spec: {
            parentRefs: [this.parentRef(api, api.createGateway ? 'http' : api.httpSectionName)],
            hostnames: [host],
            rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
          },
        });
      }
    }
    for (const namespace of [...this.referenceGrants.keys()].sort()) {
      const { name, services } = this.referenceGrants.get(namespace)!;
      new ApiObject(this, `ReferenceGrant:${namespace}`, {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' } },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: this.namespace }],
          to: [...services].sort().map((s) => ({ group: '', kind: 'Service', name: s })),
        },
      });
    }
  }

  private makeGateway(api: BoundHttpRouteApi): ApiObject {
    const model = NetworkModel.of(this);
    model.claimName(this, 'api gateway.name', 'Gateway', api.gatewayNamespace, api.gatewayName);
    const allowedRoutes = api.gatewayNamespace === this.namespace
      ? { namespaces: { from: 'Same' } }
      : { namespaces: { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: this.namespace } } } };
    const annotations = { ...this.tls.annotations };
    return new ApiObject(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: api.gatewayName,
        namespace: api.gatewayNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: Lazy.any({
        produce: () => ({
          gatewayClassName: api.createGateway!.gatewayClassName,
          listeners: [
            { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes },
            ...(this.tls.mode === 'none' ? [] : this.hosts.map((host) => ({
              name: `https-${hostFragment(host)}`,
              hostname: host,
              port: 443,
              protocol: 'HTTPS',
              tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: this.tls.secretName! }] },
              allowedRoutes,
            }))),
          ],
        }),
      }),
    });
  }
}

