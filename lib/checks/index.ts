/** Cross-object checks and flow verification run at synth. */
export type { Check } from './check';
export { CheckContext } from './context';
export type { CheckInput } from './context';
export type { Finding, Severity } from './finding';
export { formatFinding } from './finding';
export { EXTERNAL_BACKENDS_ANNOTATION, SKIP_CHECKS_ANNOTATION } from './objects';
export type { ManifestObject, ObjectRef } from './objects';
export { REPORT_CONTEXT_KEY, REPORT_ENV, STRICT_CONTEXT_KEY, STRICT_ENV } from './options';
export type { NetworkSynthOptions } from './options';
export { CHECK_NAMES, CHECKS, runChecks } from './registry';
export type { CheckResults, RunChecksOptions } from './registry';
export { collectObjects, networkReportPaths, WARNING_METADATA } from './synth';
export { DECLARED_FLOW_DENIED, UNDECLARED_FLOW } from './verify';
