/**
 * Exposure analysis (as np-guard's netpol-analyzer does it): pods the app does not define still
 * exist, and a policy can admit them. For every peer of every NetworkPolicy rule that can select
 * pods outside the app, one representative pod group stands for them: "pods labelled L in
 * namespace N" when N is not a namespace whose pods the app fully defines, "any pod in every
 * namespace labelled S" for a namespaceSelector by other labels, "any pod in any other namespace"
 * for `namespaceSelector: {}`; the endpoint selectors of CiliumNetworkPolicies likewise. The
 * verification then treats connections between them and zero-trust pods like any other:
 * undeclared ones are findings, in both directions.
 */
import { NAMESPACE_NAME_LABEL } from '../evaluator';
import { allowsEveryPeer, NAMESPACE_KEY as CILIUM_NAMESPACE_KEY, stripSource } from '../evaluator/cilium';
import { labelsKey } from '../util/labels';
import { selectsControllerPods } from '../util/well-known-pods';
import type { CheckContext } from './context';
import type { GroupInfo } from './group-info';
import { namespaceOf } from './objects';

/** The prefix of the names of representative namespaces that stand for namespaces matched by labels. */
export const REPRESENTATIVE_NAMESPACE_PREFIX = '[';

/** Whether a namespace name is a representative one (not a real namespace). */
export function isRepresentativeNamespace(namespace: string): boolean {
  return namespace.startsWith(REPRESENTATIVE_NAMESPACE_PREFIX);
}

/** One label key of a selector and the values its requirements allow there, sorted. */
interface KeyChoice {
  readonly key: string;
  readonly values: readonly string[];
}

/** The value standing for "any value" of a key that only `Exists` (and `NotIn`) constrain. */
const ANY_VALUE = 'any';

/**
 * Per label key a LabelSelector's JSON constrains, the values that meet every requirement on it
 * (they are ANDed, as Kubernetes does): the `In` sets and the `matchLabels` value intersected, the
 * `NotIn` values dropped. Keys only `NotIn` or `DoesNotExist` constrain are left out (an absent
 * label meets them). Undefined when no label map can satisfy the selector, or it is malformed.
 */
function keyChoices(selector: any): KeyChoice[] | undefined {
  const allowed = new Map<string, Set<string> | undefined>(); // undefined: any value (Exists)
  const excluded = new Map<string, Set<string>>();
  const absent = new Set<string>();
  const require = (key: string, values: string[] | undefined) => {
    const prior = allowed.get(key);
    if (!values) {
      if (!allowed.has(key)) allowed.set(key, undefined);
      return;
    }
    allowed.set(key, new Set(prior ? values.filter((v) => prior.has(v)) : values));
  };
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) require(k, [String(v)]);
  const expressions: any[] = Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : [];
  for (const e of expressions) {
    const key = String(e?.key);
    const values: string[] = (e?.values ?? []).map(String);
    if (e?.operator === 'In') {
      if (values.length === 0) return undefined;
      require(key, values);
    } else if (e?.operator === 'Exists') {
      require(key, undefined);
    } else if (e?.operator === 'NotIn') {
      excluded.set(key, new Set([...excluded.get(key) ?? [], ...values]));
    } else if (e?.operator === 'DoesNotExist') {
      absent.add(key);
    }
  }
  const choices: KeyChoice[] = [];
  for (const [key, values] of allowed) {
    if (absent.has(key)) return undefined;
    const not = excluded.get(key) ?? new Set<string>();
    let left: string[];
    if (values) {
      left = [...values].filter((v) => !not.has(v)).sort();
    } else {
      let any = ANY_VALUE;
      for (let n = 2; not.has(any); n++) any = `${ANY_VALUE}-${n}`;
      left = [any];
    }
    if (left.length === 0) return undefined;
    choices.push({ key, values: left });
  }
  return choices;
}

/** Labels that satisfy a LabelSelector's JSON, or undefined when none can (or it is malformed). */
export function satisfyingLabels(selector: any): Record<string, string> | undefined {
  const choices = keyChoices(selector);
  return choices && Object.fromEntries(choices.map((c) => [c.key, c.values[0]]));
}

/** At most this many label maps stand for one selector (the product of its `In` values). */
const MAX_ALTERNATIVES = 32;

/**
 * Label maps that satisfy a LabelSelector's JSON, one per combination of the values its `In`
 * expressions allow (at most {@link MAX_ALTERNATIVES}), the {@link satisfyingLabels} one first:
 * `app in (batch, evil)` selects pods labelled `app=evil` too, even where the app has `app=batch` pods.
 */
export function satisfyingLabelSets(selector: any): Record<string, string>[] {
  const choices = keyChoices(selector);
  if (!choices) return [];
  let sets: Record<string, string>[] = [{}];
  for (const { key, values } of choices) {
    sets = sets.flatMap((labels) => values.map((v) => ({ ...labels, [key]: v }))).slice(0, MAX_ALTERNATIVES);
  }
  return sets;
}

/** A LabelSelector's JSON as text: `team=payments, tier in (a,b), !legacy`; empty for `{}`. */
export function selectorText(selector: any): string {
  const parts = Object.keys(selector?.matchLabels ?? {}).sort().map((k) => `${k}=${selector.matchLabels[k]}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e?.values ?? []).map(String).sort().join(',');
    if (e?.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e?.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e?.operator === 'Exists') parts.push(String(e.key));
    else if (e?.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(', ');
}

/** The representative groups, and the Namespace manifests giving their namespaces their labels. */
export interface Exposure {
  readonly groups: GroupInfo[];
  /** `Namespace` manifests of the representative namespaces (for the evaluator's namespaceSelectors). */
  readonly namespaces: any[];
}

/**
 * The representative groups for the peers of every policy of the app.
 * @param owned namespaces whose pods the app fully defines: nothing there needs a representative
 * @param covered whether an existing group already stands for these pods (`namespace`, pod labels)
 */
export function exposureGroups(
  context: CheckContext, owned: ReadonlySet<string>,
  covered: (namespace: string, labels: Readonly<Record<string, string>>) => boolean,
): Exposure {
  const groups = new Map<string, GroupInfo>();
  const namespaces = new Map<string, any>();
  const appNamespaces = new Set(context.ofKind('Namespace').map((n) => String(n.json?.metadata?.name)));
  const add = (ns: string, nsText: string, podSelector: any) => {
    // One group per value of an `In`: `app in (batch, evil)` next to the app's app=batch pods admits app=evil pods too.
    for (const labels of satisfyingLabelSets(podSelector ?? {})) {
      // The app defines every pod of an owned namespace, but for the pods controllers create there (cert-manager's solver).
      if (owned.has(ns) && !selectsControllerPods(labels)) continue;
      const key = labelsKey(labels);
      const id = `${ns}/Peer/${key || '*'}`;
      if (groups.has(id) || covered(ns, labels)) continue;
      const pods = key ? `pods labelled ${selectorText(podSelector)}` : 'any pod';
      groups.set(id, { group: { id, namespace: ns, labels, ports: [] }, name: `${pods} in ${nsText}`, kind: 'Peer', exposure: true });
    }
  };
  for (const policy of context.ofKind('NetworkPolicy')) {
    const policyNs = namespaceOf(policy);
    const spec = policy.json?.spec ?? {};
    const rules: any[] = [...(spec.ingress ?? []).map((r: any) => r?.from), ...(spec.egress ?? []).map((r: any) => r?.to)];
    for (const peers of rules) {
      for (const peer of Array.isArray(peers) ? peers : []) {
        if (!peer || peer.ipBlock) continue;
        if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) {
          add(policyNs, `namespace ${policyNs}`, peer.podSelector);
          continue;
        }
        const nsLabelSets = satisfyingLabelSets(peer.namespaceSelector);
        if (nsLabelSets.length === 0) continue;
        const nsLabels = nsLabelSets[0];
        // Every namespace a `kubernetes.io/metadata.name in (a, b)` names, not only the first.
        const named = nsLabelSets.filter((l) => l[NAMESPACE_NAME_LABEL] !== undefined);
        for (const { [NAMESPACE_NAME_LABEL]: name, ...others } of named) {
          // A namespace outside the app may carry any label: give it those the selector also asks for.
          if (Object.keys(others).length > 0 && !appNamespaces.has(name) && !owned.has(name)) {
            const prior = namespaces.get(name)?.metadata.labels ?? {};
            namespaces.set(name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...others, ...prior } } });
          }
          add(name, `namespace ${name}`, peer.podSelector);
        }
        if (named.length > 0) continue;
        const text = selectorText(peer.namespaceSelector);
        const ns = text ? `[namespaces ${text}]` : '[any other namespace]';
        if (!namespaces.has(ns)) namespaces.set(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: nsLabels } });
        add(ns, text ? `every namespace labelled ${text}` : 'any other namespace', peer.podSelector);
      }
    }
  }
  // CiliumNetworkPolicy endpoint selectors: in the policy's namespace unless they name one.
  for (const policy of context.ofKind('CiliumNetworkPolicy')) {
    const policyNs = namespaceOf(policy);
    const rules = (list: any) => (Array.isArray(list) ? list : []);
    const selectors: any[] = [policy.json?.spec, ...rules(policy.json?.specs)].flatMap((spec: any) => [
      ...rules(spec?.ingress).flatMap((r: any) => rules(r?.fromEndpoints)), ...rules(spec?.egress).flatMap((r: any) => rules(r?.toEndpoints))]);
    // A rule with ports and no peer admits every pod of the cluster: any pod here, and in any other namespace.
    const everyPeer = [policy.json?.spec, ...rules(policy.json?.specs)].some((spec: any) =>
      rules(spec?.ingress).some((r: any) => allowsEveryPeer(r, 'ingress')) || rules(spec?.egress).some((r: any) => allowsEveryPeer(r, 'egress')));
    if (everyPeer) {
      add(policyNs, `namespace ${policyNs}`, {});
      add('[any other namespace]', 'any other namespace', {});
    }
    for (const selector of selectors.map(stripSource)) {
      const expressions: any[] = selector?.matchExpressions ?? [];
      const pinned = selector?.matchLabels?.[CILIUM_NAMESPACE_KEY] !== undefined
        || expressions.some((e) => e?.key === CILIUM_NAMESPACE_KEY && e.operator === 'In');
      // NotIn, Exists, DoesNotExist on the namespace: namespaces the app may not know.
      const anyNamespace = !pinned && expressions.some((e) => e?.key === CILIUM_NAMESPACE_KEY);
      for (const { [CILIUM_NAMESPACE_KEY]: named, ...podLabels } of satisfyingLabelSets(selector ?? {})) {
        const ns = pinned ? named : anyNamespace ? '[any other namespace]' : policyNs;
        add(ns, anyNamespace ? 'any other namespace' : `namespace ${ns}`, { matchLabels: podLabels });
      }
    }
  }
  return { groups: [...groups.values()], namespaces: [...namespaces.values()] };
}
