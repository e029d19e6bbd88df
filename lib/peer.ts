import type { IConstruct } from 'constructs';
import type { Endpoint } from './model/flows/endpoint';
import type { IPeer } from './model/peer';
import { cidrNameFragment, ipBlockEndpoint, nameFragment, podsEndpoint, wellKnownEndpoint } from './model/flows/endpoint';
import type { NamespaceRef } from './namespace';
import { namespaceName } from './namespace';
import { Port } from './port';
import type { Rule } from './util/validation';
import {
  check, checkLabels, checkList, checkObject, checkProps, checkSameApp, cidrContains, invalid, parseCidr, parseIp, portNumber, validCidr,
} from './util/validation';

export type { IPeer } from './model/peer';

/** @internal Whether `value` is an `IPeer` (a WebApp or what a `Peer` factory returns). */
export function isPeer(value: unknown): value is IPeer {
  return typeof value === 'object' && value !== null && typeof (value as IPeer)._resolvePeer === 'function';
}

/** @internal Resolves `peer` for a rule declared on `scope`, with an error naming the field when it is not a peer. */
export function resolvePeer(scope: IConstruct, field: string, peer: IPeer, contextNamespace: string): Endpoint {
  if (!isPeer(peer)) throw invalid(scope, field, String(peer), 'must be a WebApp or a Peer (Peer.cidr(), Peer.pods(), ...)');
  checkSameApp(scope, field, peer, OTHER_APP);
  return peer._resolvePeer(scope, field, contextNamespace);
}

/** Why a peer must be of the declaring construct's App. */
const OTHER_APP = 'the flow is rendered by this app, so the other app would never write its side of it (its namespace\'s default-deny '
  + 'would drop the traffic); for pods another app deploys, name them with Peer.pods({ namespace, labels })';

/** A container port of a workload, as `Peer.workload()` reads it. */
export interface WorkloadPort {
  /** The port number. */
  readonly number: number;
  /**
   * `TCP`, `UDP` or `SCTP`.
   * @default TCP
   */
  readonly protocol?: string;
}

/** The name and namespace of a workload (cdk8s's `ApiObjectMetadataDefinition` fits). */
export interface IWorkloadMetadata {
  /** The workload's name. */
  readonly name?: string;
  /** The workload's namespace. */
  readonly namespace?: string;
}

/** The pod template's metadata of a workload (cdk8s's `ApiObjectMetadataDefinition` fits). */
export interface IWorkloadPodMetadata {
  /** The value of a pod template label, if set. */
  getLabel(key: string): string | undefined;
  /**
   * The metadata as Kubernetes JSON: its `labels` select the pods of a workload without a selector
   * (a cdk8s-plus Job or CronJob).
   */
  toJson?(): unknown;
}

/** A container of a workload, for its ports (a cdk8s-plus `Container` fits). */
export interface IWorkloadContainer {
  /** The container's ports. */
  readonly ports: WorkloadPort[];
}

/**
 * What `Peer.workload()` reads from a workload. Any cdk8s-plus Deployment, StatefulSet, DaemonSet,
 * Job or CronJob (cdk8s-plus-27 through cdk8s-plus-33) fits as it is; so does anything else with
 * these members.
 */
export interface IWorkload extends IConstruct {
  /** The workload's metadata: its name and namespace. */
  readonly metadata: IWorkloadMetadata;
  /**
   * The labels the workload selects its pods by (`spec.selector.matchLabels`); none for a workload
   * without a selector (a Job or CronJob), whose pods are selected by their pod template's labels.
   */
  readonly matchLabels: { [key: string]: string };
  /** The pod template's metadata: each selector label must be on it. */
  readonly podMetadata: IWorkloadPodMetadata;
  /** The containers, for their ports: the default destination ports of a flow to the workload. */
  readonly containers: IWorkloadContainer[];
}

/** A workload container port as a `Port`; undefined for a protocol NetworkPolicies cannot name. */
function workloadPort(p: WorkloadPort): Port | undefined {
  switch (p.protocol ?? 'TCP') {
    case 'TCP': return Port.tcp(p.number);
    case 'UDP': return Port.udp(p.number);
    case 'SCTP': return Port.sctp(p.number);
    default: return undefined;
  }
}

/** The string labels of a workload's pod template, when its metadata renders to JSON (cdk8s's does). */
function templateLabels(workload: IWorkload): Record<string, string> {
  const meta = workload.podMetadata;
  const labels = typeof meta.toJson === 'function' ? (meta.toJson() as { labels?: unknown } | null | undefined)?.labels : undefined;
  if (labels === null || typeof labels !== 'object') return {};
  return Object.fromEntries(Object.entries(labels as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Options of `Peer.pods()`. */
export interface PodsPeerOptions {
  /** The pods' labels (all must match). */
  readonly labels: Record<string, string>;
  /**
   * The pods' namespace.
   * @default - the namespace of the app the rule is declared on
   */
  readonly namespace?: NamespaceRef;
  /**
   * A readable name for these pods, used in policy names (`allow-<name>-to-api`).
   * @default - the label values joined with "-", prefixed with the namespace when given
   */
  readonly name?: string;
}

/** Options of `Peer.kubeApiServer()`. */
export interface KubeApiServerPeerOptions {
  /**
   * The API server's endpoint addresses as CIDRs (`kubectl get endpointslices -n default -l
   * kubernetes.io/service-name=kubernetes`), e.g. `['10.0.0.10/32']`. A generic CNI renders them as
   * an ipBlock and needs them; Cilium matches the API server by its `kube-apiserver` entity instead.
   * @default - none: fine on Cilium, an error on a generic CNI
   */
  readonly endpoints?: string[];
  /**
   * The port the API server's endpoints listen on. Pods dial the `kubernetes` Service on 443, but
   * policies see the connection after the Service's address translation, at the endpoint: 6443 on
   * kubeadm, k3s and kind clusters, 443 on EKS, GKE and AKS. Give the one of your cluster (the
   * `ports` of the endpoint slice above) to open only that one: left out, synth warns
   * (`kube-apiserver-port`). Only flows to the API server use it; a flow from it (a webhook) opens
   * the pod's own ports.
   * @default - both 443 and 6443
   */
  readonly endpointPort?: number;
}

/**
 * IPv4 ranges `Peer.internet()` leaves out: RFC 1918 private, RFC 6598 shared address space,
 * loopback and link-local (with the cloud metadata endpoint 169.254.169.254).
 */
const INTERNET_EXCLUDED_V4: readonly string[] = [
  '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
];

/** IPv6 ranges `Peer.internet()` leaves out: unique local (fc00::/7), link-local (fe80::/10) and loopback. */
const INTERNET_EXCLUDED_V6: readonly string[] = ['::1/128', 'fc00::/7', 'fe80::/10'];

/** A readable name that goes into policy names: DNS-1123 label characters, any length. */
const policyNamePart: Rule<string> = (v) => (typeof v === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined
  : 'must be lowercase letters, digits and "-", starting and ending with a letter or digit: it goes into policy names');

/**
 * Factories for who an allow rule names: an app, a cdk8s-plus workload, pods by label, every pod
 * of a namespace, or an IP block outside the cluster.
 *
 * Peers are resolved when a construct uses them, so errors name that construct's path.
 */
export class Peer {
  /** The pods of a `WebApp` (or any other peer): the same as passing the peer itself. */
  public static app(app: IPeer): IPeer {
    return new FnPeer((scope, field, ns) => resolvePeer(scope, field, app, ns));
  }

  /**
   * The pods of a workload the user already has: a cdk8s-plus Deployment, StatefulSet, DaemonSet,
   * Job or CronJob of any cdk8s-plus from 27 to 33 (see `IWorkload`). Its pod selector labels are
   * used (for a workload without a selector, such as a Job or CronJob, its pod template's labels), and
   * its container ports are the default ports (read again at synth, so containers added after the
   * flow is declared count too). The workload must set `metadata.namespace` (directly
   * or through its Chart) and belong to the same cdk8s App as the construct declaring the flow.
   */
  public static workload(workload: IWorkload): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      if (typeof workload !== 'object' || workload === null || typeof workload.node?.path !== 'string' || typeof workload.metadata !== 'object') {
        throw invalid(scope, field, typeof workload === 'object' && workload !== null ? String(workload) : workload,
          'Peer.workload() must be given a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job (see IWorkload)');
      }
      checkSameApp(scope, field, workload, OTHER_APP);
      const where = workload.node.path;
      const labels: Record<string, string> = { ...workload.matchLabels };
      const ns = workload.metadata.namespace;
      if (!ns) {
        throw invalid(scope, field, where, 'a workload peer must have metadata.namespace (set it on the workload or its Chart)');
      }
      if (Object.keys(labels).length === 0) {
        // No selector (cdk8s-plus builds Jobs and CronJobs with `select: false`): the pod template's
        // labels select exactly the pods it makes (cdk8s-plus gives each workload's template a label
        // of its own, cdk8s.io/metadata.addr). The labels the Job controller adds (job-name,
        // controller-uid) are not in the manifest, so nothing here relies on them.
        Object.assign(labels, templateLabels(workload));
        if (Object.keys(labels).length === 0) {
          throw invalid(scope, field, where, 'a workload peer must select its pods, and the workload has no selector (matchLabels) '
            + 'and no pod template labels to select them by; give its pods a label before declaring the flow '
            + '(job.podMetadata.addLabel(\'app\', \'migrate\')), or name them with Peer.pods({ namespace, labels })');
        }
      }
      const missing = Object.keys(labels).filter((k) => workload.podMetadata.getLabel(k) !== labels[k]);
      if (missing.length > 0) {
        throw invalid(scope, field, where, `the workload selects its pods by ${missing.map((k) => `${k}=${labels[k]}`).join(', ')}, `
          + 'which its pod template does not carry: the peer would select no pod');
      }
      const portsNow = () => workload.containers.flatMap((c, i) => c.ports.map((p) => {
        const port = workloadPort(p);
        if (!port) throw invalid(scope, field, `${where} container ${i} port ${p.number} protocol ${p.protocol}`, 'must be TCP, UDP or SCTP');
        return port;
      }));
      // Containers added after the flow is declared open their ports too (read again at synth).
      return { ...podsEndpoint(workload.metadata.name ?? workload.node.id, ns, labels, portsNow()), currentPorts: portsNow };
    });
  }

  /** Every pod of a namespace. */
  public static namespace(ns: NamespaceRef): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      const name = namespaceName(scope, `${field} namespace`, ns);
      return podsEndpoint(`namespace-${name}`, name, undefined);
    });
  }

  /** Pods selected by labels, in the given namespace or the declaring app's namespace. */
  public static pods(options: PodsPeerOptions): IPeer {
    return new FnPeer((scope: IConstruct, field: string, contextNamespace: string): Endpoint => {
      checkProps(scope, `${field} Peer.pods() options`, options, 'labels');
      checkObject(scope, `${field} labels`, options.labels, 'a map of label keys to values');
      const labels = options.labels ?? {};
      if (Object.keys(labels).length === 0) {
        throw invalid(scope, `${field} labels`, labels, 'Peer.pods() needs at least one label; use Peer.namespace() for every pod of a namespace');
      }
      checkLabels(scope, `${field} labels`, labels);
      const ns = options.namespace === undefined ? contextNamespace : namespaceName(scope, `${field} namespace`, options.namespace);
      const values = Object.keys(labels).sort().map((k) => labels[k]).join('-');
      // The name goes into policy names: check it here, where the error can name this construct and
      // field. Its length is left to the policy name (253 characters), checked at synth.
      if (options.name !== undefined) check(scope, `${field} name`, options.name, policyNamePart);
      const name = options.name ?? nameFragment(options.namespace === undefined ? values : `${ns}-${values}`);
      return podsEndpoint(name, ns, { ...labels });
    });
  }

  /**
   * An IP block outside the pod network, e.g. `Peer.cidr('203.0.113.0/24')`.
   * @param exceptions CIDRs inside `block` to leave out (the policy's `ipBlock.except`)
   */
  public static cidr(block: string, exceptions: string[] = []): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      // One block has one text (RFC 5952 for IPv6): two spellings are one peer with one policy name.
      const canonical = validCidr(scope, field, block);
      checkList(scope, `${field} except`, exceptions, 'CIDRs inside the block');
      const except = new Set<string>();
      for (const e of exceptions) {
        except.add(validCidr(scope, `${field} except`, e));
        // The API server refuses an except that is not a strict subset of the block.
        if (!cidrContains(block, e) || parseCidr(e)!.prefix <= parseCidr(block)!.prefix) {
          const rule = `must be a block strictly inside ${JSON.stringify(block)} (the API server refuses the policy otherwise)`;
          throw invalid(scope, `${field} except`, e, rule);
        }
      }
      // The exceptions are part of the name, as of the identity: the block with and without them are two peers.
      const sorted = [...except].sort();
      const name = ['cidr', canonical, ...(sorted.length ? ['except', ...sorted] : [])].map(cidrNameFragment).join('-');
      return ipBlockEndpoint(name, [{ cidr: canonical, except: sorted }]);
    });
  }

  /**
   * Every public IPv4 and IPv6 address: `0.0.0.0/0` and `::/0` minus the ranges that are not the
   * internet: private (RFC 1918,
   * fc00::/7), shared (100.64.0.0/10, carrier-grade NAT, often the node or pod network), loopback
   * and link-local (169.254.0.0/16 with the cloud metadata endpoint 169.254.169.254, fe80::/10).
   *
   * Prefer it to `Peer.cidr('0.0.0.0/0')`, which also opens the metadata endpoint, the VPC and
   * often the cluster itself. Pods and Services whose IPs are public are still included: a
   * NetworkPolicy cannot tell them apart from the internet.
   */
  public static internet(): IPeer {
    return new FnPeer((): Endpoint => ipBlockEndpoint('internet', [
      { cidr: '0.0.0.0/0', except: [...INTERNET_EXCLUDED_V4].sort() },
      { cidr: '::/0', except: [...INTERNET_EXCLUDED_V6].sort() },
    ]));
  }

  /** Any IPv4 address (0.0.0.0/0). Note that this includes pod IPs in most clusters. */
  public static anyIpv4(): IPeer {
    return Peer.cidr('0.0.0.0/0');
  }

  /**
   * A DNS name outside the cluster, e.g. `Peer.fqdn('api.stripe.com')`, or a pattern where `*`
   * matches within one DNS label (`*.stripe.com` matches `api.stripe.com`, not `stripe.com`), for
   * egress only. Needs `Cni.cilium()`: it renders a CiliumNetworkPolicy with `toFQDNs` and the DNS
   * rule that lets Cilium see the lookups. Standard NetworkPolicy sees IP addresses, never names, so
   * on a generic CNI synth fails and says to allow the service's published ranges with `Peer.cidr()`.
   *
   * A name of the cluster is refused: one under the cluster domain (`*.svc.cluster.local`), one
   * ending in `.svc`, or `<service>.<namespace>` of a Service that exists: one of the app (its
   * constructs' and those written by hand with cdk8s or cdk8s-plus), `kubernetes.default` (the API
   * server: use `Peer.kubeApiServer()`) or `kube-dns.kube-system`. The pods' DNS search path
   * (`ndots:5`) tries every name with fewer than five dots as `<name>.svc.<cluster domain>` first.
   * Cilium's `toFQDNs` selects only peers outside the cluster, so the flow would be dead: name the
   * pods instead (the WebApp, `Peer.workload()`, `Peer.pods()`). On Cilium, a `<name>.<namespace>`
   * whose last label is no top-level domain (`postgres.legacy`), or is a namespace of the app or of
   * every cluster, is a `cni-unsupported-feature` warning: a Service of that name may exist.
   */
  public static fqdn(name: string): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      const normalized = check(scope, field, name, fqdnPattern).toLowerCase().replace(/\.$/, '');
      const readable = nameFragment(normalized.replace(/\*/g, 'wildcard'));
      return wellKnownEndpoint(`fqdn-${readable}`, {
        kind: 'fqdn', names: [normalized], description: `Peer.fqdn(${JSON.stringify(name)})`, searchPath: true,
      });
    });
  }

  /**
   * The Kubernetes API server, for operators and controllers that watch the cluster. On Cilium it
   * is the `kube-apiserver` entity; on a generic CNI, an ipBlock of `endpoints`. Its default ports
   * are the endpoint port (see `endpointPort`), not the Service port 443.
   *
   * As a source (admission webhooks, aggregated APIs: `app.allowIngressFrom(Peer.kubeApiServer())`)
   * it matches only where the API server calls pods as itself (kubeadm, k3s, kind). On managed
   * clusters it may not: GKE and AKS tunnel the calls through the konnectivity-agent pods, and
   * Cilium does not see them as the API server on EKS, GKE or AKS; so synth warns
   * (`kube-apiserver-source`) until a flow from the nodes or those pods to the same pods is declared too.
   */
  public static kubeApiServer(options: KubeApiServerPeerOptions = {}): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      checkObject(scope, `${field} Peer.kubeApiServer() options`, options, 'an object { endpoints, endpointPort }, or left out');
      options = options ?? {};
      const endpoints = validCidrs(scope, `${field} endpoints`, options.endpoints);
      const ports = options.endpointPort !== undefined
        ? [Port.tcp(check(scope, `${field} endpointPort`, options.endpointPort, portNumber))]
        : [Port.tcp(443), Port.tcp(6443)];
      return wellKnownEndpoint('kube-apiserver', { kind: 'kube-apiserver', cidrs: endpoints, description: 'Peer.kubeApiServer()' }, ports);
    });
  }

  /**
   * The cluster's nodes: kubelets, host-network pods (a host-network ingress controller), node-local
   * agents. On Cilium, the entities `host` (this node) and `remote-node` (the others); on a generic
   * CNI, an ipBlock of `cidrs`, which it then needs.
   * @param cidrs the nodes' addresses, e.g. the node subnets @default - none: fine on Cilium, an error on a generic CNI
   */
  public static nodes(cidrs?: string[]): IPeer {
    return new FnPeer((scope: IConstruct, field: string): Endpoint => {
      const blocks = validCidrs(scope, `${field} cidrs`, cidrs);
      return wellKnownEndpoint('nodes', { kind: 'nodes', cidrs: blocks, description: 'Peer.nodes()' });
    });
  }

  protected constructor() {}
}

/** A peer resolved by a function: what the `Peer` factories return. */
class FnPeer implements IPeer {
  public constructor(private readonly resolve: (scope: IConstruct, field: string, contextNamespace: string) => Endpoint) {}

  /** @internal */
  public _resolvePeer(scope: IConstruct, field: string, contextNamespace: string): Endpoint {
    return this.resolve(scope, field, contextNamespace);
  }
}

/** A DNS name, or a Cilium pattern where `*` stands for characters within one label. */
const fqdnPattern: Rule<string> = (v) => {
  if (typeof v !== 'string') return 'must be a DNS name such as "api.stripe.com" or a pattern such as "*.stripe.com"';
  const n = v.toLowerCase().replace(/\.$/, '');
  if (parseIp(n) !== undefined) return 'must be a DNS name, not an IP address: use Peer.cidr() for addresses';
  if (n.length === 0 || n.length > 253) return 'must be a DNS name of 1 to 253 characters';
  const labels = n.split('.');
  if (labels.length < 2 && labels[0].includes('*')) {
    return 'must have at least two labels (a name such as "api.stripe.com"); a bare pattern would match every name';
  }
  if (labels.length < 2) {
    return 'must have at least two labels (a name such as "api.stripe.com"): the pods\' DNS search path completes a name of one label to a '
      + 'Service of the cluster or a name of the nodes\' search domains, and tries it as a top-level domain last, which has no address, so '
      + 'toFQDNs matching the name itself never matches';
  }
  if (labels.some((l) => !/^(\*|\*\*|[a-z0-9_*]([-a-z0-9_*]{0,61}[a-z0-9_*])?)$/.test(l))) {
    return 'must be DNS labels of letters, digits, "-" and "_", where "*" matches characters within one label';
  }
  if (labels.slice(1).some((l) => l === '**') || labels[labels.length - 1].includes('*')) {
    return 'may use "**." only as the leftmost label, and no "*" in the top-level domain';
  }
  return undefined;
};

/** Optional CIDRs: each valid, sorted and unique. */
function validCidrs(scope: IConstruct, field: string, blocks: string[] | undefined): string[] | undefined {
  if (blocks === undefined) return undefined;
  checkList(scope, field, blocks, 'CIDRs, or be left out');
  if (blocks.length === 0) throw invalid(scope, field, blocks, 'must list at least one CIDR, or be left out');
  return [...new Set(blocks.map((b, i) => validCidr(scope, `${field}[${i}]`, b)))].sort();
}
