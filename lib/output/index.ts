export { KUSTOMIZATION_FILE, writeKustomization } from './kustomization';
export type { KustomizationOptions } from './kustomization';
