import { NAMESPACE_KEY, stripSource } from '../../evaluator/cilium';
import { matchesSelector, parseSelector } from '../../evaluator/selector';
import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { SyncPosition } from '../argocd-hooks';
import { ORDERING_ANNOTATIONS, ordered, syncPosition } from '../argocd-hooks';
import type { ManifestObject, ObjectRef, PodTemplate } from '../objects';
import { annotation, describeRef, namespaceOf, refOf } from '../objects';

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
  for (const key of ORDERING_ANNOTATIONS) {
    const v = annotation(obj, key);
    if (v !== undefined) return { field: `metadata.annotations[${JSON.stringify(key)}]`, value: v };
  }
  return { field: 'metadata.annotations["argocd.argoproj.io/sync-wave"]', value: undefined };
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
    // The namespace's last policy to be applied: a workload after it comes after all of them (the order is by phase, wave, kind).
    const last = new Map([...byNamespace].map(([ns, list]) => [ns, list.reduce((m, x) => (before(m.at, x.at) ? x : m)).at]));
    const out: Problem[] = [];
    for (const t of ctx.templates) {
      const at = syncPosition(t.object);
      if (at.phase === undefined) continue; // never started by a sync that succeeds
      const lastPolicy = last.get(t.namespace);
      if (lastPolicy === undefined || before(lastPolicy, at)) continue;
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
