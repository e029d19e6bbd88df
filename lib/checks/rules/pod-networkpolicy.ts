import { podTemplateOf } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { refOf } from '../objects';

/** Where a kind keeps `hostNetwork`, when not in `spec.template.spec`. */
const HOST_NETWORK_FIELD: Readonly<Record<string, string>> = { Pod: 'spec.hostNetwork', CronJob: 'spec.jobTemplate.spec.template.spec.hostNetwork' };

/** A workload whose pods no NetworkPolicy isolates, for ingress or for egress, or only seem isolated (host network). */
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
      if (open.length < 2 && podTemplateOf(t.object.json)?.spec?.hostNetwork === true) {
        out.push(problem(ref, HOST_NETWORK_FIELD[ref.kind] ?? 'spec.template.spec.hostNetwork', true,
          'Kubernetes leaves NetworkPolicy on host-network pods undefined and most CNIs do not isolate them (their traffic is the node\'s), ' +
            `so the policies of namespace "${t.namespace}" that select them may drop the flows declared to or from them and admit undeclared ones`,
          'drop hostNetwork, or run the workload outside the zero-trust namespace and declare its flows with Peer.nodes()'));
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
