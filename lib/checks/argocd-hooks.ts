/**
 * How Argo CD treats an object in a sync, from its annotations, as gitops-engine does: whether it is a
 * hook and of which types (pkg/sync/hook/hook.go, hook/helm/type.go), whether a sync keeps it applied
 * (pkg/sync/sync_phase.go, hook/delete_policy.go), and when it applies it (pkg/sync/sync_tasks.go).
 * The `sync-wave-order` and `policy-not-applied` checks read objects through this one model.
 */
import type { ManifestObject } from './objects';
import { annotation, commaList } from './objects';

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const HOOK = 'argocd.argoproj.io/hook';
const HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const HELM_HOOK = 'helm.sh/hook';
const HELM_WEIGHT = 'helm.sh/hook-weight';
const HELM_DELETE_POLICY = 'helm.sh/hook-delete-policy';

/** The annotations that order an object in a sync or make it a hook. */
export const ORDERING_ANNOTATIONS: readonly string[] = [HOOK, HELM_HOOK, SYNC_WAVE, HELM_WEIGHT];

/** gitops-engine pkg/sync/common/types.go `NewHookType`: the Argo CD hook types it knows. */
const ARGO_HOOKS: ReadonlySet<string> = new Set(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip']);
/** gitops-engine pkg/sync/hook/helm/type.go: the Helm hooks Argo CD runs, as the Argo CD hook they stand for. */
const HELM_HOOKS: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync',
};
/**
 * The phases of a sync that succeeds, in order (gitops-engine pkg/sync/sync_tasks.go `syncPhaseOrder`;
 * SyncFail hooks run only when a sync fails).
 */
const PHASES: Readonly<Record<string, number>> = { PreSync: -1, Sync: 0, PostSync: 1 };

/** gitops-engine pkg/sync/hook/hook.go `Types`: the known Argo CD hook types, else the Helm hooks Argo CD maps. */
function hookTypes(obj: ManifestObject): string[] {
  const argo = [...new Set(commaList(annotation(obj, HOOK)))].filter((t) => ARGO_HOOKS.has(t));
  if (argo.length > 0) return argo;
  return commaList(annotation(obj, HELM_HOOK)).filter((h) => HELM_HOOKS[h] !== undefined).map((h) => HELM_HOOKS[h]);
}

/** Whether a hook annotation makes the object a hook: Argo CD's whatever its value; Helm's but for crd-install (hook.go `IsHook`). */
function isHook(obj: ManifestObject): boolean {
  const helm = annotation(obj, HELM_HOOK);
  return annotation(obj, HOOK) !== undefined || (helm !== undefined && helm !== 'crd-install');
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
  const types = hookTypes(obj);
  const hookKey = annotation(obj, HOOK) !== undefined ? HOOK : HELM_HOOK;
  // Skip alone: not a hook, and no sync phase applies it.
  if (types.length === 1 && types[0] === 'Skip') {
    return { ...hookField(obj, hookKey), why: 'Argo CD skips an object whose only hook is Skip: no sync ever applies it' };
  }
  if (!isHook(obj)) return undefined;
  const phases = types.filter((t) => PHASES[t] !== undefined);
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
 * The hook annotation of an object Argo CD applies as a hook of a sync phase and keeps (not one
 * {@link notApplied} reports), with its phases; undefined for a regular resource. Argo CD leaves
 * hooks out of its comparison with the cluster (gitops-engine pkg/sync/reconcile.go `splitHooks`)
 * and, by default, deletes one before it creates it again at each sync (hook/delete_policy.go:
 * `BeforeHookCreation` when no delete policy is given). @internal
 */
export function keptHook(obj: ManifestObject): { field: string; value: string | undefined; phases: string[] } | undefined {
  if (!isHook(obj) || notApplied(obj)) return undefined;
  const phases = hookTypes(obj).filter((t) => PHASES[t] !== undefined);
  return { ...hookField(obj, annotation(obj, HOOK) !== undefined ? HOOK : HELM_HOOK), phases };
}

/**
 * When Argo CD applies an object during a sync, as gitops-engine orders it (pkg/sync/sync_tasks.go
 * `Less`): by phase (PreSync, Sync, PostSync: `syncPhaseOrder`), then by wave, then by kind
 * (`kindOrder`: NetworkPolicy before the workload kinds, kinds it does not list, such as
 * CiliumNetworkPolicy, last), each kind of a wave applied before the next kind's
 * (pkg/sync/sync_context.go `runTasks`). @internal
 */
export interface SyncPosition {
  /** -1 PreSync, 0 Sync, 1 PostSync; undefined when a sync that succeeds never applies the object (a hook `Skip`, `SyncFail`, of no phase). */
  readonly phase?: number;
  readonly wave: number;
  readonly kind: number;
  /** How the object got there, for messages: `hook PreSync`, `wave 5`. */
  readonly text: string;
}

/** The start of gitops-engine's `kindOrder` (pkg/sync/sync_tasks.go), down to the last kind that runs pods; a kind it lacks ranks after all. */
const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service',
  'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob'];

/** Go's strconv.Atoi on an annotation: a whole number, else undefined. */
function atoi(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** Whether Argo CD's (or Helm's) ordering annotations are on the object: without any, nothing says the app is synced in waves. @internal */
export function ordered(obj: ManifestObject): boolean {
  return ORDERING_ANNOTATIONS.some((k) => annotation(obj, k) !== undefined);
}

/** Where Argo CD applies the object in a sync (gitops-engine pkg/sync/sync_phase.go, hook/hook.go, syncwaves/waves.go). @internal */
export function syncPosition(obj: ManifestObject): SyncPosition {
  const rank = KIND_ORDER.indexOf(String(obj.json?.kind));
  const kind = rank < 0 ? 0 : rank - KIND_ORDER.length;
  const wave = atoi(annotation(obj, SYNC_WAVE)) ?? atoi(annotation(obj, HELM_WEIGHT)) ?? 0;
  const types = hookTypes(obj);
  const skipped = types.length === 1 && types[0] === 'Skip';
  if (!skipped && !isHook(obj)) return { phase: 0, wave, kind, text: `wave ${wave}` };
  const phases = types.map((h) => PHASES[h]).filter((p): p is number => p !== undefined);
  if (phases.length === 0) {
    const hooks = types.length > 0 ? types.join(',') : annotation(obj, HOOK) ?? annotation(obj, HELM_HOOK);
    return { phase: undefined, wave, kind, text: `hook ${hooks} (never applied by a sync that succeeds)` };
  }
  const phase = Math.min(...phases);
  const name = Object.keys(PHASES).find((k) => PHASES[k] === phase)!;
  return { phase, wave, kind, text: `hook ${name}, wave ${wave}` };
}
