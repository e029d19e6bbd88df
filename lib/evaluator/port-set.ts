/**
 * Sets of (protocol, port) pairs, kept as sorted, disjoint, non-adjacent ranges
 * per protocol. All functions are pure; a PortSet is never mutated.
 */
import type { PortRange, Protocol } from './types';
import { PROTOCOLS } from './types';

/** The lowest valid port number. */
export const MIN_PORT = 1;
/** The highest valid port number. */
export const MAX_PORT = 65535;

/** An inclusive range `[from, to]` of port numbers. */
export type Span = readonly [number, number];

/** A set of ports per protocol; each list is sorted, disjoint and non-adjacent. */
export type PortSet = Readonly<Record<Protocol, readonly Span[]>>;

/** No span: shared by the empty protocols of every set. */
const NONE: readonly Span[] = [];

/** The set with no port at all. */
export const NO_PORTS: PortSet = { TCP: NONE, UDP: NONE, SCTP: NONE };

/** Every port of every protocol. */
export const ALL_PORTS: PortSet = {
  TCP: [[MIN_PORT, MAX_PORT]],
  UDP: [[MIN_PORT, MAX_PORT]],
  SCTP: [[MIN_PORT, MAX_PORT]],
};

/** The sets built by {@link portRange}, shared: a PortSet is never mutated, and the same object lets `union` skip the merge. */
const ranges = new Map<string, PortSet>();

/** The set holding the ports `from..to` (clamped to 1-65535) of one protocol. */
export function portRange(protocol: Protocol, from: number, to: number = from): PortSet {
  const lo = Math.max(from, MIN_PORT);
  const hi = Math.min(to, MAX_PORT);
  if (lo > hi) return NO_PORTS;
  const key = `${protocol}:${lo}:${hi}`;
  let set = ranges.get(key);
  if (!set) {
    const spans: readonly Span[] = [[lo, hi]];
    set = { TCP: protocol === 'TCP' ? spans : NONE, UDP: protocol === 'UDP' ? spans : NONE, SCTP: protocol === 'SCTP' ? spans : NONE };
    ranges.set(key, set);
  }
  return set;
}

/** Every port of one protocol. */
export function allPortsOf(protocol: Protocol): PortSet {
  return portRange(protocol, MIN_PORT, MAX_PORT);
}

/** True iff the set holds no port. */
export function isEmpty(set: PortSet): boolean {
  return set.TCP.length === 0 && set.UDP.length === 0 && set.SCTP.length === 0;
}

/** True iff the set holds `port` of `protocol`. */
export function hasPort(set: PortSet, protocol: Protocol, port: number): boolean {
  return set[protocol].some(([lo, hi]) => lo <= port && port <= hi);
}

/** The union of two sets. */
export function union(a: PortSet, b: PortSet): PortSet {
  if (a === b || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  return mapProtocols((p) => (b[p].length === 0 ? a[p] : a[p].length === 0 ? b[p] : mergeSpans([...a[p], ...b[p]])));
}

/** The union of any number of sets. */
export function unionAll(sets: Iterable<PortSet>): PortSet {
  let result = NO_PORTS;
  for (const set of sets) result = union(result, set);
  return result;
}

/** The intersection of two sets. */
export function intersect(a: PortSet, b: PortSet): PortSet {
  if (a === ALL_PORTS) return b;
  if (b === ALL_PORTS) return a;
  return mapProtocols((p) => intersectSpans(a[p], b[p]));
}

/** The ports of `a` that are not in `b`. */
export function difference(a: PortSet, b: PortSet): PortSet {
  if (a === b) return NO_PORTS;
  if (isEmpty(b)) return a;
  return mapProtocols((p) => (a[p].length === 0 || b[p].length === 0 ? a[p] : subtractSpans(a[p], b[p])));
}

/** True iff the two sets share at least one port. */
export function overlaps(a: PortSet, b: PortSet): boolean {
  return !isEmpty(intersect(a, b));
}

/** The set as a flat list of ranges, sorted by protocol ({@link PROTOCOLS} order) then by port. */
export function toPortRanges(set: PortSet): PortRange[] {
  return PROTOCOLS.flatMap((protocol) => set[protocol].map(([from, to]) => ({ protocol, from, to })));
}

function mapProtocols(fn: (protocol: Protocol) => readonly Span[]): PortSet {
  return { TCP: fn('TCP'), UDP: fn('UDP'), SCTP: fn('SCTP') };
}

/** Sorts spans and merges the overlapping or adjacent ones. */
function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/** Intersects two normalised span lists with a linear sweep. */
function intersectSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/** Subtracts normalised span list `b` from `a`. */
function subtractSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [lo, hi] of a) {
    let start = lo;
    for (const [blo, bhi] of b) {
      if (bhi < start || blo > hi) continue;
      if (blo > start) out.push([start, blo - 1]);
      start = Math.max(start, bhi + 1);
      if (start > hi) break;
    }
    if (start <= hi) out.push([start, hi]);
  }
  return out;
}
