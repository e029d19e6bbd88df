export { ARGOCD_NAMESPACE, IN_CLUSTER_SERVER, RESOURCES_FINALIZER } from './common';
export type { ArgoCdDestination, ArgoCdSourceOptions, ArgoCdSyncOptions } from './common';
export * from './application';
export * from './application-set';
