export * from './port';
export * from './peer';
export * from './namespace-ref';
export * from './network-model';
export * from './zero-trust-namespace';
export * from './web-app';
export * from './external-service';
export * from './sync-waves';
export * from './argocd';
export * from './output';
export * from './api-gateway';
export * from './ingress-controller';
export * from './tls';
export * from './gateway-api';
export { Backend } from './gateway/backend';
export type { ServiceBackendOptions } from './gateway/backend';
export type { CorsOptions, GatewayTimeouts, RateLimitOptions } from './gateway/features';
export type { PathType } from './gateway/rules';
export * from './checks';
export * from './report';
export { NetworkPolicyEvaluator } from './evaluator';
export type {
  CheckResult, ContainerPortInfo, EvaluatorInput, ExternalEndpoint, Isolation, PodGroup, PortRange, ReachabilityEdge, SideVerdict,
} from './evaluator';
