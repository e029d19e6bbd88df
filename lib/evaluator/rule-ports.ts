/**
 * The `ports` list of a NetworkPolicy rule: parsing, and resolution to a
 * concrete {@link PortSet} for one destination (named ports are looked up in
 * the destination pod's container ports).
 */
import type { PortSet } from './port-set';
import { ALL_PORTS, allPortsOf, MAX_PORT, MIN_PORT, NO_PORTS, portRange, union } from './port-set';
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
 * @param where names the list in error messages: `NetworkPolicy <ns>/<name> spec.ingress[0].ports`.
 * @throws Error on an entry the API server refuses ({@link networkPolicyPortProblems}), naming its
 *   field: `<where>[1].port "3000" is invalid: <rule>`. No entry is read as something it is not.
 */
export function parseRulePorts(raw: any[] | undefined, where: string): RulePorts {
  if (!raw || raw.length === 0) return ANY_PORT;
  let fixed = NO_PORTS;
  const named: NamedPort[] = [];
  raw.forEach((entry, i) => {
    const problem = networkPolicyPortProblems(entry)[0];
    if (problem) {
      throw new Error(`${where}[${i}]${problem.field ? `.${problem.field}` : ''} ${showValue(problem.value)} is invalid: ${problem.rule}`);
    }
    const protocol = parseProtocol(entry.protocol, `${where}[${i}]`);
    const port = entry.port;
    if (port === undefined || port === null) fixed = union(fixed, allPortsOf(protocol));
    else if (typeof port === 'number') fixed = union(fixed, portRange(protocol, port, entry.endPort ?? port));
    else named.push({ name: port, protocol });
  });
  return { fixed, named };
}

/** Parses a protocol name; absent means TCP. */
export function parseProtocol(raw: unknown, where: string): Protocol {
  if (raw === undefined || raw === null) return 'TCP';
  if (!PROTOCOLS.includes(raw as Protocol)) throw new Error(`${where}.protocol ${showValue(raw)} is invalid: ${PROTOCOL_RULE}`);
  return raw as Protocol;
}

/**
 * One field of a NetworkPolicyPort the API server refuses: `field` is `protocol`, `port` or
 * `endPort`, or empty when the entry itself is not an object.
 * @jsii ignore
 */
export interface PortFieldProblem {
  readonly field: '' | 'protocol' | 'port' | 'endPort';
  readonly value: unknown;
  readonly rule: string;
}

const PROTOCOL_RULE = 'must be "TCP", "UDP" or "SCTP" (in capitals)';
const PORT_NUMBER_RULE = 'must be a port number from 1 to 65535';

/**
 * What the API server refuses in one entry of a NetworkPolicy rule's `ports`, field by field, as
 * `ValidateNetworkPolicyPort` (kubernetes `pkg/apis/networking/validation/validation.go`) and the
 * decoding of `port` (int or string) and `endPort` (int32) do: a protocol other than TCP, UDP and
 * SCTP; a numeric port outside 1-65535 (cdk8s-plus's `NetworkPolicyPort.allTcp()` writes port 0);
 * a string port that is not an IANA service name (`"3000"` is a name to the API server, and a name
 * needs a letter); `endPort` without a numeric `port`, below it, or outside 1-65535.
 * Empty when the API server accepts the entry.
 */
export function networkPolicyPortProblems(entry: unknown): PortFieldProblem[] {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return [{ field: '', value: entry, rule: 'must be an object such as { port: 443, protocol: "TCP" }' }];
  }
  const { protocol, port, endPort } = entry as { protocol?: unknown; port?: unknown; endPort?: unknown };
  const out: PortFieldProblem[] = [];
  if (protocol !== undefined && protocol !== null && !PROTOCOLS.includes(protocol as Protocol)) {
    out.push({ field: 'protocol', value: protocol, rule: PROTOCOL_RULE });
  }
  const hasEnd = endPort !== undefined && endPort !== null;
  if (port === undefined || port === null) {
    if (hasEnd) out.push({ field: 'endPort', value: endPort, rule: 'may not be given without port (leave both out to allow every port)' });
    return out;
  }
  if (typeof port === 'string') {
    const rule = /^\d+$/.test(port)
      ? 'a quoted number is a port name to the API server, and a port name needs a letter: write the port number without quotes'
      : ianaSvcNameProblem(port);
    if (rule) out.push({ field: 'port', value: port, rule });
    if (hasEnd) out.push({ field: 'endPort', value: endPort, rule: `may not be given when port is a name (${JSON.stringify(port)})` });
    return out;
  }
  if (!isPortNumber(port)) {
    let rule = typeof port === 'number' ? PORT_NUMBER_RULE : 'must be a port number or a container port name';
    if (port === 0 && endPort === MAX_PORT) {
      rule += ` (cdk8s-plus's NetworkPolicyPort.allTcp() and allUdp() write port 0 to endPort 65535, which the API server refuses: `
        + 'cdk8s-team/cdk8s-plus#4395)';
    }
    out.push({ field: 'port', value: port, rule });
  }
  if (hasEnd) {
    if (!isPortNumber(endPort)) out.push({ field: 'endPort', value: endPort, rule: PORT_NUMBER_RULE });
    else if (typeof port === 'number' && endPort < port) out.push({ field: 'endPort', value: endPort, rule: `must not be below port (${port})` });
  }
  return out;
}

/**
 * Why `name` is not an IANA service name (`IsValidPortName` in k8s.io/apimachinery: 1 to 15
 * lowercase letters, digits and "-", at least one letter, no "--", no "-" at either end), or
 * undefined when it is one. Container port names, named NetworkPolicy and Service target ports.
 */
export function ianaSvcNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 15) return 'must be an IANA service name of 1 to 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'must be an IANA service name: lowercase letters, digits and "-"';
  if (!/[a-z]/.test(name)) return 'must be an IANA service name: at least one letter';
  if (name.includes('--') || name.startsWith('-') || name.endsWith('-')) {
    return 'must be an IANA service name: no "--" and no leading or trailing "-"';
  }
  return undefined;
}

/** An integer from 1 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

/** A value as error messages show it: strings quoted. */
function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
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
