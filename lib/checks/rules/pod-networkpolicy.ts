import { podSpecField, podTemplateOf } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';
import { hostNetworkEscape } from '../../util/pod-security';


/** A workload whose pods no NetworkPolicy isolates, for ingress or for egress, or whose pods policies cannot see (host network). */
export const podNetworkPolicy: ICheck = {
  name: 'pod-networkpolicy',
  severity: 'warning',
  description: 'Every workload\'s pods should be isolated for ingress and egress by some NetworkPolicy (a ZeroTrustNamespace does it), so only ' +
    'declared flows reach them.',
  equivalents: ['kube-score pod-networkpolicy', 'kube-linter non-isolated-pod', 'Polaris missingNetworkPolicy', 'Checkov CKV2_K8S_6'],
  run(ctx) {
    const out: Problem[] = [];
    for (const t of ctx.templates) {
      const ref = refOf(t.object);
      const isolation = ctx.evaluator.isolation({ id: ref.path, namespace: t.namespace, labels: { ...t.labels } });
      const open = [...(isolation.ingress ? [] : ['ingress']), ...(isolation.egress ? [] : ['egress'])];
      const spec = podTemplateOf(t.object.json)?.spec;
      const at = podSpecField(t.object.json);
      // Whether or not a policy selects them: as peers too, most CNIs see host-network pods as their node.
      if (spec?.hostNetwork === true) {
        out.push(problem(ref, `${at}.hostNetwork`, true,
          'Kubernetes leaves NetworkPolicy on host-network pods undefined and most CNIs treat their traffic as the node\'s: policies neither ' +
            'isolate them nor match them as peers, so flows declared to or from them may be dropped and undeclared ones admitted',
          'drop hostNetwork, or declare the flows of the nodes (Peer.nodes()) instead of these pods, outside the zero-trust namespaces'));
        continue;
      }
      // Whatever the namespace's Pod Security level: a process of theirs can leave the pod's network namespace for the node's.
      const escape = hostNetworkEscape(spec);
      if (escape) {
        out.push(problem(ref, `${at}.hostPID`, true,
          `with ${at}.${escape} the pods can enter the node's network namespace (nsenter -t 1 -n into the node's PID 1), where no ` +
            'NetworkPolicy isolates them: their traffic from there is the node\'s, so undeclared connections may be admitted',
          'drop hostPID or the privilege (privileged, CAP_SYS_ADMIN), or declare the flows of the nodes (Peer.nodes()) instead of these pods'));
        continue;
      }
      if (open.length === 0) continue;
      out.push(problem(ref, 'pods', ref.name,
        `no NetworkPolicy of namespace "${t.namespace}" isolates them for ${open.join(' or ')}, so ${open.length === 2 ? 'any pod can reach them ' +
          'and they can reach anything' : open[0] === 'ingress' ? 'any pod can reach them' : 'they can reach anything'}`,
        'put the workload in a ZeroTrustNamespace, or add a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress) to its ' +
          'namespace'));
    }
    return out;
  },
};
