import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import { ipBlockEndpoint, podsEndpoint } from '../../model/flows/endpoint';
import { check, dns1123Label, invalid, objectName } from '../../util/validation';
import { validateAnnotations } from '../annotations';
import type { GatewayFeatures } from '../features';
import { featuresSet, unsupported } from '../features';
import type { BoundTls } from '../tls';
import type { BoundController } from './controller';
import { validateCidrs, validatePods } from './controller';

/** Pods that send a controller's proxied traffic. */
export interface ControllerPods {
  /** The namespace of the pods. */
  readonly namespace: string;
  /** The pods' labels (all must match). */
  readonly labels: Record<string, string>;
}

/** Options of `IngressController.custom()`: exactly one of `pods` and `cidrs`. */
export interface CustomControllerOptions {
  /** A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors. */
  readonly name: string;
  /**
   * The IngressClass name; required for Ingress output.
   * @default - none (enough for Gateway API output, where the Gateway's class selects the controller)
   */
  readonly className?: string;
  /**
   * The pods that proxy the traffic (an in-cluster controller or Gateway API implementation).
   * @default - none; then `cidrs` is required
   */
  readonly pods?: ControllerPods;
  /**
   * The addresses the traffic comes from (a load balancer outside the cluster that targets pod IPs).
   * @default - none; then `pods` is required
   */
  readonly cidrs?: string[];
  /**
   * Annotations to add when TLS is on, typically the controller's HTTP->HTTPS redirect.
   * Typed features (rewrite, CORS, ...) are not available on a custom controller: use `annotations`.
   * @default - none: the controller's own defaults decide about redirecting HTTP
   */
  readonly tlsAnnotations?: Record<string, string>;
}

const NO_TYPED_FEATURES = 'typed features are translated only for nginx, traefik and awsAlb; set the controller\'s own annotations with '
+ '`annotations`';

/**
 * Any other controller, bound to one gateway: where its traffic comes from, its class, and the
 * TLS annotations the user gives; no typed features. @internal
 */
export class CustomController implements BoundController {
  public static bind(scope: IConstruct, field: string, options: CustomControllerOptions): CustomController {
    const o = options ?? ({} as CustomControllerOptions);
    const name = check(scope, `${field} name`, o.name, dns1123Label);
    const className = o.className === undefined ? undefined : check(scope, `${field} className`, o.className, objectName);
    if ((o.pods === undefined) === (o.cidrs === undefined)) {
      throw invalid(scope, `${field} source`, { pods: o.pods, cidrs: o.cidrs },
        'IngressController.custom() needs exactly one of pods (in-cluster proxies) and cidrs (a load balancer targeting pod IPs)');
    }
    let source: Endpoint;
    if (o.pods) {
      validatePods(scope, `${field} pods`, o.pods.namespace, o.pods.labels);
      source = podsEndpoint(name, o.pods.namespace, { ...o.pods.labels });
    } else {
      source = ipBlockEndpoint(name, validateCidrs(scope, `${field} cidrs`, o.cidrs).map((c) => ({ cidr: c })));
    }
    // These go on the Ingress like the gateway's raw annotations, under the same rules; the
    // gateway's allowSnippetAnnotations opt-in covers only its own `annotations`.
    const tlsExtra = validateAnnotations(scope, `${field} tlsAnnotations`, o.tlsAnnotations ?? {}, {
      snippetRefusal: ' here; put it in the gateway\'s annotations with allowSnippetAnnotations: true',
      ingressClassHint: 'set the controller\'s className',
    });
    return new CustomController(name, className, source, tlsExtra);
  }

  public readonly rewriteRefusal = NO_TYPED_FEATURES;

  private constructor(public readonly name: string, public readonly className: string | undefined, public readonly source: Endpoint,
    private readonly tlsExtra: Record<string, string>) {}

  public tlsAnnotations(_scope: IConstruct, _field: string, tls: BoundTls): Record<string, string> {
    return tls.mode === 'none' ? {} : this.tlsExtra;
  }

  public featureAnnotations(scope: IConstruct, f: GatewayFeatures): Record<string, string> {
    for (const k of featuresSet(f)) {
      throw unsupported(scope, k, f[k], `custom controller ${this.name}`, NO_TYPED_FEATURES);
    }
    return {};
  }

  public checkPath(): void { /* unknown controller: the API server's rules only. */ }
}
