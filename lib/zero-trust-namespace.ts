import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ipBlockEndpoint, podsEndpoint } from './model/flows/endpoint';
import type { INamespace } from './namespace';
import { NetworkModel } from './model/network-model';
import { Port, Protocol, validatePorts } from './port';
import type { Rule } from './util/validation';
import { check, checkLabels, checkList, checkObject, dns1123Label, invalid, oneOf, validCidr } from './util/validation';
import { PlainApiObject } from './util/api-object';

/** Pod Security Admission levels. */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, seccomp. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations. */
  BASELINE = 'baseline',
  /** Unrestricted: an explicit opt-out. */
  PRIVILEGED = 'privileged',
}

/** Where the cluster DNS answers, for the `allow-dns-egress` policy. */
export interface DnsOptions {
  /**
   * Namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods (CoreDNS keeps the historical `k8s-app: kube-dns`).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Extra DNS addresses outside the pod network, such as NodeLocal DNSCache's link-local
   * `169.254.20.10/32`.
   * @default - none
   */
  readonly cidrs?: string[];
  /**
   * The ports the DNS pods listen on: the container ports, not the Service's. A NetworkPolicy sees
   * a connection after the Service has sent it to a pod, so a Service that maps 53 to another
   * port (OpenShift's `dns-default` maps 53 to 5353) needs that port here, or every lookup is
   * dropped. Port numbers over UDP or TCP only: a name (`Port.named()`) is refused, since the DNS
   * pods are outside the app and not every CNI resolves a port name in an egress rule; a range,
   * since a DNS server listens on one port. `dns.cidrs` keep 53 UDP and TCP: a resolver at an
   * address (NodeLocal DNSCache's) is queried on 53, with no Service in between.
   * @default [Port.udp(53), Port.tcp(53)]
   */
  readonly ports?: Port[];
}

/** The port DNS clients query (resolv.conf has no port): the DNS pods' unless dns.ports says otherwise, and dns.cidrs'. */
const DNS_PORTS = [Port.udp(53), Port.tcp(53)];

/** A DNS port: a number over UDP or TCP. */
const dnsPort: Rule<Port> = (p) => {
  if (p.isNamed) {
    return 'must be a port number: the DNS pods are outside the app, so the number a name stands for is unknown here, and not every '
      + 'CNI resolves a port name in an egress rule; give the number the DNS pods listen on (5353 on OpenShift)';
  }
  if (p.endPort !== undefined && p.endPort !== p.number) return 'must be one port, not a range: a DNS server listens on one port per protocol';
  if (p.protocol !== Protocol.UDP && p.protocol !== Protocol.TCP) return 'must be UDP or TCP: DNS runs over those two';
  return undefined;
};

/** The text form of a port list, order aside. */
function portsKey(ports: readonly Port[]): string {
  return ports.map((p) => p.toString()).sort().join(',');
}

/** Props of a `ZeroTrustNamespace`. */
export interface ZeroTrustNamespaceProps {
  /**
   * The namespace name (a DNS-1123 label). Not a `kube-` namespace: Kubernetes reserves the prefix
   * for its own namespaces, whose pods (`kube-system`'s cluster DNS, kube-proxy, the CNI) the app
   * does not define and default-deny would break.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Extra labels on the Namespace. Not the Pod Security labels (see `podSecurity`) nor
   * `app.kubernetes.io/managed-by`, which the namespace sets itself.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Allow every pod to query the cluster DNS (on 53 UDP and TCP unless `dns.ports` says otherwise). Turning it off breaks every
   * DNS lookup in the namespace unless you allow DNS yourself.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Where the cluster DNS runs (not with `allowDns: false`).
   * @default - CoreDNS pods `k8s-app: kube-dns` in `kube-system`
   */
  readonly dns?: DnsOptions;
  /**
   * The Pod Security Admission level enforced (also used for `audit` and `warn`).
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The Kubernetes version whose Pod Security rules the API server applies (`v1.30`), written as the
   * `pod-security.kubernetes.io/enforce-version` label (and `audit-version`, `warn-version`). Set it to
   * the cluster's version where the rules changed since (a probe's `host` is refused from 1.34 on):
   * the `pod-security` check judges the namespace's workloads at this version.
   * @default - the labels are not written: the API server applies `latest`, and the check the newest rules the library knows
   */
  readonly podSecurityVersion?: string;
}

/**
 * Kubernetes reserves the `kube-` prefix for its own namespaces. `kube-system` holds the cluster
 * DNS, kube-proxy and the CNI's pods, which the app does not define: restricted Pod Security would
 * reject their (privileged) pods, and default-deny would cut CoreDNS off from the API server and
 * its upstream resolvers, breaking name resolution in every namespace.
 */
function notSystemNamespace(name: string): string | undefined {
  return name.startsWith('kube-')
    ? 'the kube- prefix is reserved for Kubernetes system namespaces, whose pods (the cluster DNS, kube-proxy, the CNI) '
      + 'the app does not define; default-deny and restricted Pod Security there would break the cluster. '
      + 'Make the namespaces of your apps zero-trust (their DNS egress to kube-system is allowed for you), '
      + 'and write policies for system components by hand'
    : undefined;
}

/**
 * A Pod Security version label's value: `latest` or `v1.<minor>` (the API server refuses other values:
 * pod-security-admission api/helpers.go `ParseVersion`).
 */
function podSecurityVersion(value: string): string | undefined {
  return typeof value === 'string' && /^(latest|v1\.(0|[1-9]\d*))$/.test(value) ? undefined : 'must be "latest" or "v1.<minor>", such as "v1.30"';
}

/** The Namespace object; cluster-scoped, so it never carries `metadata.namespace`. */
/** The labels the Namespace gets whatever `labels` says: a user value for them would be dropped. */
function ownedLabel(key: string, level: PodSecurityLevel, name: string, version: string | undefined): Rule<string> {
  return (value) => {
    if (/^pod-security\.kubernetes\.io\/(enforce|audit|warn)$/.test(key)) {
      return `is set from podSecurity (${JSON.stringify(level)}) on enforce, audit and warn alike: choose the level with podSecurity`;
    }
    if (version !== undefined && /^pod-security\.kubernetes\.io\/(enforce|audit|warn)-version$/.test(key)) {
      return `is set from podSecurityVersion (${JSON.stringify(version)}) on enforce, audit and warn alike: give the version there only`;
    }
    if (key === 'app.kubernetes.io/managed-by') return 'is set to "cdk8s-networking" by ZeroTrustNamespace';
    if (key === 'kubernetes.io/metadata.name' && value !== name) return `is set by the API server to the namespace name ${JSON.stringify(name)}`;
    return undefined;
  };
}

class ClusterScopedNamespace extends PlainApiObject {
  public toJson(): any {
    const json = super.toJson();
    delete json.metadata.namespace;
    return json;
  }
}

/**
 * A namespace where nothing talks to anything until the program says so.
 *
 * Emits the Namespace with Pod Security Admission labels, a `default-deny` NetworkPolicy that
 * isolates every pod for ingress and egress, and `allow-dns-egress` so that name resolution keeps
 * working. Flows declared between apps (`api.allowFrom(frontend)`) add exactly the allows they need.
 */
export class ZeroTrustNamespace extends Construct implements INamespace {
  /** The namespace name. */
  public readonly name: string;
  /** The Namespace API object. */
  public readonly namespaceObject: ApiObject;
  /** The default-deny NetworkPolicy. */
  public readonly defaultDeny: ApiObject;

  public constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps = {}) {
    super(scope, id);
    checkObject(this, 'props', props, 'an object of ZeroTrustNamespaceProps, or left out');
    props = props ?? {};
    checkObject(this, 'labels', props.labels, 'a map of label keys to values');
    checkObject(this, 'dns', props.dns, 'DNS options { namespace, podLabels, cidrs }');
    checkObject(this, 'dns.podLabels', props.dns?.podLabels, 'a map of label keys to values');
    checkList(this, 'dns.cidrs', props.dns?.cidrs, 'CIDRs');
    this.name = check(this, 'name', props.name ?? id, dns1123Label, notSystemNamespace);
    const level = check(this, 'podSecurity', props.podSecurity ?? PodSecurityLevel.RESTRICTED, oneOf(Object.values(PodSecurityLevel)));
    const version = props.podSecurityVersion === undefined ? undefined
      : check(this, 'podSecurityVersion', props.podSecurityVersion, podSecurityVersion);
    checkLabels(this, 'labels', props.labels ?? {});
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      check(this, `labels[${JSON.stringify(key)}]`, value, ownedLabel(key, level, this.name, version));
    }
    if (props.allowDns === false && props.dns !== undefined) {
      throw invalid(this, 'dns', props.dns,
        'only applies with allowDns: with allowDns false no DNS rule is written, so these options would do nothing');
    }
    const dnsNamespace = check(this, 'dns.namespace', props.dns?.namespace ?? 'kube-system', dns1123Label);
    const dnsLabels = props.dns?.podLabels ?? { 'k8s-app': 'kube-dns' };
    if (Object.keys(dnsLabels ?? {}).length === 0) {
      throw invalid(this, 'dns.podLabels', dnsLabels ?? {},
        'must have at least one label: an empty selector would open port 53 to every pod of the DNS namespace');
    }
    checkLabels(this, 'dns.podLabels', dnsLabels);
    // Canonical (RFC 5952 for IPv6): the API server warns for other spellings in an ipBlock.
    const dnsCidrs = (props.dns?.cidrs ?? []).map((c, i) => ({ cidr: validCidr(this, `dns.cidrs[${i}]`, c) }));
    const dnsPorts = props.dns?.ports === undefined ? DNS_PORTS : validatePorts(this, 'dns.ports', props.dns.ports);
    if (dnsPorts.length === 0) {
      throw invalid(this, 'dns.ports', dnsPorts, 'must list at least one port: a NetworkPolicy rule without ports allows every port');
    }
    dnsPorts.forEach((p, i) => check(this, `dns.ports[${i}]`, p.toString(), () => dnsPort(p)));
    if (props.dns?.ports === undefined && dnsNamespace === 'openshift-dns') {
      throw invalid(this, 'dns.namespace', dnsNamespace, 'needs dns.ports: OpenShift\'s DNS pods (the dns-default DaemonSet) listen on 5353, '
        + 'where the dns-default Service sends port 53, and a NetworkPolicy sees the pods\' port, so the default 53 would drop every lookup; '
        + 'give dns.ports: [Port.udp(5353), Port.tcp(5353)]');
    }

    const model = NetworkModel.of(this);
    model.registerZeroTrustNamespace(this);

    this.namespaceObject = new ClusterScopedNamespace(this, 'Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: this.name,
        labels: {
          ...props.labels,
          'app.kubernetes.io/managed-by': 'cdk8s-networking',
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/warn': level,
          ...version === undefined ? {} : {
            'pod-security.kubernetes.io/enforce-version': version,
            'pod-security.kubernetes.io/audit-version': version,
            'pod-security.kubernetes.io/warn-version': version,
          },
        },
      },
    });

    model.claimName(this, 'default-deny', 'NetworkPolicy', this.name, 'default-deny');
    this.defaultDeny = new PlainApiObject(this, 'DefaultDeny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: this.name },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    if (props.allowDns ?? true) {
      const dnsPods = podsEndpoint('kube-dns', dnsNamespace, dnsLabels);
      // Qualified, so that when the DNS namespace is itself zero-trust, the ingress policies
      // that every namespace's DNS flow renders there have distinct names.
      const from = podsEndpoint('all-pods', this.name, undefined, undefined, `${this.name}-all-pods`);
      const dnsFlow = { from, kind: 'dns' as const, declaredBy: [this.node.path], calls: [`${this.node.path}.allowDns`] };
      // dns.cidrs are queried on 53; with the DNS pods on other ports they get a policy of their own.
      const together = dnsCidrs.length > 0 && portsKey(dnsPorts) === portsKey(DNS_PORTS);
      model._addFlow({
        ...dnsFlow,
        to: together ? { ...dnsPods, key: `${dnsPods.key};${ipBlockEndpoint('dns', dnsCidrs).key}`, ipBlocks: dnsCidrs } : dnsPods,
        ports: dnsPorts,
        egressPolicyName: 'allow-dns-egress',
      });
      if (dnsCidrs.length > 0 && !together) {
        model._addFlow({ ...dnsFlow, to: ipBlockEndpoint('dns', dnsCidrs), ports: DNS_PORTS, egressPolicyName: 'allow-dns-egress-cidrs' });
      }
    }
  }
}
