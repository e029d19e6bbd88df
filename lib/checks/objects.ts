/**
 * The synthesized objects the checks look at, with the construct path of each, and small helpers
 * to read them. Everything here works on plain JSON, so checks can be tested without cdk8s.
 */
import { podTemplateOf } from '../evaluator/workloads';

/**
 * One synthesized object: its manifest and the construct path of the ApiObject that made it.
 * @jsii ignore
 */
export interface ManifestObject {
  /** The manifest, as `ApiObject.toJson()` returns it (and as it is written to YAML). */
  readonly json: any;
  /** The construct path, e.g. `shop/api/Service`. */
  readonly path: string;
}

/**
 * Names one object in a finding.
 * @jsii ignore
 */
export interface ObjectRef {
  readonly kind: string;
  /** Undefined for cluster-scoped objects (and for namespaced ones missing it). */
  readonly namespace?: string;
  readonly name: string;
  /** The construct path. */
  readonly path: string;
}

/** Annotation listing checks an object opts out of: `cdk8s-networking.io/skip-checks: a,b`. */
export const SKIP_CHECKS_ANNOTATION = 'cdk8s-networking.io/skip-checks';

/**
 * Annotation on an Ingress or HTTPRoute listing backend Services that are deployed outside this app
 * and so are not expected among its objects: `name` (the route's namespace) or `namespace/name`,
 * comma-separated.
 */
export const EXTERNAL_BACKENDS_ANNOTATION = 'cdk8s-networking.io/external-backends';

/** The reference of an object, for findings. */
export function refOf(obj: ManifestObject): ObjectRef {
  const ns = obj.json?.metadata?.namespace;
  return {
    kind: String(obj.json?.kind ?? '?'),
    ...(typeof ns === 'string' && ns !== '' ? { namespace: ns } : {}),
    name: String(obj.json?.metadata?.name ?? '?'),
    path: obj.path,
  };
}

/** `Kind ns/name` or `Kind name`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `Kind ns/name (construct path)`. */
export function describeWithPath(ref: ObjectRef): string {
  return `${describeRef(ref)} (${ref.path})`;
}

/** The namespace of a namespaced object; `default` when it names none, as the API server does. */
export function namespaceOf(obj: ManifestObject): string {
  const ns = obj.json?.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

/** The object's annotation `key`, if it is a string. */
export function annotation(obj: ManifestObject, key: string): string | undefined {
  const v = obj.json?.metadata?.annotations?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Splits a comma-separated annotation value into trimmed, non-empty items. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The checks an object opts out of with {@link SKIP_CHECKS_ANNOTATION}. */
export function skippedChecks(obj: ManifestObject): string[] {
  return commaList(annotation(obj, SKIP_CHECKS_ANNOTATION));
}

/**
 * A workload's pod template: the object, its labels, its containers' ports.
 * @jsii ignore
 */
export interface PodTemplate {
  readonly object: ManifestObject;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly { name?: string; containerPort: number; protocol: string }[];
}

/** The pod template of a workload object (Deployment, StatefulSet, ... or a bare Pod), if any. */
export function podTemplate(obj: ManifestObject): PodTemplate | undefined {
  const template = podTemplateOf(obj.json);
  if (!template) return undefined;
  const spec = template.spec ?? {};
  const sidecars = (spec.initContainers ?? []).filter((c: any) => c?.restartPolicy === 'Always');
  const ports = [...(spec.containers ?? []), ...sidecars].flatMap((c: any) => (c?.ports ?? []).map((p: any) => ({
    ...(p?.name !== undefined ? { name: String(p.name) } : {}),
    containerPort: Number(p?.containerPort),
    protocol: String(p?.protocol ?? 'TCP'),
  })));
  return { object: obj, namespace: namespaceOf(obj), labels: { ...(template.metadata?.labels ?? {}) }, ports };
}

/** A label map as `{a=b, c=d}`, sorted, for messages. */
export function formatLabels(labels: Readonly<Record<string, unknown>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return `{${keys.map((k) => `${k}=${String(labels![k])}`).join(', ')}}`;
}

/** Locale-independent string comparison, for deterministic output. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
