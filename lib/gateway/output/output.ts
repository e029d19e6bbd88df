import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ResolvedBackend } from '../backend';
import type { BoundController } from '../controllers/controller';
import type { GatewayFeatures } from '../features';
import type { Route } from '../render';
import type { PathType } from '../rules';
import type { BoundTls } from '../tls';

/** What an output is built from: the gateway's validated props. @internal */
export interface GatewayOutputContext {
  /** The ApiGateway: the scope of every object and error. */
  readonly scope: Construct;
  readonly name: string;
  readonly namespace: string;
  readonly controller: BoundController;
  readonly tls: BoundTls;
  readonly features: GatewayFeatures;
  /** The gateway's routes, live: the ApiGateway appends each route after `addRoute`. */
  readonly routes: readonly Route[];
}

/**
 * The objects a gateway's routing is written as: one Ingress (`output/ingress.ts`) or Gateway API
 * HTTPRoutes (`output/http-route.ts`). The ApiGateway validates what both share (hosts, paths,
 * backends, duplicates, annotations) and records the flows; the output checks what its API can
 * express and makes the objects. @internal
 */
export interface GatewayOutput {
  /** The annotations the typed options set on the routing objects; raw annotations may not repeat them. */
  readonly generatedAnnotations: Readonly<Record<string, string>>;
  /** The namespace of the object cert-manager issues the certificate for (Ingress or Gateway). */
  readonly certificateNamespace: string;
  /** The Ingress, once created (Ingress output). */
  readonly ingress?: ApiObject;
  /** The Gateway, once created (HTTPRoute output with `createGateway`). */
  readonly gateway?: ApiObject;
  /** Makes the objects made at construction, with the validated raw annotations. */
  create(rawAnnotations: Readonly<Record<string, string>>): void;
  /** Throws for a path this output cannot express; `field` is the route's (`addRoute`, `routes[2]`). */
  checkPath(field: string, path: string, pathType: PathType): void;
  /** Throws for a backend this output cannot reach; `field` is the route's backend field. */
  checkBackend(field: string, backend: ResolvedBackend): void;
  /** Records a validated route (before the gateway appends it to its routes). */
  addRoute(route: Route): void;
}
