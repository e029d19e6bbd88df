/**
 * Whether an object is namespaced or cluster-scoped, known by API group and kind: the built-in APIs,
 * the custom APIs the library works with, and the CustomResourceDefinitions of the app. A kind's
 * name says nothing (CloudNativePG's `Cluster`, postgresql.cnpg.io, is namespaced).
 */
import { apiGroupOf } from '../evaluator/workloads';
import type { ManifestObject } from './objects';

/** `Namespaced` or `Cluster`, as a CustomResourceDefinition's `spec.scope` says. */
export type Scope = 'Namespaced' | 'Cluster';

/**
 * The cluster-scoped kinds of the built-in API groups; every other kind of these groups is namespaced.
 * From the API server's storage paths (kubernetes test/integration/etcd/data.go, 1.36: a namespaced
 * resource's path holds the namespace) and, for the kinds it does not store, their REST strategies
 * (the reviews of authentication.k8s.io and authorization.k8s.io but LocalSubjectAccessReview; ComponentStatus).
 */
const BUILT_IN_CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  '': ['ComponentStatus', 'Namespace', 'Node', 'PersistentVolume'],
  'admissionregistration.k8s.io': ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'apps': [],
  'authentication.k8s.io': ['SelfSubjectReview', 'TokenReview'],
  'authorization.k8s.io': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  'autoscaling': [],
  'batch': [],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'coordination.k8s.io': [],
  'discovery.k8s.io': [],
  'events.k8s.io': [],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'policy': ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'DeviceTaintRule', 'ResourcePoolStatusRequest', 'ResourceSlice'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass'],
  'storagemigration.k8s.io': ['StorageVersionMigration'],
};

/**
 * Calico's kinds, the same in its v3 API (projectcalico.org, `+genclient:nonNamespaced` in
 * projectcalico/api pkg/apis/projectcalico/v3) and its CRDs (crd.projectcalico.org, calico
 * libcalico-go/config/crd): its policies and the cluster-wide configuration a platform app may hold.
 */
const CALICO = {
  cluster: ['BGPConfiguration', 'BGPFilter', 'BGPPeer', 'CalicoNodeStatus', 'ClusterInformation', 'FelixConfiguration', 'GlobalNetworkPolicy',
    'GlobalNetworkSet', 'HostEndpoint', 'IPPool', 'IPReservation', 'KubeControllersConfiguration', 'StagedGlobalNetworkPolicy', 'Tier'],
  namespaced: ['NetworkPolicy', 'NetworkSet', 'StagedKubernetesNetworkPolicy', 'StagedNetworkPolicy'],
};

/**
 * Kinds of custom APIs the library renders, reads or names, by group, with their scope (from their
 * CustomResourceDefinitions; checked against each project's CRDs on 2026-12-03). Other kinds of these
 * groups are not known: new ones appear with each release.
 */
const CUSTOM_SCOPES: Readonly<Record<string, { readonly cluster: readonly string[]; readonly namespaced: readonly string[] }>> = {
  'gateway.networking.k8s.io': {
    cluster: ['GatewayClass'],
    namespaced: ['BackendTLSPolicy', 'Gateway', 'GRPCRoute', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute'],
  },
  'cilium.io': {
    cluster: ['CiliumCIDRGroup', 'CiliumClusterwideEnvoyConfig', 'CiliumClusterwideNetworkPolicy', 'CiliumEgressGatewayPolicy', 'CiliumIdentity',
      'CiliumNode'],
    namespaced: ['CiliumEndpoint', 'CiliumEnvoyConfig', 'CiliumLocalRedirectPolicy', 'CiliumNetworkPolicy', 'CiliumNodeConfig'],
  },
  'cert-manager.io': { cluster: ['ClusterIssuer'], namespaced: ['Certificate', 'CertificateRequest', 'Issuer'] },
  'argoproj.io': {
    cluster: ['ClusterAnalysisTemplate'],
    namespaced: ['AnalysisRun', 'AnalysisTemplate', 'Application', 'ApplicationSet', 'AppProject', 'Experiment', 'Rollout'],
  },
  'apps.kruise.io': { cluster: [], namespaced: ['CloneSet', 'DaemonSet', 'StatefulSet'] },
  // AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) were removed upstream for ClusterNetworkPolicy (network-policy-api 63b3bb3).
  'policy.networking.k8s.io': { cluster: ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'], namespaced: [] },
  'projectcalico.org': CALICO,
  'crd.projectcalico.org': CALICO,
};

/** The scope of a kind of an API group the library knows, or undefined. */
export function knownScope(group: string, kind: string): Scope | undefined {
  const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
  if (has(BUILT_IN_CLUSTER_SCOPED, group)) return BUILT_IN_CLUSTER_SCOPED[group].includes(kind) ? 'Cluster' : 'Namespaced';
  if (!has(CUSTOM_SCOPES, group)) return undefined;
  const custom = CUSTOM_SCOPES[group];
  return custom.cluster.includes(kind) ? 'Cluster' : custom.namespaced.includes(kind) ? 'Namespaced' : undefined;
}

/**
 * The scope of each object's kind: what a CustomResourceDefinition of the app says (`spec.group`,
 * `spec.names.kind`, `spec.scope`), else what the library knows; undefined when neither says.
 */
export function scopeReader(objects: readonly ManifestObject[]): (obj: ManifestObject) => Scope | undefined {
  const defined = new Map<string, Scope>();
  for (const crd of objects) {
    const json = crd.json;
    if (json?.kind !== 'CustomResourceDefinition' || apiGroupOf(json?.apiVersion) !== 'apiextensions.k8s.io') continue;
    const scope: unknown = json?.spec?.scope;
    if (scope === 'Namespaced' || scope === 'Cluster') defined.set(`${json?.spec?.group}/${json?.spec?.names?.kind}`, scope);
  }
  return (obj) => {
    const group = apiGroupOf(obj.json?.apiVersion);
    const kind = obj.json?.kind;
    if (group === undefined || typeof kind !== 'string') return undefined;
    return defined.get(`${group}/${kind}`) ?? knownScope(group, kind);
  };
}
