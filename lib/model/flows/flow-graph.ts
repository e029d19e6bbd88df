import type { Port } from '../../port';
import { uniquePorts } from '../../port';
import type { Endpoint } from './endpoint';
import type { DeclaredFlow, FlowKind } from '../../checks/declared';

export type { FlowKind };

/**
 * One declared allow: traffic from `from` to `to` on `ports`, as the verification reads it
 * (`DeclaredFlow`), with the model's endpoints and ports.
 * @internal
 */
export interface Flow extends DeclaredFlow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** Destination ports; sorted and unique. */
  readonly ports: readonly Port[];
  /** Whether a declaration left the ports to the destination's defaults (`Peer.kubeApiServer()`: 443 and 6443). */
  readonly portsDefaulted?: boolean;
  /** Fixed policy names, for well-known flows such as DNS. */
  readonly egressPolicyName?: string;
  readonly ingressPolicyName?: string;
}

/**
 * Where and by which call a flow was declared, as the error format's `<construct path>: <field>`
 * (`shop/api: allowEgressTo`), read from its calls (`shop/api.allowEgressTo(...)`); `flow` stands
 * for the field of a declarer without a recorded call.
 * @internal
 */
export function declaredAs(flow: Flow): string {
  return flow.declaredBy.map((path) => {
    const fields = (flow.calls ?? []).filter((c) => c.startsWith(`${path}.`)).map((c) => /^[\w.]+/.exec(c.slice(path.length + 1))?.[0] ?? 'flow');
    return `${path}: ${[...new Set(fields.length ? fields : ['flow'])].join('/')}`;
  }).join(', ');
}

/**
 * The flow graph: every declared allow recorded once. Declaring the same pair again merges its
 * ports, so a repeated declaration is idempotent and one pair gives one rule per side.
 * @internal
 */
export class FlowGraph {
  private readonly byPair = new Map<string, Flow>();

  /** Records a flow, merging it with an earlier one for the same pair. */
  public add(flow: Flow): Flow {
    const key = FlowGraph.pairKey(flow.from, flow.to);
    const prior = this.byPair.get(key);
    const merged: Flow = prior
      ? {
        ...prior,
        // The same pods named twice (Peer.workload and Peer.pods with its labels) keep the name that
        // sorts first, so policy names do not depend on declaration order.
        from: firstByName(prior.from, flow.from),
        to: firstByName(prior.to, flow.to),
        ports: uniquePorts([...prior.ports, ...flow.ports]),
        declaredBy: [...new Set([...prior.declaredBy, ...flow.declaredBy])],
        calls: [...new Set([...prior.calls ?? [], ...flow.calls ?? []])],
        ...(prior.portsDefaulted || flow.portsDefaulted ? { portsDefaulted: true } : {}),
      }
      : { ...flow, ports: uniquePorts(flow.ports) };
    this.byPair.set(key, merged);
    return merged;
  }

  /**
   * Every flow, in a stable order that does not depend on declaration order. A flow that took its
   * destination's ports also gets the ports the destination gained since (a container added to a
   * workload after the flow was declared).
   */
  public get flows(): Flow[] {
    return [...this.byPair.keys()].sort().map((k) => withCurrentPorts(this.byPair.get(k)!));
  }

  /** The number of recorded flows. */
  public get size(): number {
    return this.byPair.size;
  }

  private static pairKey(from: Endpoint, to: Endpoint): string {
    return `${from.key} -> ${to.key}`;
  }
}

/** Of two endpoints with one key, the one whose name (then qualified name) sorts first. */
function firstByName(a: Endpoint, b: Endpoint): Endpoint {
  const text = (e: Endpoint) => `${e.name} ${e.qualifiedName ?? ''}`;
  return text(b) < text(a) ? b : a;
}

/** A flow with the ports its destination has now, when it took the destination's ports. */
function withCurrentPorts(flow: Flow): Flow {
  const current = flow.portsDefaulted ? flow.to.currentPorts?.() : undefined;
  if (!current) return flow;
  const ports = uniquePorts([...flow.ports, ...current]);
  return ports.length === flow.ports.length ? flow : { ...flow, ports };
}
