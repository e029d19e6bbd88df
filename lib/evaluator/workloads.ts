/**
 * Pod groups from workload manifests: one group per pod template.
 */
import { DEFAULT_NAMESPACE } from './policy';
import type { ContainerPortInfo, PodGroup, Protocol } from './types';

/**
 * Where each kind read as a workload keeps its pod template (`[]`: the object is the pod), by API group and
 * kind (`apps/Deployment`; the core group is empty: `/Pod`). A kind is known by both: another group's `Job`
 * (Volcano's, batch.volcano.sh, with `spec.tasks[].template`) or `Pod` is not these, and is not read as one.
 * Every version of these groups keeps the template at the same place (apps/v1beta2, batch/v1beta1 CronJob).
 */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  'apps/Deployment': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  '/ReplicationController': ['spec', 'template'],
  // Argo Rollouts' Deployment replacement, common where Argo CD deploys.
  'argoproj.io/Rollout': ['spec', 'template'],
  // OpenKruise's workloads (config/crd/bases/apps.kruise.io_{clonesets,statefulsets,daemonsets}.yaml at 07169cf: spec.template).
  'apps.kruise.io/CloneSet': ['spec', 'template'],
  'apps.kruise.io/StatefulSet': ['spec', 'template'],
  'apps.kruise.io/DaemonSet': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  '/Pod': [],
};

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> `` for the core group), or undefined when it is not a string. */
export function apiGroupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Flattens manifests: drops null/non-object entries and expands `kind: List`
 * objects into their items.
 */
export function flattenManifests(manifests: readonly any[]): any[] {
  return manifests.flatMap((m) => {
    if (!m || typeof m !== 'object') return [];
    return m.kind === 'List' && Array.isArray(m.items) ? flattenManifests(m.items) : [m];
  });
}

/**
 * One {@link PodGroup} per pod template of the Deployments, StatefulSets, DaemonSets, ReplicaSets (apps),
 * ReplicationControllers and bare Pods (core), Jobs and CronJobs (batch) and Argo Rollouts (argoproj.io)
 * among `manifests`, known by API group and kind: a kind of another group with one of these names is not read.
 * Ids are `<namespace>/<Kind>/<name>`; ports come from all containers (and
 * from sidecar init containers, which serve like containers); a bare Pod's
 * `status.podIP`, if any, becomes the group IP.
 */
export function podGroupsFromManifests(manifests: readonly any[]): PodGroup[] {
  return flattenManifests(manifests).flatMap((m) => {
    const template = podTemplateOf(m);
    return template ? [podGroupOf(m, template)] : [];
  });
}

/**
 * The keys leading from a workload manifest to its pod template (`[]` for a Pod), or undefined for a
 * manifest of another API group and kind.
 */
export function podTemplatePath(manifest: any): readonly string[] | undefined {
  const key = `${apiGroupOf(manifest?.apiVersion)}/${manifest?.kind}`;
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, key) ? POD_TEMPLATE_PATHS[key] : undefined;
}

/**
 * The field path of a workload's pod spec, for messages: `spec` (Pod), `spec.template.spec`,
 * `spec.jobTemplate.spec.template.spec` (CronJob); `spec.template.spec` for a kind it does not read.
 */
export function podSpecField(manifest: any): string {
  return [...podTemplatePath(manifest) ?? ['spec', 'template'], 'spec'].join('.');
}

/** The pod template (`{ metadata, spec }`) of a workload manifest, or undefined for other kinds (and a workload without one). */
export function podTemplateOf(manifest: any): any | undefined {
  const path = podTemplatePath(manifest);
  if (!path) return undefined;
  return path.reduce((node, key) => node?.[key], manifest);
}

function podGroupOf(manifest: any, template: any): PodGroup {
  const namespace: string = manifest.metadata?.namespace ?? DEFAULT_NAMESPACE;
  const ip: unknown = podTemplatePath(manifest)?.length === 0 ? manifest.status?.podIP : undefined;
  return {
    id: `${namespace}/${manifest.kind}/${manifest.metadata?.name ?? ''}`,
    namespace,
    labels: { ...(template?.metadata?.labels ?? {}) },
    ports: containerPorts(template?.spec),
    ...(typeof ip === 'string' ? { ip } : {}),
  };
}

/** The ports of a pod spec's containers and sidecar (restartPolicy: Always) init containers. */
export function containerPorts(podSpec: any): ContainerPortInfo[] {
  const sidecars = (podSpec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === 'Always');
  return [...(podSpec?.containers ?? []), ...sidecars].flatMap((c: any) =>
    (c?.ports ?? []).map((p: any) => ({
      ...(p.name !== undefined ? { name: String(p.name) } : {}),
      containerPort: Number(p.containerPort),
      protocol: (p.protocol ?? 'TCP') as Protocol,
    })),
  );
}
