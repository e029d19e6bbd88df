/**
 * A Mermaid `flowchart LR` of the allowed flows: namespaces as subgraphs, workloads as nodes,
 * IP blocks outside. Ids are generated (`ns1`, `n1`), never taken from names, and labels are
 * quoted, so any name renders on GitHub and GitLab. DNS flows from every workload of a namespace
 * to one destination are drawn once, from the namespace. Above `maxEdges` edges the chart shows
 * namespaces only, with flow counts.
 */
import { compare } from '../checks/objects';
import type { NetworkReport, ReportEndpoint, ReportFlow } from './model';

/** A quoted Mermaid label; `"` becomes the entity `#quot;`. */
export function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/**
 * Options of {@link renderMermaid}.
 * @jsii ignore
 */
export interface MermaidOptions {
  /**
   * Above this many edges, draw namespaces only.
   * @default 150
   */
  readonly maxEdges?: number;
}

/** The Mermaid source (without the code fence). */
export function renderMermaid(report: NetworkReport, options: MermaidOptions = {}): string {
  const maxEdges = options.maxEdges ?? 150;
  const endpoints = new Map(report.endpoints.map((e) => [e.id, e]));
  const nsIds = new Map(report.namespaces.map((n, i) => [n.name, `ns${i + 1}`]));
  const nsLabel = (name: string) => {
    const ns = report.namespaces.find((n) => n.name === name);
    return ns?.zeroTrust ? `${name} (zero-trust)` : ns?.inApp ? name : `${name} (outside the app)`;
  };
  const edges = collapseNamespaceFlows(report, endpoints);
  if (edges.length > maxEdges) return namespaceChart(report, endpoints, nsIds, nsLabel);

  const used = new Set<string>();
  for (const e of edges) for (const id of [e.from, e.to]) if (!id.startsWith('ns:')) used.add(id);
  for (const e of report.endpoints) if (e.type === 'workload') used.add(e.id);
  const nodes = [...used].sort(compare);
  const nodeIds = new Map(nodes.map((id, i) => [id, `n${i + 1}`]));
  const lines = ['flowchart LR'];
  for (const ns of report.namespaces) {
    const members = nodes.filter((id) => endpoints.get(id)?.namespace === ns.name);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${nsIds.get(ns.name)}[${mermaidLabel(nsLabel(ns.name))}]`);
    for (const id of members) lines.push(`    ${nodeIds.get(id)}[${mermaidLabel(nodeLabel(endpoints.get(id)!))}]`);
    lines.push('  end');
  }
  for (const id of nodes.filter((n) => endpoints.get(n)?.namespace === undefined)) {
    lines.push(`  ${nodeIds.get(id)}[${mermaidLabel(nodeLabel(endpoints.get(id)!))}]`);
  }
  const ref = (id: string) => (id.startsWith('ns:') ? nsIds.get(id.slice(3))! : nodeIds.get(id)!);
  for (const e of edges) lines.push(`  ${ref(e.from)} -->|${mermaidLabel(e.label)}| ${ref(e.to)}`);
  return lines.join('\n');
}

function nodeLabel(e: ReportEndpoint): string {
  if (e.type === 'ip-block') return e.name;
  return e.kind && e.kind !== 'Deployment' ? `${e.name} (${e.kind})` : e.name;
}

interface DrawnEdge {
  /** An endpoint id, or `ns:<namespace>` for a whole namespace. */
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/**
 * Flows whose sources are every workload of a namespace, to the same destination on the same ports
 * and declared only as DNS (or all declared the same way), drawn as one edge from the namespace.
 */
function collapseNamespaceFlows(report: NetworkReport, endpoints: Map<string, ReportEndpoint>): DrawnEdge[] {
  const workloadsOf = new Map(report.namespaces.map((n) => [n.name, new Set(n.workloads)]));
  const bucket = new Map<string, ReportFlow[]>();
  for (const f of report.flows) {
    const ns = endpoints.get(f.from)?.namespace;
    const key = `${ns ?? ''}\u0000${f.to}\u0000${f.ports.join(',')}\u0000${f.declared.join(',')}`;
    const list = bucket.get(key) ?? [];
    list.push(f);
    bucket.set(key, list);
  }
  const out: DrawnEdge[] = [];
  for (const list of bucket.values()) {
    const first = list[0];
    const ns = endpoints.get(first.from)?.namespace;
    const all = ns !== undefined ? workloadsOf.get(ns) : undefined;
    const label = flowLabel(first);
    // Pods outside the app in the namespace (cert-manager's solver) keep their own edge.
    const fromWorkloads = list.filter((f) => all?.has(f.from));
    const everyWorkload = all !== undefined && all.size > 1 && fromWorkloads.length === all.size;
    const leavesNamespace = endpoints.get(first.to)?.namespace !== ns;
    if (everyWorkload && leavesNamespace) {
      out.push({ from: `ns:${ns}`, to: first.to, label });
      for (const f of list) if (!all.has(f.from)) out.push({ from: f.from, to: f.to, label });
    } else {
      for (const f of list) out.push({ from: f.from, to: f.to, label });
    }
  }
  return out.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.label, b.label));
}

function flowLabel(f: ReportFlow): string {
  const kind = f.declared.includes('dns') ? ' (DNS)' : f.declared.length === 0 ? ' (undeclared)' : '';
  return `${f.ports.join(', ')}${kind}`;
}

function namespaceChart(
  report: NetworkReport, endpoints: Map<string, ReportEndpoint>, nsIds: Map<string, string>, nsLabel: (n: string) => string,
): string {
  const counts = new Map<string, number>();
  const outside = new Set<string>();
  const side = (id: string) => {
    const ns = endpoints.get(id)?.namespace;
    if (ns !== undefined) return nsIds.get(ns)!;
    outside.add(id);
    return id;
  };
  for (const f of report.flows) {
    const key = `${side(f.from)}\u0000${side(f.to)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const outsideIds = new Map([...outside].sort(compare).map((id, i) => [id, `x${i + 1}`]));
  const lines = ['flowchart LR'];
  for (const ns of report.namespaces) {
    lines.push(`  ${nsIds.get(ns.name)}[${mermaidLabel(`${nsLabel(ns.name)}: ${ns.workloads.length} workloads`)}]`);
  }
  for (const [id, node] of outsideIds) lines.push(`  ${node}[${mermaidLabel(id.replace(/^cidr:/, ''))}]`);
  const ref = (x: string) => outsideIds.get(x) ?? x;
  for (const key of [...counts.keys()].sort(compare)) {
    const [from, to] = key.split('\u0000');
    const n = counts.get(key)!;
    lines.push(`  ${ref(from)} -->|${mermaidLabel(`${n} flow${n === 1 ? '' : 's'}`)}| ${ref(to)}`);
  }
  return lines.join('\n');
}
