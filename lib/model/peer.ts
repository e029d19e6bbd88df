import type { IConstruct } from 'constructs';
import type { Endpoint } from './flows/endpoint';

/**
 * The other end of a flow, or a peer a guardrail names: a `WebApp`, or what a `Peer` factory
 * returns (a cdk8s-plus workload, pods by label, every pod of a namespace, an IP block).
 *
 * Declared in the model so that the model's guardrails and the constructs share it; `peer.ts`
 * re-exports it with the `Peer` factories.
 */
export interface IPeer {
  /**
   * @internal Resolves the peer for a rule declared on `scope`.
   * @param contextNamespace the namespace of the declaring app, for peers that default to it
   */
  _resolvePeer(scope: IConstruct, field: string, contextNamespace: string): Endpoint;
}
