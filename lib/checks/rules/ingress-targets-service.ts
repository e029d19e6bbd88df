import type { ICheck } from '../check';
import type { CheckContext } from '../context';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { annotation, commaList, EXTERNAL_BACKENDS_ANNOTATION, namespaceOf, refOf } from '../objects';

/** One Service backend reference of an Ingress or HTTPRoute. */
export interface BackendRef {
  readonly route: ManifestObject;
  /** Where it is, e.g. `spec.rules[0].http.paths[1].backend.service`. */
  readonly field: string;
  readonly namespace: string;
  readonly name: string;
  /** The port number or name; undefined when the reference has none. */
  readonly port?: number | string;
}

/** Every named Service backend of the app's Ingresses and HTTPRoutes. */
export function backendRefs(ctx: CheckContext): BackendRef[] {
  return ctx.routes.flatMap((rule) => rule.backends
    .filter((b) => b.kind === 'Service' && b.name !== undefined)
    .map((b) => ({ route: rule.object, field: b.field, namespace: b.namespace, name: b.name!, ...(b.port !== undefined ? { port: b.port } : {}) })));
}

/** Whether a backend is declared external, by option or by the route's annotation. */
function isExternal(ctx: CheckContext, ref: BackendRef): boolean {
  const key = `${ref.namespace}/${ref.name}`;
  if (ctx.externalBackends.has(key)) return true;
  const routeNs = namespaceOf(ref.route);
  return commaList(annotation(ref.route, EXTERNAL_BACKENDS_ANNOTATION))
    .some((entry) => (entry.includes('/') ? entry : `${routeNs}/${entry}`) === key);
}

/** An Ingress or HTTPRoute backend naming a Service, or a Service port, that the app does not define. */
export const ingressTargetsService: ICheck = {
  name: 'ingress-targets-service',
  severity: 'error',
  description: 'Every Ingress and HTTPRoute backend must name a Service of the app, and a port (number or name) that Service has, unless declared ' +
    'external.',
  equivalents: ['kube-score ingress-targets-service', 'kube-linter dangling-ingress'],
  run(ctx) {
    const out: Problem[] = [];
    for (const ref of backendRefs(ctx)) {
      if (isExternal(ctx, ref)) continue;
      const route = refOf(ref.route);
      const svc = ctx.service(ref.namespace, ref.name);
      const externalHint = `or, if the Service is deployed outside this app, list ` +
        `"${ref.namespace === namespaceOf(ref.route) ? ref.name : `${ref.namespace}/${ref.name}`}" in the annotation ` +
          `${EXTERNAL_BACKENDS_ANNOTATION} of the ${route.kind}`;
      if (!svc) {
        out.push(problem(route, `${ref.field}.name`, ref.name,
          `there is no Service "${ref.name}" in namespace "${ref.namespace}" in this app, so the controller answers 503 for this route`,
          `point the backend at a Service of the app, ${externalHint}`));
        continue;
      }
      if (svc.json?.spec?.type === 'ExternalName') continue; // ExternalName Services have no ports to match
      const ports: any[] = svc.json?.spec?.ports ?? [];
      const have = ports.map((p) => (p?.name ? `${p.port} (${p.name})` : String(p?.port))).join(', ') || 'none';
      if (ref.port === undefined) {
        out.push(problem(route, `${ref.field}.port`, undefined,
          `a Service backend needs a port; Service ${ref.namespace}/${ref.name} has ports ${have}`,
          'set the backend port to one of the Service ports', [refOf(svc)]));
      } else if (typeof ref.port === 'number' ? !ports.some((p) => p?.port === ref.port) : !ports.some((p) => p?.name === ref.port)) {
        out.push(problem(route, `${ref.field}.port`, ref.port,
          `Service ${ref.namespace}/${ref.name} has no port ${typeof ref.port === 'number' ? 'numbered' : 'named'} ${JSON.stringify(ref.port)} (it ` +
            `has ${have})`,
          'use one of the Service\'s ports (the Service port, not the container port)', [refOf(svc)]));
      }
    }
    return out;
  },
};
