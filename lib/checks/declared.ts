/**
 * Declared flows as the verification reads them: plain data, so that checks do not depend on the
 * model. The model's `Flow`, `Endpoint` and `Port` have this shape.
 */

/** Why a flow exists; the report groups flows by it. */
export type FlowKind = 'app' | 'dns' | 'gateway';

/** A destination port of a declared flow: a number (or range start) or a container port name. */
export interface DeclaredPort {
  readonly number: number | string;
  /** The last port of a range. */
  readonly endPort?: number;
  readonly protocol: string;
  /** How the port reads in messages, e.g. `TCP 8080`. */
  toString(): string;
}

/** An IP block of a declared peer. */
export interface DeclaredIpBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** One end of a declared flow: pods by labels in a namespace, every pod of a namespace, IP blocks, DNS names or entities. */
export interface DeclaredEndpoint {
  /** Readable name. */
  readonly name: string;
  /** Namespace of pod endpoints. */
  readonly namespace?: string;
  /** Pod labels; undefined means every pod of `namespace`. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** IP blocks, for endpoints outside the cluster's pod network. */
  readonly ipBlocks?: readonly DeclaredIpBlock[];
  /** Container ports of the pods, when known. */
  readonly ports?: readonly DeclaredPort[];
  /** DNS names and patterns (Cilium `toFQDNs`): the endpoint `fqdn:<name>`. */
  readonly fqdns?: readonly string[];
  /** Cilium entities (`kube-apiserver`, `host`, `remote-node`): the endpoint `entity:<entity>`. */
  readonly entities?: readonly string[];
  /**
   * The one workload (kind and name, in `namespace`) whose pods the endpoint stands for, e.g. a
   * WebApp's Deployment. In a zero-trust namespace, another workload whose pods `podLabels` select
   * takes the flows declared for these pods, which nobody declared for it: `shared-pod-labels`.
   */
  readonly workload?: { readonly kind: string; readonly name: string };
  /** The cluster's nodes (`Peer.nodes()`), rendered as `ipBlocks` of their CIDRs on a generic CNI. */
  readonly nodes?: boolean;
}

/** An address the library made for pods (a WebApp's `url` and `dnsName`). */
export interface ServiceAddress {
  /** The construct path of the app. */
  readonly path: string;
  /** The names a client would use: the DNS name first (the URL contains it), then shorter forms. */
  readonly names: readonly string[];
  /** The pods behind it. */
  readonly endpoint: DeclaredEndpoint;
}

/** A value an app was configured with (an environment variable) that may hold another app's address. */
export interface AddressUse {
  /** The construct path of the app. */
  readonly path: string;
  /** The field, e.g. `env["API_URL"]`. */
  readonly field: string;
  readonly value: string;
  /** The app's pods. */
  readonly endpoint: DeclaredEndpoint;
}

/** A declared allow: traffic from `from` to `to` on `ports`. */
export interface DeclaredFlow {
  readonly from: DeclaredEndpoint;
  readonly to: DeclaredEndpoint;
  readonly ports: readonly DeclaredPort[];
  readonly kind: FlowKind;
  /** Construct paths that declared it. */
  readonly declaredBy: readonly string[];
  /** The calls that declared it, `<construct path>.<call>`, e.g. `shop/ledger.allowFrom(production/api)`. */
  readonly calls?: readonly string[];
}
