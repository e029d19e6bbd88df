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
 *   they stand for.
 * - `Cni.cilium()`: standard NetworkPolicy for pods and IP blocks, plus a CiliumNetworkPolicy for
 *   each flow to a DNS name (`toFQDNs` and the DNS visibility rule), the API server (entity
 *   `kube-apiserver`) or the nodes (entities `host` and `remote-node`).
 * - `Cni.flannel()`: the output is the generic one, and synth warns that nothing is enforced.
 */
export class Cni {
  /** A CNI that enforces standard NetworkPolicy only (Calico, Weave, Antrea, kube-router...). */
  public static generic(): Cni {
    return new Cni(CniKind.GENERIC, true);
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
