export { ARGOCD_NAMESPACE, IN_CLUSTER_SERVER, RESOURCES_FINALIZER } from './common';
export type { ArgoCdDestination, ArgoCdSourceOptions, ArgoCdSyncOptions } from './common';
export { ArgoCdApplication } from './application';
export type { ArgoCdApplicationProps } from './application';
export { ArgoCdApplicationSet, ClusterGenerator } from './application-set';
export type { ArgoCdApplicationSetProps, ClusterTarget } from './application-set';
export { DEFAULT_SYNC_WAVES, SYNC_WAVE_ANNOTATION, SyncWaves } from './sync-waves';
export type { SyncWavesOptions } from './sync-waves';
