import type { IConstruct } from 'constructs';
import type { Endpoint } from '../model/flows/endpoint';
import { podsEndpoint } from '../model/flows/endpoint';
import { Port } from '../port';
import { check, checkLabels, checkSameApp, dns1035Label, ianaSvcName, invalid, portNumber } from '../util/validation';

/** Options of `Backend.service()`. */
export interface ServiceBackendOptions {
  /**
   * Labels of the pods behind the Service. With `containerPort`, the gateway records the flow
   * from the controller to these pods, so a zero-trust namespace lets the traffic in.
   * @default - no flow is recorded: allow the controller's traffic to these pods yourself
   */
  readonly podLabels?: Record<string, string>;
  /**
   * The pods' container port the Service forwards to (required with `podLabels`).
   * @default - no flow is recorded
   */
  readonly containerPort?: number;
}

/** A backend resolved for one route. @internal */
export interface ResolvedBackend {
  readonly serviceName: string;
  readonly namespace: string;
  /** The Service port: a number or an IANA port name. */
  readonly port: number | string;
  /** The pods behind the Service, when known: the destination of the controller's flow. */
  readonly endpoint?: Endpoint;
  /** Identity for grouping routes by backend. */
  readonly key: string;
}

/**
 * Where a route sends its requests: a `WebApp` (its Service on its Service port), or what a
 * `Backend` factory returns.
 */
export interface IBackend {
  /** @internal Resolves the backend for a route of a gateway in `namespace`. */
  _resolveBackend(scope: IConstruct, field: string, namespace: string): ResolvedBackend;
}

/**
 * Factories for where a route sends its requests: a `WebApp` (its Service and Service port), or
 * a Service by name and port in the gateway's namespace.
 */
export class Backend {
  /** A WebApp's Service on its Service port: the same as passing the WebApp itself. */
  public static app(app: IBackend): IBackend {
    return new FnBackend((scope, field, namespace) => resolveBackend(scope, field, app, namespace));
  }

  /**
   * A Service by name in the gateway's namespace, on a port number or port name (an IANA service
   * name of at most 15 characters). The gateway cannot see the pods behind it: pass `podLabels`
   * and `containerPort` for the controller's flow to be recorded; without them no allow is
   * written, and in a zero-trust namespace the controller is denied until you allow it yourself.
   * A Service deployed outside this app must also be listed in the gateway's
   * `cdk8s-networking.io/external-backends` annotation for the synth-time backend check.
   */
  public static service(name: string, port: number | string, options: ServiceBackendOptions = {}): IBackend {
    return new FnBackend((scope: IConstruct, field: string, namespace: string): ResolvedBackend => {
      check(scope, `${field} service`, name, dns1035Label);
      if (port === undefined || port === null || (typeof port !== 'number' && typeof port !== 'string')) {
        throw invalid(scope, `${field} port`, port, `a route needs the port of Service "${name}": a number or a port name`);
      }
      if (typeof port === 'number') check(scope, `${field} port`, port, portNumber);
      else check(scope, `${field} port`, port, ianaSvcName);
      const hasLabels = options.podLabels !== undefined;
      const hasPort = options.containerPort !== undefined;
      if (hasLabels !== hasPort) {
        throw invalid(scope, `${field} ${hasLabels ? 'containerPort' : 'podLabels'}`, undefined,
          'podLabels and containerPort go together: both are needed to record the flow to the pods');
      }
      let endpoint: Endpoint | undefined;
      if (hasLabels) {
        if (Object.keys(options.podLabels!).length === 0) {
          throw invalid(scope, `${field} podLabels`, {}, 'must have at least one label: an empty selector would open every pod of the namespace');
        }
        checkLabels(scope, `${field} podLabels`, options.podLabels!);
        check(scope, `${field} containerPort`, options.containerPort!, portNumber);
        endpoint = podsEndpoint(name, namespace, { ...options.podLabels }, [Port.tcp(options.containerPort!)], `${namespace}-${name}`);
      }
      return { serviceName: name, namespace, port, endpoint, key: `${namespace}/${name}:${port}` };
    });
  }

  protected constructor() {}
}

/** A backend resolved by a function: what the `Backend` factories return. */
class FnBackend implements IBackend {
  public constructor(private readonly resolve: (scope: IConstruct, field: string, namespace: string) => ResolvedBackend) {}

  /** @internal */
  public _resolveBackend(scope: IConstruct, field: string, namespace: string): ResolvedBackend {
    return this.resolve(scope, field, namespace);
  }
}

/** @internal Resolves a route's `backend` value: a WebApp or what a `Backend` factory returns. */
export function resolveBackend(scope: IConstruct, field: string, backend: IBackend, namespace: string): ResolvedBackend {
  if (typeof backend === 'object' && backend !== null && typeof backend._resolveBackend === 'function') {
    checkSameApp(scope, field, backend, 'the route\'s flow to the app is rendered by this app, so the other app would never write the app\'s '
      + 'side of it; for a Service another app deploys, use Backend.service(name, port)');
    return backend._resolveBackend(scope, field, namespace);
  }
  throw invalid(scope, field, backend === undefined ? undefined : String(backend), 'must be a WebApp or a Backend (Backend.service(name, port))');
}

/** @internal The backend of an app's Service on its Service port, for `WebApp` to implement `IBackend`. */
export function serviceBackend(scope: IConstruct, field: string, service: AppService): ResolvedBackend {
  if (service.servicePort === undefined) {
    throw invalid(scope, `${field} port`, service.serviceName, `a route needs a Service port, and "${service.serviceName}" has none`);
  }
  check(scope, `${field} port`, service.servicePort, portNumber);
  return {
    serviceName: service.serviceName,
    namespace: service.namespace,
    port: service.servicePort,
    endpoint: service.endpoint,
    key: `${service.namespace}/${service.serviceName}:${service.servicePort}`,
  };
}

/** @internal An app's Service, as `serviceBackend` needs it. */
export interface AppService {
  readonly serviceName: string;
  readonly namespace: string;
  readonly servicePort?: number;
  /** The app's pods: the destination of the controller's flow. */
  readonly endpoint: Endpoint;
}
