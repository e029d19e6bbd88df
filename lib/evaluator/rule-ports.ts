/**
 * The `ports` list of a NetworkPolicy rule: parsing, and resolution to a
 * concrete {@link PortSet} for one destination (named ports are looked up in
 * the destination pod's container ports).
 */
import type { PortSet } from './port-set';
import { ALL_PORTS, allPortsOf, NO_PORTS, portRange, union } from './port-set';
import type { ContainerPortInfo, Protocol } from './types';
import { PROTOCOLS } from './types';

/** A named port of a rule, with the protocol it must be served on. */
export interface NamedPort {
  readonly name: string;
  readonly protocol: Protocol;
}

/**
 * The ports a rule allows: `fixed` does not depend on the destination;
 * `named` ports resolve per destination.
 */
export interface RulePorts {
  readonly fixed: PortSet;
  readonly named: readonly NamedPort[];
}

/** The ports of a rule without a `ports` list: everything. */
export const ANY_PORT: RulePorts = { fixed: ALL_PORTS, named: [] };

/**
 * Parses a rule's `ports` list; an absent or empty list allows every port.
 * @param where names the rule in error messages.
 * @throws Error on an unknown protocol or an inverted `endPort`.
 */
export function parseRulePorts(raw: any[] | undefined, where: string): RulePorts {
  if (!raw || raw.length === 0) return ANY_PORT;
  let fixed = NO_PORTS;
  const named: NamedPort[] = [];
  for (const entry of raw) {
    const protocol = parseProtocol(entry?.protocol, where);
    const port = entry?.port;
    if (port === undefined || port === null) fixed = union(fixed, allPortsOf(protocol));
    else if (typeof port === 'number' || /^\d+$/.test(String(port))) {
      fixed = union(fixed, numericRange(protocol, Number(port), entry.endPort, where));
    } else named.push({ name: String(port), protocol });
  }
  return { fixed, named };
}

/** Parses a protocol name; absent means TCP. */
export function parseProtocol(raw: unknown, where: string): Protocol {
  if (raw === undefined || raw === null) return 'TCP';
  if (!PROTOCOLS.includes(raw as Protocol)) throw new Error(`${where}: unknown protocol '${String(raw)}'`);
  return raw as Protocol;
}

/**
 * The concrete ports a rule allows towards a destination whose container
 * ports are `destinationPorts` (`undefined` for a non-pod destination, where
 * named ports resolve to nothing).
 */
export function resolveRulePorts(ports: RulePorts, destinationPorts: readonly ContainerPortInfo[] | undefined): PortSet {
  if (ports.named.length === 0) return ports.fixed;
  return ports.named.reduce((set, named) => union(set, resolveNamedPort(named, destinationPorts ?? [])), ports.fixed);
}

/** The container ports named `name` and served on `protocol`, as a port set (usually one port or none). */
export function resolveNamedPort(named: NamedPort, destinationPorts: readonly ContainerPortInfo[]): PortSet {
  return destinationPorts
    .filter((p) => p.name === named.name && (p.protocol ?? 'TCP') === named.protocol)
    .reduce((set, p) => union(set, portRange(named.protocol, p.containerPort)), NO_PORTS);
}

function numericRange(protocol: Protocol, port: number, endPort: unknown, where: string): PortSet {
  if (endPort === undefined || endPort === null) return portRange(protocol, port);
  const end = Number(endPort);
  if (!Number.isInteger(end) || end < port) throw new Error(`${where}: endPort ${String(endPort)} is below port ${port}`);
  return portRange(protocol, port, end);
}
