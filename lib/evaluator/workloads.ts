/**
 * Pod groups from workload manifests: one group per pod template.
 */
import { DEFAULT_NAMESPACE } from './policy';
import type { ContainerPortInfo, PodGroup, Protocol } from './types';

/** Where each supported kind keeps its pod template (`[]`: the object is the pod). */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  // Argo Rollouts' Deployment replacement, common where Argo CD deploys.
  Rollout: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

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
 * One {@link PodGroup} per pod template of the Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, ReplicationControllers, Argo Rollouts, Jobs, CronJobs and bare Pods among `manifests`.
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

/** The keys leading from a workload manifest of `kind` to its pod template (`[]` for a Pod), or undefined for other kinds. */
export function podTemplatePath(kind: unknown): readonly string[] | undefined {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined;
}

/**
 * The field path of a workload's pod spec, for messages: `spec` (Pod), `spec.template.spec`,
 * `spec.jobTemplate.spec.template.spec` (CronJob); `spec.template.spec` for a kind it does not know.
 */
export function podSpecField(kind: unknown): string {
  return [...podTemplatePath(kind) ?? ['spec', 'template'], 'spec'].join('.');
}

/** The pod template (`{ metadata, spec }`) of a workload manifest, or undefined for other kinds. */
export function podTemplateOf(manifest: any): any | undefined {
  const path = POD_TEMPLATE_PATHS[manifest?.kind];
  if (!path) return undefined;
  return path.reduce((node, key) => node?.[key], manifest);
}

function podGroupOf(manifest: any, template: any): PodGroup {
  const namespace: string = manifest.metadata?.namespace ?? DEFAULT_NAMESPACE;
  const ip: unknown = manifest.kind === 'Pod' ? manifest.status?.podIP : undefined;
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
