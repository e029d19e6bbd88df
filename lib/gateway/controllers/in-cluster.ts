import type { IConstruct } from 'constructs';
import { podsEndpoint } from '../../model/flows/endpoint';
import { check, dns1123Label, dns1123Subdomain } from '../../util/validation';
import { validatePods } from './controller';

/** Options shared by the in-cluster controller presets (ingress-nginx, Traefik). */
export interface InClusterControllerOptions {
  /**
   * The IngressClass name (`spec.ingressClassName`).
   * @default 'nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly className?: string;
  /**
   * The namespace the controller pods run in.
   * @default 'ingress-nginx' for ingress-nginx, 'traefik' for Traefik
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods (all must match); replaces the default entirely.
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' } or { 'app.kubernetes.io/name': 'traefik' }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * A readable name for the controller in policy names (`allow-<name>-to-<app>`) and errors.
   * Give two installations of one controller distinct names.
   * @default 'ingress-nginx' or 'traefik'
   */
  readonly name?: string;
}

/** The defaults of an in-cluster controller preset. @internal */
export interface InClusterDefaults {
  readonly name: string;
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

/** An in-cluster controller's options, validated for one gateway. @internal */
export function bindInCluster(scope: IConstruct, field: string, options: InClusterControllerOptions | undefined, defaults: InClusterDefaults) {
  const o = options ?? {};
  const name = check(scope, `${field} name`, o.name ?? defaults.name, dns1123Label);
  const className = check(scope, `${field} className`, o.className ?? defaults.className, dns1123Subdomain);
  const namespace = o.namespace ?? defaults.namespace;
  const labels = o.podLabels ?? defaults.podLabels;
  validatePods(scope, field, namespace, labels);
  return { name, className, source: podsEndpoint(name, namespace, { ...labels }) };
}
