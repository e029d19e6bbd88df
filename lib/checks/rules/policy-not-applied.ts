import type { ICheck } from '../check';
import type { CheckContext } from '../context';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { notApplied } from '../argocd-hooks';
import type { ManifestObject } from '../objects';
import { refOf } from '../objects';

/** The network policies the flow verification counts: `networking.k8s.io/v1` NetworkPolicies and `cilium.io/v2` CiliumNetworkPolicies. */
export function countedPolicies(ctx: CheckContext): ManifestObject[] {
  return [
    ...ctx.ofKind('NetworkPolicy').filter((p) => p.json?.apiVersion === 'networking.k8s.io/v1'),
    ...ctx.ofKind('CiliumNetworkPolicy').filter((p) => p.json?.apiVersion === 'cilium.io/v2'),
  ];
}

/**
 * A NetworkPolicy or CiliumNetworkPolicy that the flow verification counts but that Argo CD never keeps
 * applied: a hook `Skip` alone, a `SyncFail` hook, a hook of no phase a sync runs (a value Argo CD does not
 * know, a Helm hook it does not run), or a hook deleted once it succeeds. Either way the proof is false: the
 * flows it allows are dead, and what it isolates stays open, so the check is an error whatever the policy does.
 */
export const policyNotApplied: ICheck = {
  name: 'policy-not-applied',
  severity: 'error',
  description: 'A network policy the flow verification counts must be one Argo CD applies and keeps: not a hook Skip, SyncFail or of no '
    + 'sync phase, nor a hook deleted once it succeeds.',
  equivalents: ['none (Argo CD reads hooks in gitops-engine pkg/sync/hook/hook.go and pkg/sync/sync_phase.go)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const p of countedPolicies(ctx)) {
      const gone = notApplied(p);
      if (!gone) continue;
      out.push(problem(refOf(p), gone.field, gone.value,
        `${gone.why}, yet the flow verification and the report count this policy: the flows it allows are dead in the cluster, and the pods it `
          + 'isolates stay open to what it denies',
        'remove the hook annotations (order the policy with argocd.argoproj.io/sync-wave instead), or leave the policy out of the manifests'));
    }
    return out;
  },
};
