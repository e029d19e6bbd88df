/**
 * The checks of what the API server refuses and the evaluator cannot read. They cannot be skipped,
 * app-wide or by annotation: an object they refuse fails `kubectl apply` whatever the checks say.
 */

/** NetworkPolicy ports the API server refuses (`lib/checks/rules/networkpolicy-port.ts`). */
export const NETWORKPOLICY_PORT = 'networkpolicy-port';

/** Container ports the API server refuses (`lib/checks/rules/container-port.ts`). */
export const CONTAINER_PORT = 'container-port';

/** The names of the checks that cannot be skipped. */
export const UNSKIPPABLE_CHECKS: ReadonlySet<string> = new Set([NETWORKPOLICY_PORT, CONTAINER_PORT]);

/** Why such a check cannot be skipped, for the errors of the skip annotation and the `skipChecks` option. */
export const UNSKIPPABLE_REASON = 'the API server refuses what it reports, so skipping it would only move the error to kubectl apply';
