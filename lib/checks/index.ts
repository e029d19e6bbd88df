/** Cross-object checks and flow verification run at synth. */
export type { ICheck } from './check';
export { CheckContext } from './context';
export type { CheckInput } from './context';
export type { Finding, Problem, Severity } from './finding';
export { formatFinding } from './finding';
export { EXTERNAL_BACKENDS_ANNOTATION, SKIP_CHECKS_ANNOTATION } from './objects';
export type { ManifestObject, ObjectRef, PodTemplate } from './objects';
export { CHECK_NAMES, CHECKS, runChecks } from './registry';
export type { CheckResults, RunChecksOptions } from './registry';
export { collectObjects } from './collect';
export { DECLARED_FLOW_DENIED, UNDECLARED_FLOW } from './verify';
export type { RouteBackend, RouteMatch, RouteParent, RouteRule } from './routes';
export type { GroupInfo, NetworkView } from './verify';
export { EGRESS_TO_ANY_ADDRESS, FLOW_CHECKS } from './flow-checks';
export type { FlowCheckInfo } from './flow-checks';
export { FLOW_PORT_UNVERIFIED, FLOW_TARGET_PORT } from './flow-ports';
export { DECLARED_FLOW_MAY_BE_DENIED } from './peer-policies';
export { POD_DNS_POLICY } from './pod-dns';
