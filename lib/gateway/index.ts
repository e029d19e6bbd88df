/** The entry point: ApiGateway, its controllers, TLS, the routing API and backends. */
export * from './api-gateway';
export * from './ingress-controller';
export * from './tls';
export * from './routing-api';
export { Backend } from './backend';
export type { IBackend, ServiceBackendOptions } from './backend';
export type { CorsOptions, GatewayTimeouts, RateLimitOptions } from './features';
export { PathType } from './rules';
export type { NginxControllerOptions } from './controllers/nginx';
export type { TraefikControllerOptions } from './controllers/traefik';
export type { InClusterControllerOptions } from './controllers/in-cluster';
export type { CiliumControllerOptions } from './controllers/cilium';
export { AlbScheme } from './controllers/aws-alb';
export type { AwsAlbControllerOptions } from './controllers/aws-alb';
export type { ControllerPods, CustomControllerOptions } from './controllers/custom';
