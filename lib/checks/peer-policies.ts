/**
 * `declared-flow-may-be-denied`: a declared flow to or from pods the app does not define, which a
 * NetworkPolicy of the app would deny if those pods carry labels the flow does not name.
 *
 * A declared peer outside the app (`Peer.pods({ namespace: 'legacy', labels: { app: 'billing' } })`)
 * stands for pods the verification knows only by the labels the flow names. A policy in their
 * namespace that selects pods by other labels (`tier: backend`) selects them or not depending on
 * labels the library cannot see. The verification computes the flow as if it did not; this check
 * asks the evaluator what happens if it does, and warns where the flow would then be denied.
 */
import type { Endpoint, NetworkPolicyEvaluator } from '../evaluator';
import type { PortSet } from '../evaluator/port-set';
import { toPortRanges } from '../evaluator/port-set';
import { getOrCreate } from '../evaluator/util';
import type { CheckContext } from './context';
import type { DeclaredFlow } from './declared';
import { satisfyingLabels } from './exposure';
import type { Finding } from './finding';
import { problem } from './finding';
import { declaredByText } from './flow-ports';
import type { GroupInfo } from './group-info';
import type { ManifestObject } from './objects';
import { formatLabels, namespaceOf, refOf } from './objects';

/** Check name of a declared flow that a policy would deny if the peer's pods carry labels the flow does not name. */
export const DECLARED_FLOW_MAY_BE_DENIED = 'declared-flow-may-be-denied';

/** A declared connection between two endpoint ids, and its ports. */
export interface DeclaredPair {
  readonly from: string;
  readonly to: string;
  readonly ports: PortSet;
  readonly flows: readonly DeclaredFlow[];
}

/**
 * Whether a LabelSelector's JSON can stop selecting pods that gain labels: a `NotIn` or a
 * `DoesNotExist`. Without them, pods carrying more labels stay selected by every policy that
 * selects them without those labels, so they keep its isolation and its allows.
 */
function dropsPodsWithMoreLabels(selector: any): boolean {
  const expressions: any[] = Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : [];
  return expressions.some((e) => e?.operator === 'NotIn' || e?.operator === 'DoesNotExist');
}

/**
 * Warnings for declared pairs with an end outside the app (a `Peer` group) that a NetworkPolicy of
 * the app, selecting pods by more labels than the flow names, would deny if those pods carry them.
 * Policies only add allows: a policy selecting more pods can deny only where nothing isolated them
 * before, so pods already isolated in the flow's direction (a zero-trust namespace's) are passed by,
 * unless a policy of their namespace selects by `NotIn` or `DoesNotExist`: pods carrying more labels
 * may leave the policy that isolates them and allows the flow (then every policy is asked).
 * @param pairs declared pairs the standard policies judge (no DNS name or entity at either end)
 */
export function peerPolicyFindings(
  context: CheckContext, evaluator: NetworkPolicyEvaluator, pairs: Iterable<DeclaredPair>,
  groupById: ReadonlyMap<string, GroupInfo>, endpointOf: (id: string) => Endpoint,
): Finding[] {
  const policiesByNamespace = new Map<string, ManifestObject[]>();
  for (const p of context.ofKind('NetworkPolicy')) getOrCreate(policiesByNamespace, namespaceOf(p), () => []).push(p);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    for (const side of ['from', 'to'] as const) {
      const peer = groupById.get(pair[side]);
      if (peer?.kind !== 'Peer') continue;
      const policies = policiesByNamespace.get(peer.group.namespace);
      if (!policies) continue;
      // Policies only add allows: where the pods are isolated already (a zero-trust namespace), one more cannot deny,
      // unless a selector there lets pods that carry more labels go (NotIn, DoesNotExist), and the allows with them.
      if (!policies.some((p) => dropsPodsWithMoreLabels(p.json?.spec?.podSelector))) {
        const isolation = evaluator.isolation(peer.group);
        if (side === 'to' ? isolation.ingress : isolation.egress) continue;
      }
      const port = toPortRanges(pair.ports)[0];
      for (const policy of policies) {
        // Labels that make the policy select a pod; the pod keeps the ones the flow names.
        const labels = satisfyingLabels(policy.json?.spec?.podSelector);
        if (!labels) continue;
        const hypothetical = { ...peer.group, id: `${peer.group.id}+`, labels: { ...labels, ...peer.group.labels } };
        const src = side === 'from' ? hypothetical : endpointOf(pair.from);
        const dst = side === 'to' ? hypothetical : endpointOf(pair.to);
        if (evaluator.check(src, dst, port.from, port.protocol).allowed) continue;
        const key = `${policy.path}|${pair.from}|${pair.to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const extra = Object.fromEntries(Object.entries(labels).filter(([k]) => !(k in peer.group.labels)));
        findings.push({
          ...problem(refOf(policy), 'spec.podSelector', formatLabels(extra),
            `it would deny the declared flow ${pair.from} -> ${pair.to} on ${port.protocol} ${port.from} `
            + `(${pair.flows.map(declaredByText).join(', ')}) if the pods of ${peer.group.id}, which the app does not define, carry `
            + `${formatLabels(extra)}: the flow names them by ${formatLabels(peer.group.labels)} only, so the verification cannot tell`,
            'add the flow to this policy\'s rules (or to another policy selecting those pods), or name the pods by a label this policy '
            + 'rules out; if they do not carry these labels, accept it with the skip annotation on the policy'),
          check: DECLARED_FLOW_MAY_BE_DENIED,
          severity: 'warning',
        });
      }
    }
  }
  return findings;
}
