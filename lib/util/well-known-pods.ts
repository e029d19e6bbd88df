/**
 * Pods that controllers create in the app's namespaces on their own, which the app never declares
 * as workloads but flows may name.
 */

/** The label cert-manager puts on its ACME HTTP-01 solver pods. */
export const ACME_SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
/** The port cert-manager's HTTP-01 solver pods listen on. */
export const ACME_SOLVER_PORT = 8089;
/** The readable name of the solver pods in policy names and reports. */
export const ACME_SOLVER_NAME = 'acme-http01-solver';

/**
 * Label keys of pods that controllers create in a namespace the app otherwise fully defines: a
 * selector on them is not dangling, and a flow naming them stands for those pods.
 */
export const CONTROLLER_POD_LABELS: readonly string[] = [ACME_SOLVER_LABEL];

/** Whether a label map or a selector's matchLabels names controller-made pods. */
export function selectsControllerPods(labels: Readonly<Record<string, unknown>> | undefined): boolean {
  return Object.keys(labels ?? {}).some((k) => CONTROLLER_POD_LABELS.includes(k));
}
