import type * as k8s from 'cdk8s-plus-27/lib/imports/k8s';

/** The generated types whose fields users may hand to WebApp (`container`, `podSpec`). */
export type KubeFieldsType = 'Container' | 'PodSpec';

let generated: typeof k8s | undefined;

/**
 * Fields a user gave named as in cdk8s-plus-27's generated `k8s` types (`hostIpc`, `hostPid`,
 * `Quantity` and `IntOrString` values), as Kubernetes JSON (`hostIPC`, `"64Mi"`), by the generated
 * module's own converters.
 *
 * The library writes its own objects as plain `ApiObject`s in Kubernetes JSON, so the generated
 * module (about 35 ms to load, and a second pass over every rendered object in each `Kube*`
 * class's `toJson`) is loaded only here, the first time a program gives such fields.
 */
export function kubeFields(type: KubeFieldsType, fields: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (fields === undefined || Object.keys(fields).length === 0) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only (see above)
  generated ??= require('cdk8s-plus-27/lib/imports/k8s') as typeof k8s;
  const json = type === 'Container'
    ? generated.toJson_Container(fields as unknown as k8s.Container)
    : generated.toJson_PodSpec(fields as unknown as k8s.PodSpec);
  return json ?? {};
}
