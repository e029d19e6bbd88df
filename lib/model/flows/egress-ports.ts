import type { IConstruct } from 'constructs';
import { CheckContext } from '../../checks/context';
import { collectObjects } from '../../checks/collect';
import type { PodTemplate } from '../../checks/objects';
import { Port, Protocol, uniquePorts } from '../../port';
import type { Endpoint } from './endpoint';

/** A port of the given protocol and number. */
function numbered(protocol: Protocol, n: number): Port {
  switch (protocol) {
    case Protocol.UDP: return Port.udp(n);
    case Protocol.SCTP: return Port.sctp(n);
    default: return Port.tcp(n);
  }
}

/**
 * The number a named port stands for on the app's pods that `to` selects, when every one of them
 * declares that name (for that protocol) exactly once, with one and the same number; otherwise
 * undefined (no pod of the app, or pods that disagree: the name stays).
 */
export function namedPortNumber(templates: readonly PodTemplate[], port: Port): number | undefined {
  if (!port.isNamed || templates.length === 0) return undefined;
  const numbers = new Set<number>();
  for (const t of templates) {
    const declared = t.ports.filter((c) => c.name === port.number && (c.protocol ?? 'TCP') === port.protocol);
    if (declared.length !== 1) return undefined;
    numbers.add(declared[0].containerPort);
  }
  return numbers.size === 1 ? [...numbers][0] : undefined;
}

/**
 * Resolves the named ports of egress rules to numbers. In an egress rule a named port is resolved
 * against the destination pods, which not every CNI implements, so towards pods the app defines the
 * rule names the number the library already knows; the ingress side keeps the name (resolved on
 * the pods the policy selects, as every CNI does). Only in namespaces whose every pod the app
 * defines: elsewhere pods outside the app may match the selector, and the number would open it on
 * them whatever they name it. Reads the app's workloads once, and only when some egress rule names a port.
 * @param root the construct whose charts hold the workloads (the App)
 * @param owned whether the app defines every pod of a namespace (zero-trust, not shared)
 */
export function egressPortResolver(
  root: IConstruct, owned: (namespace: string) => boolean,
): (to: Endpoint, ports: readonly Port[]) => readonly Port[] {
  let context: CheckContext | undefined;
  return (to, ports) => {
    if (to.namespace === undefined || !owned(to.namespace) || !ports.some((p) => p.isNamed)) return ports;
    context ??= new CheckContext({ objects: collectObjects(root).objects });
    const ns = to.namespace;
    const templates = to.podLabels
      ? context.selectTemplatesByLabels(ns, to.podLabels)
      : context.templates.filter((t) => t.namespace === ns);
    return uniquePorts(ports.map((p) => {
      const n = namedPortNumber(templates, p);
      return n === undefined ? p : numbered(p.protocol, n);
    }));
  };
}
