import fc from 'fast-check';
import { LabelIndex } from '../../lib/evaluator/label-index';
import { matchesSelector, parseSelector } from '../../lib/evaluator/selector';

type Item = { id: number; labels: Record<string, string> };

const keys = ['app', 'tier', 'env'];
const values = ['a', 'b', 'c'];
const labelsArb = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 3 });
const requirementArb = fc.oneof(
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const selectorArb = fc.record({ matchLabels: labelsArb, matchExpressions: fc.array(requirementArb, { maxLength: 2 }) });

describe('LabelIndex', () => {
  test('select() returns exactly the items the selector matches (property)', () => {
    fc.assert(
      fc.property(fc.array(labelsArb, { maxLength: 30 }), selectorArb, (labelSets, rawSelector) => {
        const index = new LabelIndex<Item>((item) => item.labels);
        const items = labelSets.map((labels, id) => ({ id, labels }));
        items.forEach((item) => index.add(item));
        const selector = parseSelector(rawSelector, 'test');
        const expected = items.filter((item) => matchesSelector(selector, item.labels)).map((i) => i.id);
        expect(index.select(selector).map((i) => i.id).sort((a, b) => a - b)).toEqual(expected);
      }),
    );
  });

  test('select() starts from the smallest posting list', () => {
    const index = new LabelIndex<Item>((item) => item.labels);
    for (let id = 0; id < 1000; id++) index.add({ id, labels: { app: 'common', unique: String(id) } });
    let calls = 0;
    const counting = new LabelIndex<Item>((item) => {
      calls++;
      return item.labels;
    });
    index.all().forEach((item) => counting.add(item));
    calls = 0;
    expect(counting.select(parseSelector({ matchLabels: { app: 'common', unique: '7' } }, 't')).map((i) => i.id)).toEqual([7]);
    expect(calls).toBe(1); // only the one candidate from the `unique=7` posting was checked
  });
});
