/** The entry point: ApiGateway, its controllers, TLS, the Gateway API routing option and backends. */
export * from './api-gateway';
export * from './ingress-controller';
export * from './tls';
export * from './gateway-api';
export { Backend } from './backend';
export type { ServiceBackendOptions } from './backend';
export type { CorsOptions, GatewayTimeouts, RateLimitOptions } from './features';
export type { PathType } from './rules';
