/**
 * Public data types of the NetworkPolicy evaluator.
 *
 * Everything here is plain data: the evaluator reads synthesized manifests
 * (plain JSON objects) and answers with plain objects, so results can be
 * snapshot-tested or printed as they are.
 */

/**
 * A transport protocol a NetworkPolicy port can name.
 * @jsii ignore
 */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Every protocol, in the order used when port ranges are sorted. */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/**
 * A container port of a pod template, as far as named-port resolution cares.
 * @jsii ignore
 */
export interface ContainerPortInfo {
  /** The port name that NetworkPolicy ports may refer to (e.g. `http`). */
  readonly name?: string;
  /** The port number inside the pod. */
  readonly containerPort: number;
  /** The port's protocol; `TCP` when absent, as in Kubernetes. */
  readonly protocol?: Protocol;
}

/**
 * A group of identical pods: same namespace, same labels (one per workload pod template).
 * @jsii ignore
 */
export interface PodGroup {
  /** A unique id; {@link NetworkPolicyEvaluator.podGroupsFromManifests} uses `<namespace>/<Kind>/<name>`. */
  readonly id: string;
  /** The namespace the pods run in. */
  readonly namespace: string;
  /** The pod labels. */
  readonly labels: Record<string, string>;
  /** The container ports of the pods, used to resolve named ports. */
  readonly ports?: ContainerPortInfo[];
  /** The pod IP, when known; only then can `ipBlock` peers match the group. */
  readonly ip?: string;
}

/**
 * An IP or a CIDR outside the cluster.
 * @jsii ignore
 */
export interface ExternalEndpoint {
  /** An IPv4/IPv6 address (`203.0.113.7`) or CIDR (`203.0.113.0/24`). */
  readonly cidr: string;
}

/**
 * One end of a connection: a pod group, or something that is not a pod.
 * @jsii ignore
 */
export type Endpoint = PodGroup | ExternalEndpoint;

/**
 * A contiguous, inclusive range of ports of one protocol.
 * @jsii ignore
 */
export interface PortRange {
  /** The protocol of the range. */
  protocol: Protocol;
  /** The first port of the range. */
  from: number;
  /** The last port of the range (inclusive). */
  to: number;
}

/**
 * Whether the pods of a group are isolated, per direction.
 * @jsii ignore
 */
export interface Isolation {
  /** True iff some policy with `Ingress` in its policyTypes selects the pods. */
  ingress: boolean;
  /** True iff some policy with `Egress` in its policyTypes selects the pods. */
  egress: boolean;
}

/**
 * The verdict of one side (egress at the source, or ingress at the destination) of a connection.
 * @jsii ignore
 */
export interface SideVerdict {
  /** Whether that side is isolated; a side that is not isolated allows everything. */
  isolated: boolean;
  /** Sorted names (`<namespace>/<policy>`) of the policies that allow the connection on this side. */
  allowedBy: string[];
}

/**
 * The full verdict for one connection.
 * @jsii ignore
 */
export interface CheckResult {
  /** True iff both the egress side and the ingress side allow the connection. */
  allowed: boolean;
  /** The verdict at the source. */
  egress: SideVerdict;
  /** The verdict at the destination. */
  ingress: SideVerdict;
}

/**
 * One allowed connection between two endpoints, with all the ports it is allowed on.
 * @jsii ignore
 */
export interface ReachabilityEdge {
  /** The source: a group id, or `cidr:<cidr>` (optionally `cidr:<cidr> except <a>,<b>`) for an ipBlock peer. */
  from: string;
  /** The destination, in the same form as {@link ReachabilityEdge.from}. */
  to: string;
  /** The allowed ports: merged and sorted (by protocol in {@link PROTOCOLS} order, then by port). */
  ports: PortRange[];
  /** Sorted names of the policies, from both sides, that allow at least one of these ports. */
  allowedBy: string[];
}

/** Tells a pod group from an external endpoint. */
export function isPodGroup(endpoint: Endpoint): endpoint is PodGroup {
  return (endpoint as PodGroup).namespace !== undefined;
}
