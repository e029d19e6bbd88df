/**
 * Runs test files in the order the mutant list gives them (MUTATE_TEST_ORDER, a JSON array of path
 * fragments), so that with --bail the most targeted tests decide first and a killed mutant costs
 * one file, not the whole list.
 */
const Sequencer = require('@jest/test-sequencer').default;

class ListedOrder extends Sequencer {
  sort(tests) {
    const order = JSON.parse(process.env.MUTATE_TEST_ORDER ?? '[]');
    const rank = (t) => {
      const i = order.findIndex((fragment) => t.path.includes(fragment));
      return i < 0 ? order.length : i;
    };
    return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  }
}

module.exports = ListedOrder;
