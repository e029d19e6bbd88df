import type { ApiObject } from 'cdk8s';
import { Lazy } from 'cdk8s';
import { NetworkModel } from '../../model/network-model';
import { invalid } from '../../util/validation';
import type { ResolvedBackend } from '../backend';
import { unsupported } from '../features';
import type { Route } from '../render';
import { ingressSpec } from '../render';
import type { PathType } from '../rules';
import type { GatewayOutput, GatewayOutputContext } from './output';
import { PlainApiObject } from '../../util/api-object';

/**
 * Ingress output: one `networking.k8s.io/v1` Ingress named after the gateway, with the
 * controller's annotations for TLS and the typed features. @internal
 */
export class IngressOutput implements GatewayOutput {
  public readonly generatedAnnotations: Readonly<Record<string, string>>;
  public readonly certificateNamespace: string;
  public ingress?: ApiObject;
  private rawAnnotations: Readonly<Record<string, string>> = {};
  /** ingress-nginx: the rewrite target every route shares (null: no rewrite); unset before the first route. */
  private sharedRewrite?: string | null;

  public constructor(private readonly ctx: GatewayOutputContext) {
    const { scope, controller, tls } = ctx;
    if (controller.className === undefined) {
      throw invalid(scope, 'controller className', undefined,
        `custom controller ${controller.name} needs a className for Ingress output (spec.ingressClassName)`);
    }
    this.generatedAnnotations = {
      ...tls.annotations,
      ...controller.tlsAnnotations(scope, 'tls', tls),
      ...controller.featureAnnotations(scope, ctx.features),
    };
    this.certificateNamespace = ctx.namespace;
  }

  public create(rawAnnotations: Readonly<Record<string, string>>): void {
    const { scope, name, namespace, controller, tls, routes } = this.ctx;
    this.rawAnnotations = rawAnnotations;
    NetworkModel.of(scope).claimName(scope, 'name', 'Ingress', namespace, name);
    this.ingress = new PlainApiObject(scope, 'Ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-networking' },
        annotations: { ...this.generatedAnnotations, ...rawAnnotations },
      },
      spec: Lazy.any({ produce: () => ingressSpec(controller.className!, routes, tls, controller.rewrite) }),
    });
  }

  public checkPath(field: string, path: string, pathType: PathType): void {
    this.ctx.controller.checkPath(this.ctx.scope, `${field} path`, path, pathType);
  }

  public checkBackend(field: string, backend: ResolvedBackend): void {
    if (backend.namespace !== this.ctx.namespace) {
      throw invalid(this.ctx.scope, field, `${backend.namespace}/${backend.serviceName}`,
        `an Ingress routes only to Services in its own namespace "${this.ctx.namespace}"; use RoutingApi.httpRoute() for a backend in another `
        + `namespace`);
    }
  }

  /** Rewrites on an Ingress: only ingress-nginx, and one target for the whole Ingress. */
  public addRoute(route: Route): void {
    const { scope, controller } = this.ctx;
    const { field, path, pathType, rewriteTarget: target } = route;
    const rewrite = controller.rewrite;
    if (target !== undefined && !rewrite) {
      throw unsupported(scope, 'rewriteTarget', target, `controller ${controller.name}`, controller.rewriteRefusal ?? 'it has no path rewrite');
    }
    if (!rewrite) return;
    const refusal = target !== undefined ? rewrite.refusal(path, pathType, target) : undefined;
    if (refusal) throw invalid(scope, `${field} rewriteTarget`, target, refusal);
    const state = target ?? null;
    if (this.sharedRewrite !== undefined && this.sharedRewrite !== state) {
      const other = this.ctx.routes.find((r) => (r.rewriteTarget ?? null) !== state)!;
      const has = other.rewriteTarget === undefined ? 'no rewriteTarget' : `rewriteTarget ${JSON.stringify(other.rewriteTarget)}`;
      throw invalid(scope, `${field} rewriteTarget`, target,
        `${controller.name} applies rewrite-target to every path of an Ingress, and route ${other.field} (${other.host} ${other.path}) has ${has}; `
        + 'give every route of this gateway the same rewriteTarget, or put these routes in a second ApiGateway');
    }
    if (this.sharedRewrite === undefined && target !== undefined) {
      const annotations = rewrite.annotations(target);
      for (const k of Object.keys(annotations)) {
        if (k in this.rawAnnotations) {
          throw invalid(scope, `annotations[${JSON.stringify(k)}]`, this.rawAnnotations[k],
            `conflicts with rewriteTarget of ${field}, which sets this annotation; drop one of them`);
        }
      }
      for (const [k, v] of Object.entries(annotations)) this.ingress!.metadata.addAnnotation(k, v);
    }
    this.sharedRewrite = state;
  }
}
