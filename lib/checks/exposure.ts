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
import { matchesSelector, parseSelector } from '../evaluator/selector';
import { getOrCreate } from '../evaluator/util';
import { labelsKey } from '../util/labels';
import { selectsControllerPods } from '../util/well-known-pods';
import type { CheckContext } from './context';
import type { Finding } from './finding';
import { problem } from './finding';
import type { GroupInfo } from './group-info';
import type { ManifestObject, PodTemplate } from './objects';
import { namespaceOf, refOf } from './objects';

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
  /** The value standing for "any value" when only `Exists` (and `NotIn`) constrain the key. */
  readonly any?: string;
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
    if (values) {
      const left = [...values].filter((v) => !not.has(v)).sort();
      if (left.length === 0) return undefined;
      choices.push({ key, values: left });
    } else {
      let any = ANY_VALUE;
      for (let n = 2; not.has(any); n++) any = `${ANY_VALUE}-${n}`;
      choices.push({ key, values: [any], any });
    }
  }
  return choices;
}

/** Labels that satisfy a LabelSelector's JSON, or undefined when none can (or it is malformed). */
export function satisfyingLabels(selector: any): Record<string, string> | undefined {
  const choices = keyChoices(selector);
  return choices && Object.fromEntries(choices.map((c) => [c.key, c.values[0]]));
}

/**
 * Stand-ins for one peer: at least this many label maps, and at least one per value its `In`s name,
 * so that the cost grows with the size of the selectors, never with the product of their values.
 */
const MAX_ALTERNATIVES = 32;

/**
 * Combinations of one value per dimension (a label key and the values it may take), as many as
 * the budget allows: first rows that take every value at least once (row i takes each dimension's
 * i-th value, or its last), then the product in order. The budget is {@link MAX_ALTERNATIVES} or
 * the number of values, whichever is larger: the product itself can be exponential.
 * @returns the rows (the first takes every dimension's first value) and the size of the product
 */
function combinations(dims: readonly (readonly string[])[]): { rows: string[][]; total: number } {
  const total = dims.reduce((n, d) => n * d.length, 1);
  const budget = Math.min(total, Math.max(MAX_ALTERNATIVES, dims.reduce((n, d) => n + d.length, 0)));
  const rows = new Map<string, string[]>();
  const add = (idx: readonly number[]) => {
    const row = dims.map((d, k) => d[idx[k]]);
    rows.set(JSON.stringify(row), row);
  };
  const width = Math.max(0, ...dims.map((d) => d.length));
  for (let i = 0; i < width && rows.size < budget; i++) add(dims.map((d) => Math.min(i, d.length - 1)));
  const idx = dims.map(() => 0);
  while (rows.size < budget) {
    add(idx);
    let k = dims.length - 1; // the last dimension turns fastest
    while (k >= 0 && ++idx[k] === dims[k].length) idx[k--] = 0;
    if (k < 0) break;
  }
  return { rows: [...rows.values()], total };
}

/** Label maps from rows of {@link combinations} over the given key choices, starting at column `from`. */
function labelsOf(choices: readonly KeyChoice[], row: readonly string[], from = 0): Record<string, string> {
  return Object.fromEntries(choices.map((c, k) => [c.key, row[from + k]]));
}

/**
 * The labels of a representative namespace as text, by key: `team=payments`, `team` for a key any
 * value meets (`Exists`: the stand-in's value is one no rule names), `env=prod, team=payments`.
 * It names the namespace (`[namespaces team=payments]`), so a stand-in is the same endpoint in
 * every output whose selectors admit the same labels, whichever selector spelled them.
 */
function namespaceLabelsText(choices: readonly KeyChoice[], row: readonly string[]): string {
  return choices.map((c, k) => (row[k] === c.any ? c.key : `${c.key}=${row[k]}`)).sort().join(', ');
}

/**
 * Label maps that satisfy a LabelSelector's JSON, one per combination of the values its `In`
 * expressions allow (within the budget of {@link combinations}), the {@link satisfyingLabels} one
 * first: `app in (batch, evil)` selects pods labelled `app=evil` too, even where the app has
 * `app=batch` pods. `total` is the number of combinations, more than the label maps when some are left out.
 */
export function satisfyingLabelSets(selector: any): { sets: Record<string, string>[]; total: number } {
  const choices = keyChoices(selector);
  if (!choices) return { sets: [], total: 0 };
  const { rows, total } = combinations(choices.map((c) => c.values));
  return { sets: rows.map((row) => labelsOf(choices, row)), total };
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
  /** Peers whose label combinations exceed what gets a stand-in ({@link EXPOSURE_UNVERIFIED} warnings). */
  readonly findings: Finding[];
}

/** Check name of a policy peer with more label combinations than the exposure analysis makes stand-ins for. */
export const EXPOSURE_UNVERIFIED = 'exposure-unverified';

function unverifiedFinding(policy: ManifestObject, field: string, value: string, verified: number, total: number): Finding {
  return {
    ...problem(refOf(policy), field, value, `its selectors admit pods of ${total} combinations of label values, more than the flow `
      + `verification makes stand-ins for: ${verified} of them (every value at least once) are verified, the other ${total - verified} are not, `
      + 'so what the rule admits from or to those pods is not in the proof',
    'split the peer into peers with an In over several values in one selector each (each is verified whole), or accept it with the skip '
      + 'annotation'),
    check: EXPOSURE_UNVERIFIED,
    severity: 'warning',
  };
}

/** Which policies' targets may be pods outside the app, for {@link exposureGroups}. */
export interface ExposureTargets {
  /** The zero-trust namespaces: a policy there may open pods outside the app to what no flow declares. */
  readonly zeroTrust: ReadonlySet<string>;
  /** Policies the library rendered (`namespace/name`): they select the app's own pods. */
  readonly libraryPolicies?: ReadonlySet<string>;
}

/**
 * The representative groups for the peers of every policy of the app, and for the pods a policy
 * of a zero-trust namespace selects when they may be outside the app: pods no workload of the app
 * carries the labels of, in a namespace the app does not fully define, and pods controllers create.
 * @param owned namespaces whose pods the app fully defines: nothing there needs a representative
 * @param covered whether an existing group already stands for these pods (`namespace`, pod labels)
 */
export function exposureGroups(
  context: CheckContext, owned: ReadonlySet<string>,
  covered: (namespace: string, labels: Readonly<Record<string, string>>) => boolean,
  targets?: ExposureTargets,
): Exposure {
  const groups = new Map<string, GroupInfo>();
  const namespaces = new Map<string, any>();
  const findings: Finding[] = [];
  const appNamespaces = new Set(context.ofKind('Namespace').map((n) => String(n.json?.metadata?.name)));
  // One group per value of an `In`: `app in (batch, evil)` next to the app's app=batch pods admits app=evil pods too.
  const add = (ns: string, nsText: string, podSelector: any, labels: Record<string, string>) => {
    // The app defines every pod of an owned namespace, but for the pods controllers create there (cert-manager's solver).
    if (owned.has(ns) && !selectsControllerPods(labels)) return;
    const key = labelsKey(labels);
    const id = `${ns}/Peer/${key || '*'}`;
    if (groups.has(id) || covered(ns, labels)) return;
    const pods = key ? `pods labelled ${selectorText(podSelector)}` : 'any pod';
    // A representative namespace's labels (`[namespaces team=x]`: team=x), for another analysis to evaluate the stand-in.
    const nsLabels = isRepresentativeNamespace(ns) ? namespaces.get(ns)?.metadata.labels : undefined;
    groups.set(id, {
      group: { id, namespace: ns, labels, ports: [] }, name: `${pods} in ${nsText}`, kind: 'Peer', exposure: true,
      ...(nsLabels ? { namespaceLabels: { ...nsLabels } } : {}),
    });
  };
  // The pods a policy of a zero-trust namespace selects, when pods outside the app may carry those labels: the policy
  // opens them as it opens the app's pods (`ingress: [{}]` admits everything), but only the app's pods have groups.
  let workloads: Map<string, PodTemplate[]> | undefined;
  const workloadsIn = (ns: string): readonly PodTemplate[] => {
    if (!workloads) {
      workloads = new Map();
      for (const t of context.templates) getOrCreate(workloads, t.namespace, () => []).push(t);
    }
    return workloads.get(ns) ?? [];
  };
  const targetGroups = (policy: ManifestObject, ns: string, podSelector: any) => {
    const choices = keyChoices(podSelector ?? {});
    if (!choices) return;
    let parsed;
    try {
      parsed = parseSelector(podSelector ?? {}, 'podSelector');
    } catch {
      return; // a malformed selector is the evaluator's to refuse
    }
    const { rows, total } = combinations(choices.map((c) => c.values));
    if (rows.length < total) findings.push(unverifiedFinding(policy, 'spec.podSelector', `pods ${selectorText(podSelector)}`, rows.length, total));
    for (const labels of rows.map((row) => labelsOf(choices, row))) {
      if (!selectsControllerPods(labels)) {
        // In a namespace the app fully defines, every pod is the app's; elsewhere pods the app has stand for themselves.
        if (owned.has(ns)) continue;
        const carries = (t: PodTemplate) => Object.entries(labels).every(([k, v]) => t.labels[k] === v) && matchesSelector(parsed, t.labels);
        if (workloadsIn(ns).some(carries)) continue;
      }
      add(ns, `namespace ${ns}`, podSelector, labels);
    }
  };
  for (const policy of context.ofKind('NetworkPolicy')) {
    const policyNs = namespaceOf(policy);
    const spec = policy.json?.spec ?? {};
    if (targets?.zeroTrust.has(policyNs) && !targets.libraryPolicies?.has(`${policyNs}/${policy.json?.metadata?.name}`)) {
      targetGroups(policy, policyNs, spec.podSelector);
    }
    const rules = (list: any, dir: string, side: string) => (Array.isArray(list) ? list : []).flatMap((r: any, i: number) =>
      (Array.isArray(r?.[side]) ? r[side] : []).map((peer: any, j: number) => ({ peer, field: `spec.${dir}[${i}].${side}[${j}]` })));
    for (const { peer, field } of [...rules(spec.ingress, 'ingress', 'from'), ...rules(spec.egress, 'egress', 'to')]) {
      if (!peer || peer.ipBlock) continue;
      const hasNamespaces = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
      const nsChoices = hasNamespaces ? keyChoices(peer.namespaceSelector) : [];
      const podChoices = keyChoices(peer.podSelector ?? {});
      if (!nsChoices || !podChoices) continue;
      // Every namespace a `kubernetes.io/metadata.name in (a, b)` names, not only the first; the other namespace labels
      // take their first value there (a namespace outside the app may carry any label). Without a name, one stand-in
      // namespace per combination of the labels' values: `team in (a, b)` admits namespaces labelled team=b too.
      const name = nsChoices.find((c) => c.key === NAMESPACE_NAME_LABEL);
      const nsLabels = labelsOf(nsChoices, nsChoices.map((c) => c.values[0]));
      const nsDims = !hasNamespaces ? [] : name ? [name] : nsChoices;
      const named = nsDims.length;
      const { rows, total } = combinations([...nsDims.map((c) => c.values), ...podChoices.map((c) => c.values)]);
      if (rows.length < total) {
        const text = [...(hasNamespaces ? [`namespaces ${selectorText(peer.namespaceSelector) || '*'}`] : []),
          `pods ${selectorText(peer.podSelector) || '*'}`];
        findings.push(unverifiedFinding(policy, field, text.join('; '), rows.length, total));
      }
      for (const row of rows) {
        const podLabels = labelsOf(podChoices, row, named);
        if (!hasNamespaces) {
          add(policyNs, `namespace ${policyNs}`, peer.podSelector, podLabels);
        } else if (name) {
          const { [NAMESPACE_NAME_LABEL]: _, ...others } = nsLabels;
          const ns = row[0];
          // A namespace outside the app may carry any label: give it those the selector also asks for.
          if (Object.keys(others).length > 0 && !appNamespaces.has(ns) && !owned.has(ns)) {
            const prior = namespaces.get(ns)?.metadata.labels ?? {};
            namespaces.set(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...others, ...prior } } });
          }
          add(ns, `namespace ${ns}`, peer.podSelector, podLabels);
        } else {
          const text = namespaceLabelsText(nsDims, row);
          const ns = text ? `[namespaces ${text}]` : '[any other namespace]';
          if (!namespaces.has(ns)) namespaces.set(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labelsOf(nsDims, row) } });
          add(ns, text ? `every namespace labelled ${text}` : 'any other namespace', peer.podSelector, podLabels);
        }
      }
    }
  }
  // CiliumNetworkPolicy endpoint selectors: in the policy's namespace unless they name one.
  for (const policy of context.ofKind('CiliumNetworkPolicy')) {
    const policyNs = namespaceOf(policy);
    const list = (x: any) => (Array.isArray(x) ? x : []);
    const specs = [{ spec: policy.json?.spec, at: 'spec' }, ...list(policy.json?.specs).map((spec: any, k: number) => ({ spec, at: `specs[${k}]` }))];
    // A rule with ports and no peer admits every pod of the cluster: any pod here, and in any other namespace.
    const everyPeer = specs.some(({ spec }) => list(spec?.ingress).some((r: any) => allowsEveryPeer(r, 'ingress'))
      || list(spec?.egress).some((r: any) => allowsEveryPeer(r, 'egress')));
    if (everyPeer) {
      add(policyNs, `namespace ${policyNs}`, {}, {});
      add('[any other namespace]', 'any other namespace', {}, {});
    }
    const selectors = specs.flatMap(({ spec, at }) => [['ingress', 'fromEndpoints'], ['egress', 'toEndpoints']].flatMap(([dir, side]) =>
      list(spec?.[dir]).flatMap((r: any, i: number) =>
        list(r?.[side]).map((selector: any, j: number) => ({ selector, field: `${at}.${dir}[${i}].${side}[${j}]` })))));
    for (const { selector: raw, field } of selectors) {
      const selector = stripSource(raw);
      const expressions: any[] = selector?.matchExpressions ?? [];
      const pinned = selector?.matchLabels?.[CILIUM_NAMESPACE_KEY] !== undefined
        || expressions.some((e) => e?.key === CILIUM_NAMESPACE_KEY && e.operator === 'In');
      // NotIn, Exists, DoesNotExist on the namespace: namespaces the app may not know.
      const anyNamespace = !pinned && expressions.some((e) => e?.key === CILIUM_NAMESPACE_KEY);
      const { sets, total } = satisfyingLabelSets(selector ?? {});
      if (sets.length < total) findings.push(unverifiedFinding(policy, field, selectorText(selector), sets.length, total));
      for (const { [CILIUM_NAMESPACE_KEY]: named, ...podLabels } of sets) {
        const ns = pinned ? named : anyNamespace ? '[any other namespace]' : policyNs;
        add(ns, anyNamespace ? 'any other namespace' : `namespace ${ns}`, { matchLabels: podLabels }, podLabels);
      }
    }
  }
  return { groups: [...groups.values()], namespaces: [...namespaces.values()], findings };
}
