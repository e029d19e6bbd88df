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

/**
 * Fields a user gave named as in cdk8s-plus's generated `k8s` types (`hostIpc`, `hostPid`,
 * `Quantity` and `IntOrString` values), as Kubernetes JSON (`hostIPC`, `"64Mi"`), by the generated
 * module's own converters.
 *
 * The library writes its own objects as plain `ApiObject`s in Kubernetes JSON, so a generated
 * module (about 35 ms to load, and a second pass over every rendered object in each `Kube*`
 * class's `toJson`) is loaded only here, the first time a program gives such fields, from whichever
 * cdk8s-plus (27 through 33) the project has.
 */
export function kubeFields(
  scope: IConstruct, field: string, type: KubeFieldsType, fields: Readonly<Record<string, unknown>> | undefined,
  find: () => GeneratedConverters | undefined = installedConverters,
): Record<string, unknown> {
  if (fields === undefined || Object.keys(fields).length === 0) return {};
  const converters = find();
  if (!converters) {
    throw invalid(scope, field, fields, `fields named as in cdk8s-plus's k8s.${type} are converted by a cdk8s-plus package, and the project has `
      + `none of ${CDK8S_PLUS_PACKAGES.join(', ')}: install the one the project uses (npm install cdk8s-plus-33)`);
  }
  const convert = (f: Readonly<Record<string, unknown>>): Record<string, unknown> => (type === 'Container'
    ? converters.toJson_Container(f as unknown as k8s.Container)
    : converters.toJson_PodSpec(f as unknown as k8s.PodSpec)) ?? {};
  // The converters drop what they do not know (`hostPID` for `hostPid`, a misspelt nested field): fewer values out than in.
  for (const key of Object.keys(fields).sort()) {
    if (leafCount(fields[key]) > leafCount(convert({ [key]: fields[key] }))) {
      throw invalid(scope, `${field}.${key}`, fields[key], `is not a field of cdk8s-plus's k8s.${type}, or holds one that is not, so it would be `
        + 'left out of the manifest (fields are named as in cdk8s-plus\'s generated types: hostPid where the YAML says hostPID)');
    }
  }
  return convert(fields);
}

/** The number of values in `value`, however nested; a `Quantity` or `IntOrString` (`{ value }`) counts one, as its JSON does. */
function leafCount(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value !== 'object') return 1;
  return Object.values(value).reduce((n: number, v) => n + leafCount(v), 0);
}
