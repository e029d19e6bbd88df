/**
 * The report's diagrams: one per namespace (its workloads, their peers and its entry points), one
 * of the whole app while it fits, and one of a set of changed edges (a pull request's review).
 * DNS flows are left out of every diagram (the text says once per namespace who resolves names),
 * and so are workloads whose only flow is DNS: they would be nodes with one edge, to one node, that
 * every other node also has.
 */
import type { DiagramBudget, DiagramEdge, DiagramGroup, DiagramNode, DiagramResult, DiagramShape, EdgeChange } from './diagram';
import {
  compare, fitDiagram, mermaidFence, mermaidLabel,
} from './diagram';
import { selectsControllerPods } from '../util/well-known-pods';
import type { NetworkReport, ReportEndpoint, ReportEntryPoint, ReportFlow } from './model';

export { mermaidLabel };

/**
 * Options of {@link renderMermaid}.
 * @jsii ignore
 */
export interface MermaidOptions {
  /**
   * The limits each diagram must stay within; above them a table is printed instead.
   * @default - 30 nodes, 45 edges, 6,000 characters, 900 px estimated width
   */
  readonly budget?: DiagramBudget;
  /**
   * Draw this namespace's diagram instead of the whole app's.
   * @default - the whole app
   */
  readonly namespace?: string;
}

/** Whether a flow is a DNS lookup (declared as DNS). */
export function isDnsFlow(f: ReportFlow): boolean {
  return f.declared.includes('dns');
}

/** Whether a flow starts or ends at pods a controller creates (cert-manager's HTTP-01 solver). */
export function isControllerPodFlow(f: ReportFlow, endpoints: ReadonlyMap<string, ReportEndpoint>): boolean {
  return selectsControllerPods(endpoints.get(f.from)?.labels) || selectsControllerPods(endpoints.get(f.to)?.labels);
}

/** Whether a diagram draws a flow: not DNS, nor a flow of controller-made pods (the text states both). */
function drawn(f: ReportFlow, endpoints: ReadonlyMap<string, ReportEndpoint>): boolean {
  return !isDnsFlow(f) && !isControllerPodFlow(f, endpoints);
}

function shapeOf(e: ReportEndpoint | undefined): DiagramShape {
  return e?.type === 'ip-block' ? 'hexagon' : e?.type === 'external-pods' || e?.type === 'exposure' ? 'round' : 'box';
}

/**
 * The label of an endpoint that is not pods of a namespace (an IP block, a DNS name, a Cilium
 * entity, a stand-in for pods the app does not know), the same in every view; undefined for pods.
 */
export function outsideEndpointLabel(e: ReportEndpoint): string | undefined {
  switch (e.type) {
    case 'ip-block': return e.name;
    case 'fqdn': return `${e.name} (DNS name)`;
    case 'entity': return `${e.name} (entity)`;
    case 'exposure': return `${e.name} (not in the app)`;
    default: return undefined;
  }
}

/** A node label: the name, with the kind unless a Deployment, `namespace/` when outside `here`. */
function nodeLabel(e: ReportEndpoint | undefined, id: string, here: string | undefined): string {
  if (!e) return id;
  const outside = outsideEndpointLabel(e);
  if (outside !== undefined) return outside;
  // Pods outside the app named like their namespace (ingress-nginx/ingress-nginx) need it once.
  const qualified = e.type === 'external-pods' && e.name === e.namespace ? e.name : `${e.namespace}/${e.name}`;
  const base = e.namespace === here || here === undefined ? e.name : qualified;
  return e.kind && e.kind !== 'Deployment' ? `${base} (${e.kind})` : base;
}

/** A node in the subgraph of its namespace (none for IP blocks). */
function groupedNode(e: ReportEndpoint | undefined, id: string): DiagramNode {
  return { key: id, label: nodeLabel(e, id, e?.namespace), shape: shapeOf(e), ...(e?.namespace !== undefined ? { group: e.namespace } : {}) };
}

function flowLabel(f: ReportFlow): string {
  return `${f.ports.join(', ')}${f.declared.length === 0 ? ' (undeclared)' : ''}`;
}

/** The namespace label of a subgraph. */
function namespaceLabel(report: NetworkReport, name: string): string {
  const ns = report.namespaces.find((n) => n.name === name);
  return ns?.zeroTrust ? `${name} (zero-trust)` : ns?.inApp ? name : `${name} (outside the app)`;
}

/** A path match without the common prefix type: `/api (Prefix)` -> `/api`. */
function shortMatch(match: string): string {
  return match.replace(/ \((Prefix|PathPrefix)\)$/, '');
}

/** The diagram of one namespace: nodes, edges and the subgraph of the namespace itself. */
export function namespaceDiagram(report: NetworkReport, namespace: string): { nodes: DiagramNode[]; edges: DiagramEdge[]; groups: DiagramGroup[] } {
  const endpoints = new Map(report.endpoints.map((e) => [e.id, e]));
  const inNs = (id: string) => endpoints.get(id)?.namespace === namespace;
  const flows = report.flows.filter((f) => inNs(f.from) || inNs(f.to));
  return namespaceDiagramOf(report, namespace, endpoints, flows, report.entryPoints.filter((x) => x.namespace === namespace));
}

/**
 * {@link namespaceDiagram} from what the caller already grouped by namespace: the report's
 * endpoints by id, and the flows (from or to the namespace) and entry points of the namespace, in
 * report order.
 */
export function namespaceDiagramOf(
  report: NetworkReport, namespace: string, endpoints: ReadonlyMap<string, ReportEndpoint>,
  namespaceFlows: readonly ReportFlow[], namespaceEntryPoints: readonly ReportEntryPoint[],
): { nodes: DiagramNode[]; edges: DiagramEdge[]; groups: DiagramGroup[] } {
  const inNs = (id: string) => endpoints.get(id)?.namespace === namespace;
  const flows = namespaceFlows.filter((f) => drawn(f, endpoints));
  const nodes = new Map<string, DiagramNode>();
  const add = (id: string) => {
    if (nodes.has(id)) return;
    const e = endpoints.get(id);
    nodes.set(id, { key: id, label: nodeLabel(e, id, namespace), shape: shapeOf(e), ...(inNs(id) ? { group: namespace } : {}) });
  };
  const edges: DiagramEdge[] = [];
  for (const f of flows) {
    add(f.from);
    add(f.to);
    edges.push({ from: f.from, to: f.to, label: flowLabel(f) });
  }
  // Entry points: one node per host, one edge per target workload, labelled with the paths.
  const paths = new Map<string, Set<string>>();
  for (const e of namespaceEntryPoints) {
    for (const t of e.targets) {
      const key = `${e.host}\u0000${t}`;
      paths.set(key, (paths.get(key) ?? new Set()).add(shortMatch(e.match)));
    }
  }
  for (const [key, matches] of paths) {
    const [host, target] = key.split('\u0000');
    const hostKey = `host:${host}`;
    if (!nodes.has(hostKey)) nodes.set(hostKey, { key: hostKey, label: host === '*' ? 'any host' : host, shape: 'stadium' });
    add(target);
    edges.push({ from: hostKey, to: target, label: [...matches].sort(compare).join(', ') });
  }
  return { nodes: [...nodes.values()], edges, groups: [{ key: namespace, label: namespaceLabel(report, namespace) }] };
}

/**
 * The diagram of the whole app: every namespace a subgraph, every flow an edge but DNS and the
 * flows of pods that controllers create (cert-manager's HTTP-01 solver), which the text states.
 */
export function appDiagram(report: NetworkReport): { nodes: DiagramNode[]; edges: DiagramEdge[]; groups: DiagramGroup[] } {
  const endpoints = new Map(report.endpoints.map((e) => [e.id, e]));
  const nodes = new Map<string, DiagramNode>();
  const edges: DiagramEdge[] = [];
  const add = (id: string) => {
    if (nodes.has(id)) return;
    const e = endpoints.get(id);
    nodes.set(id, groupedNode(e, id));
  };
  for (const f of report.flows.filter((x) => drawn(x, endpoints))) {
    add(f.from);
    add(f.to);
    edges.push({ from: f.from, to: f.to, label: flowLabel(f) });
  }
  const groups = [...new Set([...nodes.values()].map((n) => n.group).filter((g): g is string => g !== undefined))]
    .map((g) => ({ key: g, label: namespaceLabel(report, g) }));
  return { nodes: [...nodes.values()], edges, groups };
}

/**
 * The Mermaid source (without the code fence) of the whole app's diagram, or of one namespace's,
 * whatever its size; {@link fitDiagram} tells whether it fits a budget.
 */
export function renderMermaid(report: NetworkReport, options: MermaidOptions = {}): string {
  return diagramOf(report, options).source;
}

/** The diagram and whether it fits the budget. */
export function diagramOf(report: NetworkReport, options: MermaidOptions = {}): DiagramResult {
  const spec = options.namespace === undefined ? appDiagram(report) : namespaceDiagram(report, options.namespace);
  return fitDiagram(spec, options.budget);
}

/** One edge a change opened, closed or changed, between report endpoint ids. */
export interface ChangedEdge {
  readonly from: string;
  readonly to: string;
  /** Ports, e.g. `TCP 8080`; for a changed edge, say what changed (`TCP 8080 -> TCP 8080, TCP 9090`). */
  readonly label: string;
  readonly change: EdgeChange;
}

/**
 * Options of {@link renderEdgeDiagram}.
 * @jsii ignore
 */
export interface EdgeDiagramOptions {
  /**
   * The endpoints the edges name (both reports' endpoints for a diff), for labels and namespaces.
   * @default - labels are the endpoint ids
   */
  readonly endpoints?: readonly ReportEndpoint[];
  /**
   * The limits of the diagram; above them a table is printed instead.
   * @default - 30 nodes, 45 edges, 6,000 characters, 900 px estimated width
   */
  readonly budget?: DiagramBudget;
}

/**
 * Markdown lines drawing only the given edges with their endpoints: a Mermaid diagram where opened
 * edges are thick (`==>`), closed ones dotted (`-.->`) and changed ones plain, marked `(changed)`;
 * above the budget, a table of the same edges and a one-line note. For the review of a pull request,
 * which draws the edges its change opens, closes or changes.
 */
export function renderEdgeDiagram(edges: readonly ChangedEdge[], options: EdgeDiagramOptions = {}): string[] {
  if (edges.length === 0) return ['No flow opened, closed or changed.'];
  const endpoints = new Map((options.endpoints ?? []).map((e) => [e.id, e]));
  const nodes = new Map<string, DiagramNode>();
  for (const id of edges.flatMap((e) => [e.from, e.to])) {
    const e = endpoints.get(id);
    nodes.set(id, groupedNode(e, id));
  }
  const groups = [...new Set([...nodes.values()].map((n) => n.group).filter((g): g is string => g !== undefined))].map((g) => ({ key: g, label: g }));
  const fitted = fitDiagram({ nodes: [...nodes.values()], edges, groups }, options.budget);
  if (fitted.fits) return mermaidFence(fitted.source);
  const name = (id: string) => {
    const e = endpoints.get(id);
    return e?.namespace !== undefined ? `${e.namespace}/${nodeLabel(e, id, e.namespace)}` : nodeLabel(e, id, undefined);
  };
  const rows = [...edges].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to))
    .map((e) => `| ${e.change} | ${cell(name(e.from))} | ${cell(name(e.to))} | ${cell(e.label)} |`);
  const note = `_Diagram left out: ${fitted.reason}; the changed flows are listed instead._`;
  return [note, '', '| Change | Source | Destination | Ports |', '|---|---|---|---|', ...rows];
}

/** A table cell: pipes escaped, newlines flattened. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
