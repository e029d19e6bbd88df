/**
 * A Kubernetes NetworkPolicy evaluator, pure TypeScript: reads synthesized
 * manifests and answers reachability questions with `networking.k8s.io/v1`
 * semantics.
 */
export { NetworkPolicyEvaluator } from './evaluator';
export type { EvaluatorInput } from './evaluator';
export { isPodGroup, PROTOCOLS } from './types';
export type {
  CheckResult,
  ContainerPortInfo,
  Endpoint,
  ExternalEndpoint,
  Isolation,
  PodGroup,
  PortRange,
  Protocol,
  ReachabilityEdge,
  SideVerdict,
} from './types';
export { NAMESPACE_NAME_LABEL } from './namespaces';
export type { Labels, Requirement, Selector, SelectorOperator } from './selector';
