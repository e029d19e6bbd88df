/**
 * Pod groups sorted by IP, to find those inside an ipBlock by binary search.
 */
import type { IpBlock, IpFamily, IpRange } from './cidr';
import { ipBlockCovers, parseAddress } from './cidr';
import type { PodGroup } from './types';

interface Entry {
  readonly value: bigint;
  readonly group: PodGroup;
}

/** The groups that have an IP, sorted per family. */
export class IpIndex {
  private readonly entries: Record<IpFamily, Entry[]> = { 4: [], 6: [] };

  /** @throws Error if a group's `ip` is not an IP address. */
  constructor(groups: readonly PodGroup[]) {
    for (const group of groups) {
      if (group.ip === undefined) continue;
      const { family, first } = podAddress(group, group.ip);
      this.entries[family].push({ value: first, group });
    }
    for (const list of Object.values(this.entries)) list.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }

  /** The groups whose IP lies in the block's CIDR and outside its `except` CIDRs. */
  inBlock(block: IpBlock): PodGroup[] {
    const list = this.entries[block.range.family];
    const out: PodGroup[] = [];
    for (let i = lowerBound(list, block.range.first); i < list.length && list[i].value <= block.range.last; i++) {
      const value = list[i].value;
      if (ipBlockCovers(block, { family: block.range.family, first: value, last: value })) out.push(list[i].group);
    }
    return out;
  }
}

/** The index of the first entry whose value is >= `value`. */
function lowerBound(list: readonly Entry[], value: bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].value < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The address of a pod group's IP.
 * @throws Error naming the group if `ip` is not a single address.
 */
export function podAddress(group: PodGroup, ip: string): IpRange {
  try {
    return parseAddress(ip);
  } catch (e) {
    throw new Error(`pod group ${group.id}: ${(e as Error).message}`, { cause: e });
  }
}
