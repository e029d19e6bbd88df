/**
 * Which DNS names are the cluster's own. A DNS-name flow (Cilium's `toFQDNs`) selects peers outside
 * the cluster only: Cilium's policy language documents DNS-based rules as selecting "remote,
 * non-cluster, peers" with the limitations of CIDR rules, which "do not match in-cluster entities
 * (pods or nodes)", and as "intended for external connections" (cilium/cilium
 * Documentation/security/policy/language.rst, sections "DNS based" and "Selecting nodes with CIDR /
 * ipBlock"). A name under the cluster domain resolves to a Service's ClusterIP (or a pod's address),
 * translated to a pod before policy applies ("Layer 4 policies apply to ports after service port
 * mapping"), so a flow to it is dead.
 */
import { isTopLevelDomain } from './tlds';

/** What the app knows of the cluster's names: its DNS domains, the Services and the namespaces it has. @internal */
export interface ClusterNames {
  /** The cluster DNS domains the app uses, `cluster.local` among them; the first one is the one messages show. */
  readonly domains: readonly string[];
  /**
   * The construct path of the app's Service `name` in `namespace`, when the app has one: one a
   * construct of the library declares, or a Service object written by hand (cdk8s, cdk8s-plus).
   */
  serviceAt(namespace: string, name: string): string | undefined;
  /** Whether the app has objects in namespace `name`, or creates it. */
  hasNamespace(name: string): boolean;
}

/** Whether (and why) a DNS name or pattern names the cluster's own names. @internal */
export interface ClusterNameVerdict {
  /** True: every name it matches is the cluster's; false: some may be. */
  readonly certain: boolean;
  /** Why, as a clause: `is under the cluster domain "cluster.local"`. */
  readonly reason: string;
  /**
   * The name is short enough for the pods' search path to complete it to a Service's name, and no
   * Service of that name is known (a warning names the namespace and the Service). Uncertain only.
   */
  readonly service?: { readonly namespace: string; readonly name: string };
  /** What to declare instead, when it is not the pods of a Service (the API server). */
  readonly instead?: string;
}

/**
 * Services every cluster has, under names the pods' search path completes: the API server's
 * `kubernetes` in `default`, which the API server itself keeps (Kubernetes "Accessing the
 * Kubernetes API from a Pod": `kubernetes.default.svc`), and the cluster DNS's `kube-dns` in
 * `kube-system`, the name CoreDNS kept from kube-dns (kubeadm, EKS, GKE, AKS, k3s; coredns/deployment
 * kubernetes/README.md: it re-uses the existing kube-dns Service). Where a cluster lacks one, the
 * name does not resolve at all: `default` and `kube-system` are no top-level domains.
 */
const CLUSTER_SERVICES: Readonly<Record<string, { readonly what: string; readonly instead?: string }>> = {
  'default/kubernetes': {
    what: 'the API server\'s Service "kubernetes" in namespace "default", which every cluster has',
    instead: 'for the API server declare the flow to Peer.kubeApiServer(), which renders it as the API server\'s endpoints '
      + '(or Cilium\'s kube-apiserver entity)',
  },
  'kube-system/kube-dns': {
    what: 'the cluster DNS Service "kube-dns" in namespace "kube-system" (the name CoreDNS keeps on kubeadm, EKS, GKE, AKS and k3s)',
    instead: 'lookups to the cluster DNS need no flow: every ZeroTrustNamespace allows them to its DNS pods (allowDns, dns); for other traffic to '
      + 'those pods declare the flow to them: Peer.pods({ namespace: \'kube-system\', labels: { \'k8s-app\': \'kube-dns\' } })',
  },
};

/** Namespaces every cluster has. */
const CLUSTER_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** A DNS-1123 label: what a namespace name (and a Service's, and a pod's hostname) is. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The Service `name` of `namespace` as messages name it, with what to declare instead; undefined when none is known. */
function knownService(names: ClusterNames, namespace: string, name: string): { what: string; instead?: string } | undefined {
  const path = names.serviceAt(namespace, name);
  if (path) return { what: `the Service of ${path}` };
  return CLUSTER_SERVICES[`${namespace}/${name}`];
}

/** Whether a label of a pattern (where `*` stands for characters within the label) matches a literal label. */
function labelMatches(pattern: string, label: string): boolean {
  if (!pattern.includes('*')) return pattern === label;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.-]/g, '\\$&')).join('[-a-z0-9_]*')}$`);
  return re.test(label);
}

/**
 * Whether `name` (a DNS name, or a Cilium pattern: `*` within one label, `**.` as the leftmost label
 * for one or more labels) is the cluster's own, or may match names of the cluster.
 * @param searchPath the pods look the name up themselves (`Peer.fqdn`), through the search path of
 *   their resolv.conf (`<namespace>.svc.<domain> svc.<domain> <domain>`, `ndots:5`): a name with
 *   fewer than five dots is tried with each suffix first. An ExternalService's externalName is a
 *   CNAME target, which the cluster DNS resolves as an absolute name: no search path.
 * @internal
 */
export function clusterNameVerdict(name: string, searchPath: boolean, names: ClusterNames): ClusterNameVerdict | undefined {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  const multi = labels[0] === '**';
  const fixed = multi ? labels.slice(1) : labels;
  let possible: ClusterNameVerdict | undefined;
  for (const domain of names.domains) {
    const zone = domain.split('.');
    const m = zone.length;
    const tail = fixed.slice(-m);
    if (fixed.length >= m && tail.every((l, i) => l === zone[i])) {
      const where = fixed.length === m && !multi ? 'the' : 'under the';
      const service = serviceOf(fixed.slice(0, fixed.length - m), names);
      return {
        certain: true,
        reason: `is ${where} cluster domain "${domain}"${service ? ` (it is ${service.what})` : ''}, so the cluster DNS answers it with the `
          + 'address of a Service or pod of the cluster',
        ...(service?.instead ? { instead: service.instead } : {}),
      };
    }
    // A pattern may reach under the zone when it has more labels than the zone (or "**." adds them)
    // and its last labels can stand for the zone's.
    const n = Math.min(fixed.length, m);
    const aligned = fixed.slice(fixed.length - n).every((l, i) => labelMatches(l, zone[m - n + i]));
    if (!possible && aligned && (fixed.length > m || multi)) {
      possible = { certain: false, reason: `may match names under the cluster domain "${domain}"` };
    }
  }
  if (searchPath && fixed[fixed.length - 1] === 'svc') {
    const service = serviceOf(fixed, names);
    return {
      certain: true,
      reason: `ends in ".svc"${service ? ` (it is ${service.what})` : ''}, and the pods' DNS search path completes it to `
        + `"${name}.${names.domains[0]}", which the cluster DNS answers with the address of a Service or pod of the cluster`,
      ...(service?.instead ? { instead: service.instead } : {}),
    };
  }
  if (searchPath && !multi && labels.length === 2 && !name.includes('*')) {
    const bare = labels.join('.');
    const tried = `the pods' DNS search path tries "${bare}.svc.${names.domains[0]}" before "${bare}" itself`;
    const service = knownService(names, labels[1], labels[0]);
    if (service) {
      return {
        certain: true,
        reason: `is ${service.what}: ${tried}, and the cluster DNS answers it with the Service's address`,
        ...(service.instead ? { instead: service.instead } : {}),
      };
    }
    // ndots:5: every name with fewer than five dots is tried with the search domains first, so any
    // such name is a Service's when one of that name exists. The app does not know every Service of
    // the cluster: a last label that is no top-level domain, or that is a namespace, may name one.
    const [svc, ns] = labels;
    if (!possible && DNS_LABEL.test(svc) && DNS_LABEL.test(ns)) {
      const why = CLUSTER_NAMESPACES.has(ns) ? `"${ns}" is a namespace of every cluster`
        : names.hasNamespace(ns) ? `"${ns}" is a namespace of the app`
          : !isTopLevelDomain(ns) ? `"${ns}" is no top-level domain of the DNS, so it can only be a name of a private zone or a namespace`
            : undefined;
      if (why) {
        possible = {
          certain: false, service: { namespace: ns, name: svc },
          reason: `${tried} (ndots:5: a name with fewer than five dots is tried with each search domain first), and ${why}: `
            + `if a Service "${svc}" exists in namespace "${ns}" (the app has none), the cluster DNS answers it with the Service's address`,
        };
      }
    }
  }
  return possible;
}

/** The Service known to exist that `<service>.<namespace>.svc` (the labels before the cluster domain) names, if any. */
function serviceOf(rest: readonly string[], names: ClusterNames): { what: string; instead?: string } | undefined {
  if (rest.length !== 3 || rest[2] !== 'svc' || rest.some((l) => l.includes('*'))) return undefined;
  return knownService(names, rest[1], rest[0]);
}
