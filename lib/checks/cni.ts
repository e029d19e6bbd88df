/**
 * Names of the findings about what the chosen CNI enforces (computed at synth from the model by
 * lib/synth/cni-findings.ts, where the CNI choice is known).
 */

/** The CNI enforces no NetworkPolicy at all (Flannel). */
export const CNI_NO_ENFORCEMENT = 'cni-no-enforcement';
/** A declared flow uses a feature the chosen CNI does not enforce as declared. */
export const CNI_UNSUPPORTED_FEATURE = 'cni-unsupported-feature';
/** A host-network ingress controller whose traffic source (the nodes) is unknown. */
export const HOST_NETWORK_SOURCE_UNKNOWN = 'host-network-source-unknown';

/** Every CNI finding name. */
export const CNI_CHECK_NAMES: readonly string[] = [CNI_NO_ENFORCEMENT, CNI_UNSUPPORTED_FEATURE, HOST_NETWORK_SOURCE_UNKNOWN];
