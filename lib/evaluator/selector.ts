/**
 * Kubernetes label selectors (`metav1.LabelSelector`): parsing from manifest
 * JSON and matching against a label map.
 */

/**
 * Label maps, as found on pods and namespaces.
 * @jsii ignore
 */
export type Labels = Readonly<Record<string, string>>;

/**
 * A selector requirement operator.
 * @jsii ignore
 */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/**
 * One `matchExpressions` entry, with its values as a set.
 * @jsii ignore
 */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: ReadonlySet<string>;
}

/**
 * A parsed label selector: `matchLabels` AND `matchExpressions`. An empty one selects everything.
 * @jsii ignore
 */
export interface Selector {
  readonly matchLabels: readonly (readonly [string, string])[];
  readonly matchExpressions: readonly Requirement[];
}

/** The selector that selects everything (`{}`). */
export const SELECT_ALL: Selector = { matchLabels: [], matchExpressions: [] };

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Parses a `LabelSelector` from manifest JSON; `undefined`/`null` parse as `{}`.
 * @param where names the selector in error messages.
 * @throws Error on an unknown operator or a malformed requirement.
 */
export function parseSelector(raw: any, where: string): Selector {
  if (raw === undefined || raw === null) return SELECT_ALL;
  const matchLabels = Object.entries(raw.matchLabels ?? {}).map(([k, v]) => [k, String(v)] as const);
  const matchExpressions = (raw.matchExpressions ?? []).map((e: any) => parseRequirement(e, where));
  return { matchLabels, matchExpressions };
}

function parseRequirement(raw: any, where: string): Requirement {
  const operator = raw?.operator;
  if (typeof raw?.key !== 'string' || !OPERATORS.includes(operator)) {
    throw new Error(`${where}: invalid matchExpressions entry ${JSON.stringify(raw)}`);
  }
  const values: string[] = (raw.values ?? []).map(String);
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues !== values.length > 0) {
    throw new Error(`${where}: operator ${operator} ${needsValues ? 'needs' : 'takes no'} values`);
  }
  return { key: raw.key, operator, values: new Set(values) };
}

/** True iff the selector selects everything. */
export function selectsAll(selector: Selector): boolean {
  return selector.matchLabels.length === 0 && selector.matchExpressions.length === 0;
}

/** True iff `labels` satisfy every `matchLabels` entry and every requirement. */
export function matchesSelector(selector: Selector, labels: Labels): boolean {
  return (
    selector.matchLabels.every(([k, v]) => labels[k] === v) &&
    selector.matchExpressions.every((r) => matchesRequirement(r, labels))
  );
}

/** Evaluates one requirement, with the Kubernetes semantics (NotIn matches an absent key). */
export function matchesRequirement(requirement: Requirement, labels: Labels): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  switch (requirement.operator) {
    case 'In':
      return present && requirement.values.has(labels[requirement.key]);
    case 'NotIn':
      return !present || !requirement.values.has(labels[requirement.key]);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}
