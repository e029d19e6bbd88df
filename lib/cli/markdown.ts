/**
 * The diff as Markdown for a pull request comment: the summary line first, then one table per
 * kind of change, then a Mermaid chart of the changed edges only.
 */
import { compare } from '../checks/objects';
import type { NetworkReport, ReportEndpoint, ReportEntryPoint } from '../report/model';
import { mermaidLabel } from '../report/mermaid';
import type { FlowChange, ReportDiff } from './diff';
import { tlsState } from './diff';
import type { GuardrailViolation } from '../checks/guardrails';

/** Options of {@link renderDiffMarkdown}. */
export interface DiffMarkdownOptions {
  /** The heading. @default 'Network changes' */
  readonly title?: string;
  /** Guardrail violations in the new output. */
  readonly violations?: readonly GuardrailViolation[];
  /** What the diff could not compute (a side read from a report alone), one line each, under the summary. */
  readonly notes?: readonly string[];
}

/** A table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** Renders the diff; `before` and `after` give endpoint names and namespaces. */
export function renderDiffMarkdown(diff: ReportDiff, before: NetworkReport, after: NetworkReport, options: DiffMarkdownOptions = {}): string {
  const endpoints = new Map<string, ReportEndpoint>([...before.endpoints, ...after.endpoints].map((e) => [e.id, e]));
  const name = (id: string) => endpointName(endpoints.get(id), id);
  const violations = options.violations ?? [];
  const broken = violations.length ? ` **${violations.length} guardrail violation${violations.length === 1 ? '' : 's'}.**` : '';
  const out: string[] = [`**${diff.summary}**${broken}`, ''];
  for (const note of options.notes ?? []) out.push(`> Note: ${note}`, '');
  out.push(`### ${options.title ?? 'Network changes'}`, '');
  const declaredBy = (f: FlowChange) => (f.calls.length ? f.calls.map((c) => `\`${c}\``).join(', ')
    : f.declaredBy.length ? f.declaredBy.join(', ') : f.declared.length ? f.declared.join(', ') : 'not declared');

  if (violations.length) {
    out.push('#### Guardrail violations', '');
    const rows = violations.map((v) => [v.guardrail, v.reason, v.flow, v.declaredBy.join(', ') || '-']);
    out.push(...table(['Guardrail', 'Reason', 'Flow', 'Declared by'], rows), '');
  }
  if (diff.opened.length) {
    out.push('#### Flows opened', '');
    const rows = diff.opened.map((f) => [name(f.from), name(f.to), f.ports.join(', '), declaredBy(f), f.allowedBy.join(', ')]);
    out.push(...table(['From', 'To', 'Ports', 'Declared by', 'Allowed by'], rows), '');
  }
  if (diff.closed.length) {
    out.push('#### Flows closed', '');
    const rows = diff.closed.map((f) => [name(f.from), name(f.to), f.ports.join(', '), declaredBy(f)]);
    out.push(...table(['From', 'To', 'Ports', 'Declared by'], rows), '');
  }
  if (diff.changed.length) {
    out.push('#### Ports changed', '');
    out.push(...table(['From', 'To', 'Before', 'After', 'Added', 'Removed', 'Declared by'], diff.changed.map((f) => [
      name(f.from), name(f.to), f.before.join(', '), f.ports.join(', '), f.added.join(', ') || '-', f.removed.join(', ') || '-', declaredBy(f),
    ])), '');
  }
  const e = diff.entryPoints;
  if (e.added.length + e.removed.length + e.changed.length) {
    out.push('#### Entry points', '');
    // Unknown TLS says why (the report's tlsNote): a reviewer must see it is unverified, not on.
    const tls = (x: ReportEntryPoint) => (x.tls === 'unknown' && x.tlsNote ? `unknown: ${x.tlsNote}` : x.tls);
    const row = (change: string, x: ReportEntryPoint) => [change, x.namespace, x.host, x.match, x.backend, tls(x), `${x.via} (${x.path})`];
    const flag = (x: ReportEntryPoint) => (tlsState(x) === 'off' ? '**TLS off**' : '**TLS unverified**');
    out.push(...table(['Change', 'Namespace', 'Host', 'Path', 'Backend', 'TLS', 'Via'], [
      ...e.added.map((x) => row(tlsState(x) === 'on' ? 'added' : `added, ${flag(x)}`, x)),
      ...e.removed.map((x) => row('removed', x)),
      ...e.changed.map((c) => row(c.tlsOff || c.tlsUnverified ? `${flag(c.after)}: ${c.changes.join('; ')}` : c.changes.join('; '), c.after)),
    ]), '');
  }
  if (diff.exposure.widened.length) {
    out.push('#### Exposure widened', '');
    out.push(...table(['Workload', 'Newly reachable from', 'Construct'], diff.exposure.widened.map((x) => [
      name(x.workload), x.sources.map((s) => (endpoints.has(s) ? name(s) : s)).join(', '), x.path ?? '-',
    ])), '');
  }
  if (diff.exposure.narrowed.length) {
    out.push('#### Exposure narrowed', '');
    out.push(...table(['Workload', 'No longer reachable from'], diff.exposure.narrowed.map((x) => [
      name(x.workload), x.sources.map((s) => (endpoints.has(s) ? name(s) : s)).join(', '),
    ])), '');
  }
  const iso = diff.isolation;
  if (iso.lost.length + iso.gained.length) {
    // What no policy governs the report does not list as flows: say what losing isolation opens.
    const opens = { ingress: 'ingress: any pod or address can connect to it', egress: 'egress: it can connect to any pod or address' };
    const gains = { ingress: 'ingress: only what a policy allows can connect to it', egress: 'egress: it can connect only where a policy allows' };
    out.push('#### Isolation', '');
    out.push(...table(['Change', 'Workload', 'Now', 'Construct'], [
      ...iso.lost.map((x) => ['**isolation lost**', name(x.workload), x.directions.map((d) => opens[d]).join('; '), x.path ?? '-']),
      ...iso.gained.map((x) => ['isolation gained', name(x.workload), x.directions.map((d) => gains[d]).join('; '), x.path ?? '-']),
    ]), '');
  }
  const w = diff.workloads;
  if (w.added.length + w.removed.length) {
    out.push('#### Workloads', '');
    out.push(...table(['Change', 'Workload', 'Construct'], [
      ...w.added.map((x) => ['added', name(x.id), x.path ?? '-']),
      ...w.removed.map((x) => ['removed', name(x.id), x.path ?? '-']),
    ]), '');
  }
  const chart = renderDiffMermaid(diff, endpoints);
  if (chart) out.push('#### Changed edges', '', '```mermaid', chart, '```', '');
  return out.join('\n').replace(/\n+$/, '\n');
}

function endpointName(e: ReportEndpoint | undefined, id: string): string {
  if (!e) return id;
  if (e.type === 'ip-block') return e.name;
  if (e.type === 'fqdn') return `${e.name} (DNS name)`;
  if (e.type === 'entity') return `${e.name} (entity)`;
  const base = `${e.namespace}/${e.name}`;
  return e.type === 'external-pods' ? `${base} (outside the app)` : e.kind && e.kind !== 'Deployment' ? `${base} (${e.kind})` : base;
}

/**
 * A Mermaid node id derived from a name (`production/Deployment/web` -> `n_production__Deployment__web`):
 * stable when other names come and go, unlike a counter.
 */
export function mermaidId(prefix: string, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9]/g, (c) => (c === '/' ? '__' : c === '-' || c === '.' ? '_' : `_x${c.charCodeAt(0).toString(16)}_`));
  return `${prefix}_${safe}`;
}

/** `flowchart TB` of the opened (green), closed (red, dashed) and changed (orange) edges. */
export function renderDiffMermaid(diff: ReportDiff, endpoints: ReadonlyMap<string, ReportEndpoint>): string | undefined {
  const edges = [
    ...diff.opened.map((f) => ({ f, label: `opened: ${f.ports.join(', ')}`, color: '#2da44e', arrow: '-->' })),
    ...diff.closed.map((f) => ({ f, label: `closed: ${f.ports.join(', ')}`, color: '#cf222e', arrow: '-.->' })),
    ...diff.changed.map((f) => ({ f, label: `ports: ${f.before.join(', ')} to ${f.ports.join(', ')}`, color: '#bf8700', arrow: '-->' })),
  ].sort((a, b) => compare(a.f.from, b.f.from) || compare(a.f.to, b.f.to));
  if (edges.length === 0) return undefined;
  const nodes = [...new Set(edges.flatMap((e) => [e.f.from, e.f.to]))].sort(compare);
  const byNamespace = new Map<string, string[]>();
  const outside: string[] = [];
  for (const id of nodes) {
    const ns = endpoints.get(id)?.namespace;
    if (ns === undefined) outside.push(id);
    else byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), id]);
  }
  // Names that map to the same id (`a-b`, `a.b`) get a suffix, in name order, so ids stay stable.
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of nodes) {
    let candidate = mermaidId('n', id);
    for (let i = 2; taken.has(candidate); i++) candidate = `${mermaidId('n', id)}_${i}`;
    taken.add(candidate);
    ids.set(id, candidate);
  }
  const nodeId = (id: string) => ids.get(id)!;
  const label = (id: string) => {
    const e = endpoints.get(id);
    if (!e) return id;
    if (e.type === 'external-pods') return `${e.name} (outside the app)`;
    if (e.type === 'fqdn' || e.type === 'entity') return endpointName(e, id);
    return e.kind && e.kind !== 'Deployment' && e.type === 'workload' ? `${e.name} (${e.kind})` : e.name;
  };
  const lines = ['flowchart TB'];
  for (const ns of [...byNamespace.keys()].sort(compare)) {
    lines.push(`  subgraph ${mermaidId('ns', ns)}[${mermaidLabel(ns)}]`);
    for (const id of byNamespace.get(ns)!) lines.push(`    ${nodeId(id)}[${mermaidLabel(label(id))}]`);
    lines.push('  end');
  }
  for (const id of outside) lines.push(`  ${nodeId(id)}[${mermaidLabel(label(id))}]`);
  edges.forEach((e) => lines.push(`  ${nodeId(e.f.from)} ${e.arrow}|${mermaidLabel(e.label)}| ${nodeId(e.f.to)}`));
  edges.forEach((e, i) => lines.push(`  linkStyle ${i} stroke:${e.color},stroke-width:2px`));
  return lines.join('\n');
}
