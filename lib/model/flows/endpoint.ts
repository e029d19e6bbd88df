import type { Port } from '../../port';
import { labelsKey } from '../../util/labels';

/** An ipBlock: a CIDR with optional exceptions. */
export interface IpBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/**
 * A peer that standard NetworkPolicy cannot express by itself: rendered per CNI at synth
 * (lib/model/flows/cni-render.ts).
 * @internal
 */
export interface WellKnownPeer {
  /**
   * `fqdn`: DNS names; `kube-apiserver`: the API server; `nodes`: the cluster's nodes;
   * `cilium-ingress`: Cilium's Envoy proxying Ingress and Gateway API traffic (the reserved identity `ingress`).
   */
  readonly kind: 'fqdn' | 'kube-apiserver' | 'nodes' | 'cilium-ingress';
  /** DNS names and patterns (`fqdn` only), sorted. */
  readonly names?: readonly string[];
  /** The CIDRs a generic CNI renders as ipBlocks (API server endpoints, node CIDRs), sorted. */
  readonly cidrs?: readonly string[];
  /** How the user wrote it, for messages: `Peer.fqdn("api.stripe.com")`. */
  readonly description: string;
  /**
   * The field and value behind the names, for errors about them, e.g. `ExternalService shop/db externalName "db.example.com"`.
   * @default - the description
   */
  readonly subject?: string;
  /**
   * The pods look the names up themselves (`Peer.fqdn`), through their resolv.conf search path; an
   * ExternalService's externalName is a CNAME target, resolved as an absolute name (`fqdn` only).
   */
  readonly searchPath?: boolean;
}

/**
 * One end of a flow, resolved to what a NetworkPolicy peer can say: pods (by labels, in one
 * namespace), every pod of a namespace, or IP blocks.
 * @internal
 */
export interface Endpoint {
  /** Canonical identity; two endpoints with the same key select the same traffic. */
  readonly key: string;
  /** Readable name used in policy names (`allow-<from>-to-<to>`). */
  readonly name: string;
  /** The name used from another namespace. @default - `name` */
  readonly qualifiedName?: string;
  /** Namespace of pod endpoints. */
  readonly namespace?: string;
  /** Pod labels; undefined means every pod of `namespace`. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** IP blocks, for endpoints outside the cluster's pod network. */
  readonly ipBlocks?: readonly IpBlock[];
  /** Container ports of the pods, when known: the default destination ports of a flow. */
  readonly ports?: readonly Port[];
  /** A peer rendered per CNI; the endpoint has no namespace or ipBlocks until rendered. */
  readonly wellKnown?: WellKnownPeer;
  /** Cilium FQDN selectors (`matchName` or, with `*`, `matchPattern`), once rendered for Cilium. */
  readonly fqdns?: readonly string[];
  /** Cilium entities (`kube-apiserver`, `host`, `remote-node`, `ingress`), once rendered for Cilium. */
  readonly entities?: readonly string[];
  /**
   * The one workload whose pods the endpoint stands for (a WebApp's Deployment): other workloads
   * whose pods its labels select take its flows, which the verification reports.
   */
  readonly workload?: { readonly kind: string; readonly name: string };
  /** The cluster's nodes (`Peer.nodes()`) once rendered as `ipBlocks` of their CIDRs on a generic CNI. */
  readonly nodes?: boolean;
  /**
   * The pods' container ports as they are at synth, for pods whose ports may be added after a flow
   * is declared (a workload's containers); `ports` holds those at declaration.
   */
  readonly currentPorts?: () => readonly Port[];
}

export { labelsKey };

/** @internal Builds a pods endpoint. */
export function podsEndpoint(
  name: string, namespace: string, podLabels: Readonly<Record<string, string>> | undefined,
  ports?: readonly Port[], qualifiedName?: string,
): Endpoint {
  const key = podLabels ? `pods:${namespace}:${labelsKey(podLabels)}` : `namespace:${namespace}`;
  return { key, name, qualifiedName, namespace, podLabels, ports };
}

/** @internal The endpoint's name as seen from a policy in `namespace`. */
export function nameFrom(ep: Endpoint, namespace: string | undefined): string {
  return ep.namespace !== undefined && ep.namespace !== namespace ? ep.qualifiedName ?? ep.name : ep.name;
}

/** @internal A label map with sorted keys, so output does not depend on declaration order. */
export function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

/** @internal Builds an ipBlock endpoint. */
export function ipBlockEndpoint(name: string, blocks: readonly IpBlock[]): Endpoint {
  const key = 'cidr:' + blocks.map((b) => b.cidr + (b.except?.length ? ` except ${[...b.except].sort().join(',')}` : '')).sort().join(';');
  return { key, name, ipBlocks: blocks };
}

/** @internal Turns free text into a readable DNS-1123 fragment for policy names. */
export function nameFragment(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * @internal The policy-name fragment of a canonical CIDR (`canonicalCidr`): each `:`, `.` and `/`
 * becomes `-`, so `::` shows as `--` (`2001:db8::1/128` is `2001-db8--1-128`, `2001:db8:1::/128` is
 * `2001-db8-1---128`). One character for one character keeps distinct blocks apart; `nameFragment`
 * would fold `::` into one `-`.
 */
export function cidrNameFragment(canonical: string): string {
  return canonical.toLowerCase().replace(/[:./]/g, '-');
}

/** @internal Builds an endpoint for a peer that is rendered per CNI. */
export function wellKnownEndpoint(name: string, peer: WellKnownPeer, ports?: readonly Port[]): Endpoint {
  // The name is part of the identity: a host-network controller and Peer.nodes() stand for the same
  // nodes but are two declarations with their own policy names, which must not depend on which came first.
  const key = `${peer.kind}:${[...(peer.names ?? []), ...(peer.cidrs ?? [])].join(',')}@${name}`;
  return { key, name, wellKnown: peer, ports };
}

