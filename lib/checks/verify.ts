/**
 * Flow verification: computes what the synthesized NetworkPolicies allow, with the evaluator, and
 * compares it with the declared flow graph. Every declared flow must be allowed on every declared
 * port; every connection touching a pod of a zero-trust namespace must be declared.
 *
 * Work is per pod group (one per workload pod template, plus one per declared peer outside the
 * app), never per pod pair: reachability comes from the evaluator's label indexes, and the
 * expected side only expands the declared flows over the groups their endpoints select.
 */
import type { NetworkPolicyEvaluator } from '../evaluator';
import type { PortRange, ReachabilityEdge } from '../evaluator';
import { ciliumAllows } from '../evaluator/cilium';
import { getOrCreate } from '../evaluator/util';
import { LabelIndex } from '../evaluator/label-index';
import type { PortSet } from '../evaluator/port-set';
import { difference, isEmpty, NO_PORTS, portRange, toPortRanges, union } from '../evaluator/port-set';
import { parseSelector } from '../evaluator/selector';
import { labelsKey } from '../util/labels';
import type { DeclaredEndpoint, DeclaredFlow, FlowKind } from './declared';
import type { CheckContext } from './context';
import type { Finding, Severity } from './finding';
import { problem } from './finding';
import type { GroupInfo } from './group-info';
import type { ManifestObject, PodTemplate } from './objects';
import { compare, namespaceOf, refOf, skippedChecks } from './objects';
import { podTemplatePath } from '../evaluator/workloads';
import { exposureGroups } from './exposure';
import { checkFlowPorts } from './flow-ports';
import { peerPolicyFindings } from './peer-policies';
import { selectsControllerPods } from '../util/well-known-pods';

/** Check name of a declared flow that the policies deny. */
export const DECLARED_FLOW_DENIED = 'declared-flow-denied';
/** Check name of a connection into or out of a zero-trust namespace that no flow declares. */
export const UNDECLARED_FLOW = 'undeclared-flow';
/** Check name of a CiliumNetworkPolicy that allows in-cluster traffic the standard policies do not. */
export const CILIUM_POLICY_WIDENS = 'cilium-policy-widens';
/** Check name of a CiliumNetworkPolicy part the verification cannot read. */
export const CILIUM_POLICY_UNVERIFIED = 'cilium-policy-unverified';
/** Check name of a workload whose pods carry the labels that select another workload's pods in declared flows. */
export const SHARED_POD_LABELS = 'shared-pod-labels';
/** Check name of a pod template, in an object of a kind the verification does not read, whose labels select a workload's pods in declared flows. */
export const POD_TEMPLATE_UNVERIFIED = 'pod-template-unverified';

/** Whether an endpoint id names a peer only a CiliumNetworkPolicy can name (`fqdn:`, `entity:`). */
export function isCiliumPeerId(id: string): boolean {
  return id.startsWith('fqdn:') || id.startsWith('entity:');
}

export type { GroupInfo } from './group-info';

/**
 * What the verification computed: the groups, the allowed edges and what declares each.
 * @jsii ignore
 */
export interface NetworkView {
  /** Every group, sorted by id. */
  readonly groups: readonly GroupInfo[];
  /** Every allowed connection governed by at least one policy, sorted by source then destination. */
  readonly edges: readonly ReachabilityEdge[];
  /** The kinds of the declared flows behind an edge, by `from -> to`; absent when undeclared. */
  readonly declaredKinds: ReadonlyMap<string, readonly FlowKind[]>;
  /** The construct paths that declared the flows behind an edge, by `from -> to`; absent when undeclared. */
  readonly declaredBy?: ReadonlyMap<string, readonly string[]>;
  /** The calls that declared the flows behind an edge (`<construct path>.<call>`), by `from -> to`. */
  readonly calls?: ReadonlyMap<string, readonly string[]>;
  readonly groupById: ReadonlyMap<string, GroupInfo>;
  /** Pairs (`from -> to`) allowed by a CiliumNetworkPolicy (a DNS name or an entity at one end). */
  readonly ciliumPairs?: ReadonlySet<string>;
}

/** @internal The input of the verification (it names the model's internal flows). */
export interface VerifyInput {
  readonly context: CheckContext;
  /** The declared flows. */
  readonly flows: readonly DeclaredFlow[];
  /** The zero-trust namespaces: connections touching their pods must be declared. */
  readonly zeroTrust: ReadonlySet<string>;
  /**
   * Namespaces whose pods the app fully defines: a declared peer there that matches no workload
   * stands for nothing (elsewhere, for pods outside the app).
   * @default - the zero-trust namespaces
   */
  readonly ownedNamespaces?: ReadonlySet<string>;
  /** Names (`namespace/name`) of the policies the library rendered; others are the user's. */
  readonly libraryPolicies?: ReadonlySet<string>;
  /**
   * Endpoints outside the app to compute reachability for besides those the flows name (the
   * command line derives them from the policies' peers, having no declared flows).
   * @default - none
   */
  readonly peers?: readonly DeclaredEndpoint[];
  /**
   * Namespace manifests of representative namespaces that `peers` name (`[namespaces team=x]`, whose
   * labels another analysis's exposure stand-in gave), for the evaluator's namespaceSelectors.
   * @default - none
   */
  readonly namespaces?: readonly any[];
}

/** Key of an ordered pair of endpoint ids. */
export function pairKey(from: string, to: string): string {
  return `${from} -> ${to}`;
}

/** `cidr:<cidr>[ except a,b]`, the evaluator's id of an ipBlock. */
export function cidrId(block: { cidr: string; except?: readonly string[] }): string {
  return block.except?.length ? `cidr:${block.cidr} except ${block.except.join(',')}` : `cidr:${block.cidr}`;
}

function workloadGroups(templates: readonly PodTemplate[]): GroupInfo[] {
  const used = new Set<string>();
  return templates.map((t) => {
    const ref = refOf(t.object);
    let id = `${t.namespace}/${ref.kind}/${ref.name}`;
    for (let n = 2; used.has(id); n++) id = `${t.namespace}/${ref.kind}/${ref.name}#${n}`;
    used.add(id);
    const ports = t.ports.filter((p) => Number.isInteger(p.containerPort))
      .map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol as PortRange['protocol'] }));
    return { group: { id, namespace: t.namespace, labels: { ...t.labels }, ports }, name: ref.name, kind: ref.kind, object: t.object };
  });
}

/** Groups stand-in for pods outside the app that flows name (kube-dns, an ingress controller...). */
function peerGroups(all: readonly DeclaredEndpoint[], owned: ReadonlySet<string>, index: GroupIndex): GroupInfo[] {
  const out = new Map<string, GroupInfo>();
  const endpoints = all.filter((e) => e.namespace !== undefined);
  for (const ep of endpoints) {
    const ns = ep.namespace!;
    // The app defines every pod of an owned namespace: a selector matching none there is dangling.
    // Pods a controller creates there (cert-manager's solver) are the exception.
    if ((owned.has(ns) && !selectsControllerPods(ep.podLabels)) || index.select(ns, ep.podLabels ?? {}).length > 0) continue;
    const id = ep.podLabels ? `${ns}/Peer/${labelsKey(ep.podLabels)}` : `${ns}/Peer/*`;
    if (out.has(id)) continue;
    const ports = (ep.ports ?? []).filter((p) => typeof p.number === 'number')
      .map((p) => ({ containerPort: p.number as number, protocol: p.protocol as PortRange['protocol'] }));
    out.set(id, {
      group: { id, namespace: ns, labels: { ...(ep.podLabels ?? {}) }, ports },
      name: ep.podLabels ? ep.name : `any pod in ${ns}`,
      kind: 'Peer',
    });
  }
  return [...out.values()];
}

/** Groups by namespace and labels. */
class GroupIndex {
  private readonly byNamespace = new Map<string, LabelIndex<GroupInfo>>();

  public add(g: GroupInfo): void {
    let idx = this.byNamespace.get(g.group.namespace);
    if (!idx) this.byNamespace.set(g.group.namespace, (idx = new LabelIndex<GroupInfo>((x) => x.group.labels)));
    idx.add(g);
  }

  public select(namespace: string, labels: Readonly<Record<string, string>>): readonly GroupInfo[] {
    return this.byNamespace.get(namespace)?.select(parseSelector({ matchLabels: labels }, 'endpoint')) ?? [];
  }
}

/** The ids of an endpoint's Cilium-only peers: `fqdn:<name>` and `entity:<entity>`. */
function ciliumPeerIds(ep: DeclaredEndpoint): string[] {
  return [...(ep.fqdns ?? []).map((n) => `fqdn:${n}`), ...(ep.entities ?? []).map((e) => `entity:${e}`)];
}

/**
 * The ids an endpoint stands for: the groups it selects and its ipBlocks. Every pod of a namespace
 * includes pods a controller creates there (cert-manager's solver): the policies select them too.
 */
function endpointIds(ep: DeclaredEndpoint, index: GroupIndex): string[] {
  const ids = ep.namespace !== undefined ? index.select(ep.namespace, ep.podLabels ?? {}).map((g) => g.group.id) : [];
  return [...ids, ...(ep.ipBlocks ?? []).map(cidrId), ...ciliumPeerIds(ep)];
}

/** The ports of a flow towards one destination; named ports resolve against its container ports. */
function flowPorts(flow: DeclaredFlow, dst: GroupInfo | undefined): PortSet {
  let set = NO_PORTS;
  for (const p of flow.ports) {
    const protocol = p.protocol as PortRange['protocol'];
    if (typeof p.number === 'number') {
      set = union(set, portRange(protocol, p.number, p.endPort ?? p.number));
    } else {
      for (const c of dst?.group.ports ?? []) {
        if (c.name === p.number && (c.protocol ?? 'TCP') === protocol) set = union(set, portRange(protocol, c.containerPort));
      }
    }
  }
  return set;
}

function setOf(ranges: readonly PortRange[]): PortSet {
  return ranges.reduce((s, r) => union(s, portRange(r.protocol, r.from, r.to)), NO_PORTS);
}

/** `TCP 3000`, `UDP 53`, `TCP 8000-8080`, `TCP all` for a port set. */
export function formatPorts(ranges: readonly PortRange[]): string {
  const text = (r: PortRange) => (r.from === 1 && r.to === 65535
    ? `${r.protocol} all` : `${r.protocol} ${r.from}${r.to !== r.from ? `-${r.to}` : ''}`);
  return ranges.map(text).join(', ');
}

/** An endpoint for messages: `namespace/name`, `every pod of namespace x`, or the IP blocks. */
function endpointText(ep: DeclaredEndpoint): string {
  const parts: string[] = [];
  if (ep.namespace !== undefined) parts.push(ep.podLabels ? `${ep.namespace}/${ep.name}` : `every pod of namespace ${ep.namespace}`);
  for (const b of ep.ipBlocks ?? []) parts.push(b.except?.length ? `${b.cidr} except ${b.except.join(',')}` : b.cidr);
  parts.push(...ciliumPeerIds(ep));
  return parts.join(' + ');
}

const LIST_LIMIT = 10;

function listed(items: readonly string[]): string {
  return items.slice(0, LIST_LIMIT).join('; ') + (items.length > LIST_LIMIT ? `; and ${items.length - LIST_LIMIT} more` : '');
}

/**
 * Verifies the flows against the policies. Returns the findings (severity error; check names
 * {@link DECLARED_FLOW_DENIED} and {@link UNDECLARED_FLOW}) and the computed view, for the report.
 * @internal
 */
export function verifyFlows(input: VerifyInput): { findings: Finding[]; view: NetworkView } {
  const { context, flows, zeroTrust } = input;
  const index = new GroupIndex();
  const workloads = workloadGroups(context.templates);
  workloads.forEach((g) => index.add(g));
  const owned = input.ownedNamespaces ?? zeroTrust;
  const peers = peerGroups([...flows.flatMap((f) => [f.from, f.to]), ...input.peers ?? []], owned, index);
  peers.forEach((g) => index.add(g));
  const known = new Set([...workloads, ...peers].map((g) => `${g.group.namespace}|${labelsKey(g.group.labels)}`));
  const exposure = exposureGroups(context, owned, (ns, labels) => known.has(`${ns}|${labelsKey(labels)}`),
    { zeroTrust, libraryPolicies: input.libraryPolicies });
  exposure.groups.forEach((g) => index.add(g));
  // Representative namespaces matched by labels need those labels in the evaluator (the policies are parsed once).
  const extraNamespaces = [...input.namespaces ?? [], ...exposure.namespaces];
  const evaluator: NetworkPolicyEvaluator = extraNamespaces.length === 0 ? context.evaluator
    : context.evaluator.withNamespaces(extraNamespaces);
  const groups = [...workloads, ...peers, ...exposure.groups].sort((a, b) => compare(a.group.id, b.group.id));
  const groupById = new Map(groups.map((g) => [g.group.id, g]));

  // Expected: every declared flow expanded over the groups its endpoints select.
  const expected = new Map<string, { from: string; to: string; ports: PortSet; flows: DeclaredFlow[] }>();
  for (const flow of flows) {
    const srcs = endpointIds(flow.from, index);
    const dsts = endpointIds(flow.to, index);
    for (const s of srcs) {
      for (const d of dsts) {
        if (!groupById.has(s) && !groupById.has(d)) continue;
        const ports = flowPorts(flow, groupById.get(d));
        const key = pairKey(s, d);
        const prior = expected.get(key);
        if (prior) {
          prior.ports = union(prior.ports, ports);
          prior.flows.push(flow);
        } else {
          expected.set(key, { from: s, to: d, ports, flows: [flow] });
        }
      }
    }
  }

  const findings: Finding[] = [
    ...checkFlowPorts(flows, context, (f) => index.select(f.to.namespace!, f.to.podLabels ?? {}), zeroTrust), ...exposure.findings,
  ];
  const isolated = (id: string, direction: 'ingress' | 'egress') => {
    const g = groupById.get(id);
    return g !== undefined && evaluator.isolation(g.group)[direction];
  };
  const standardEdges = evaluator.reachability(groups.map((g) => g.group));
  const cilium = ciliumEdges(context, groups, standardEdges, findings, isolated);
  const edges = cilium.edges.length === 0 ? standardEdges
    : [...standardEdges, ...cilium.edges].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
  const actual = new Map(edges.map((e) => [pairKey(e.from, e.to), e]));
  const endpointOf = (id: string) => groupById.get(id)?.group ?? { cidr: id.replace(/^cidr:/, '').split(' except ')[0] };

  // 1. Every declared flow is allowed on every declared port.
  const denied = new Map<DeclaredFlow, string[]>();
  for (const exp of expected.values()) {
    if (isEmpty(exp.ports)) continue; // e.g. a named port the destination does not declare: nothing to verify
    const edge = actual.get(pairKey(exp.from, exp.to));
    const viaCilium = isCiliumPeerId(exp.from) || isCiliumPeerId(exp.to);
    // No policy governs the pair: nothing isolates the source's egress or the destination's ingress
    // (with a DNS name or an entity, only the pod end can be isolated).
    if (!edge && !isolated(exp.from, 'egress') && !isolated(exp.to, 'ingress')) continue;
    const missing = edge ? difference(exp.ports, setOf(edge.ports)) : exp.ports;
    if (isEmpty(missing)) continue;
    const ranges = toPortRanges(missing);
    if (viaCilium) {
      const text = `${exp.from} -> ${exp.to} on ${formatPorts(ranges)} (no CiliumNetworkPolicy allows it)`;
      for (const flow of exp.flows) denied.set(flow, [...(denied.get(flow) ?? []), text]);
      continue;
    }
    const first = ranges[0];
    const verdict = evaluator.check(endpointOf(exp.from), endpointOf(exp.to), first.from, first.protocol);
    // check() is the evaluator's reference semantics: never fail synth on a pair it allows.
    if (verdict.allowed) continue;
    const side = (name: string, v: { isolated: boolean; allowedBy: string[] }) =>
      v.isolated && v.allowedBy.length === 0 ? [`${name} is isolated and no policy allows it`] : [];
    const why = [...side(`egress at ${exp.from}`, verdict.egress), ...side(`ingress at ${exp.to}`, verdict.ingress)];
    const text = `${exp.from} -> ${exp.to} on ${formatPorts(ranges)}${why.length ? ` (${why.join('; ')})` : ''}`;
    for (const flow of exp.flows) {
      const list = denied.get(flow) ?? [];
      list.push(text);
      denied.set(flow, list);
    }
  }
  for (const [flow, pairs] of denied) {
    findings.push({
      check: DECLARED_FLOW_DENIED,
      severity: 'error',
      related: [],
      message: `${flow.declaredBy.join(', ')}: ${flow.kind} flow ${endpointText(flow.from)} -> ${endpointText(flow.to)} on ` +
        `${flow.ports.map(String).join(', ')} is invalid: the synthesized NetworkPolicies deny it: ${listed(pairs.sort(compare))}`,
      fix: 'look for what changed the rendered policies or the pods: a JSON patch on a policy, pod labels that no longer match the flow\'s ' +
        'selector, or a policy that isolates the source or destination outside the zero-trust namespaces without allowing the flow',
    });
  }

  // 1b. A declared flow to or from pods outside the app that a policy would deny if they carry labels the flow does not name.
  //    (A DNS name or an entity at one end is Cilium's to judge, not the standard policies'.)
  const unsure = [...expected.values()].filter((e) => !isEmpty(e.ports) && !e.flows.some((f) => denied.has(f))
    && !isCiliumPeerId(e.from) && !isCiliumPeerId(e.to));
  findings.push(...peerPolicyFindings(context, evaluator, unsure, groupById, endpointOf));

  // 2. Nothing touching a zero-trust pod is allowed that no flow declares.
  const idText = (id: string) => {
    const g = groupById.get(id);
    return g?.exposure ? `${id} (${g.name})` : id;
  };
  const policyObjects = new Map([...context.ofKind('CiliumNetworkPolicy'), ...context.ofKind('NetworkPolicy')]
    .map((p) => [`${p.json?.metadata?.namespace ?? 'default'}/${p.json?.metadata?.name}`, p]));
  const undeclared = new Map<string, { culprits: string[]; lines: string[] }>();
  const declaredKinds = new Map<string, FlowKind[]>();
  const declaredBy = new Map<string, string[]>();
  const calls = new Map<string, string[]>();
  for (const edge of edges) {
    const key = pairKey(edge.from, edge.to);
    const exp = expected.get(key);
    if (exp) {
      declaredKinds.set(key, [...new Set(exp.flows.map((f) => f.kind))].sort());
      declaredBy.set(key, [...new Set(exp.flows.flatMap((f) => f.declaredBy))].sort(compare));
      calls.set(key, [...new Set(exp.flows.flatMap((f) => f.calls ?? []))].sort(compare));
    }
    const touches = [edge.from, edge.to].some((id) => zeroTrust.has(groupById.get(id)?.group.namespace ?? ''));
    if (!touches) continue;
    const extra = exp ? difference(setOf(edge.ports), exp.ports) : setOf(edge.ports);
    if (isEmpty(extra)) continue;
    const ranges = toPortRanges(extra);
    const culprits = edge.allowedBy.filter((p) => !input.libraryPolicies?.has(p));
    const blamed = culprits.length ? culprits : edge.allowedBy;
    const group = blamed.join(', ');
    const entry = undeclared.get(group) ?? { culprits: blamed, lines: [] };
    entry.lines.push(`${idText(edge.from)} -> ${idText(edge.to)} on ${formatPorts(ranges)}`);
    undeclared.set(group, entry);
  }
  for (const { culprits, lines } of undeclared.values()) {
    const objects = culprits.map((c) => policyObjects.get(c)).filter((o): o is ManifestObject => o !== undefined);
    // The finding's object carries the skip annotation that accepts it: a policy accepted on purpose must not accept
    // what another one, not accepted, opens too. Name one that is not accepted first.
    const accepted = (o: ManifestObject) => Number(skippedChecks(o).includes(UNDECLARED_FLOW));
    objects.sort((a, b) => accepted(a) - accepted(b));
    const [object, ...related] = objects.map(refOf);
    const kinds = [...new Set(objects.map((o) => String(o.json?.kind)))];
    const kind = kinds.length === 1 ? kinds[0] : 'NetworkPolicy';
    findings.push({
      check: UNDECLARED_FLOW,
      severity: 'error' as Severity,
      ...(object ? { object } : {}),
      related,
      message: `${object?.path ?? culprits.join(', ')}: ${kind} ${culprits.join(', ')} is invalid: it allows connections touching a ` +
        `zero-trust namespace that no flow declares: ${listed(lines.sort(compare))}`,
      fix: 'declare the flow (app.allowFrom(peer), app.allowTo(peer), allowIngressFrom/allowEgressTo) instead of writing the policy, or narrow the ' +
        'policy to the declared flows',
    });
  }

  findings.push(...sharedPodLabels(flows, zeroTrust, index));
  findings.push(...unreadPodTemplates(context, flows, zeroTrust));

  // 4. A zero-trust pod no policy isolates (its default-deny patched or replaced) admits every pod and address: the
  //    reachability lists only pairs a policy governs, so these connections are nowhere above.
  for (const g of workloads) {
    if (!zeroTrust.has(g.group.namespace) || !g.object) continue;
    const isolation = evaluator.isolation(g.group);
    const open = [...(isolation.ingress ? [] : ['ingress']), ...(isolation.egress ? [] : ['egress'])];
    if (open.length === 0) continue;
    const reach = open.map((d) => (d === 'ingress' ? 'every pod and address reaches them' : 'they reach every pod and address'));
    findings.push({
      ...problem(refOf(g.object), 'pods', g.name, `no NetworkPolicy isolates them for ${open.join(' or ')} in zero-trust namespace `
        + `"${g.group.namespace}", so ${reach.join(' and ')}, which no flow declares`,
      'restore the namespace\'s default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress): a JSON patch or an override '
        + 'changed it'),
      check: UNDECLARED_FLOW,
      severity: 'error',
    });
  }

  return { findings, view: { groups, edges, declaredKinds, declaredBy, calls, groupById, ciliumPairs: cilium.pairs } };
}

/**
 * Workloads in a zero-trust namespace whose pods carry the labels that select one other workload's
 * pods in declared flows (a WebApp's `app: <name>`): the policies rendered for those flows select
 * them too, and so does the other workload's Service, so they take traffic no flow declares for them.
 */
function sharedPodLabels(flows: readonly DeclaredFlow[], zeroTrust: ReadonlySet<string>, index: GroupIndex): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const owners = new Set<string>();
  for (const ep of flows.flatMap((f) => [f.from, f.to])) {
    const owner = ep.workload;
    if (!owner || !ep.podLabels || ep.namespace === undefined || !zeroTrust.has(ep.namespace)) continue;
    // A WebApp is an end of each of its flows: look at its labels once.
    const ownerKey = `${ep.namespace}/${owner.kind}/${owner.name}`;
    if (owners.has(ownerKey)) continue;
    owners.add(ownerKey);
    const selected = index.select(ep.namespace, ep.podLabels).filter((g) => g.object !== undefined);
    const own = selected.find((g) => g.kind === owner.kind && g.name === owner.name);
    for (const g of selected) {
      if (g === own || seen.has(g.group.id)) continue;
      seen.add(g.group.id);
      findings.push({
        ...problem(refOf(g.object!), 'pod labels', ep.podLabels, `they select the pods of ${owner.kind} ${ep.namespace}/${owner.name} in `
          + `declared flows, so the NetworkPolicies rendered for its flows and its Service select ${g.name}'s pods too: they take traffic `
          + `that no flow declares for ${g.name}`,
        `give ${g.name}'s pods labels of their own (in its pod template and selector) and declare its flows; if it shares ${owner.name}'s `
          + 'traffic on purpose (a canary), accept it with the skip annotation', own?.object ? [refOf(own.object)] : []),
        check: SHARED_POD_LABELS,
        severity: 'error',
      });
    }
  }
  return findings;
}

/** Kinds whose APIs hold no pod template, most of an app's objects: not walked (a Knative `Service`, serving.knative.dev's, is). */
const NO_POD_TEMPLATE: ReadonlySet<string> = new Set(['v1/Service', 'v1/ConfigMap', 'v1/Secret', 'v1/ServiceAccount', 'v1/Namespace',
  'networking.k8s.io/v1/NetworkPolicy', 'networking.k8s.io/v1/Ingress', 'cilium.io/v2/CiliumNetworkPolicy',
  'gateway.networking.k8s.io/v1/HTTPRoute', 'gateway.networking.k8s.io/v1/Gateway']);

/**
 * Pod templates in objects of kinds the verification does not read as workloads (a KEDA ScaledJob's
 * `spec.jobTargetRef.template`, a Knative Service's `spec.template`, an operator's own workload), in a
 * zero-trust namespace, whose labels select a workload's pods in declared flows: if the object makes
 * pods from the template, they carry those labels, so the policies rendered for that workload's flows
 * and its Service select them too. `shared-pod-labels` for the kinds the library does not know; a
 * warning, since whether and how such an object makes pods is the kind's own business.
 */
function unreadPodTemplates(context: CheckContext, flows: readonly DeclaredFlow[], zeroTrust: ReadonlySet<string>): Finding[] {
  const owners = new Map<string, { namespace: string; labels: Readonly<Record<string, string>>; kind: string; name: string }>();
  for (const ep of flows.flatMap((f) => [f.from, f.to])) {
    if (!ep.workload || !ep.podLabels || ep.namespace === undefined || !zeroTrust.has(ep.namespace)) continue;
    owners.set(`${ep.namespace}/${ep.workload.kind}/${ep.workload.name}`,
      { namespace: ep.namespace, labels: ep.podLabels, kind: ep.workload.kind, name: ep.workload.name });
  }
  if (owners.size === 0) return [];
  const findings: Finding[] = [];
  for (const obj of context.objects) {
    const kind = obj.json?.kind;
    // The kinds the evaluator reads as workloads are shared-pod-labels'. It knows them by API group and kind, so a kind of
    // another group with such a name (Volcano's Job, batch.volcano.sh) is walked here. A PodTemplate, which makes no pods,
    // has its template beside spec.
    if (NO_POD_TEMPLATE.has(`${obj.json?.apiVersion}/${kind}`)) continue;
    if (podTemplatePath(obj.json) !== undefined || !zeroTrust.has(namespaceOf(obj))) continue;
    for (const template of podTemplatesIn(obj.json?.spec, 'spec', 0)) {
      for (const owner of owners.values()) {
        if (owner.namespace !== namespaceOf(obj)) continue;
        if (!Object.entries(owner.labels).every(([k, v]) => template.labels[k] === v)) continue;
        findings.push({
          ...problem(refOf(obj), `${template.path}.metadata.labels`, owner.labels,
            `a ${String(kind)} is not a workload kind the verification reads, but this pod template's labels select the pods of `
              + `${owner.kind} ${owner.namespace}/${owner.name} in declared flows: pods made from it carry them, so the NetworkPolicies `
              + `rendered for ${owner.name}'s flows and its Service select those pods too, and they take traffic that no flow declares for them`,
            `give the template labels of its own, which select no other workload's pods (WebApps select app: <name>); if the ${String(kind)} `
              + `makes no pods from it, or they share ${owner.name}'s traffic on purpose, accept it with the skip annotation`),
          check: POD_TEMPLATE_UNVERIFIED,
          severity: 'warning',
        });
      }
    }
  }
  return findings;
}

/** The pod templates (`{ metadata, spec: { containers: [...] } }`) below `node`, with their paths, at most 8 levels down. */
function podTemplatesIn(node: unknown, path: string, depth: number): { path: string; labels: Record<string, unknown> }[] {
  if (depth > 8 || node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((item, i) => podTemplatesIn(item, `${path}[${i}]`, depth + 1));
  const record = node as { spec?: { containers?: unknown }; metadata?: { labels?: unknown }; [key: string]: unknown };
  if (Array.isArray(record.spec?.containers)) {
    const labels = record.metadata?.labels;
    return [{ path, labels: labels !== null && typeof labels === 'object' ? labels as Record<string, unknown> : {} }];
  }
  return Object.keys(record).sort().flatMap((key) => podTemplatesIn(record[key], `${path}.${key}`, depth + 1));
}

/**
 * The connections CiliumNetworkPolicies allow to and from DNS names and entities, as edges of their
 * own; and findings for in-cluster allows the standard policies do not also make (a Cilium policy
 * must never widen what they allow between pods) and for parts that cannot be read.
 */
function ciliumEdges(
  context: CheckContext, groups: readonly GroupInfo[], standard: readonly ReachabilityEdge[], findings: Finding[],
  isolated: (id: string, direction: 'ingress' | 'egress') => boolean,
): { edges: ReachabilityEdge[]; pairs: Set<string> } {
  const policies = context.ofKind('CiliumNetworkPolicy');
  if (policies.length === 0) return { edges: [], pairs: new Set() };
  const byName = new Map(policies.map((p) => [`${p.json?.metadata?.namespace ?? 'default'}/${p.json?.metadata?.name}`, p]));
  /** A finding on one CiliumNetworkPolicy: `<path>: CiliumNetworkPolicy <ns/name> <what>`. */
  const policyFinding = (check: string, severity: Severity, policy: string, what: string, fix: string): Finding => {
    const obj = byName.get(policy);
    const message = `${obj?.path ?? policy}: CiliumNetworkPolicy ${policy} ${what}`;
    return { check, severity, ...(obj ? { object: refOf(obj) } : {}), related: [], message, fix };
  };
  const read = ciliumAllows(policies.map((p) => p.json), groups.map((g) => g.group));
  const standardByPair = new Map(standard.map((e) => [pairKey(e.from, e.to), e]));
  const merged = new Map<string, { from: string; to: string; ports: PortSet; allowedBy: Set<string> }>();
  // policy -> the rule that names ports and no peer ('' for the others) -> the connections it adds.
  const widening = new Map<string, Map<string, string[]>>();
  for (const a of read.allows) {
    const [from, to] = a.direction === 'egress' ? [a.group, a.peer] : [a.peer, a.group];
    const key = pairKey(from, to);
    if (a.peerIsPod) {
      const extra = difference(setOf(a.ports), setOf(standardByPair.get(key)?.ports ?? []));
      if (!isEmpty(extra)) {
        getOrCreate(getOrCreate(widening, a.policy, () => new Map<string, string[]>()), a.everyPeerRule ?? '', () => [])
          .push(`${from} -> ${to} on ${formatPorts(toPortRanges(extra))}`);
      }
      continue;
    }
    const prior = merged.get(key) ?? { from, to, ports: NO_PORTS, allowedBy: new Set<string>() };
    prior.ports = union(prior.ports, setOf(a.ports));
    prior.allowedBy.add(a.policy);
    merged.set(key, prior);
  }
  for (const [policy, byRule] of widening) {
    const rules = [...byRule.keys()].filter((r) => r !== '').sort(compare);
    // A rule with ports and no peer first, named: its lines alone do not say why every pod is in them.
    const parts = [...rules.map((r) => `${r} names ports and no peer, so Cilium allows every pod of the cluster and every address on them: `
      + listed(byRule.get(r)!.sort(compare))), ...(byRule.has('') ? [listed(byRule.get('')!.sort(compare))] : [])];
    findings.push(policyFinding(CILIUM_POLICY_WIDENS, 'error', policy, 'is invalid: it allows in-cluster connections the standard '
      + `NetworkPolicies do not: ${parts.join('; ')}`,
    (rules.length ? `give ${rules.join(' and ')} ${rules.length > 1 ? 'each ' : ''}a peer (toEndpoints, toEntities, toFQDNs), `
      + `or remove ${rules.length > 1 ? 'them' : 'it'}; for the rest, ` : '')
      + 'declare the flow so that the standard NetworkPolicies allow it, or narrow the CiliumNetworkPolicy to DNS names and entities'));
  }
  for (const u of read.unsupported) {
    findings.push(policyFinding(CILIUM_POLICY_UNVERIFIED, 'warning', u.policy, `field ${u.field} is not verified: the flow verification reads `
      + 'endpointSelector, toEndpoints/fromEndpoints, toEntities/fromEntities, toFQDNs and toPorts only, so what this part allows is not in the '
      + 'proof or the report',
    'express the rule with the library\'s peers (Peer.fqdn, Peer.kubeApiServer, Peer.nodes, Peer.cidr), or accept it with the skip annotation'));
  }
  // A Cilium default deny the NetworkPolicies do not also make: the verification, which judges pod-to-pod flows by
  // the NetworkPolicies, takes these pods as open in that direction, so flows the CiliumNetworkPolicy drops look allowed.
  const newlyIsolated = new Map<string, { policy: string; field: string; direction: string; groups: string[] }>();
  for (const i of read.isolates.filter((x) => !isolated(x.group, x.direction))) {
    getOrCreate(newlyIsolated, `${i.policy} ${i.field}`, () => ({ policy: i.policy, field: i.field, direction: i.direction, groups: [] }))
      .groups.push(i.group);
  }
  for (const i of newlyIsolated.values()) {
    findings.push(policyFinding(CILIUM_POLICY_UNVERIFIED, 'warning', i.policy, `field ${i.field} is not verified: it puts `
      + `${listed(i.groups.sort(compare))} into default deny for ${i.direction}, which no NetworkPolicy does, and the flow verification `
      + `judges connections between pods by the NetworkPolicies: the flows ${i.direction === 'ingress' ? 'to' : 'from'} these pods that it `
      + 'drops are reported as allowed',
    'isolate the pods with a NetworkPolicy too (a ZeroTrustNamespace does) and declare their flows, or accept it with the skip annotation'));
  }
  const edges = [...merged.values()]
    .map((m) => ({ from: m.from, to: m.to, ports: toPortRanges(m.ports), allowedBy: [...m.allowedBy].sort(compare) }));
  return { edges, pairs: new Set(merged.keys()) };
}
