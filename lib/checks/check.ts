import type { CheckContext } from './context';
import type { Problem, Severity } from './finding';

/**
 * One cross-object check: a pure function over the app's objects.
 * @jsii ignore
 */
export interface ICheck {
  /** The name findings carry and the skip annotation uses, e.g. `service-targets-pod`. */
  readonly name: string;
  /** The severity of its findings (warnings become errors in strict mode). */
  readonly severity: Severity;
  /** What it catches, in one sentence. */
  readonly description: string;
  /** The equivalent rules of other checkers, for people who know them. */
  readonly equivalents: readonly string[];
  /** Runs the check. */
  run(ctx: CheckContext): Problem[];
}
