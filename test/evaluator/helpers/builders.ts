/**
 * Terse builders for the evaluator's unit tests.
 */
import type { ContainerPortInfo, PodGroup } from '../../../lib/evaluator';

/** A pod group `<namespace>/<name>` with the given labels. */
export function pods(
  namespaceAndName: string,
  labels: Record<string, string> = {},
  extra: { ports?: ContainerPortInfo[]; ip?: string } = {},
): PodGroup {
  const [namespace] = namespaceAndName.split('/');
  return { id: namespaceAndName, namespace, labels, ...extra };
}

/** A NetworkPolicy manifest (no policyTypes unless the spec has them). */
export function netpol(namespace: string, name: string, spec: Record<string, unknown>): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}

/** A Namespace manifest. */
export function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** `{ matchLabels }`. */
export function matchLabels(labels: Record<string, string>): any {
  return { matchLabels: labels };
}
