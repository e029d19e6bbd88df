/**
 * The endpoints of a Service without a selector, as far as the app says them. Kubernetes writes no
 * EndpointSlice for such a Service: whoever manages it (a person, a controller) writes
 * `discovery.k8s.io/v1` EndpointSlices labelled `kubernetes.io/service-name: <service>` in the
 * Service's namespace (or a legacy `v1` Endpoints object named like the Service, which the
 * EndpointSlice mirroring controller copies into slices). Ingress controllers and Gateway
 * implementations route to those endpoints' addresses directly (ingress-nginx:
 * internal/ingress/controller/endpointslices.go `getEndpointsFromSlices`), so the connection is
 * pod-to-pod, and NetworkPolicy applies at the endpoint as for any Service.
 *
 * An endpoint names its pod with `targetRef` (kind Pod): controllers name pods after their
 * workload (`<deployment>-<hash>-<suffix>`, `<statefulset>-<ordinal>`, `<job>-<suffix>`, a bare Pod
 * by its own name), which is how an endpoint is tied to the app's workloads here. An address alone
 * says no pod: it may be one (inside the pod CIDRs), or not.
 */
import { cidrContains, PRIVATE_RANGES } from '../util/validation';
import type { CheckContext } from './context';
import type { ManifestObject } from './objects';
import { namespaceOf } from './objects';

/** The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1 `LabelServiceName`). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Global unicast IPv6, where pods of IPv6 clusters may take public addresses. */
const GLOBAL_UNICAST_V6 = '2000::/3';

/**
 * One endpoint of a selector-less Service on one Service port.
 * @jsii ignore
 */
export interface ServiceEndpoint {
  /** The EndpointSlice (or Endpoints) object listing it. */
  readonly object: ManifestObject;
  /** Where: `endpoints[0]` of an EndpointSlice, `subsets[0].addresses[1]` of an Endpoints. */
  readonly field: string;
  readonly addresses: readonly string[];
  /** The pod it names (`targetRef` of kind Pod), with the namespace defaulted to the object's. */
  readonly pod?: { readonly namespace: string; readonly name: string };
  /** The port the connection goes to: the object's port of the Service port's name. */
  readonly port: number;
}

/** Whether a Service has no selector: its endpoints are written by someone else (an ExternalName Service has none: ask first). */
export function selectorless(svc: ManifestObject): boolean {
  return Object.keys(svc.json?.spec?.selector ?? {}).length === 0;
}

/** The EndpointSlices and Endpoints of the app that list endpoints for Service `namespace/name`. */
export function endpointObjects(ctx: CheckContext, namespace: string, name: string): ManifestObject[] {
  const slices = ctx.ofKind('EndpointSlice').filter((o) => o.json?.apiVersion === 'discovery.k8s.io/v1' && namespaceOf(o) === namespace
    && o.json?.metadata?.labels?.[SERVICE_NAME_LABEL] === name);
  const legacy = ctx.ofKind('Endpoints')
    .filter((o) => o.json?.apiVersion === 'v1' && namespaceOf(o) === namespace && o.json?.metadata?.name === name);
  return [...slices, ...legacy];
}

/**
 * The TCP port of `ports` (an EndpointSlice's or Endpoints subset's) that a Service port maps to:
 * the one of the same name (both unnamed on a Service of one port), as kube-proxy and ingress-nginx
 * pair them.
 */
function portFor(ports: any, servicePort: any): number | undefined {
  const name = servicePort?.name ?? '';
  const match = (Array.isArray(ports) ? ports : []).find((p: any) => (p?.name ?? '') === name && (p?.protocol ?? 'TCP') === 'TCP');
  return typeof match?.port === 'number' ? match.port : undefined;
}

/** A `targetRef` naming a Pod, with its namespace defaulted to the listing object's. */
function podRef(ref: any, namespace: string): ServiceEndpoint['pod'] {
  if (ref?.kind !== 'Pod' || typeof ref?.name !== 'string') return undefined;
  return { namespace: String(ref.namespace ?? namespace), name: ref.name };
}

/** Every endpoint `objects` list for `servicePort`; an object with no port of that name lists none for it. */
export function serviceEndpoints(objects: readonly ManifestObject[], servicePort: any): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  for (const o of objects) {
    const namespace = namespaceOf(o);
    if (o.json?.kind === 'EndpointSlice') {
      const port = portFor(o.json?.ports, servicePort);
      if (port === undefined) continue;
      (o.json?.endpoints ?? []).forEach((e: any, i: number) => {
        const pod = podRef(e?.targetRef, namespace);
        out.push({ object: o, field: `endpoints[${i}]`, addresses: (e?.addresses ?? []).map(String), ...(pod ? { pod } : {}), port });
      });
    } else {
      (o.json?.subsets ?? []).forEach((s: any, i: number) => {
        const port = portFor(s?.ports, servicePort);
        if (port === undefined) return;
        (s?.addresses ?? []).forEach((a: any, j: number) => {
          const pod = podRef(a?.targetRef, namespace);
          out.push({ object: o, field: `subsets[${i}].addresses[${j}]`, addresses: a?.ip ? [String(a.ip)] : [], ...(pod ? { pod } : {}), port });
        });
      });
    }
  }
  return out;
}

/**
 * Whether a pod named `pod` can be one of `workload`'s: the workload itself (a bare Pod), or a name
 * its controller gives, `<workload>-` followed by what the controller appends.
 */
export function podOfWorkload(pod: string, workload: ManifestObject): boolean {
  const name = String(workload.json?.metadata?.name ?? '');
  switch (workload.json?.kind) {
    case 'Pod': return pod === name;
    case 'StatefulSet': return new RegExp(`^${escape(name)}-\\d+$`).test(pod);
    case 'Deployment': return new RegExp(`^${escape(name)}-[a-z0-9]+-[a-z0-9]+$`).test(pod);
    case 'CronJob': return new RegExp(`^${escape(name)}-\\d+-[a-z0-9]+$`).test(pod);
    default: return new RegExp(`^${escape(name)}-[a-z0-9]+$`).test(pod);
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The ranges of `address` may be a pod's: the pod CIDRs when known, else every private range and
 * global unicast IPv6 (pods of IPv6 clusters may have public addresses). Empty for an address
 * outside them (or not an address).
 */
export function podRangesOf(address: string, podCidrs: readonly string[] | undefined): string[] {
  const host = address.includes(':') ? `${address}/128` : `${address}/32`;
  return (podCidrs ?? [...PRIVATE_RANGES, GLOBAL_UNICAST_V6]).filter((r) => cidrContains(r, host));
}
