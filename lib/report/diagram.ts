/**
 * Mermaid flowcharts of nodes and edges that stay legible where people read them: a Markdown column
 * about 900 px wide (GitHub, GitLab), drawn top to bottom.
 *
 * - Ids are derived from names (`n_production_Deployment_api`), so adding a node or an edge adds
 *   lines about it and changes no other line: the diagram's diff in a pull request is the change.
 * - Lines are sorted by id, never by position in a list.
 * - Every diagram is held to a {@link DiagramBudget}. Above it the caller prints a table instead:
 *   a reader never meets Mermaid's "Maximum text size" or "Too many edges" error box, nor a chart
 *   shrunk until its text is unreadable.
 *
 * The budgets were chosen by rendering diagrams in headless Chromium with Mermaid 11 (what GitHub
 * renders Markdown with) in a 900 px column, see test/browser/mermaid-render.test.ts:
 * - width: a row of k nodes (or of k edge labels between two rows) is drawn about
 *   `sum(label width) + 50 * (k - 1)` px wide; 5 labels of 15 characters already take 911 px.
 *   The width is estimated from the ranks Mermaid's layout gives the nodes (see {@link estimateWidth}),
 *   and the browser tests check the estimate against the drawn width.
 * - height: each rank of a top-to-bottom chain takes about 128 px; 30 nodes draw about 4,000 px,
 *   the most a reviewer scrolls through without losing track, hence 30 nodes and 45 edges.
 * - characters: Mermaid refuses sources over 50,000 characters; 30 nodes and 45 edges with long
 *   names stay under 6,000.
 */
import { pushTo } from '../evaluator/util';

/** Limits a diagram must stay within to be drawn. */
export interface DiagramBudget {
  /**
   * Most nodes.
   * @default 30
   */
  readonly maxNodes?: number;
  /**
   * Most edges.
   * @default 45
   */
  readonly maxEdges?: number;
  /**
   * Most characters of Mermaid source.
   * @default 6000
   */
  readonly maxChars?: number;
  /**
   * Widest estimated drawing, in CSS pixels (the Markdown column).
   * @default 900
   */
  readonly maxWidth?: number;
}

/** The default budget: legible in a 900 px Markdown column. */
export const DEFAULT_DIAGRAM_BUDGET: Required<DiagramBudget> = { maxNodes: 30, maxEdges: 45, maxChars: 6000, maxWidth: 900 };

/** How a node is drawn. */
export type DiagramShape = 'box' | 'round' | 'stadium' | 'hexagon';

/** A node of a diagram. */
export interface DiagramNode {
  /** A stable key (an endpoint id, a host); the Mermaid id is derived from it. */
  readonly key: string;
  readonly label: string;
  /** The key of the group (subgraph) the node is drawn in. */
  readonly group?: string;
  readonly shape?: DiagramShape;
}

/** A group of nodes, drawn as a subgraph. */
export interface DiagramGroup {
  readonly key: string;
  readonly label: string;
}

/** What a pull request does to an edge: drawn thick when opened, dotted when closed. */
export type EdgeChange = 'opened' | 'closed' | 'changed';

/** An edge of a diagram, between node keys. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly change?: EdgeChange;
}

/**
 * A diagram to draw.
 * @jsii ignore
 */
export interface DiagramSpec {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  readonly groups?: readonly DiagramGroup[];
}

/** A diagram that fits its budget, or why it does not. */
export type DiagramResult =
  | { readonly fits: true; readonly source: string; readonly estimatedWidth: number }
  | { readonly fits: false; readonly reason: string; readonly source: string; readonly estimatedWidth: number };

/** A quoted Mermaid label; `"` becomes the entity `#quot;`. */
export function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** A Mermaid id derived from a key: its letters and digits, runs of anything else as `_`. */
export function mermaidId(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

/** FNV-1a, 6 hex digits: a stable suffix for keys whose ids would collide. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

/** Ids for keys; keys whose ids would collide get a hash of the key appended (stable, content-derived). */
function idsFor(prefix: string, keys: Iterable<string>): Map<string, string> {
  const byId = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    const id = mermaidId(prefix, key);
    byId.set(id, [...(byId.get(id) ?? []), key]);
  }
  const out = new Map<string, string>();
  for (const [id, list] of byId) for (const key of list) out.set(key, list.length === 1 ? id : `${id}_${shortHash(key)}`);
  return out;
}

/** Code-unit order, the same on every machine (no locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SHAPES: Record<DiagramShape, [string, string]> = { box: ['[', ']'], round: ['(', ')'], stadium: ['([', '])'], hexagon: ['{{', '}}'] };
const ARROWS: Record<EdgeChange | 'none', string> = { none: '-->', changed: '-->', opened: '==>', closed: '-.->' };

/** The Mermaid source of a diagram, `flowchart TB`, every line sorted by id. */
export function mermaidSource(spec: DiagramSpec): string {
  const nodeIds = idsFor('n', spec.nodes.map((n) => n.key));
  const groupIds = idsFor('g', (spec.groups ?? []).map((g) => g.key));
  const line = (n: DiagramNode, indent: string) => {
    const [open, close] = SHAPES[n.shape ?? 'box'];
    return `${indent}${nodeIds.get(n.key)}${open}${mermaidLabel(n.label)}${close}`;
  };
  const byId = (a: DiagramNode, b: DiagramNode) => compare(nodeIds.get(a.key)!, nodeIds.get(b.key)!);
  const lines = ['flowchart TB'];
  const groups = [...(spec.groups ?? [])].sort((a, b) => compare(groupIds.get(a.key)!, groupIds.get(b.key)!));
  const byGroup = new Map<string, DiagramNode[]>();
  for (const n of spec.nodes) if (n.group !== undefined) pushTo(byGroup, n.group, n);
  for (const g of groups) {
    const members = [...(byGroup.get(g.key) ?? [])].sort(byId);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${groupIds.get(g.key)}[${mermaidLabel(g.label)}]`);
    for (const n of members) lines.push(line(n, '    '));
    lines.push('  end');
  }
  for (const n of spec.nodes.filter((x) => x.group === undefined || !groupIds.has(x.group)).sort(byId)) lines.push(line(n, '  '));
  const edges = spec.edges.map((e) => {
    const label = e.change === 'changed' ? `${e.label} (changed)` : e.label;
    return `  ${nodeIds.get(e.from)} ${ARROWS[e.change ?? 'none']}|${mermaidLabel(label)}| ${nodeIds.get(e.to)}`;
  });
  lines.push(...edges.sort(compare));
  return lines.join('\n');
}

/** Width in px of a label at Mermaid's default 16 px font (measured: about 8.5 px a character). */
function textWidth(text: string): number {
  return text.length * 8.5;
}

/**
 * The width Mermaid's layered layout is expected to draw, in px: nodes are ranked along their edges
 * (longest path, cycles broken), and the widest rank, or the widest band of edge labels between two
 * ranks, sets the width. Conservative: every edge crossing a band counts with its whole label.
 */
export function estimateWidth(spec: DiagramSpec): number {
  const keys = spec.nodes.map((n) => n.key);
  const rank = ranks(keys, spec.edges);
  const nodeWidth = (n: DiagramNode) => textWidth(n.label) + 32;
  const GAP = 50;
  const rows = new Map<number, number[]>();
  const groupsInRow = new Map<number, Set<string>>();
  for (const n of spec.nodes) {
    const r = rank.get(n.key)!;
    pushTo(rows, r, nodeWidth(n));
    groupsInRow.set(r, (groupsInRow.get(r) ?? new Set()).add(n.group ?? ''));
  }
  // Each subgraph a row crosses adds its border and padding on both sides (measured: about 40 px).
  for (const [r, groups] of groupsInRow) rows.get(r)!.push(...[...groups].filter((g) => g !== '').map(() => 40 - GAP));
  const bands = new Map<number, number[]>();
  for (const e of spec.edges) {
    const [a, b] = [rank.get(e.from)!, rank.get(e.to)!].sort((x, y) => x - y);
    const label = textWidth(e.change === 'changed' ? `${e.label} (changed)` : e.label) + 8;
    for (let r = a; r < Math.max(a + 1, b); r++) pushTo(bands, r, label);
    // A long edge also passes through the ranks between its ends.
    for (let r = a + 1; r < b; r++) pushTo(rows, r, 10);
  }
  const rowWidth = (widths: number[]) => widths.reduce((s, w) => s + w, 0) + GAP * (widths.length - 1);
  const widest = Math.max(0, ...[...rows.values(), ...bands.values()].map(rowWidth));
  // Subgraphs are laid out as blocks that ranks cannot interleave; measured: each subgraph past the
  // first widens the drawing by up to about 70 px over the rank estimate.
  const groups = new Set(spec.nodes.map((n) => n.group).filter((g) => g !== undefined)).size;
  return Math.round(widest + 16 + 70 * Math.max(0, groups - 1));
}

/** Longest-path ranks from the sources, after dropping the edges that close a cycle (depth-first). */
function ranks(keys: readonly string[], edges: readonly DiagramEdge[]): Map<string, number> {
  const out = new Map<string, string[]>();
  for (const k of keys) out.set(k, []);
  for (const e of edges) if (e.from !== e.to) out.get(e.from)?.push(e.to);
  const state = new Map<string, 1 | 2>();
  const order: string[] = [];
  const forward = new Map<string, string[]>(keys.map((k) => [k, []]));
  const visit = (start: string) => {
    const stack: [string, number][] = [[start, 0]];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top[0])![top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        order.push(top[0]);
        stack.pop();
      } else if (!state.has(next)) {
        forward.get(top[0])!.push(next);
        state.set(next, 1);
        stack.push([next, 0]);
      } else if (state.get(next) === 2) {
        forward.get(top[0])!.push(next);
      }
    }
  };
  for (const k of keys) if (!state.has(k)) visit(k);
  const rank = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const k of order.reverse()) for (const next of forward.get(k)!) rank.set(next, Math.max(rank.get(next)!, rank.get(k)! + 1));
  return rank;
}

/**
 * The diagram, and whether it fits the budget (and if not, which limit it exceeds). A diagram with
 * more nodes or edges than the budget allows is judged on those counts alone: its `reason` names
 * them, and its `source` and `estimatedWidth` are computed only if read (a report that prints a
 * note instead of the diagram never draws it; at a few thousand workloads that is most of the
 * report's Mermaid work).
 */
export function fitDiagram(spec: DiagramSpec, budget: DiagramBudget = {}): DiagramResult {
  const b = { ...DEFAULT_DIAGRAM_BUDGET, ...budget };
  const counts = [
    spec.nodes.length > b.maxNodes ? `${spec.nodes.length} nodes (budget ${b.maxNodes})` : undefined,
    spec.edges.length > b.maxEdges ? `${spec.edges.length} edges (budget ${b.maxEdges})` : undefined,
  ].filter((x): x is string => x !== undefined);
  if (counts.length) return lazyOverBudget(spec, counts.join(', '));
  const source = mermaidSource(spec);
  const estimatedWidth = estimateWidth(spec);
  const over = [
    source.length > b.maxChars ? `${source.length} characters (budget ${b.maxChars})` : undefined,
    estimatedWidth > b.maxWidth ? `about ${estimatedWidth} px wide (budget ${b.maxWidth} px)` : undefined,
  ].filter((x): x is string => x !== undefined);
  if (over.length) return { fits: false, reason: over.join(', '), source, estimatedWidth };
  return { fits: true, source, estimatedWidth };
}

/** A result over budget whose source and width are drawn on first read, once. */
function lazyOverBudget(spec: DiagramSpec, reason: string): DiagramResult {
  let source: string | undefined;
  let width: number | undefined;
  return {
    fits: false,
    reason,
    get source() { return (source ??= mermaidSource(spec)); },
    get estimatedWidth() { return (width ??= estimateWidth(spec)); },
  };
}

/** A Markdown code fence holding a Mermaid source. */
export function mermaidFence(source: string): string[] {
  return ['```mermaid', source, '```'];
}
