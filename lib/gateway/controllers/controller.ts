import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import type { GatewayFeatures } from '../features';
import type { PathType } from '../rules';
import type { BoundTls } from '../tls';
import { check, checkLabels, dns1123Label, invalid, parseCidr, validCidr } from '../../util/validation';

/**
 * What a gateway needs from its controller: the controller's dialect, validated for one gateway.
 * One class per controller implements it (`nginx.ts`, `traefik.ts`, `aws-alb.ts`, `cilium.ts`, `custom.ts`);
 * `IngressController`'s static factories are the public face. @internal
 */
export interface BoundController {
  /** The readable name, e.g. `ingress-nginx`. */
  readonly name: string;
  /** The IngressClass name, when known. */
  readonly className?: string;
  /** The GatewayClass a created Gateway must have, when the controller knows its own (Cilium). */
  readonly gatewayClassName?: string;
  /**
   * Whether the controller is Cilium's own Ingress and Gateway API implementation, whose traffic carries
   * Cilium's reserved identity `ingress`: the class `cilium` belongs to it alone.
   */
  readonly ciliumIngress?: boolean;
  /** Where the proxied traffic comes from. */
  readonly source: Endpoint;
  /**
   * Why the controller cannot serve Gateway API HTTPRoutes (`RoutingApi.httpRoute()`), when it cannot:
   * the flows from its `source` would then reach no route. Undefined for a controller that implements
   * the Gateway API (Traefik, Cilium) or whose source the user names (`custom()`).
   */
  readonly gatewayApiRefusal?: string;
  /** Annotations for TLS and the HTTP->HTTPS redirect; throws when the TLS choice does not fit. */
  tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string>;
  /** Annotations for the typed features; throws for a feature the controller cannot express. */
  featureAnnotations(scope: IConstruct, features: GatewayFeatures): Record<string, string>;
  /** Checks a route path against the controller's own rules. */
  checkPath(scope: IConstruct, field: string, path: string, pathType: PathType): void;
  /** Path rewriting, when the controller can express it on an Ingress. */
  readonly rewrite?: IngressRewrite;
  /** Why the controller cannot rewrite paths, when `rewrite` is undefined. */
  readonly rewriteRefusal?: string;
}

/** How a controller rewrites paths on an Ingress. @internal */
export interface IngressRewrite {
  /** Ingress-wide annotations for the target (the same for every route of the Ingress). */
  annotations(target: string): Record<string, string>;
  /** The Ingress path and pathType that carry the captures the target refers to. */
  path(path: string, pathType: PathType): { path: string; pathType: PathType };
  /** Why this route cannot be rewritten to `target`, if it cannot. */
  refusal(path: string, pathType: PathType, target: string): string | undefined;
}

/** Validates the namespace and labels of a controller's pods. @internal */
export function validatePods(scope: IConstruct, field: string, namespace: string, labels: Record<string, string>): void {
  check(scope, `${field} namespace`, namespace, dns1123Label);
  if (!labels || Object.keys(labels).length === 0) {
    throw invalid(scope, `${field} podLabels`, labels ?? {},
      'must have at least one label: an empty selector would allow every pod of the namespace');
  }
  checkLabels(scope, `${field} podLabels`, labels);
}

/** Validates the CIDRs a load balancer sends from; returns them sorted and unique. @internal */
export function validateCidrs(scope: IConstruct, field: string, blocks: string[] | undefined): string[] {
  if (!Array.isArray(blocks) || blocks.length === 0) {
    throw invalid(scope, field, blocks, 'must list the CIDRs the load balancer sends from (its subnets or the VPC)');
  }
  return [...new Set(blocks.map((b, i) => {
    const canonical = validCidr(scope, `${field}[${i}]`, b);
    if (parseCidr(b)!.prefix === 0) {
      throw invalid(scope, `${field}[${i}]`, b,
        'must be the load balancer\'s subnets or VPC, not every address: it would let anything reach the backends');
    }
    return canonical;
  }))].sort();
}

/** An error for a controller that serves certificates from Secrets when given ACM. @internal */
export function refuseAcm(scope: IConstruct, field: string, name: string): Error {
  return invalid(scope, field, 'Tls.acm()', `${name} serves certificates from Secrets, not ACM; use Tls.secret() or Tls.certManager()`);
}
