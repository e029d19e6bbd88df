import { NAMESPACE_NAME_LABEL } from '../../evaluator';
import { parseSelector, selectsAll } from '../../evaluator/selector';
import type { ICheck } from '../check';
import type { CheckContext } from '../context';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { selectsControllerPods } from '../../util/well-known-pods';
import { formatLabels, namespaceOf, refOf } from '../objects';

/** A selector as text for messages: matchLabels and matchExpressions. */
function selectorText(raw: any): string {
  const parts = [formatLabels(raw?.matchLabels ?? {})];
  for (const e of raw?.matchExpressions ?? []) parts.push(`${e?.key} ${e?.operator}${e?.values ? ` (${e.values.join(', ')})` : ''}`);
  return parts.join(' and ');
}

/**
 * The namespaces a peer's namespaceSelector can select, when that is known from the selector alone:
 * only a selector on `kubernetes.io/metadata.name` says it. Undefined otherwise (any namespace of the
 * cluster with matching labels could be selected, and the app does not know them all).
 */
export function namespacesNamedBy(raw: any): string[] | undefined {
  const labels = Object.entries(raw?.matchLabels ?? {});
  const exprs: any[] = raw?.matchExpressions ?? [];
  if (labels.length === 1 && labels[0][0] === NAMESPACE_NAME_LABEL && exprs.length === 0) return [String(labels[0][1])];
  if (labels.length === 0 && exprs.length === 1 && exprs[0]?.key === NAMESPACE_NAME_LABEL && exprs[0]?.operator === 'In') {
    return (exprs[0].values ?? []).map(String);
  }
  return undefined;
}

function selectsNothing(ctx: CheckContext, namespace: string, raw: any): boolean {
  return ctx.selectTemplates(namespace, parseSelector(raw, 'podSelector')).length === 0;
}

const OWNED_NOTE = 'the app defines every pod of this namespace';
const SHARED_HINT = '; if these pods are deployed outside this app (a Helm chart, an operator), list the namespace in ' +
  'NetworkModel.of(app).configure({ sharedNamespaces })';

/** A NetworkPolicy whose podSelector selects no pod, in a namespace whose pods the app fully defines. */
export const networkPolicyTargetsPod: ICheck = {
  name: 'networkpolicy-targets-pod',
  severity: 'error',
  description: 'In a namespace whose pods the app fully defines (a ZeroTrustNamespace), a NetworkPolicy with a non-empty podSelector must select ' +
    'at least one pod template.',
  equivalents: ['kube-score networkpolicy-targets-pod', 'kube-linter dangling-networkpolicy'],
  run(ctx) {
    const out: Problem[] = [];
    for (const pol of ctx.ofKind('NetworkPolicy')) {
      const ns = namespaceOf(pol);
      const raw = pol.json?.spec?.podSelector;
      if (!ctx.ownedNamespaces.has(ns) || selectsAll(parseSelector(raw, 'podSelector'))) continue;
      if (selectsControllerPods(raw?.matchLabels)) continue; // pods a controller creates (cert-manager's solver)
      if (!selectsNothing(ctx, ns, raw)) continue;
      out.push(problem(refOf(pol), 'spec.podSelector', selectorText(raw),
        `it selects no pod in namespace "${ns}" (${OWNED_NOTE}), so the policy does nothing`,
        `fix the selector to match the pod labels of the workload it is meant for (WebApps label pods app=<name>), or remove the ` +
          `policy${SHARED_HINT}`));
    }
    return out;
  },
};

/** A NetworkPolicy peer whose podSelector selects no pod, where the app fully defines the pods. */
export const networkPolicyPeerTargetsPod: ICheck = {
  name: 'networkpolicy-peer-targets-pod',
  severity: 'error',
  description: 'A NetworkPolicy peer podSelector must select at least one pod template when every namespace it can select is one whose pods the ' +
    'app fully defines; peers pointing outside (kube-dns, ingress controllers) are not judged.',
  equivalents: ['kube-linter dangling-networkpolicypeer-podselector'],
  run(ctx) {
    const out: Problem[] = [];
    for (const pol of ctx.ofKind('NetworkPolicy')) {
      const ns = namespaceOf(pol);
      for (const dir of ['ingress', 'egress'] as const) {
        const rules: any[] = pol.json?.spec?.[dir] ?? [];
        rules.forEach((rule, r) => {
          const peers: any[] = rule?.[dir === 'ingress' ? 'from' : 'to'] ?? [];
          peers.forEach((peer, i) => {
            if (!peer?.podSelector || selectsAll(parseSelector(peer.podSelector, 'podSelector'))) return;
            if (selectsControllerPods(peer.podSelector.matchLabels)) return;
            const namespaces = peer.namespaceSelector === undefined ? [ns] : namespacesNamedBy(peer.namespaceSelector);
            if (!namespaces || namespaces.length === 0 || !namespaces.every((n) => ctx.ownedNamespaces.has(n))) return;
            if (!namespaces.every((n) => selectsNothing(ctx, n, peer.podSelector))) return;
            const where = namespaces.map((n) => `"${n}"`).join(', ');
            out.push(problem(refOf(pol), `spec.${dir}[${r}].${dir === 'ingress' ? 'from' : 'to'}[${i}].podSelector`, selectorText(peer.podSelector),
              `it selects no pod in namespace ${where} (${OWNED_NOTE}), so this ${dir} rule allows nothing`,
              `fix the labels to match the pods meant (WebApps label pods app=<name>; for pods in another namespace add a namespaceSelector), or ` +
                `remove the peer${SHARED_HINT}`));
          });
        });
      }
    }
    return out;
  },
};
