import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { keptHook } from '../argocd-hooks';
import { refOf } from '../objects';
import { countedPolicies } from './policy-not-applied';

/**
 * A NetworkPolicy or CiliumNetworkPolicy that is an Argo CD hook of a sync phase Argo CD keeps: it
 * is applied, but Argo CD leaves hooks out of its comparison with the cluster, so self-heal does not
 * restore one deleted by hand, and by default deletes it before it creates it again at each sync. In
 * both gaps the pods it selects run without it, which the proof does not see.
 */
export const policyAsHook: ICheck = {
  name: 'policy-as-hook',
  severity: 'warning',
  description: 'A network policy should be a regular resource of the sync, ordered by sync waves, not an Argo CD hook: Argo CD does not '
    + 'compare hooks with the cluster, and re-creates them at each sync.',
  equivalents: ['none (gitops-engine pkg/sync/reconcile.go splitHooks, pkg/sync/hook/delete_policy.go)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const p of countedPolicies(ctx)) {
      const hook = keptHook(p);
      if (!hook) continue;
      out.push(problem(refOf(p), hook.field, hook.value,
        `makes the policy an Argo CD ${hook.phases.join(',')} hook: Argo CD leaves hooks out of its comparison with the cluster, so `
          + 'self-heal does not restore it if anyone deletes it, and with the default delete policy (BeforeHookCreation) deletes it before '
          + 'it creates it again at each sync: in both gaps the pods it selects run without it, which the flow verification does not see',
        'remove the hook annotations and order the policy with argocd.argoproj.io/sync-wave (SyncWaves puts NetworkPolicies in wave -2)'));
    }
    return out;
  },
};
