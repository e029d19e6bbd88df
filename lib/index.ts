/**
 * cdk8s-networking: the public API. The root exports the constructs, the value types, the enums
 * and the network model with its options; the analysis APIs are namespaces (`checks`, `report`,
 * `evaluator`). Loading the synth layer registers the pipeline every app runs at synth.
 */
import './synth';

// Value types.
export * from './port';
export * from './peer';
export * from './namespace';
export * from './cni';

// The app-wide model, its options and the synth pipeline's public face.
export { NetworkModel } from './model/network-model';
export type { IZeroTrustScope } from './model/network-model';
export type { ForbidInternetEgressOptions, ForbidOptions, RequireTlsOptions } from './model/guardrails';
export type { FlowKind } from './model/flows/flow-graph';
export type { NetworkSynthOptions } from './model/options';
export { SYNTH_PHASES, SynthPhase } from './model/network-model';
export type { ISynthStep } from './model/network-model';
export type { NetworkReportOptions } from './report/options';
export type { DiagramBudget } from './report/diagram';
export {
  networkReportPaths, REPORT_CONTEXT_KEY, REPORT_ENV, REPORT_HTML_CONTEXT_KEY, REPORT_HTML_ENV, STRICT_CONTEXT_KEY, STRICT_ENV, WARNING_METADATA,
} from './synth';
export { EXTERNAL_BACKENDS_ANNOTATION, SKIP_CHECKS_ANNOTATION } from './checks/objects';
export { ValidationError } from './util/errors';

// Constructs.
export * from './zero-trust-namespace';
export * from './web-app';
export * from './external-service';
export * from './gateway';
export * from './argocd';
export * from './output';

// Analysis APIs, for tools built on the library.
export * as checks from './checks';
export * as report from './report';
export * as evaluator from './evaluator';
