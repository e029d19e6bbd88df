import type { ApiObjectMetadataDefinition } from 'cdk8s';
import { ApiObject, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * An `ApiObject` whose manifest the library builds from plain data (strings, numbers, booleans,
 * plain objects and arrays), rendered in one pass.
 *
 * cdk8s's `toJson()` offers every value of the object and of its metadata to each of the app's
 * resolvers, then copies the result to sort its keys and drop empty values. Under cdk8s's own three
 * resolvers, none of which changes a plain value, that is the identity followed by the copy: this
 * class makes the copy alone, which takes a fraction of the time and garbage. It falls back to
 * cdk8s's `toJson()` wherever the result could differ: when the app has resolvers of its own (or a
 * cdk8s too old to have any), when the object has JSON patches, when its metadata has fields this
 * class does not know, and when a value is anything but plain data (a `Lazy`, a class instance, an
 * object with a `resolve` method). `test/api-object.test.ts` holds the two renderings equal.
 */
export class PlainApiObject extends ApiObject {
  public toJson(): any {
    if (!renderablePlainly(this)) return super.toJson();
    const metadata = plainMetadata(this.metadata);
    if (metadata === NOT_PLAIN) return super.toJson();
    const data = { ...(this as unknown as { props: object }).props, metadata };
    const json = sanitize(data, !process.env.CDK8S_DISABLE_SORT, false);
    if (json === NOT_PLAIN) return super.toJson();
    // cdk8s's order: apiVersion, kind and metadata first, then the rest.
    const result: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) {
      if (k in json) result[k] = json[k];
    }
    return result;
  }
}

/** What `sanitize` returns when a value needs cdk8s's resolvers. */
const NOT_PLAIN: any = Symbol('not plain');

/** cdk8s's own resolvers, which leave plain values as they are. */
const DEFAULT_RESOLVERS: unknown[] = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** The fields of cdk8s's `ApiObjectMetadataDefinition` that its `toJson()` renders, and `apiObject`. */
const METADATA_FIELDS = ['_additionalAttributes', 'annotations', 'apiObject', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'];

function renderablePlainly(obj: ApiObject): boolean {
  const { patches, props } = obj as unknown as { patches?: unknown; props?: unknown };
  if (!Array.isArray(patches) || patches.length > 0 || typeof props !== 'object' || props === null) return false;
  const resolvers = (App.of(obj) as { resolvers?: unknown }).resolvers;
  return Array.isArray(resolvers)
    && resolvers.every((r) => DEFAULT_RESOLVERS.includes((r as object | undefined)?.constructor));
}

/** What cdk8s's `ApiObjectMetadataDefinition.toJson()` renders, or `NOT_PLAIN` for a shape it does not know. */
function plainMetadata(metadata: ApiObjectMetadataDefinition): any {
  const fields = metadata as unknown as Record<string, any>;
  const keys = Object.keys(fields).sort();
  if (keys.length !== METADATA_FIELDS.length || keys.some((k, i) => k !== METADATA_FIELDS[i])) return NOT_PLAIN;
  const additional = fields._additionalAttributes;
  if (typeof additional !== 'object' || additional === null) return NOT_PLAIN;
  return sanitize({
    ...additional,
    name: fields.name,
    namespace: fields.namespace,
    annotations: fields.annotations,
    finalizers: fields.finalizers,
    ownerReferences: fields.ownerReferences,
    labels: fields.labels,
  }, true, true);
}

/**
 * cdk8s's `sanitizeValue` over plain data: keys sorted if `sortKeys`, null and undefined dropped from
 * objects and turned into undefined in arrays, and with `filterEmpty` empty objects and arrays
 * dropped too. Returns `NOT_PLAIN` for anything a resolver could replace.
 */
function sanitize(value: any, sortKeys: boolean, filterEmpty: boolean): any {
  if (value == null) return undefined;
  if (typeof value !== 'object') return typeof value === 'function' ? NOT_PLAIN : value;
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const v = sanitize(value[i], sortKeys, filterEmpty);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      out[i] = v;
    }
    return out;
  }
  // A function anywhere (an object's `resolve()` among them) sends the object to cdk8s.
  if (value.constructor !== Object) return NOT_PLAIN;
  const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k of keys) {
    const v = sanitize(value[k], sortKeys, filterEmpty);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v !== undefined) {
      out[k] = v;
      empty = false;
    }
  }
  return filterEmpty && empty ? undefined : out;
}
