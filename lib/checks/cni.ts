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
/** A flow to the API server opens both endpoint ports (443 and 6443): which one the cluster uses is unknown. */
export const KUBE_APISERVER_PORT = 'kube-apiserver-port';
/** A flow from the API server (webhooks), which on managed clusters arrives from the nodes or a tunnel's pods. */
export const KUBE_APISERVER_SOURCE = 'kube-apiserver-source';

/** On a CNI other than Cilium, a flow's ipBlock covers (or may cover) pod addresses, and so admits or reaches pods no flow declares. */
export const IPBLOCK_MAY_MATCH_PODS = 'ipblock-may-match-pods';

/** Every CNI finding name. */
export const CNI_CHECK_NAMES: readonly string[] = [
  CNI_NO_ENFORCEMENT, CNI_UNSUPPORTED_FEATURE, HOST_NETWORK_SOURCE_UNKNOWN, IPBLOCK_MAY_MATCH_PODS, KUBE_APISERVER_PORT, KUBE_APISERVER_SOURCE,
];
