import { NAMESPACE_KEY, stripSource } from '../../evaluator/cilium';
import { matchesSelector, parseSelector } from '../../evaluator/selector';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject, ObjectRef, PodTemplate } from '../objects';
import { annotation, commaList, describeRef, namespaceOf, refOf } from '../objects';

/**
 * When Argo CD applies an object during a sync, as gitops-engine orders it (pkg/sync/sync_tasks.go
 * `Less`): by phase (PreSync, Sync, PostSync: `syncPhaseOrder`), then by wave, then by kind
 * (`kindOrder`: NetworkPolicy before the workload kinds, kinds it does not list, such as
 * CiliumNetworkPolicy, last), each kind of a wave applied before the next kind's
 * (pkg/sync/sync_context.go `runTasks`). @internal
 */
export interface SyncPosition {
  /** -1 PreSync, 0 Sync, 1 PostSync; undefined when Argo CD never applies the object (hook `Skip`). */
  readonly phase?: number;
  readonly wave: number;
  readonly kind: number;
  /** How the object got there, for messages: `hook PreSync`, `wave 5`. */
  readonly text: string;
}

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const HOOK = 'argocd.argoproj.io/hook';
const HELM_HOOK = 'helm.sh/hook';
const HELM_WEIGHT = 'helm.sh/hook-weight';

/** gitops-engine pkg/sync/sync_tasks.go `syncPhaseOrder`; SyncFail hooks run only when a sync fails, after the rest. */
const PHASES: Readonly<Record<string, number>> = { PreSync: -1, Sync: 0, PostSync: 1 };
/** gitops-engine pkg/sync/hook/helm/type.go: Helm hooks Argo CD runs, by phase. */
const HELM_PHASES: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync',
};
/** The start of gitops-engine's `kindOrder` (pkg/sync/sync_tasks.go), down to the last kind that runs pods; a kind it lacks ranks after all. */
const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service',
  'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob'];

/** Go's strconv.Atoi on an annotation: a whole number, else undefined. */
function atoi(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** Whether Argo CD's (or Helm's) ordering annotations are on the object: without any, nothing says the app is synced in waves. */
function ordered(obj: ManifestObject): boolean {
  return [SYNC_WAVE, HOOK, HELM_HOOK, HELM_WEIGHT].some((k) => annotation(obj, k) !== undefined);
}

/** Where Argo CD applies the object in a sync (gitops-engine pkg/sync/sync_phase.go, hook/hook.go, syncwaves/waves.go). @internal */
export function syncPosition(obj: ManifestObject): SyncPosition {
  const rank = KIND_ORDER.indexOf(String(obj.json?.kind));
  const kind = rank < 0 ? 0 : rank - KIND_ORDER.length;
  const argo = commaList(annotation(obj, HOOK));
  const hooks = argo.some((h) => ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(h)) ? argo
    : commaList(annotation(obj, HELM_HOOK)).map((h) => HELM_PHASES[h]).filter((h): h is string => h !== undefined);
  const wave = atoi(annotation(obj, SYNC_WAVE)) ?? atoi(annotation(obj, HELM_WEIGHT)) ?? 0;
  if (hooks.length === 0) return { phase: 0, wave, kind, text: `wave ${wave}` };
  const phases = hooks.map((h) => PHASES[h]).filter((p): p is number => p !== undefined);
  if (phases.length === 0) {
    // Skip alone: never applied; SyncFail alone: applied only when the sync fails.
    return { phase: undefined, wave, kind, text: `hook ${hooks.join(',')} (never applied by a sync that succeeds)` };
  }
  const phase = Math.min(...phases);
  const name = Object.keys(PHASES).find((k) => PHASES[k] === phase)!;
  return { phase, wave, kind, text: `hook ${name}, wave ${wave}` };
}

/** Whether `a` is applied strictly before `b` in a sync. */
function before(a: SyncPosition, b: SyncPosition): boolean {
  if (a.phase === undefined) return false;
  if (b.phase === undefined) return true;
  return a.phase - b.phase < 0 || (a.phase === b.phase && (a.wave - b.wave < 0 || (a.wave === b.wave && a.kind - b.kind < 0)));
}

/** Whether a network policy of the template's namespace selects its pods (NetworkPolicy podSelector, CiliumNetworkPolicy endpointSelector). */
function selects(policy: ManifestObject, t: PodTemplate): boolean {
  const kind = policy.json?.kind;
  try {
    if (kind === 'NetworkPolicy') return matchesSelector(parseSelector(policy.json?.spec?.podSelector, 'podSelector'), t.labels);
    const specs = [policy.json?.spec, ...(Array.isArray(policy.json?.specs) ? policy.json.specs : [])].filter((s) => s && typeof s === 'object');
    const labels = { ...t.labels, [NAMESPACE_KEY]: t.namespace };
    return specs.some((s: any) => s.endpointSelector !== undefined
      && matchesSelector(parseSelector(stripSource(s.endpointSelector), 'endpointSelector'), labels));
  } catch {
    return false; // a selector the API server refuses: other checks say so
  }
}

/** The field of the workload that put it where it is. */
function fieldOf(obj: ManifestObject): { field: string; value: unknown } {
  for (const key of [HOOK, HELM_HOOK, SYNC_WAVE, HELM_WEIGHT]) {
    const v = annotation(obj, key);
    if (v !== undefined) return { field: `metadata.annotations[${JSON.stringify(key)}]`, value: v };
  }
  return { field: `metadata.annotations[${JSON.stringify(SYNC_WAVE)}]`, value: undefined };
}

/**
 * A workload whose pods Argo CD starts before a network policy that selects them is applied: a
 * PreSync hook (or a Helm pre-install/pre-upgrade hook, which Argo CD runs as one), or sync waves
 * that put the policy after the workload (`SyncWaves.configure()`, `defaultWave`, an annotation of
 * the user's own; a CiliumNetworkPolicy in the workload's wave, which Argo CD applies after the
 * workload kinds). Until then the pods run without the isolation or the allows the proof counts.
 */
export const syncWaveOrder: ICheck = {
  name: 'sync-wave-order',
  severity: 'warning',
  description: 'Argo CD must apply the network policies that select a workload\'s pods before it starts them: in an earlier sync phase or wave, '
    + 'or, in the same wave, as an earlier kind.',
  equivalents: ['none (Argo CD orders a sync by phase, wave and kind: gitops-engine pkg/sync/sync_tasks.go)'],
  run(ctx) {
    // A policy selects pods of its own namespace only: compare each workload with its namespace's policies.
    const byNamespace = new Map<string, { p: ManifestObject; at: SyncPosition; ordered: boolean }[]>();
    const standard = ctx.ofKind('NetworkPolicy').filter((o) => o.json?.apiVersion === 'networking.k8s.io/v1');
    const policies = [...standard, ...ctx.ofKind('CiliumNetworkPolicy')];
    for (const p of policies) {
      const list = byNamespace.get(namespaceOf(p)) ?? [];
      list.push({ p, at: syncPosition(p), ordered: ordered(p) });
      byNamespace.set(namespaceOf(p), list);
    }
    const out: Problem[] = [];
    for (const t of ctx.templates) {
      const at = syncPosition(t.object);
      if (at.phase === undefined) continue; // never started by a sync that succeeds
      const workloadOrdered = ordered(t.object);
      const late = (byNamespace.get(t.namespace) ?? [])
        .filter(({ p, at: pat, ordered: o }) => (workloadOrdered || o) && !before(pat, at) && selects(p, t));
      if (late.length === 0) continue;
      const ref = refOf(t.object);
      const related: ObjectRef[] = late.map(({ p }) => refOf(p));
      const { field, value } = fieldOf(t.object);
      const names = late.map(({ p, at: pat }) => `${describeRef(refOf(p))} (${pat.text})`).sort().join(', ');
      const when = at.phase < 0
        ? 'makes Argo CD run its pods in the PreSync phase, before the manifests of the sync are applied'
        : `puts its pods in ${at.text}`;
      out.push(problem(ref, field, value,
        `${when}, before ${names}, which select${late.length === 1 ? 's' : ''} them: Argo CD starts the pods, and waits for them to be `
          + 'healthy, before it applies the policy, so during a sync that creates or changes it the pods run without the isolation or the '
          + 'allows the proof counts (a flow declared for them is dead, and one they need to become ready stops the sync)',
        'leave the ordering to SyncWaves (NetworkPolicies and CiliumNetworkPolicies in wave -2, workloads in 0), or give the policies a wave '
          + 'lower than the workload\'s; run a migration Job as a Sync hook in a wave after the policies rather than PreSync', related));
    }
    return out;
  },
};
