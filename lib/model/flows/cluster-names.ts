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

/** What the app knows of the cluster's names: its DNS domains and the Services it declares. @internal */
export interface ClusterNames {
  /** The cluster DNS domains the app uses, `cluster.local` among them; the first one is the one messages show. */
  readonly domains: readonly string[];
  /** The construct path of the app's Service `name` in `namespace`, when the app declares one. */
  serviceAt(namespace: string, name: string): string | undefined;
}

/** Whether (and why) a DNS name or pattern names the cluster's own names. @internal */
export interface ClusterNameVerdict {
  /** True: every name it matches is the cluster's; false: some may be. */
  readonly certain: boolean;
  /** Why, as a clause: `is under the cluster domain "cluster.local"`. */
  readonly reason: string;
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
      return {
        certain: true,
        reason: `is ${where} cluster domain "${domain}"${serviceOf(fixed, m, names)}, so the cluster DNS answers it with the address of a Service `
          + 'or pod of the cluster',
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
    return {
      certain: true,
      reason: `ends in ".svc", and the pods' DNS search path completes it to "${name}.${names.domains[0]}", which the cluster DNS answers `
        + 'with the address of a Service or pod of the cluster',
    };
  }
  if (searchPath && !multi && labels.length === 2 && !name.includes('*')) {
    const path = names.serviceAt(labels[1], labels[0]);
    if (path) {
      return {
        certain: true,
        reason: `is the Service of ${path}: the pods' DNS search path tries "${name}.svc.${names.domains[0]}" before "${name}" itself, `
          + 'and the cluster DNS answers it with the Service\'s address',
      };
    }
  }
  return possible;
}

/** `: it is the Service of <path>` when the labels before the zone are `<service>.<namespace>.svc` of an app's Service. */
function serviceOf(fixed: readonly string[], zoneLength: number, names: ClusterNames): string {
  const rest = fixed.slice(0, fixed.length - zoneLength);
  if (rest.length !== 3 || rest[2] !== 'svc' || rest.some((l) => l.includes('*'))) return '';
  const path = names.serviceAt(rest[1], rest[0]);
  return path ? ` (it is the Service of ${path})` : '';
}
