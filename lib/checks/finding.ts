/**
 * Findings: what a check reports, in the library's error format
 * `<construct path>: <field> <value> is invalid: <rule>`, plus what to do about it.
 */
import { formatValue } from '../util/validation';
import type { ObjectRef } from './objects';
import { compare, describeRef, SKIP_CHECKS_ANNOTATION } from './objects';
import { UNSKIPPABLE_CHECKS } from './unskippable';

/**
 * How bad a finding is: errors fail synth, warnings are reported (and fail synth when strict).
 * @jsii ignore
 */
export type Severity = 'error' | 'warning';

/**
 * One problem a check found.
 * @jsii ignore
 */
export interface Finding {
  /** The check's name, e.g. `service-targets-pod`; also what the skip annotation names. */
  readonly check: string;
  readonly severity: Severity;
  /**
   * The object the finding is about: the one that can opt out with the skip annotation.
   * Undefined when no single object is to blame (e.g. a declared flow that is denied).
   */
  readonly object?: ObjectRef;
  /** Other objects involved. */
  readonly related: readonly ObjectRef[];
  /** The problem, `<construct path>: <what> <field> <value> is invalid: <rule>`. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/**
 * A finding before the runner gives it its check name and severity.
 * @jsii ignore
 */
export type Problem = Omit<Finding, 'check' | 'severity'>;

/** Builds a problem about a field of an object. */
export function problem(
  object: ObjectRef, field: string, value: unknown, rule: string, fix: string, related: readonly ObjectRef[] = [],
): Problem {
  return {
    object,
    related,
    message: `${object.path}: ${describeRef(object)} ${field} ${formatValue(value)} is invalid: ${rule}`,
    fix,
  };
}

/** One line of text for a finding: `[check] message. Fix: ...`. */
export function formatFinding(f: Finding): string {
  // A skip annotation naming an unknown check cannot be skipped by annotating it again, nor can what the API server refuses.
  const skip = f.object && f.check !== 'skip-checks' && !UNSKIPPABLE_CHECKS.has(f.check)
    ? ` (to accept it, annotate ${describeRef(f.object)} with ${SKIP_CHECKS_ANNOTATION}: ${f.check})` : '';
  return `[${f.check}] ${f.message}. Fix: ${f.fix}${skip}`;
}

/** Sorts findings by severity, check, message: the order of reports and error texts. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (s: Severity) => (s === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a.severity) - rank(b.severity) || compare(a.check, b.check) || compare(a.message, b.message));
}
