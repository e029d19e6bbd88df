import type { IConstruct } from 'constructs';
import type { NamespaceRef } from '../namespace';
import { namespaceName } from '../namespace';
import { check, invalid, objectName } from '../util/validation';
import type { CreateGatewayOptions, HttpRouteTarget } from './output/http-route';
import { HttpRouteOutput } from './output/http-route';
import { IngressOutput } from './output/ingress';
import type { GatewayOutput, GatewayOutputContext } from './output/output';

export type { CreateGatewayOptions } from './output/http-route';

/**
 * The Gateway that HTTPRoutes attach to. With an existing Gateway, TLS terminates on its listeners:
 * the gateway's `Tls.secret(name)` only says so (the routes attach to the HTTPS listener and HTTP
 * gets redirect routes); the Secret itself is configured on that Gateway, not emitted here.
 */
export interface GatewayReference {
  /** The Gateway's name. */
  readonly name: string;
  /**
   * The Gateway's namespace. Its listeners must allow routes from the gateway's namespace
   * (`allowedRoutes`); a created Gateway does.
   * @default - the ApiGateway's namespace
   */
  readonly namespace?: NamespaceRef;
  /**
   * The listener the routes attach to (`parentRefs[].sectionName`). Not allowed with
   * `createGateway`, which names its own listeners.
   * @default - 'https' when TLS is on (so plain HTTP only gets the redirect), else every listener
   */
  readonly sectionName?: string;
  /**
   * The plain-HTTP listener that gets the HTTP->HTTPS redirect routes when TLS is on.
   * @default 'http'
   */
  readonly httpSectionName?: string;
}

/** Options of `RoutingApi.httpRoute()`. */
export interface HttpRouteApiOptions {
  /** The Gateway the routes attach to. */
  readonly gateway: GatewayReference;
  /**
   * Also emit that Gateway: an `http` listener on port 80 and, when TLS is on, one HTTPS
   * listener per host on port 443 (`https-<host>`, `*` spelled `wildcard`) terminating TLS with
   * the gateway's certificate (a Secret in the Gateway's namespace; cert-manager's gateway-shim
   * reads the issuer annotation from the Gateway).
   * @default - the Gateway exists already and is managed elsewhere
   */
  readonly createGateway?: CreateGatewayOptions;
}

/** A routing API resolved for one gateway, before TLS is bound. @internal */
export interface BoundRoutingApi {
  /** The object the certificate belongs to, when it is not the gateway (the default secret name derives from it). */
  readonly certificateOwner?: string;
  /** The class of the Gateway the routing creates (`createGateway`), if it creates one. */
  readonly gatewayClassName?: string;
  /** Makes the gateway's output. */
  output(ctx: GatewayOutputContext): GatewayOutput;
}

/**
 * Which API a gateway's routing is written in (the `api` prop of `ApiGateway`):
 * - `RoutingApi.ingress()`: one `networking.k8s.io/v1` Ingress (the default);
 * - `RoutingApi.httpRoute({ gateway })`: `gateway.networking.k8s.io/v1` HTTPRoutes attached to a
 *   Gateway, one per host, with a ReferenceGrant for backends in other namespaces.
 */
export abstract class RoutingApi {
  /** One Ingress named after the gateway. */
  public static ingress(): RoutingApi {
    return new (class extends RoutingApi {
      public readonly kind = 'ingress' as const;
      public _bind(): BoundRoutingApi {
        return { output: (ctx) => new IngressOutput(ctx) };
      }
    })();
  }

  /** Gateway API HTTPRoutes attached to a Gateway (optionally created too). */
  public static httpRoute(options: HttpRouteApiOptions): RoutingApi {
    return new (class extends RoutingApi {
      public readonly kind = 'httpRoute' as const;
      public _bind(scope: IConstruct, field: string, defaultNamespace: string, tlsOn: boolean): BoundRoutingApi {
        const target = resolveTarget(scope, field, options, defaultNamespace, tlsOn);
        return {
          certificateOwner: target.gatewayName,
          gatewayClassName: target.createGateway?.gatewayClassName,
          output: (ctx) => new HttpRouteOutput(ctx, target),
        };
      }
    })();
  }

  /** `ingress` or `httpRoute`. */
  public abstract readonly kind: 'ingress' | 'httpRoute';

  /** @internal Validates the options for a gateway in `defaultNamespace` and resolves them. */
  public abstract _bind(scope: IConstruct, field: string, defaultNamespace: string, tlsOn: boolean): BoundRoutingApi;
}

function resolveTarget(scope: IConstruct, field: string, options: HttpRouteApiOptions, defaultNamespace: string, tlsOn: boolean): HttpRouteTarget {
  const g = options?.gateway;
  if (!g) throw invalid(scope, `${field} gateway`, g, 'RoutingApi.httpRoute() needs the Gateway the routes attach to');
  const gatewayName = check(scope, `${field} gateway.name`, g.name, objectName);
  const gatewayNamespace = g.namespace === undefined ? defaultNamespace : namespaceName(scope, `${field} gateway.namespace`, g.namespace);
  const create = options.createGateway;
  if (create) {
    check(scope, `${field} createGateway.gatewayClassName`, create.gatewayClassName, objectName);
    if (g.sectionName !== undefined || g.httpSectionName !== undefined) {
      throw invalid(scope, `${field} gateway.sectionName`, g.sectionName ?? g.httpSectionName,
        'must not be set with createGateway: the created Gateway names its listeners "http" and "https-<host>"');
    }
  }
  const sectionName = g.sectionName ?? (tlsOn && !create ? 'https' : undefined);
  if (sectionName !== undefined) check(scope, `${field} gateway.sectionName`, sectionName, objectName);
  const httpSectionName = check(scope, `${field} gateway.httpSectionName`, g.httpSectionName ?? 'http', objectName);
  if (tlsOn && sectionName !== undefined && sectionName === httpSectionName) {
    throw invalid(scope, `${field} gateway.sectionName`, sectionName,
      'must differ from httpSectionName: the HTTPS routes and the HTTP redirect need separate listeners');
  }
  return { gatewayName, gatewayNamespace, sectionName, httpSectionName, createGateway: create };
}
