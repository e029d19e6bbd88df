/**
 * An inverted index from labels to items, to answer "which items does this
 * selector select?" without scanning every item.
 */
import type { Labels, Selector } from './selector';
import { matchesSelector, selectsAll } from './selector';
import { pushTo } from './util';

/**
 * Indexes items by `key=value` and by `key`. {@link LabelIndex.select} starts
 * from the smallest posting list that every selected item must be in (a
 * `matchLabels` pair, the union of an `In` requirement's values, or an
 * `Exists` key) and filters it with the full selector, so the cost is
 * proportional to that posting list, not to the number of items.
 */
export class LabelIndex<T> {
  private readonly items: T[] = [];
  private readonly byPair = new Map<string, T[]>();
  private readonly byKey = new Map<string, T[]>();

  /** @param labelsOf reads the labels of an item. */
  constructor(private readonly labelsOf: (item: T) => Labels) {}

  /** Adds an item. */
  add(item: T): void {
    this.items.push(item);
    for (const [key, value] of Object.entries(this.labelsOf(item))) {
      pushTo(this.byPair, pairKey(key, value), item);
      pushTo(this.byKey, key, item);
    }
  }

  /** Every item added so far. */
  all(): readonly T[] {
    return this.items;
  }

  /** The items the selector selects (in no particular order). */
  select(selector: Selector): readonly T[] {
    if (selectsAll(selector)) return this.items;
    return this.candidates(selector).filter((item) => matchesSelector(selector, this.labelsOf(item)));
  }

  /** The smallest superset of the selected items that the index can name directly. */
  private candidates(selector: Selector): readonly T[] {
    let best: readonly T[] = this.items;
    const consider = (list: readonly T[]): void => {
      if (list.length < best.length) best = list;
    };
    for (const [key, value] of selector.matchLabels) consider(this.byPair.get(pairKey(key, value)) ?? []);
    for (const r of selector.matchExpressions) {
      if (r.operator === 'Exists') consider(this.byKey.get(r.key) ?? []);
      if (r.operator === 'In') consider(this.unionOfValues(r.key, r.values));
    }
    return best;
  }

  private unionOfValues(key: string, values: ReadonlySet<string>): T[] {
    return [...values].flatMap((value) => this.byPair.get(pairKey(key, value)) ?? []);
  }
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
