import type * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { IConstruct } from 'constructs';
import { invalid } from './validation';

/** The generated types whose fields users may hand to WebApp (`container`, `podSpec`). */
export type KubeFieldsType = 'Container' | 'PodSpec';

/** The converters of a cdk8s-plus package's generated `k8s` module (the same functions in 27 through 33). */
export type GeneratedConverters = Pick<typeof k8s, 'toJson_Container' | 'toJson_PodSpec'>;

/** The cdk8s-plus packages whose generated module converts the fields, newest first: it knows the most fields. */
export const CDK8S_PLUS_PACKAGES = ['33', '32', '31', '30', '29', '28', '27'].map((v) => `cdk8s-plus-${v}`);

/**
 * The generated `k8s` module of the newest cdk8s-plus the project has installed, or undefined.
 * `load` is `require`, a parameter so that tests can say which packages exist.
 */
export function findConverters(load: (id: string) => unknown): GeneratedConverters | undefined {
  for (const pkg of CDK8S_PLUS_PACKAGES) {
    try {
      return load(`${pkg}/lib/imports/k8s`) as GeneratedConverters;
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  return undefined;
}

let installed: GeneratedConverters | undefined;

/** The project's own converters, found once. */
function installedConverters(): GeneratedConverters | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only (see kubeFields)
  installed ??= findConverters((id) => require(id));
  return installed;
}

/** One way a value breaks the Kubernetes schema, as kubernetes-models (ajv) reports it. */
export interface SchemaError {
  /** JSON pointer to the value, e.g. `/volumeMounts/0/name`. */
  readonly instancePath: string;
  /** The schema keyword that failed: `type`, `format`, `oneOf`, `enum`, `required`, ... */
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** Validates Kubernetes JSON of `type` against the API's OpenAPI schema: the errors, none when valid. */
export type SchemaCheck = (type: KubeFieldsType, json: Readonly<Record<string, unknown>>) => readonly SchemaError[];

interface ModelClass { new (data: unknown): { validate(): void } }
let schemas: SchemaCheck | undefined;

/**
 * The Kubernetes schemas of PodSpec and Container, by kubernetes-models (its validators are compiled
 * ahead from the API's OpenAPI document), loaded once, on first use: the two modules and the
 * formats they need take about 25 ms to load, and a check about 5 microseconds.
 */
export function installedSchemas(): SchemaCheck {
  if (!schemas) {
    // Loaded on first use only (see kubeFields).
    const models: Record<KubeFieldsType, ModelClass> = {
      PodSpec: (require('kubernetes-models/v1/PodSpec') as { PodSpec: ModelClass }).PodSpec,
      Container: (require('kubernetes-models/v1/Container') as { Container: ModelClass }).Container,
    };
    schemas = (type, json) => {
      try {
        new models[type](json).validate();
        return [];
      } catch (e) {
        const errors = (e as { errors?: unknown }).errors;
        if (!Array.isArray(errors) || errors.length === 0) throw e;
        return errors as SchemaError[];
      }
    };
  }
  return schemas;
}

/** What the schema requires at the top of each type and WebApp sets itself; stands in while the extras alone are checked. */
const REQUIRED_STUB: Record<KubeFieldsType, Record<string, unknown>> = { Container: { name: 'app' }, PodSpec: { containers: [] } };

/**
 * Fields a user gave named as in cdk8s-plus's generated `k8s` types (`hostIpc`, `hostPid`,
 * `Quantity` and `IntOrString` values), as Kubernetes JSON (`hostIPC`, `"64Mi"`), by the generated
 * module's own converters, and checked against the Kubernetes schema of the type.
 *
 * The library writes its own objects as plain `ApiObject`s in Kubernetes JSON, so a generated
 * module (about 35 ms to load, and a second pass over every rendered object in each `Kube*`
 * class's `toJson`) is loaded only here, the first time a program gives such fields, from whichever
 * cdk8s-plus (27 through 33) the project has.
 *
 * The converters copy whatever they are given (a JavaScript program or values read from a config
 * file have no type check): `terminationGracePeriodSeconds: "soon"` would reach the YAML, and the
 * API server refuse it at decode. So the JSON is checked against the API's schema (kubernetes-models,
 * see `installedSchemas`), and a converter that fails on a value of the wrong shape
 * (`volumes: "x"`) is reported as that value's error, not as a stack trace into cdk8s-plus.
 */
export function kubeFields(
  scope: IConstruct, field: string, type: KubeFieldsType, fields: Readonly<Record<string, unknown>> | undefined,
  find: () => GeneratedConverters | undefined = installedConverters,
  schema: () => SchemaCheck = installedSchemas,
): Record<string, unknown> {
  if (fields === undefined) return {};
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw invalid(scope, field, fields, `must be an object of fields of cdk8s-plus's k8s.${type}`);
  }
  if (Object.keys(fields).length === 0) return {};
  const converters = find();
  if (!converters) {
    throw invalid(scope, field, fields, `fields named as in cdk8s-plus's k8s.${type} are converted by a cdk8s-plus package, and the project has `
      + `none of ${CDK8S_PLUS_PACKAGES.join(', ')}: install the one the project uses (npm install cdk8s-plus-33)`);
  }
  const convert = (f: Readonly<Record<string, unknown>>): Record<string, unknown> => (type === 'Container'
    ? converters.toJson_Container(f as unknown as k8s.Container)
    : converters.toJson_PodSpec(f as unknown as k8s.PodSpec)) ?? {};
  /** The JSON name of each field -> the name the user gave it (`hostIPC` -> `hostIpc`), so errors name what the program says. */
  const given = new Map<string, string>();
  for (const key of Object.keys(fields).sort()) {
    let one: Record<string, unknown>;
    try {
      one = convert({ [key]: fields[key] });
    } catch (e) {
      throw unconvertible(scope, field, type, key, fields[key], e, schema());
    }
    // The converters drop what they do not know (`hostPID` for `hostPid`, a misspelt nested field): fewer values out than in.
    if (leafCount(fields[key]) > leafCount(one)) {
      throw invalid(scope, `${field}.${key}`, fields[key], `is not a field of cdk8s-plus's k8s.${type}, or holds one that is not, so it would be `
        + 'left out of the manifest (fields are named as in cdk8s-plus\'s generated types: hostPid where the YAML says hostPID)');
    }
    for (const jsonName of Object.keys(one)) given.set(jsonName, key);
  }
  const json = convert(fields);
  const errors = schema()(type, { ...REQUIRED_STUB[type], ...json });
  if (errors.length > 0) throw schemaError(scope, field, type, json, errors, (k) => given.get(k) ?? k);
  return json;
}

/** The error for a value a converter failed on: where the schema finds a list or an object missing, that; else the converter's word. */
function unconvertible(scope: IConstruct, field: string, type: KubeFieldsType, key: string, value: unknown, e: unknown, check: SchemaCheck): Error {
  // The converters fail on a non-list where they map a list, or a non-object where they read fields;
  // the user's names are the JSON names but for a few acronyms, so the schema can point at the value.
  const shape = check(type, { ...REQUIRED_STUB[type], [key]: value })
    .filter((err) => err.keyword === 'type' && (err.params.type === 'array' || err.params.type === 'object'));
  if (shape.length > 0) return schemaError(scope, field, type, { [key]: value }, shape, (k) => k);
  return invalid(scope, `${field}.${key}`, value, `cannot be converted by cdk8s-plus's k8s.toJson_${type} (${(e as Error)?.message ?? String(e)}): `
    + `it must have the shape of cdk8s-plus's k8s.${type} (a list where the type has a list, an object where it has an object)`);
}

const NOUNS: Readonly<Record<string, string>> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object', null: 'null',
};
const FORMATS: Readonly<Record<string, string>> = {
  'int32': 'a whole number from -2147483648 to 2147483647',
  'int64': 'a whole number from -9223372036854775808 to 9223372036854775807',
  'quantity': 'a quantity string such as "64Mi", "1.5" or "250m"',
  'byte': 'a base64 string',
};

/** The JSON type each format applies to. */
const FORMAT_TYPES: Readonly<Record<string, string>> = { 'int32': 'integer', 'int64': 'integer', 'quantity': 'string', 'byte': 'string' };

/** One schema error (the first; with the others at the same value) in the library's format. */
function schemaError(
  scope: IConstruct, field: string, type: KubeFieldsType, json: Readonly<Record<string, unknown>>, errors: readonly SchemaError[],
  givenName: (jsonName: string) => string,
): Error {
  const at = errors[0].instancePath;
  const here = errors.filter((e) => e.instancePath === at);
  const { path, value } = locate(field, json, at, givenName);
  return invalid(scope, path, value, `${rule(here)}, as the Kubernetes API's ${type} schema says (checked with kubernetes-models)`);
}

/** What the errors at one value allow, in words. */
function rule(errors: readonly SchemaError[]): string {
  const describe = (e: SchemaError): string => {
    if (e.keyword === 'type') return NOUNS[String(e.params.type)] ?? String(e.params.type);
    if (e.keyword === 'format') return FORMATS[String(e.params.format)] ?? `a value of format ${String(e.params.format)}`;
    return e.message ?? e.keyword;
  };
  const required = errors.find((e) => e.keyword === 'required');
  if (required) return `must have the field ${String(required.params.missingProperty)}`;
  const allowed = errors.find((e) => e.keyword === 'enum');
  if (allowed) return `must be one of ${(allowed.params.allowedValues as unknown[]).map(String).join(', ')}`;
  // oneOf (IntOrString, Quantity): one alternative each, in the schema's order; an alternative whose
  // type failed also fails its format (80.5 is no integer, nor an int32), which says nothing more.
  if (errors.some((e) => e.keyword === 'oneOf')) {
    const types = new Set(errors.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)));
    const alternatives = errors.filter((e) => e.keyword === 'type' || (e.keyword === 'format' && !types.has(FORMAT_TYPES[String(e.params.format)])));
    return `must be ${alternatives.map(describe).join(' or ')}`;
  }
  // A type error comes first; the format error of the same value says less.
  const e = errors.find((x) => x.keyword === 'type') ?? errors[0];
  if (e.keyword === 'type' || e.keyword === 'format') return `must be ${describe(e)}`;
  return `must satisfy the schema: ${describe(e)}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The field path (`podSpec.volumes[0].name`, `podSpec.nodeSelector["pool.example/name"]`) and the value a JSON pointer names. */
function locate(field: string, json: unknown, pointer: string, givenName: (jsonName: string) => string): { path: string; value: unknown } {
  let path = field;
  let value = json;
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  segments.forEach((segment, i) => {
    if (Array.isArray(value)) {
      path += `[${segment}]`;
      value = value[Number(segment)];
      return;
    }
    const name = i === 0 ? givenName(segment) : segment;
    path += IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
    value = (value as Record<string, unknown> | undefined)?.[segment];
  });
  return { path, value };
}

/** The number of values in `value`, however nested; a `Quantity` or `IntOrString` (`{ value }`) counts one, as its JSON does. */
function leafCount(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value !== 'object') return 1;
  return Object.values(value).reduce((n: number, v) => n + leafCount(v), 0);
}
