import type { IConstruct } from 'constructs';
import type { Endpoint } from '../../model/flows/endpoint';
import { podsEndpoint, wellKnownEndpoint } from '../../model/flows/endpoint';
import { check, dns1123Label, invalid, objectName } from '../../util/validation';
import { validateCidrs, validatePods } from './controller';

/** Options shared by the in-cluster controller presets (ingress-nginx, Traefik). */
export interface InClusterControllerOptions {
  /**
   * The IngressClass name (`spec.ingressClassName`).
   * @default 'nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly className?: string;
  /**
   * The namespace the controller pods run in.
   * @default 'ingress-nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods (all must match); replaces the default entirely.
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' } or { 'app.kubernetes.io/name': 'traefik' }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors.
   * Give two installations of one controller distinct names.
   * @default 'ingress-nginx' or 'traefik'
   */
  readonly name?: string;
  /**
   * Whether the controller pods run with `hostNetwork: true` (common on bare metal): they send from
   * their node's address, not a pod IP, so the backends admit the nodes instead of the pods
   * (`Peer.nodes()`): on Cilium the entities `host` and `remote-node`, on a generic CNI an ipBlock
   * of `nodeCidrs`.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * The node addresses a host-network controller sends from (the node subnets); a generic CNI needs
   * them, else synth warns that only pods on the controller's own node are reachable.
   * @default - none
   */
  readonly nodeCidrs?: string[];
}

/** The defaults of an in-cluster controller preset. @internal */
export interface InClusterDefaults {
  readonly name: string;
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

/** An in-cluster controller's options, validated for one gateway. @internal */
export function bindInCluster(scope: IConstruct, field: string, options: InClusterControllerOptions | undefined, defaults: InClusterDefaults) {
  const o = options ?? {};
  const name = check(scope, `${field} name`, o.name ?? defaults.name, dns1123Label);
  const className = check(scope, `${field} className`, o.className ?? defaults.className, objectName);
  const namespace = o.namespace ?? defaults.namespace;
  const labels = o.podLabels ?? defaults.podLabels;
  validatePods(scope, field, namespace, labels);
  if (!o.hostNetwork && o.nodeCidrs !== undefined) {
    throw invalid(scope, `${field} nodeCidrs`, o.nodeCidrs, 'only applies to a host-network controller (hostNetwork: true)');
  }
  const source = o.hostNetwork ? hostNetworkSource(scope, field, name, o.nodeCidrs) : podsEndpoint(name, namespace, { ...labels });
  return { name, className, source };
}

/** Where a host-network controller's traffic comes from: the nodes. */
function hostNetworkSource(scope: IConstruct, field: string, name: string, nodeCidrs: string[] | undefined): Endpoint {
  const cidrs = nodeCidrs === undefined ? undefined : validateCidrs(scope, `${field} nodeCidrs`, nodeCidrs);
  return wellKnownEndpoint(name, { kind: 'nodes', cidrs, description: `controller ${name} (hostNetwork)` });
}
