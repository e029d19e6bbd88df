/**
 * The upstream Kubernetes network-policy e2e scenarios, evaluated on all 9x9
 * pod pairs of the e2e model for every port/protocol each scenario probes.
 */
import type { PodGroup } from '../../lib/evaluator';
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { scenarioName, UPSTREAM_SCENARIOS } from './fixtures';
import { modelGroups, modelNamespaces, renderTable } from './fixtures/e2e-model';
import type { Scenario, Step } from './fixtures/scenario';
import { reachabilityDisagreements } from './helpers/cross-check';

/** The evaluator and the pods of one step of a scenario. */
function stepCluster(scenario: Scenario, step: Step): { evaluator: NetworkPolicyEvaluator; groups: PodGroup[] } {
  return {
    evaluator: new NetworkPolicyEvaluator({ policies: [...step.policies], namespaces: modelNamespaces(step.namespaceLabels) }),
    groups: modelGroups(scenario.family, step.podLabels),
  };
}

const steps = UPSTREAM_SCENARIOS.flatMap((scenario) =>
  scenario.steps.map((step, i) => ({ name: `${scenarioName(scenario)} [step ${i + 1}]`, scenario, step })),
);
const probes = steps.flatMap(({ name, scenario, step }) =>
  step.probes.map((probe) => ({ name: `${name} ${probe.protocol}/${probe.port}`, scenario, step, probe })),
);

describe('upstream netpol e2e scenarios', () => {
  test('at least 20 upstream scenarios are ported', () => {
    const distinct = new Set(UPSTREAM_SCENARIOS.map((s) => `${s.context}: ${s.upstream}`));
    expect(distinct.size).toBeGreaterThanOrEqual(20);
  });

  // On mismatch jest shows a line diff of the two tables: one row per source, '.' connected, 'X' not.
  test.each(probes)('$name', ({ scenario, step, probe }) => {
    const { evaluator, groups } = stepCluster(scenario, step);
    const byId = new Map(groups.map((g) => [g.id, g]));
    const title = `${probe.protocol}/${probe.port}`;
    const observed = renderTable(title, (from, to) => evaluator.check(byId.get(from)!, byId.get(to)!, probe.port, probe.protocol).allowed);
    const expected = renderTable(title, (from, to) => probe.expected.get(from, to));
    expect(observed).toEqual(expected);
  });
});

describe('reachability() agrees with check() on the upstream scenarios', () => {
  test.each(steps)('$name', ({ scenario, step }) => {
    const { evaluator, groups } = stepCluster(scenario, step);
    expect(reachabilityDisagreements(evaluator, groups)).toEqual([]);
  });
});
