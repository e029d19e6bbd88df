import fc from 'fast-check';
import type { PortSet } from '../../lib/evaluator/port-set';
import { ALL_PORTS, hasPort, intersect, isEmpty, NO_PORTS, portRange, toPortRanges, union, unionAll } from '../../lib/evaluator/port-set';
import type { Protocol } from '../../lib/evaluator';

describe('PortSet', () => {
  test('union merges overlapping and adjacent ranges, and sorts', () => {
    const set = unionAll([portRange('TCP', 90, 95), portRange('TCP', 80), portRange('TCP', 81, 85), portRange('TCP', 86, 89), portRange('UDP', 53)]);
    expect(toPortRanges(set)).toEqual([
      { protocol: 'TCP', from: 80, to: 95 },
      { protocol: 'UDP', from: 53, to: 53 },
    ]);
  });

  test('intersection is per protocol', () => {
    const a = union(portRange('TCP', 1, 100), portRange('SCTP', 5, 6));
    const b = union(portRange('TCP', 50, 200), portRange('UDP', 5, 6));
    expect(toPortRanges(intersect(a, b))).toEqual([{ protocol: 'TCP', from: 50, to: 100 }]);
    expect(intersect(a, ALL_PORTS)).toBe(a);
    expect(isEmpty(intersect(portRange('TCP', 1, 5), portRange('TCP', 6, 9)))).toBe(true);
  });

  test('ranges are clamped to 1-65535; empty ranges vanish', () => {
    expect(toPortRanges(portRange('TCP', 0, 70000))).toEqual([{ protocol: 'TCP', from: 1, to: 65535 }]);
    expect(portRange('TCP', 10, 9)).toBe(NO_PORTS);
  });

  test('ranges are ordered TCP, UDP, SCTP', () => {
    const set = unionAll([portRange('SCTP', 1), portRange('UDP', 1), portRange('TCP', 1)]);
    expect(toPortRanges(set).map((r) => r.protocol)).toEqual(['TCP', 'UDP', 'SCTP']);
  });

  // A small universe keeps brute-force membership cheap.
  const protocolArb = fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP');
  const setArb = fc
    .array(fc.tuple(protocolArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 10 })), { maxLength: 6 })
    .map((ranges) => unionAll(ranges.map(([p, from, len]) => portRange(p, from, from + len))));
  const members = (set: PortSet) => (['TCP', 'UDP', 'SCTP'] as Protocol[]).flatMap((p) => Array.from({ length: 52 }, (_, i) => hasPort(set, p, i + 1)));

  test('union and intersection agree with set membership (property)', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const [ma, mb] = [members(a), members(b)];
        expect(members(union(a, b))).toEqual(ma.map((v, i) => v || mb[i]));
        expect(members(intersect(a, b))).toEqual(ma.map((v, i) => v && mb[i]));
      }),
    );
  });

  test('normalised output: sorted, disjoint, non-adjacent (property)', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const ranges = toPortRanges(union(a, b));
        for (let i = 1; i < ranges.length; i++) {
          const [prev, cur] = [ranges[i - 1], ranges[i]];
          if (prev.protocol === cur.protocol) expect(cur.from).toBeGreaterThan(prev.to + 1);
        }
      }),
    );
  });
});
