/**
 * The semantic difference between two network reports: flows opened, closed or with changed
 * ports; entry points added, removed or changed (TLS on, off or unverified); workloads added or removed;
 * zero-trust workloads newly reachable from outside their namespace or the app.
 */
import { allowsPlainHttp, redirectScheme } from '../checks/guardrails';
import { compare } from '../checks/objects';
import type { PortRange, Protocol } from '../evaluator';
import type { PortSet } from '../evaluator/port-set';
import { difference, isEmpty, NO_PORTS, portRange, toPortRanges, union } from '../evaluator/port-set';
import { formatPorts } from '../checks/verify';
import type { NetworkReport, ReportEndpoint, ReportEntryPoint, ReportFlow } from '../report/model';

/**
 * A flow opened or closed: `from`, `to` and `ports` spelled as the report's `flows` spell them, with
 * the policies allowing it (in the output where it is allowed) and, for output of this library,
 * the kinds, construct paths and calls that declared it.
 */
export type FlowChange = Required<Pick<ReportFlow, 'from' | 'to' | 'ports' | 'allowedBy' | 'declared' | 'declaredBy' | 'calls'>>;

/** A flow allowed in both outputs on different ports. */
export interface PortChange extends FlowChange {
  /** The ports before (`ports` holds the ports after). */
  readonly before: readonly string[];
  /** Ports allowed now and not before. */
  readonly added: readonly string[];
  /** Ports allowed before and not now. */
  readonly removed: readonly string[];
}

/** An entry point present in both outputs whose backend, TLS, pods or gateway changed. */
export interface EntryPointChange {
  readonly before: ReportEntryPoint;
  readonly after: ReportEntryPoint;
  /** What changed: `tls on -> off`, `backend a:80 -> b:80`, ... */
  readonly changes: readonly string[];
  /**
   * TLS is off now and was not (on, or unknown), or was on and is unknown now: the TLS a reviewer relied on
   * is gone or unproven. For a redirect, TLS is where it sends the client ({@link tlsState}).
   */
  readonly tlsOff: boolean;
  /** TLS is unknown now and was not (the report could not tell, e.g. the route's Gateway is not in the app): unverified, not on. */
  readonly tlsUnverified: boolean;
}

/** A workload added or removed. */
export interface WorkloadChange {
  readonly id: string;
  readonly namespace?: string;
  readonly name: string;
  readonly kind?: string;
  readonly path?: string;
}

/** A zero-trust workload reachable from sources outside its namespace that it was not reachable from before. */
export interface ExposureChange {
  readonly workload: string;
  readonly path?: string;
  /** The new sources: endpoint ids, `entry point <host><path>`, or `any pod or address (ingress not isolated)`. */
  readonly sources: readonly string[];
}

/**
 * A workload of both outputs that a NetworkPolicy isolated in a direction and no longer does (`lost`),
 * or the other way round (`gained`). A workload no policy isolates for ingress takes every
 * connection, and one none isolates for egress opens any; the report lists only flows some policy
 * governs, so without this a change that drops isolation (a default-deny deleted, a namespace no
 * longer zero-trust) read as flows closed, or as no change at all.
 */
export interface IsolationChange {
  readonly workload: string;
  readonly path?: string;
  /** The directions that changed: `ingress`, `egress` or both, in that order. */
  readonly directions: readonly ('ingress' | 'egress')[];
}

/** The whole difference. */
export interface ReportDiff {
  /** One line for a pull request comment. */
  readonly summary: string;
  readonly opened: readonly FlowChange[];
  readonly closed: readonly FlowChange[];
  readonly changed: readonly PortChange[];
  readonly entryPoints: {
    readonly added: readonly ReportEntryPoint[];
    readonly removed: readonly ReportEntryPoint[];
    readonly changed: readonly EntryPointChange[];
  };
  readonly workloads: { readonly added: readonly WorkloadChange[]; readonly removed: readonly WorkloadChange[] };
  readonly exposure: { readonly widened: readonly ExposureChange[]; readonly narrowed: readonly ExposureChange[] };
  readonly isolation: { readonly lost: readonly IsolationChange[]; readonly gained: readonly IsolationChange[] };
}

/**
 * The categories `--fail-on` accepts. `tls-off` fails on TLS known to be off where it was not, and
 * on TLS that was on and is now unknown (a change of this output that removed the proof); an entry
 * point added with unknown TLS is called out as unverified and fails `tls-unverified` only, so a
 * route onto a platform team's Gateway (outside the app) does not fail every pull request.
 */
export const FAIL_ON = ['opened', 'exposure', 'tls-off', 'tls-unverified'] as const;
export type FailOn = typeof FAIL_ON[number];

const key = (from: string, to: string) => `${from}\u0000${to}`;

/** Compares two reports. */
export function diffReports(before: NetworkReport, after: NetworkReport): ReportDiff {
  const old = new Map(before.flows.map((f) => [key(f.from, f.to), f]));
  const now = new Map(after.flows.map((f) => [key(f.from, f.to), f]));
  const beforeEndpoints = new Map(before.endpoints.map((e) => [e.id, e]));
  const afterEndpoints = new Map(after.endpoints.map((e) => [e.id, e]));
  const opened: FlowChange[] = [];
  const closed: FlowChange[] = [];
  const changed: PortChange[] = [];
  for (const [k, f] of now) {
    const prior = old.get(k);
    if (!prior) {
      // Allowed before too if no policy governed either end: not listed then, but not opened now.
      if (!ungoverned(f, beforeEndpoints)) opened.push(flowChange(f));
      continue;
    }
    const a = portSet(prior.ports);
    const b = portSet(f.ports);
    const added = difference(b, a);
    const removed = difference(a, b);
    if (isEmpty(added) && isEmpty(removed)) continue;
    changed.push({ ...flowChange(f), before: [...prior.ports], added: portStrings(added), removed: portStrings(removed) });
  }
  // Still allowed if no policy governs either end now: not listed, but not closed.
  for (const [k, f] of old) if (!now.has(k) && !ungoverned(f, afterEndpoints)) closed.push(flowChange(f));

  const entryPoints = diffEntryPoints(before.entryPoints, after.entryPoints);
  const workloads = diffWorkloads(before, after);
  const exposure = diffExposure(before, after);
  const isolation = diffIsolation(before, after);
  const diff = { opened, closed, changed, entryPoints, workloads, exposure, isolation };
  return { summary: summarize(diff), ...diff };
}

/**
 * Whether `report` shows both ends of a flow and no NetworkPolicy governing it: the source (pods) not
 * isolated for egress and the destination (pods) not isolated for ingress; an address has no side.
 * Such a flow is allowed there though the report does not list it (it lists governed flows only).
 * Pods whose isolation the report does not give (a report of an older version) are taken as governed.
 */
function ungoverned(f: ReportFlow, endpoints: ReadonlyMap<string, ReportEndpoint>): boolean {
  const open = (id: string, direction: 'ingress' | 'egress'): boolean => {
    const e = endpoints.get(id);
    if (!e) return false;
    if (e.type === 'ip-block' || e.type === 'fqdn' || e.type === 'entity') return true;
    return e.isolated !== undefined && !e.isolated[direction];
  };
  return open(f.from, 'egress') && open(f.to, 'ingress');
}

function flowChange(f: ReportFlow): FlowChange {
  return {
    from: f.from, to: f.to, ports: [...f.ports], allowedBy: [...f.allowedBy], declared: [...f.declared], declaredBy: [...(f.declaredBy ?? [])],
    calls: [...(f.calls ?? [])],
  };
}

/** Parses the report's port strings (`TCP 3000`, `UDP 53`, `TCP 8000-8080`, `TCP all`). */
export function portSet(ports: readonly string[]): PortSet {
  let set = NO_PORTS;
  for (const p of ports) {
    const m = /^(TCP|UDP|SCTP) (all|(\d+)(?:-(\d+))?)$/.exec(p.trim());
    if (!m) continue;
    const protocol = m[1] as Protocol;
    set = union(set, m[2] === 'all' ? portRange(protocol, 1, 65535) : portRange(protocol, Number(m[3]), Number(m[4] ?? m[3])));
  }
  return set;
}

function portStrings(set: PortSet): string[] {
  const ranges: PortRange[] = toPortRanges(set);
  return ranges.length ? formatPorts(ranges).split(', ') : [];
}

/** Entry points match by namespace, host, path and whether they redirect. */
function entryKey(e: ReportEntryPoint): string {
  return [e.namespace, e.host, e.match, e.backend.startsWith('redirect ') ? 'redirect' : 'route'].join('\u0000');
}

/**
 * Whether an entry point keeps its clients on TLS: served with TLS, or a redirect to `https://`, or
 * a redirect keeping the scheme of a request made with TLS (every backend, when merged).
 */
function keepsTls(e: ReportEntryPoint): boolean {
  return e.backend.split(', ').every((backend) => {
    const scheme = redirectScheme(backend);
    return scheme === 'https' || (scheme !== 'http' && e.tls === 'on');
  });
}

/**
 * Where an entry point leaves its clients: `on` when it keeps them on TLS, `off` when it lets them
 * talk plain HTTP (`allowsPlainHttp`: served without TLS, or a redirect to `http://`), `unknown`
 * when the report cannot tell (TLS unknown, and not a redirect to `https://`).
 */
export function tlsState(e: ReportEntryPoint): 'on' | 'off' | 'unknown' {
  return keepsTls(e) ? 'on' : allowsPlainHttp(e) ? 'off' : 'unknown';
}

/** The state of the entry points of one key (an HTTPRoute rule may split between backends). */
function merged(list: readonly ReportEntryPoint[]): ReportEntryPoint {
  if (list.length === 1) return list[0];
  const join = (f: (e: ReportEntryPoint) => string) => [...new Set(list.map(f))].sort(compare).join(', ');
  return {
    ...list[0],
    via: join((e) => e.via),
    backend: join((e) => e.backend),
    gateway: join((e) => e.gateway),
    targets: [...new Set(list.flatMap((e) => e.targets))].sort(compare),
    tls: list.every((e) => e.tls === 'on') ? 'on' : list.some((e) => e.tls === 'off') ? 'off' : 'unknown',
  };
}

function groupEntries(list: readonly ReportEntryPoint[]): Map<string, ReportEntryPoint> {
  const groups = new Map<string, ReportEntryPoint[]>();
  for (const e of list) groups.set(entryKey(e), [...(groups.get(entryKey(e)) ?? []), e]);
  return new Map([...groups].map(([k, v]) => [k, merged(v)]));
}

function diffEntryPoints(before: readonly ReportEntryPoint[], after: readonly ReportEntryPoint[]): ReportDiff['entryPoints'] {
  const old = groupEntries(before);
  const now = groupEntries(after);
  const added = [...now].filter(([k]) => !old.has(k)).map(([, e]) => e);
  const removed = [...old].filter(([k]) => !now.has(k)).map(([, e]) => e);
  const changed: EntryPointChange[] = [];
  for (const [k, e] of now) {
    const prior = old.get(k);
    if (!prior) continue;
    const changes: string[] = [];
    const field = (name: string, a: string, b: string) => {
      if (a !== b) changes.push(`${name} ${a || '-'} -> ${b || '-'}`);
    };
    field('tls', prior.tls, e.tls);
    field('backend', prior.backend, e.backend);
    field('pods', prior.targets.join(', '), e.targets.join(', '));
    field('via', prior.via, e.via);
    field('gateway', prior.gateway, e.gateway);
    if (e.tls === 'on' && prior.tls === 'on') field('tls secret', prior.tlsSecret ?? '', e.tlsSecret ?? '');
    if (changes.length) {
      const [was, now] = [tlsState(prior), tlsState(e)];
      const tlsUnverified = now === 'unknown' && was !== 'unknown';
      const tlsOff = (now === 'off' && was !== 'off') || (tlsUnverified && was === 'on');
      changed.push({ before: prior, after: e, changes, tlsOff, tlsUnverified });
    }
  }
  return { added, removed, changed };
}

function workload(e: ReportEndpoint): WorkloadChange {
  return {
    id: e.id, ...(e.namespace ? { namespace: e.namespace } : {}), name: e.name,
    ...(e.kind ? { kind: e.kind } : {}), ...(e.path ? { path: e.path } : {}),
  };
}

function diffWorkloads(before: NetworkReport, after: NetworkReport): ReportDiff['workloads'] {
  const ids = (r: NetworkReport) => new Map(r.endpoints.filter((e) => e.type === 'workload').map((e) => [e.id, e]));
  const old = ids(before);
  const now = ids(after);
  return {
    added: [...now.values()].filter((e) => !old.has(e.id)).map(workload),
    removed: [...old.values()].filter((e) => !now.has(e.id)).map(workload),
  };
}

/** An entry point's source text. */
function entrySource(e: ReportEntryPoint): string {
  return `entry point ${e.host}${e.match.split(' ')[0]} (${e.via})`;
}

/**
 * Sources that reach each zero-trust workload from outside its namespace, by workload id; `also`
 * names more workloads to compute them for (those zero-trust in the other report of a diff, so a
 * namespace that is no longer zero-trust still shows what its workloads are open to now).
 */
export function exposureOf(report: NetworkReport, also: ReadonlySet<string> = new Set()): Map<string, Set<string>> {
  const endpoints = new Map(report.endpoints.map((e) => [e.id, e]));
  const zeroTrust = new Set(report.namespaces.filter((n) => n.zeroTrust).map((n) => n.name));
  const out = new Map<string, Set<string>>();
  for (const e of report.endpoints) {
    if (e.type !== 'workload' || !(zeroTrust.has(e.namespace ?? '') || also.has(e.id))) continue;
    out.set(e.id, new Set(e.isolated && !e.isolated.ingress ? ['any pod or address (ingress not isolated)'] : []));
  }
  for (const f of report.flows) {
    const target = out.get(f.to);
    if (!target) continue;
    const source = endpoints.get(f.from);
    if (source?.namespace !== undefined && source.namespace === endpoints.get(f.to)?.namespace) continue;
    target.add(f.from);
  }
  for (const e of report.entryPoints) {
    if (e.backend.startsWith('redirect ')) continue;
    for (const t of e.targets) out.get(t)?.add(entrySource(e));
  }
  return out;
}

function diffExposure(before: NetworkReport, after: NetworkReport): ReportDiff['exposure'] {
  const old = exposureOf(before);
  const now = exposureOf(after, new Set(old.keys()));
  const paths = new Map(after.endpoints.map((e) => [e.id, e.path]));
  const widened: ExposureChange[] = [];
  const narrowed: ExposureChange[] = [];
  for (const [id, sources] of now) {
    const prior = old.get(id);
    if (!prior) continue; // a new workload: listed under workloads added
    const added = [...sources].filter((s) => !prior.has(s)).sort(compare);
    const removed = [...prior].filter((s) => !sources.has(s)).sort(compare);
    const path = paths.get(id);
    if (added.length) widened.push({ workload: id, ...(path ? { path } : {}), sources: added });
    if (removed.length) narrowed.push({ workload: id, ...(path ? { path } : {}), sources: removed });
  }
  return { widened, narrowed };
}

function diffIsolation(before: NetworkReport, after: NetworkReport): ReportDiff['isolation'] {
  const old = new Map(before.endpoints.filter((e) => e.type === 'workload').map((e) => [e.id, e]));
  const lost: IsolationChange[] = [];
  const gained: IsolationChange[] = [];
  for (const e of after.endpoints) {
    const prior = old.get(e.id);
    if (e.type !== 'workload' || !prior?.isolated || !e.isolated) continue;
    const directions = (['ingress', 'egress'] as const);
    const was = prior.isolated;
    const now = e.isolated;
    const change = (list: IsolationChange[], dirs: ('ingress' | 'egress')[]) => {
      if (dirs.length) list.push({ workload: e.id, ...(e.path ? { path: e.path } : {}), directions: dirs });
    };
    change(lost, directions.filter((d) => was[d] && !now[d]));
    change(gained, directions.filter((d) => !was[d] && now[d]));
  }
  return { lost, gained };
}

/**
 * The endpoints the changes name (flow ends, exposed workloads and their new sources), by id, as
 * the reports describe them (the new report first): what a reader of the JSON needs to show
 * `fqdn:api.stripe.com` as a DNS name or `production/Deployment/api` by its name without the reports.
 */
export function changedEndpoints(diff: ReportDiff, before: NetworkReport, after: NetworkReport): Record<string, ReportEndpoint> {
  const known = new Map([...before.endpoints, ...after.endpoints].map((e) => [e.id, e]));
  const ids = new Set([
    ...[...diff.opened, ...diff.closed, ...diff.changed].flatMap((f) => [f.from, f.to]),
    ...[...diff.exposure.widened, ...diff.exposure.narrowed].flatMap((x) => [x.workload, ...x.sources]),
    ...[...diff.isolation.lost, ...diff.isolation.gained].map((x) => x.workload),
  ]);
  const out: Record<string, ReportEndpoint> = {};
  for (const id of [...ids].sort(compare)) {
    const e = known.get(id);
    if (e) out[id] = e;
  }
  return out;
}

/** Whether the diff holds a change of a `--fail-on` category. */
export function hasCategory(diff: ReportDiff, category: FailOn): boolean {
  switch (category) {
    // A workload no longer isolated takes (ingress) or opens (egress) every connection.
    case 'opened': return diff.opened.length > 0 || diff.changed.some((c) => c.added.length > 0) || diff.isolation.lost.length > 0;
    case 'exposure': return diff.exposure.widened.length > 0;
    case 'tls-off': return tlsOff(diff).length > 0;
    case 'tls-unverified': return tlsUnverified(diff).length > 0;
  }
}

/** Entry points that lost TLS (off now, or on before and unknown now), and new entry points that let a client talk plain HTTP. */
export function tlsOff(diff: Omit<ReportDiff, 'summary'>): ReportEntryPoint[] {
  return [
    ...diff.entryPoints.changed.filter((c) => c.tlsOff).map((c) => c.after),
    ...diff.entryPoints.added.filter(allowsPlainHttp),
  ];
}

/** Entry points whose TLS the new report cannot tell and could before (or that are new): unverified, not on. */
export function tlsUnverified(diff: Omit<ReportDiff, 'summary'>): ReportEntryPoint[] {
  return [
    ...diff.entryPoints.changed.filter((c) => c.tlsUnverified).map((c) => c.after),
    ...diff.entryPoints.added.filter((e) => tlsState(e) === 'unknown'),
  ];
}

/** Whether connectivity or entry points changed at all. */
export function hasChanges(diff: ReportDiff): boolean {
  const e = diff.entryPoints;
  return diff.opened.length + diff.closed.length + diff.changed.length + e.added.length + e.removed.length + e.changed.length
    + diff.workloads.added.length + diff.workloads.removed.length + diff.isolation.lost.length + diff.isolation.gained.length > 0;
}

function summarize(diff: Omit<ReportDiff, 'summary'>): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const parts: string[] = [];
  if (diff.opened.length) parts.push(`${n(diff.opened.length, 'flow')} opened`);
  if (diff.closed.length) parts.push(`${n(diff.closed.length, 'flow')} closed`);
  if (diff.changed.length) parts.push(`${n(diff.changed.length, 'flow')} with changed ports`);
  const e = diff.entryPoints;
  if (e.added.length) parts.push(`${n(e.added.length, 'entry point')} added`);
  if (e.removed.length) parts.push(`${n(e.removed.length, 'entry point')} removed`);
  if (e.changed.length) parts.push(`${n(e.changed.length, 'entry point')} changed`);
  // Known off, then unknown (one that was on and is unknown now fails tls-off, but is not said to be without TLS).
  const off = tlsOff(diff).filter((e) => tlsState(e) === 'off').length;
  if (off) parts.push(`${n(off, 'entry point')} without TLS`);
  const unverified = tlsUnverified(diff).length;
  if (unverified) parts.push(`${n(unverified, 'entry point')} with TLS unverified`);
  if (diff.workloads.added.length) parts.push(`${n(diff.workloads.added.length, 'workload')} added`);
  if (diff.workloads.removed.length) parts.push(`${n(diff.workloads.removed.length, 'workload')} removed`);
  if (diff.exposure.widened.length) parts.push(`exposure widened for ${n(diff.exposure.widened.length, 'workload')}`);
  if (diff.isolation.lost.length) parts.push(`isolation lost for ${n(diff.isolation.lost.length, 'workload')}`);
  if (diff.isolation.gained.length) parts.push(`isolation gained for ${n(diff.isolation.gained.length, 'workload')}`);
  return parts.length ? `Network changes: ${parts.join(', ')}.` : 'No network changes: connectivity and entry points are the same.';
}
