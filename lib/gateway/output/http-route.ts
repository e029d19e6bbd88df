import type { ApiObject } from 'cdk8s';
import { Lazy } from 'cdk8s';
import { NAMESPACE_NAME_LABEL } from '../../model/flows/render';
import { NetworkModel } from '../../model/network-model';
import { invalid, objectName } from '../../util/validation';
import type { ResolvedBackend } from '../backend';
import { featuresSet, unsupported } from '../features';
import type { Route } from '../render';
import { hostFragment, hostsOf, httpRouteRules, ruleGroups } from '../render';
import { PathType } from '../rules';
import type { GatewayOutput, GatewayOutputContext } from './output';
import { PlainApiObject } from '../../util/api-object';

/** The longest path an HTTPRoute match may hold (Gateway API `maxLength`). */
const MAX_PATH_LENGTH = 1024;

/** The characters of an HTTPRoute `Exact` or `PathPrefix` path (the Gateway API's CEL rule on `HTTPPathMatch`). */
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Options of a Gateway created by the ApiGateway. */
export interface CreateGatewayOptions {
  /** The GatewayClass that selects the implementation, e.g. `nginx`, `eg`, `cilium`. */
  readonly gatewayClassName: string;
}

/** The Gateway the HTTPRoutes attach to, resolved. @internal */
export interface HttpRouteTarget {
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  readonly sectionName?: string;
  readonly httpSectionName: string;
  readonly createGateway?: CreateGatewayOptions;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-networking' };

/**
 * Gateway API output: one HTTPRoute per host (and one redirect HTTPRoute per host when TLS is on),
 * a ReferenceGrant per backend namespace, and optionally the Gateway. The routes are emitted at
 * synth, sorted by host and namespace, so the output does not depend on the order of `addRoute`.
 * @internal
 */
export class HttpRouteOutput implements GatewayOutput {
  public readonly generatedAnnotations: Readonly<Record<string, string>> = {};
  public readonly certificateNamespace: string;
  public gateway?: ApiObject;
  private rawAnnotations: Readonly<Record<string, string>> = {};
  /** Host -> names of its HTTPRoute and redirect HTTPRoute; the objects are made at synth. */
  private readonly httpRoutes = new Map<string, { name: string; redirectName?: string }>();
  /** HTTPRoute name -> the kind of route and the host it was made for. */
  private readonly httpRouteNames = new Map<string, { kind: string; value: string }>();
  /** Backend namespace -> the ReferenceGrant's name and the Services it grants. */
  private readonly referenceGrants = new Map<string, { name: string; services: Set<string> }>();

  /** Typed features other than rewrites have no portable HTTPRoute field. */
  public constructor(private readonly ctx: GatewayOutputContext, private readonly target: HttpRouteTarget) {
    const { scope, tls, features } = ctx;
    if (tls.mode === 'acm') {
      throw invalid(scope, 'tls', 'Tls.acm()', 'ACM certificates are for the AWS Load Balancer Controller\'s Ingress; '
        + 'a Gateway terminates TLS with certificateRefs to Secrets (Tls.secret() or Tls.certManager())');
    }
    if (tls.mode === 'cert-manager' && !target.createGateway) {
      throw invalid(scope, 'tls', 'Tls.certManager()',
        'cert-manager reads its issuer annotation from the Gateway, which this gateway does not create; '
        + 'set createGateway, or annotate your Gateway and pass Tls.secret(<its certificate Secret>)');
    }
    for (const k of featuresSet(features)) {
      throw unsupported(scope, k, features[k], 'Gateway API output (HTTPRoute)',
        'the standard HTTPRoute has no field for it; use the Gateway implementation\'s policy resources, or Ingress output');
    }
    this.certificateNamespace = target.gatewayNamespace;
  }

  public create(rawAnnotations: Readonly<Record<string, string>>): void {
    this.rawAnnotations = rawAnnotations;
    if (this.target.createGateway) this.gateway = this.makeGateway(this.target.createGateway);
  }

  public checkPath(field: string, path: string, pathType: PathType): void {
    if (pathType === PathType.IMPLEMENTATION_SPECIFIC) {
      throw invalid(this.ctx.scope, `${field} pathType`, pathType,
        'has no portable Gateway API match; use Prefix or Exact with RoutingApi.httpRoute()');
    }
    if (!PATH_CHARACTERS.test(path)) {
      throw invalid(this.ctx.scope, `${field} path`, path, 'must only contain the characters an HTTPRoute path match allows: letters, digits, '
        + '"-/._~!$&\'()*+,;=:@" and %XX escapes (no "#", "?", spaces or non-ASCII: percent-encode them)');
    }
    if (path.length > MAX_PATH_LENGTH) {
      throw invalid(this.ctx.scope, `${field} path`, path,
        `must be at most ${MAX_PATH_LENGTH} characters: the longest HTTPRoute path match, got ${path.length}`);
    }
  }

  public checkBackend(field: string, backend: ResolvedBackend): void {
    if (typeof backend.port === 'string') {
      throw invalid(this.ctx.scope, `${field} port`, backend.port, 'must be a number: Gateway API backendRefs name Service ports by number');
    }
  }

  public addRoute(route: Route): void {
    const { scope, name: gatewayName, namespace, tls, routes } = this.ctx;
    const { host, backend, field } = route;
    const groups = ruleGroups([...routes.filter((r) => r.host === host), route]).length;
    if (groups > 16) {
      throw invalid(scope, `${field} path`, route.path,
        `would make host ${host} need ${groups} HTTPRoute rules; Gateway API allows 16 per HTTPRoute (routes to one backend without a rewrite `
        + `share a rule, 8 paths each)`);
    }
    const model = NetworkModel.of(scope);
    if (!this.httpRoutes.has(host)) {
      if (this.target.createGateway && tls.mode !== 'none' && hostsOf(routes).length + 2 > 64) {
        throw invalid(scope, `${field} host`, host, 'would give the created Gateway more than 64 listeners (one HTTPS listener per host)');
      }
      const name = this.generatedName(`${field} host`, host, 'HTTPRoute', `${gatewayName}-${hostFragment(host)}`);
      model.claimName(scope, `${field} host`, 'HTTPRoute', namespace, name);
      let redirectName: string | undefined;
      if (tls.mode !== 'none') {
        redirectName = this.generatedName(`${field} host`, host, 'redirect HTTPRoute', `${gatewayName}-redirect-${hostFragment(host)}`);
        model.claimName(scope, `${field} host`, 'HTTPRoute', namespace, redirectName);
      }
      if (this.httpRoutes.size === 0) model._addRenderer(() => this.render());
      this.httpRoutes.set(host, { name, redirectName });
    }
    if (backend.namespace !== namespace) this.grantReference(backend.namespace, backend.serviceName, field);
  }

  /**
   * A name built from the user's `value`: an error names the field and that value, then the name.
   * Two hosts can give one HTTPRoute name (`*.a.com` and `wildcard.a.com`; `a.com`'s redirect and
   * `redirect-a.com`): the model lets a construct claim a name twice, so the clash is checked here.
   */
  private generatedName(field: string, value: string, kind: string, name: string): string {
    const scope = this.ctx.scope;
    const broken = objectName(name);
    if (broken) throw invalid(scope, field, value, `gives the ${kind} name "${name}", which ${broken}`);
    if (kind.endsWith('HTTPRoute')) {
      const prior = this.httpRouteNames.get(name);
      if (prior && prior.value !== value) {
        throw invalid(scope, field, value,
          `gives the ${kind} name "${name}", which the ${prior.kind} of host ${JSON.stringify(prior.value)} already has; route one of the hosts `
          + `through another ApiGateway`);
      }
      this.httpRouteNames.set(name, { kind, value });
    }
    return name;
  }

  /** A ReferenceGrant in the backend's namespace lets this namespace's HTTPRoutes reach the Service. */
  private grantReference(namespace: string, service: string, field: string): void {
    let grant = this.referenceGrants.get(namespace);
    if (!grant) {
      const name = this.generatedName(`${field} backend`, `${namespace}/${service}`, 'ReferenceGrant', `${this.ctx.name}-from-${this.ctx.namespace}`);
      NetworkModel.of(this.ctx.scope).claimName(this.ctx.scope, `${field} backend`, 'ReferenceGrant', namespace, name);
      grant = { name, services: new Set() };
      this.referenceGrants.set(namespace, grant);
    }
    grant.services.add(service);
  }

  private routeMetadata(name: string) {
    const annotations = { ...this.rawAnnotations };
    return {
      name,
      namespace: this.ctx.namespace,
      labels: { ...MANAGED_BY },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    };
  }

  private parentRef(sectionName: string | undefined): Record<string, unknown> {
    return {
      name: this.target.gatewayName,
      ...(this.target.gatewayNamespace !== this.ctx.namespace ? { namespace: this.target.gatewayNamespace } : {}),
      ...(sectionName !== undefined ? { sectionName } : {}),
    };
  }

  /** The listener a host's routes attach to. */
  private sectionFor(host: string): string | undefined {
    if (!this.target.createGateway) return this.target.sectionName;
    return this.ctx.tls.mode === 'none' ? 'http' : `https-${hostFragment(host)}`;
  }

  /** Emits the HTTPRoutes (one per host, plus its redirect) and ReferenceGrants (one per backend namespace). */
  private render(): void {
    const { scope, namespace, routes } = this.ctx;
    for (const host of [...this.httpRoutes.keys()].sort()) {
      const { name, redirectName } = this.httpRoutes.get(host)!;
      new PlainApiObject(scope, `HTTPRoute:${host}`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: this.routeMetadata(name),
        spec: {
          parentRefs: [this.parentRef(this.sectionFor(host))],
          hostnames: [host],
          rules: httpRouteRules(routes.filter((r) => r.host === host), namespace),
        },
      });
      if (redirectName) {
        new PlainApiObject(scope, `HTTPRoute:redirect:${host}`, {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: this.routeMetadata(redirectName),
          spec: {
            parentRefs: [this.parentRef(this.target.createGateway ? 'http' : this.target.httpSectionName)],
            hostnames: [host],
            rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
          },
        });
      }
    }
    for (const grantNamespace of [...this.referenceGrants.keys()].sort()) {
      const { name, services } = this.referenceGrants.get(grantNamespace)!;
      new PlainApiObject(scope, `ReferenceGrant:${grantNamespace}`, {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name, namespace: grantNamespace, labels: { ...MANAGED_BY } },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace }],
          to: [...services].sort().map((s) => ({ group: '', kind: 'Service', name: s })),
        },
      });
    }
  }

  private makeGateway(create: CreateGatewayOptions): ApiObject {
    const { scope, namespace, tls, routes } = this.ctx;
    const { gatewayName, gatewayNamespace } = this.target;
    NetworkModel.of(scope).claimName(scope, 'api gateway.name', 'Gateway', gatewayNamespace, gatewayName);
    const allowedRoutes = gatewayNamespace === namespace
      ? { namespaces: { from: 'Same' } }
      : { namespaces: { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } } };
    // cert-manager's HTTP-01 challenge HTTPRoute is created in the Certificate's namespace, the Gateway's:
    // the http listener, which serves it, admits that namespace too.
    const httpAllowedRoutes = gatewayNamespace !== namespace && tls.mode === 'cert-manager' && tls.http01Solver
      ? { namespaces: { from: 'Selector', selector: { matchExpressions: [
        { key: NAMESPACE_NAME_LABEL, operator: 'In', values: [namespace, gatewayNamespace].sort() },
      ] } } }
      : allowedRoutes;
    const annotations = { ...tls.annotations };
    return new PlainApiObject(scope, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: gatewayName,
        namespace: gatewayNamespace,
        labels: { ...MANAGED_BY },
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: Lazy.any({
        produce: () => ({
          gatewayClassName: create.gatewayClassName,
          listeners: [
            { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: httpAllowedRoutes },
            ...(tls.mode === 'none' ? [] : hostsOf(routes).map((host) => ({
              name: `https-${hostFragment(host)}`,
              hostname: host,
              port: 443,
              protocol: 'HTTPS',
              tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: tls.secretName! }] },
              allowedRoutes,
            }))),
          ],
        }),
      }),
    });
  }
}
