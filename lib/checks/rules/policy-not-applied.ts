import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { annotation, commaList, refOf } from '../objects';

const HOOK = 'argocd.argoproj.io/hook';
const HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const HELM_HOOK = 'helm.sh/hook';
const HELM_DELETE_POLICY = 'helm.sh/hook-delete-policy';

/** gitops-engine pkg/sync/common/types.go `NewHookType`: the Argo CD hook types it knows. */
const ARGO_HOOKS: ReadonlySet<string> = new Set(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip']);
/** gitops-engine pkg/sync/hook/helm/type.go: the Helm hooks Argo CD runs, as the Argo CD hook they stand for. */
const HELM_HOOKS: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync',
};
/** The phases of a sync that succeeds (gitops-engine pkg/sync/sync_phase.go; SyncFail runs only when it fails). */
const SYNC_PHASES: ReadonlySet<string> = new Set(['PreSync', 'Sync', 'PostSync']);

/** gitops-engine pkg/sync/hook/hook.go `Types`: the known Argo CD hook types, else the Helm hooks Argo CD maps. */
function hookTypes(obj: ManifestObject): string[] {
  const argo = [...new Set(commaList(annotation(obj, HOOK)))].filter((t) => ARGO_HOOKS.has(t));
  if (argo.length > 0) return argo;
  return commaList(annotation(obj, HELM_HOOK)).filter((h) => HELM_HOOKS[h] !== undefined).map((h) => HELM_HOOKS[h]);
}

/** The annotation that put the object where it is, as a finding's field and value. */
function hookField(obj: ManifestObject, key: string): { field: string; value: string | undefined } {
  return { field: `metadata.annotations[${JSON.stringify(key)}]`, value: annotation(obj, key) };
}

/**
 * Why Argo CD never keeps the object applied, or undefined when it applies it (as a regular resource,
 * or as a hook of a sync phase that stays). gitops-engine pkg/sync/hook/hook.go (`IsHook`, `Skip`,
 * `Types`), pkg/sync/sync_phase.go (`syncPhases`: a skipped object has no phase, a hook only the phases
 * of its types), pkg/sync/hook/delete_policy.go (`DeletePolicies`). @internal
 */
export function notApplied(obj: ManifestObject): { field: string; value: string | undefined; why: string } | undefined {
  const argo = annotation(obj, HOOK);
  const helm = annotation(obj, HELM_HOOK);
  const types = hookTypes(obj);
  const hookKey = argo !== undefined ? HOOK : HELM_HOOK;
  // Skip alone: not a hook, and no sync phase applies it.
  if (types.length === 1 && types[0] === 'Skip') {
    return { ...hookField(obj, hookKey), why: 'Argo CD skips an object whose only hook is Skip: no sync ever applies it' };
  }
  // With Argo CD's annotation the object is a hook whatever its value; Helm's makes one, but for crd-install.
  const hook = argo !== undefined || (helm !== undefined && helm !== 'crd-install');
  if (!hook) return undefined;
  const phases = types.filter((t) => SYNC_PHASES.has(t));
  if (phases.length === 0) {
    return {
      ...hookField(obj, hookKey),
      why: types.includes('SyncFail')
        ? 'Argo CD applies a SyncFail hook only when a sync fails, never in a sync that succeeds'
        : 'it makes the object an Argo CD hook of no phase a sync runs (Argo CD runs PreSync, Sync, PostSync and SyncFail hooks, and of '
          + 'Helm\'s only pre-install, pre-upgrade, post-install and post-upgrade): no sync applies it',
    };
  }
  const argoDelete = commaList(annotation(obj, HOOK_DELETE_POLICY));
  const helmDelete = commaList(annotation(obj, HELM_DELETE_POLICY));
  if (argoDelete.includes('HookSucceeded') || helmDelete.includes('hook-succeeded')) {
    return {
      ...hookField(obj, argoDelete.includes('HookSucceeded') ? HOOK_DELETE_POLICY : HELM_DELETE_POLICY),
      why: `Argo CD deletes this ${phases.join(',')} hook as soon as it succeeds, which an applied policy does at once: it is not in the `
        + 'cluster after the sync',
    };
  }
  return undefined;
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
    const policies = [
      ...ctx.ofKind('NetworkPolicy').filter((p) => p.json?.apiVersion === 'networking.k8s.io/v1'),
      ...ctx.ofKind('CiliumNetworkPolicy').filter((p) => p.json?.apiVersion === 'cilium.io/v2'),
    ];
    for (const p of policies) {
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
