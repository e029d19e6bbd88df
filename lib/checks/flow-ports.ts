/**
 * `flow-target-port`: a declared flow towards pods the app defines must name ports those pods
 * listen on. NetworkPolicies match the pod's (container) port, never the Service port, so a flow
 * on the Service port, on a name no container declares, or on a port nothing listens on renders a
 * rule that admits nothing useful while the real traffic is dropped.
 */
import type { CheckContext } from './context';
import type { DeclaredFlow as Flow, DeclaredPort as Port } from './declared';
import type { Finding } from './finding';
import type { GroupInfo } from './group-info';
import { compare, formatLabels } from './objects';

/** Check name of a flow on a port the destination pods do not listen on. */
export const FLOW_TARGET_PORT = 'flow-target-port';
/** Check name of a flow from a zero-trust pod on a port name towards a destination that includes pods the app does not define. */
export const FLOW_PORT_UNVERIFIED = 'flow-port-unverified';

/**
 * The text form of the calls that declared a flow, e.g. `shop/orders.allowFrom()`, sorted: a flow
 * declared from both ends keeps its calls in declaration order, and a warning's text lands in the
 * report, which must not depend on that order.
 */
export function declaredByText(flow: Flow): string {
  return [...(flow.calls?.length ? flow.calls : flow.declaredBy.map((p) => `${p} (${flow.kind} flow)`))].sort(compare).join(', ');
}

function listens(g: GroupInfo, port: Port): boolean {
  const protocol = port.protocol as string;
  return (g.group.ports ?? []).some((c) => (c.protocol ?? 'TCP') === protocol && (typeof port.number === 'string'
    ? c.name === port.number
    : c.containerPort >= port.number && c.containerPort <= (port.endPort ?? port.number)));
}

function declaredPorts(groups: readonly GroupInfo[]): string {
  const all = groups.flatMap((g) => (g.group.ports ?? []).map((c) => `${c.protocol ?? 'TCP'}/${c.containerPort}${c.name ? ` (${c.name})` : ''}`));
  const unique = [...new Set(all)].sort(compare);
  return unique.length ? unique.join(', ') : 'no container ports';
}

/** Service ports in `namespace` whose selector picks one of `groups`, with `port` as their Service port. */
function serviceMappings(context: CheckContext, namespace: string, groups: readonly GroupInfo[], port: Port): string[] {
  if (typeof port.number !== 'string' && port.endPort === undefined) {
    const out: string[] = [];
    for (const svc of context.ofKind('Service')) {
      if ((svc.json?.metadata?.namespace ?? 'default') !== namespace) continue;
      const selector: Record<string, string> = svc.json?.spec?.selector ?? {};
      if (Object.keys(selector).length === 0) continue;
      if (!groups.some((g) => Object.entries(selector).every(([k, v]) => g.group.labels[k] === v))) continue;
      for (const p of svc.json?.spec?.ports ?? []) {
        if (p?.port === port.number && String(p?.protocol ?? 'TCP') === port.protocol) {
          out.push(`Service ${namespace}/${svc.json?.metadata?.name} maps its port ${p.port} to targetPort ${p.targetPort ?? p.port}`);
        }
      }
    }
    return out.sort(compare);
  }
  return [];
}

/**
 * Checks every declared flow whose destination is pods of the app (a WebApp, `Peer.workload`, or
 * `Peer.pods` that selects the app's workloads): each port must be one that some selected pod
 * declares as a container port (a range must contain one). A flow out of a zero-trust namespace on
 * a port name towards a namespace the app does not fully define cannot be checked for the pods
 * there the app does not define: which number each of them gives the name is unknown, so the
 * verification and the report leave them out, and a warning says so.
 * @param select the workload groups a flow's destination selects
 * @param zeroTrust the zero-trust namespaces, whose pods' egress is rendered
 */
export function checkFlowPorts(
  flows: readonly Flow[], context: CheckContext, select: (flow: Flow) => readonly GroupInfo[], zeroTrust: ReadonlySet<string> = new Set(),
): Finding[] {
  const findings: Finding[] = [];
  for (const flow of flows) {
    const to = flow.to;
    if (to.namespace === undefined) continue;
    const unverified = unverifiedPortNames(flow, context, select, zeroTrust);
    if (unverified) findings.push(unverified);
    if (to.podLabels === undefined) continue; // a whole namespace: any pod there may listen
    const dsts = select(flow).filter((g) => g.object !== undefined);
    if (dsts.length === 0) continue; // pods outside the app: their ports are not known
    const dead = flow.ports.filter((p) => !dsts.some((g) => listens(g, p)));
    if (dead.length === 0) continue;
    const names = dsts.map((g) => g.group.id).sort(compare).join(', ');
    const mappings = dead.flatMap((p) => serviceMappings(context, to.namespace!, dsts, p));
    findings.push({
      check: FLOW_TARGET_PORT,
      severity: 'error',
      related: dsts.map((g) => ({ kind: g.kind, namespace: g.group.namespace, name: g.name, path: g.object!.path })),
      message: `${declaredByText(flow)}: ports ${dead.map(String).join(', ')} is invalid: the destination `
        + `${to.namespace}/${to.name} ${formatLabels(to.podLabels)} (${names}) does not listen on ${dead.length === 1 ? 'it' : 'them'}, `
        + `it declares ${declaredPorts(dsts)}; NetworkPolicies match the pod's container port, not the Service port, so this rule admits nothing`
        + `${mappings.length ? ` (${mappings.join('; ')})` : ''}`,
      fix: `name a container port the destination declares (${declaredPorts(dsts)}), or leave the ports out to allow every port it declares`,
    });
  }
  return findings;
}

/**
 * A flow from a zero-trust pod on port names, towards a namespace the app does not fully define
 * (not zero-trust, or shared): the rendered egress rule keeps the names (the library gives them
 * numbers only in namespaces it owns, see `model/flows/egress-ports.ts`), so it admits whatever
 * port each pod there that the rule selects gives that name, and only the cluster knows the pods
 * outside the app. The app's own pods the destination selects are verified and listed; the others
 * are not, even when the destination also selects app workloads.
 */
function unverifiedPortNames(
  flow: Flow, context: CheckContext, select: (flow: Flow) => readonly GroupInfo[], zeroTrust: ReadonlySet<string>,
): Finding | undefined {
  const to = flow.to;
  const names = flow.ports.filter((p) => typeof p.number === 'string');
  if (names.length === 0 || flow.from.namespace === undefined || !zeroTrust.has(flow.from.namespace)) return undefined;
  if (context.ownedNamespaces.has(to.namespace!)) return undefined;
  const pods = to.podLabels ? `${to.namespace}/${to.name} ${formatLabels(to.podLabels)}` : `every pod of namespace ${to.namespace}`;
  const own = select(flow).filter((g) => g.object !== undefined).map((g) => g.group.id).sort(compare);
  return {
    check: FLOW_PORT_UNVERIFIED,
    severity: 'warning',
    related: [],
    message: `${declaredByText(flow)}: ports ${names.map(String).join(', ')} is invalid: `
      + `the destination (${pods}) includes pods the app does not define, so which port number each of them gives that name is unknown `
      + 'here: the egress rule admits it, but the flow verification cannot check the flow to them and the network report does not list it'
      + (own.length ? ` (only to the app's own pods there: ${own.join(', ')})` : ''),
    fix: 'give the number (Port.tcp(9091), say) if those pods all use one; otherwise skip this check for the app '
      + `(NetworkModel.configure({ skipChecks: ['${FLOW_PORT_UNVERIFIED}'] }))`,
  };
}
