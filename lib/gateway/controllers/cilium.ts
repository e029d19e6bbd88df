import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import { wellKnownEndpoint } from '../../model/flows/endpoint';
import { check, dns1123Label, objectName } from '../../util/validation';
import type { GatewayFeatures } from '../features';
import { featuresSet, unsupported } from '../features';
import type { BoundTls } from '../tls';
import type { BoundController } from './controller';
import { refuseAcm } from './controller';

/** Options of `IngressController.cilium()`. */
export interface CiliumControllerOptions {
  /**
   * The IngressClass name (`spec.ingressClassName`) of Cilium's Ingress controller.
   * @default 'cilium'
   */
  readonly className?: string;
  /**
   * The GatewayClass of Cilium's Gateway API implementation (`controllerName: io.cilium/gateway-controller`):
   * a Gateway the gateway creates (`RoutingApi.httpRoute({ createGateway })`) must be of this class.
   * @default 'cilium'
   */
  readonly gatewayClassName?: string;
  /**
   * A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors.
   * @default 'cilium-ingress'
   */
  readonly name?: string;
}

const CILIUM = 'ingress.cilium.io/';

const NO_TYPED_FEATURES = 'Cilium\'s Ingress has no annotation for it; use RoutingApi.httpRoute() with Cilium\'s Gateway API support, '
  + 'or Envoy settings of the cluster (CiliumEnvoyConfig)';

/**
 * Cilium's own Ingress controller and Gateway API implementation, bound to one gateway. Its proxy is
 * the per-node Cilium Envoy, and the traffic it sends to the backends carries Cilium's reserved
 * identity `ingress` (Documentation/network/servicemesh/ingress.rst, "Ingress and
 * CiliumNetworkPolicy"), which only a CiliumNetworkPolicy names: `fromEntities: [ingress]`. @internal
 */
export class CiliumController implements BoundController {
  public static bind(scope: IConstruct, field: string, options: CiliumControllerOptions | undefined): CiliumController {
    const o = options ?? {};
    const name = check(scope, `${field} name`, o.name ?? 'cilium-ingress', dns1123Label);
    const className = check(scope, `${field} className`, o.className ?? 'cilium', objectName);
    const gatewayClassName = check(scope, `${field} gatewayClassName`, o.gatewayClassName ?? 'cilium', objectName);
    const source = wellKnownEndpoint(name, { kind: 'cilium-ingress', description: 'IngressController.cilium()' });
    return new CiliumController(name, className, gatewayClassName, source);
  }

  public readonly rewriteRefusal = 'Cilium\'s Ingress has no path rewrite annotation; use RoutingApi.httpRoute(), whose URLRewrite filter '
    + 'Cilium\'s Gateway API support implements';
  public readonly ciliumIngress = true;

  private constructor(public readonly name: string, public readonly className: string, public readonly gatewayClassName: string,
    public readonly source: Endpoint) {}

  public tlsAnnotations(scope: IConstruct, field: string, tls: BoundTls): Record<string, string> {
    if (tls.mode === 'acm') throw refuseAcm(scope, field, this.name);
    if (tls.mode === 'none') return {};
    // Without the annotation the cluster-wide `enforce-ingress-https` (Helm ingressController.enforceHttps) decides;
    // with it, every host listed in spec.tls is redirected to HTTPS.
    return { [`${CILIUM}force-https`]: 'enabled' };
  }

  public featureAnnotations(scope: IConstruct, f: GatewayFeatures): Record<string, string> {
    for (const k of featuresSet(f)) throw unsupported(scope, k, f[k], `controller ${this.name} (Cilium)`, NO_TYPED_FEATURES);
    return {};
  }

  public checkPath(): void { /* Prefix and Exact as the API defines them; Cilium reads ImplementationSpecific as a regex. */ }
}
