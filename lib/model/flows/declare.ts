import type { IConstruct } from 'constructs';
import { NetworkModel } from '../network-model';
import type { Port } from '../../port';
import { validatePorts } from '../../port';
import { invalid } from '../../util/validation';
import type { Endpoint } from './endpoint';
import type { Flow, FlowKind } from './flow-graph';

/**
 * Validates and records a flow declared by `scope`. Ports default to the destination's container
 * ports; a destination without known ports needs explicit ones.
 * @internal
 */
export function declareFlow(
  scope: IConstruct, field: string, from: Endpoint, to: Endpoint,
  ports: readonly Port[] | undefined, kind: FlowKind = 'app',
): Flow {
  // A single Port where a list belongs (`{ ports: Port.tcp(443) }` from JavaScript) would fall back to the default ports.
  if (ports !== undefined) validatePorts(scope, `${field} ports`, ports);
  const defaulted = !(ports && ports.length > 0);
  const chosen = defaulted ? to.ports ?? [] : ports;
  if (chosen.length === 0) {
    throw invalid(scope, `${field} ports`, to.name, `"${to.name}" exposes no known port: pass the ports to open, e.g. Port.tcp(8080)`);
  }
  validatePorts(scope, `${field} ports`, chosen);
  const named = to.namespace === undefined ? chosen.findIndex((p) => p.isNamed) : -1;
  if (named >= 0) {
    // The verification skips a port it cannot resolve: without this, such a rule would pass synth and admit nothing.
    throw invalid(scope, `${field} ports[${named}]`, chosen[named].number, `names a container port, and "${to.name}" is not pods: a `
      + 'NetworkPolicy resolves a port name on the destination pods, so towards addresses the rule would admit nothing; give the number, '
      + 'e.g. Port.tcp(443)');
  }
  const call = `${scope.node.path}.${callText(field, from, to)}`;
  return NetworkModel.of(scope)._addFlow({
    from, to, ports: [...chosen], kind, declaredBy: [scope.node.path], calls: [call], ...(defaulted ? { portsDefaulted: true } : {}),
  });
}

/**
 * The call as a reviewer reads it: `allowFrom(production/api)`, `routes -> production/web`, and a
 * peer rendered per CNI as it was written (`allowEgressTo(Peer.fqdn("api.stripe.com"))`), not as
 * the fragment its policy name uses.
 */
function callText(field: string, from: Endpoint, to: Endpoint): string {
  const label = (ep: Endpoint) => ep.wellKnown?.description ?? (ep.namespace !== undefined
    ? `${ep.namespace}/${ep.name}` : (ep.ipBlocks ?? []).map((b) => b.cidr).join(', ') || ep.name);
  if (/^allow(From|IngressFrom)$/.test(field)) return `${field}(${label(from)})`;
  if (/^allow(To|EgressTo)$/.test(field)) return `${field}(${label(to)})`;
  // Routes: without their index, which depends on declaration order (the output must not).
  return `${field.replace(/\[\d+\]/g, '')} -> ${label(to)}`;
}
