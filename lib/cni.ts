/**
 * The CNI plugin that enforces the app's policies: it decides how peers that standard NetworkPolicy
 * cannot express (DNS names, the API server, nodes) are rendered, and which capability findings synth
 * reports. Chosen once per app with `NetworkModel.of(app).configure({ cni: Cni.cilium() })`.
 */

/** The CNI plugins the library knows. */
export enum CniKind {
  /** Any plugin that enforces `networking.k8s.io/v1` NetworkPolicy and nothing more (Calico, Weave, Antrea...). */
  GENERIC = 'generic',
  /** Cilium: standard NetworkPolicy plus CiliumNetworkPolicy (`cilium.io/v2`). */
  CILIUM = 'cilium',
  /** Flannel: enforces no NetworkPolicy at all. */
  FLANNEL = 'flannel',
}

/** Options of `Cni.generic()`. */
export interface GenericCniOptions {
  /**
   * The cluster's pod address ranges (the pod CIDRs: `--cluster-cidr`, or the VPC subnets pods take
   * their addresses from on EKS and on Azure CNI). On a CNI other than Cilium an ipBlock matches pod
   * addresses too, so a flow to or from a block that covers them admits pods no flow declares:
   * with the pod CIDRs, synth warns exactly where a block covers them (`ipblock-may-match-pods`).
   * On an IPv4-only cluster give its IPv4 ranges alone: no IPv6 block covers them, so
   * `Peer.internet()`'s IPv6 half is then known to hold no pod.
   * @default - unknown: synth warns on every block that reaches into a private range
   * (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), where pods usually live,
   * or over global unicast IPv6 (2000::/3), where pods of IPv6 clusters may have public addresses
   */
  readonly podCidrs?: string[];
}

/** Options of `Cni.cilium()`. */
export interface CiliumOptions {
  /**
   * Whether the agent runs with SCTP enabled (`enable-sctp`, off by default): without it, SCTP
   * flows are dropped, and synth warns about each one.
   * @default false
   */
  readonly sctpEnabled?: boolean;
}

/**
 * The CNI choice of an app.
 *
 * - `Cni.generic()` (the default): standard NetworkPolicy only. `Peer.fqdn()` is an error (a
 *   NetworkPolicy sees IPs, never names); `Peer.kubeApiServer()` and `Peer.nodes()` need the CIDRs
 *   they stand for. An ipBlock matches pod addresses too: with the pod CIDRs
 *   (`Cni.generic({ podCidrs })`) synth warns exactly where a flow's block covers them.
 * - `Cni.cilium()`: standard NetworkPolicy for pods and IP blocks, plus a CiliumNetworkPolicy for
 *   each flow to a DNS name (`toFQDNs` and the DNS visibility rule), the API server (entity
 *   `kube-apiserver`) or the nodes (entities `host` and `remote-node`), and for each flow from Cilium's own
 *   Ingress proxy (`IngressController.cilium()`, entity `ingress`).
 * - `Cni.flannel()`: the output is the generic one, and synth warns that nothing is enforced.
 */
export class Cni {
  /** A CNI that enforces standard NetworkPolicy only (Calico, Weave, Antrea, kube-router, the EKS VPC CNI...). */
  public static generic(options: GenericCniOptions = {}): Cni {
    const podCidrs: unknown = options.podCidrs;
    // Anything but a list goes through as given: NetworkModel.configure() refuses it with the construct path.
    return new Cni(CniKind.GENERIC, true, Array.isArray(podCidrs) ? [...podCidrs] : podCidrs as string[] | undefined);
  }

  /** Cilium: CiliumNetworkPolicies next to the standard policies for what those cannot express. */
  public static cilium(options: CiliumOptions = {}): Cni {
    return new Cni(CniKind.CILIUM, options.sctpEnabled ?? false);
  }

  /** Flannel without a policy engine: nothing is enforced, and synth says so. */
  public static flannel(): Cni {
    return new Cni(CniKind.FLANNEL, false);
  }

  private constructor(
    /** Which plugin. */
    public readonly kind: CniKind,
    /** Whether SCTP flows are enforced as declared (Cilium: only with `enable-sctp`). */
    public readonly sctpEnabled: boolean,
    /** The cluster's pod CIDRs, where known (`Cni.generic({ podCidrs })`). */
    public readonly podCidrs?: string[],
  ) {}

  /** Whether CiliumNetworkPolicies are emitted for DNS names, the API server and the nodes. */
  public get rendersCiliumPolicies(): boolean {
    return this.kind === CniKind.CILIUM;
  }

  /** Whether NetworkPolicies are enforced at all. */
  public get enforcesNetworkPolicy(): boolean {
    return this.kind !== CniKind.FLANNEL;
  }

  /** `Cni.cilium()`, for messages. */
  public toString(): string {
    return `Cni.${this.kind}()`;
  }
}
