/**
 * Guardrails as plain data: what the model records, the checks evaluate and the network report
 * writes, so that `cdk8s-networking diff` can check the same rules on another output.
 */

/**
 * Pods or addresses a guardrail names.
 * @jsii ignore
 */
export interface GuardrailPeer {
  /** The pods' namespace; undefined for addresses. */
  readonly namespace?: string;
  /** Pod labels that must all match; undefined for every pod of the namespace. */
  readonly labels?: Readonly<Record<string, string>>;
  /** CIDRs, for addresses outside the cluster. */
  readonly cidrs?: readonly string[];
  /** CIDRs inside `cidrs` that are not the peer (`Peer.cidr(block, except)`, the private ranges of `Peer.internet()`). */
  readonly except?: readonly string[];
}

/**
 * The kinds of guardrails.
 * @jsii ignore
 */
export type GuardrailKind = 'forbid' | 'require-tls' | 'forbid-internet-egress';

/**
 * One guardrail, as the report writes it.
 * @jsii ignore
 */
export interface Guardrail {
  readonly kind: GuardrailKind;
  /** `forbid(public -> payments)`, `requireTls()`, `forbidInternetEgress()`. */
  readonly name: string;
  readonly reason: string;
  /** The construct path of the scope that declared it. */
  readonly declaredBy: string;
  /** For `forbid`: the sources. */
  readonly from?: GuardrailPeer;
  /** For `forbid`: the destinations. */
  readonly to?: GuardrailPeer;
  /** For `forbid-internet-egress`: sources allowed to reach the internet, or destinations allowed. */
  readonly except?: readonly GuardrailPeer[];
}
