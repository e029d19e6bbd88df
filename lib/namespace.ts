import type { IConstruct } from 'constructs';
import { check, dns1123Label } from './util/validation';

/** Something that names a Kubernetes namespace, such as a `ZeroTrustNamespace`. */
export interface INamespace {
  /** The namespace name. */
  readonly name: string;
}

/** A namespace given as a construct or by name. */
export type NamespaceRef = INamespace | string;

/** @internal Resolves and validates a namespace reference. */
export function namespaceName(scope: IConstruct, field: string, ns: NamespaceRef): string {
  const name = typeof ns === 'string' ? ns : ns?.name;
  return check(scope, field, name, dns1123Label);
}
