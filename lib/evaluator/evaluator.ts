/**
 * The NetworkPolicy evaluator: answers "can X reach Y on port P" from
 * synthesized manifests alone, with `networking.k8s.io/v1` semantics.
 */
import { checkConnection } from './check';
import { ClusterIndex } from './cluster-index';
import { NamespaceLabels } from './namespaces';
import { parsePolicy } from './policy';
import { PolicySet } from './policy-set';
import { computeReachability } from './reachability';
import type { CheckResult, Endpoint, Isolation, PodGroup, Protocol, ReachabilityEdge } from './types';
import { flattenManifests, podGroupsFromManifests } from './workloads';

/**
 * The manifests an evaluator is built from.
 * @jsii ignore
 */
export interface EvaluatorInput {
  /** `NetworkPolicy` manifests (`networking.k8s.io/v1`), as parsed from YAML. */
  readonly policies: readonly any[];
  /** `Namespace` manifests, whose labels namespaceSelectors see. */
  readonly namespaces?: readonly any[];
}

/**
 * Evaluates Kubernetes NetworkPolicies over pod groups.
 *
 * Semantics: a policy applies to the pods of its namespace that its
 * podSelector selects; a pod is isolated in a direction iff a policy whose
 * policyTypes include that direction applies to it, and then only traffic
 * some rule of such a policy allows passes (rules and policies are a union);
 * a connection needs egress allowed at the source and ingress allowed at the
 * destination. Endpoints that are not pods only check the pod side.
  * @jsii ignore
 */
export class NetworkPolicyEvaluator {
  /** Not readonly: {@link withNamespaces} shares it with the evaluator it makes. */
  private policies: PolicySet;
  private readonly namespaceManifests: readonly any[];
  private readonly namespaces: NamespaceLabels;

  /**
   * @throws Error if a policy is malformed (unknown selector operator, peer
   * without selector nor ipBlock, invalid CIDR, or a port the API server
   * refuses: `port: "3000"`, port 0, an inverted `endPort`, protocol `tcp`).
   */
  constructor(input: EvaluatorInput) {
    this.policies = new PolicySet(input.policies.map(parsePolicy));
    this.namespaceManifests = input.namespaces ?? [];
    this.namespaces = new NamespaceLabels(this.namespaceManifests);
  }

  /** An evaluator over the `networking.k8s.io/v1` NetworkPolicies and the Namespaces among `manifests`. */
  static fromManifests(manifests: readonly any[]): NetworkPolicyEvaluator {
    const all = flattenManifests(manifests);
    return new NetworkPolicyEvaluator({
      policies: all.filter((m) => m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1'),
      namespaces: all.filter((m) => m.kind === 'Namespace' && m.apiVersion === 'v1'),
    });
  }

  /**
   * The same policies, with more `Namespace` manifests whose labels namespaceSelectors see (added
   * after this evaluator's own): what `new NetworkPolicyEvaluator({ policies, namespaces: [...namespaces, ...more] })`
   * answers, without parsing the policies again.
   */
  withNamespaces(manifests: readonly any[]): NetworkPolicyEvaluator {
    const out = new NetworkPolicyEvaluator({ policies: [], namespaces: [...this.namespaceManifests, ...manifests] });
    out.policies = this.policies;
    return out;
  }

  /**
   * One pod group per pod template of the Deployments, StatefulSets,
   * DaemonSets, ReplicaSets, Jobs, CronJobs and bare Pods among `manifests`;
   * id `<namespace>/<Kind>/<name>`, ports from all containers.
   */
  static podGroupsFromManifests(manifests: readonly any[]): PodGroup[] {
    return podGroupsFromManifests(manifests);
  }

  /** Whether the group's pods are isolated for ingress and for egress. */
  isolation(group: PodGroup): Isolation {
    return this.policies.isolation(group);
  }

  /**
   * Full verdict for one connection, with the names (`<namespace>/<policy>`)
   * of the policies that allow each side. An external endpoint given as a
   * CIDR is matched by an ipBlock only if the whole CIDR is inside the block
   * and outside its excepts.
   * @param protocol defaults to TCP.
   */
  check(src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP'): CheckResult {
    return checkConnection(this.policies, this.namespaces, { src, dst, port, protocol });
  }

  /**
   * Every allowed connection governed by at least one policy (destination
   * ingress-isolated or source egress-isolated), computed group-wise through
   * label indexes; pairs where neither side is isolated are not listed.
   * ipBlock peers appear as `cidr:<cidr>[ except <a>,<b>]` endpoints, and
   * rules with an empty `from`/`to` also give edges to/from `cidr:0.0.0.0/0`
   * and `cidr:::/0` (any address).
   * @throws Error on duplicate group ids or an invalid group IP.
   */
  reachability(groups: readonly PodGroup[]): ReachabilityEdge[] {
    return computeReachability(this.policies.policies, new ClusterIndex(groups, this.namespaces));
  }
}
